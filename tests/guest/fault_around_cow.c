/* Fault-around maps the cached neighbours of a faulting page of a private file mapping
 * read-only: a later write to one of them must still copy it. The file, a shared mapping of
 * it, another private mapping and another process all keep seeing the file's bytes;
 * MADV_DONTNEED gives the writer the file's bytes back, and munmap/mprotect act on the
 * pre-mapped pages as on any other. */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PAGES 32

static long page;

static unsigned char pattern(long index) { return (unsigned char)(0x40 + index); }

static void check_original(const unsigned char *map, long index)
{
    for (long i = 0; i < page; i += 511)
        CHECK(map[index * page + i] == pattern(index));
}

int main(void)
{
    page = sysconf(_SC_PAGESIZE);
    char path[] = "/tmp/fault-around-cow.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    unsigned char *buf = malloc(page);
    CHECK(buf);
    for (long p = 0; p < PAGES; p++) {
        memset(buf, pattern(p), page);
        CHECK(write(fd, buf, page) == page);
    }

    unsigned char *priv = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(priv != MAP_FAILED);
    unsigned char *shared = mmap(NULL, PAGES * page, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(shared != MAP_FAILED);

    /* A read of one page brings its neighbours in (natively and here); then writes to
     * neighbours that no access has touched yet. */
    check_original(priv, 0);
    check_original(priv, 5);
    for (long p = 1; p < PAGES; p += 3)
        priv[p * page + 17] = 0xee;

    for (long p = 0; p < PAGES; p++) {
        unsigned char want = (p % 3 == 1) ? 0xee : pattern(p);
        CHECK(priv[p * page + 17] == want);
        CHECK(priv[p * page + 16] == pattern(p));
        check_original(shared, p);
        CHECK(pread(fd, buf, page, p * page) == page);
        CHECK(buf[17] == pattern(p));
    }

    /* A second private mapping and another process see the file, not the copies. */
    unsigned char *other = mmap(NULL, PAGES * page, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(other != MAP_FAILED);
    for (long p = 0; p < PAGES; p++)
        check_original(other, p);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        unsigned char *mine = mmap(NULL, PAGES * page, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mine == MAP_FAILED)
            _exit(2);
        for (long p = 0; p < PAGES; p++) {
            if (mine[p * page + 17] != pattern(p))
                _exit(3);
            /* The forked copy of the parent's private mapping keeps the parent's copies. */
            if (priv[p * page + 17] != ((p % 3 == 1) ? 0xee : pattern(p)))
                _exit(4);
        }
        /* A write in the child copies again: the parent must not see it. */
        priv[2 * page + 17] = 0x11;
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(priv[2 * page + 17] == pattern(2));

    /* MADV_DONTNEED drops the private copies: the file's bytes come back. */
    CHECK(madvise(priv, PAGES * page, MADV_DONTNEED) == 0);
    for (long p = 0; p < PAGES; p++)
        check_original(priv, p);

    /* mprotect reaches pre-mapped pages: read-only now, so a write faults. */
    check_original(priv, 8); /* brings 9..15 in again */
    CHECK(mprotect(priv, PAGES * page, PROT_READ) == 0);
    pid_t writer = fork();
    CHECK(writer >= 0);
    if (writer == 0) {
        priv[9 * page] = 1;
        _exit(0);
    }
    CHECK(waitpid(writer, &status, 0) == writer);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);

    /* munmap reaches them too: the range is gone, a touch faults. */
    CHECK(munmap(priv + 8 * page, 8 * page) == 0);
    pid_t reader = fork();
    CHECK(reader >= 0);
    if (reader == 0) {
        volatile unsigned char c = priv[9 * page];
        (void)c;
        _exit(0);
    }
    CHECK(waitpid(reader, &status, 0) == reader);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    check_original(priv, 7);
    check_original(priv, 16);

    puts("fault_around_cow ok");
    return 0;
}
