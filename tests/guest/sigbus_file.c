// SIGBUS: an access to a page of a MAP_SHARED or MAP_PRIVATE file mapping wholly past the end of
// the file gives SIGBUS with BUS_ADRERR and si_addr the address; the rest of the file's last page
// reads as zeros. A file truncated under a mapping behaves the same.
#include "check.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jump;
static volatile int caught_sig, caught_code;
static void *volatile caught_addr;

static void leave(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    caught_sig = sig;
    caught_code = si->si_code;
    caught_addr = si->si_addr;
    siglongjmp(jump, 1);
}

static void expect_bus(volatile char *addr, int write)
{
    caught_sig = 0;
    if (sigsetjmp(jump, 1) == 0) {
        if (write)
            *addr = 1;
        else
            (void)*addr;
        CHECK(!"no fault");
    }
    if (caught_sig != SIGBUS || caught_code != BUS_ADRERR || caught_addr != (void *)addr)
        fprintf(stderr, "%s %p: signal %d code %d addr %p\n", write ? "write" : "read",
                (void *)addr, caught_sig, caught_code, caught_addr);
    CHECK(caught_sig == SIGBUS && caught_code == BUS_ADRERR && caught_addr == (void *)addr);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = leave;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGBUS, &sa, NULL) == 0);
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    char path[] = "/tmp/sigbus-test.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(unlink(path) == 0);
    CHECK(write(fd, "x", 1) == 1); /* one byte: the first page only */
    char *map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED);
    CHECK(map[0] == 'x' && map[1] == 0 && map[4095] == 0);
    expect_bus(map + 4096 + 10, 0);
    expect_bus(map + 2 * 4096, 1);
    char *priv = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(priv != MAP_FAILED);
    expect_bus(priv + 4096, 0);
    expect_bus(priv + 4096 + 5, 1);

    /* Grow the file: the page becomes valid. Shrink it again: SIGBUS again. */
    CHECK(ftruncate(fd, 2 * 4096) == 0);
    map[4096 + 10] = 'y';
    CHECK(map[4096 + 10] == 'y');
    CHECK(ftruncate(fd, 100) == 0);
    expect_bus(map + 4096 + 10, 0);
    CHECK(munmap(map, 3 * 4096) == 0);
    CHECK(munmap(priv, 2 * 4096) == 0);
    close(fd);
    printf("sigbus_file: ok\n");
    return 0;
}
