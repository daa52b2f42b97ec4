/* Soft-dirty pages (/proc/PID/pagemap bit 55) and /proc/PID/clear_refs: a new mapping counts
 * as soft-dirty whole; after `echo 4 > clear_refs` only pages written since are, whether the
 * program wrote them, the kernel did (read(2) into them), or they were write-protected and
 * made writable again in between; reads and fresh read faults leave pages clean. clear_refs
 * takes 1 to 5 (EINVAL otherwise) and answers the bytes written. Natively this needs a kernel
 * built with CONFIG_MEM_SOFT_DIRTY: without it bit 55 is never set, and the test says SKIP. */
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

static int pagemap_fd;

static int is_soft_dirty(const volatile char *addr)
{
    uint64_t entry = 0;
    CHECK(pread(pagemap_fd, &entry, sizeof entry, (off_t)((uintptr_t)addr / PAGE * sizeof entry)) == sizeof entry);
    return (entry >> 55) & 1;
}

static void clear_refs(int fd, const char *value)
{
    size_t len = strlen(value);
    CHECK(write(fd, value, len) == (ssize_t)len);
}

int main(void)
{
    pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
    CHECK(pagemap_fd >= 0);
    int refs = open("/proc/self/clear_refs", O_WRONLY);
    CHECK(refs >= 0);

    /* The values clear_refs takes. */
    clear_refs(refs, "1");
    clear_refs(refs, "2");
    clear_refs(refs, "3");
    clear_refs(refs, " 5\n");
    CHECK_ERR(write(refs, "0", 1), EINVAL);
    CHECK_ERR(write(refs, "6", 1), EINVAL);
    CHECK_ERR(write(refs, "x", 1), EINVAL);
    CHECK_ERR(write(refs, "-1", 2), EINVAL);
    CHECK_ERR(syscall(SYS_write, refs, BAD_PTR, 1), EFAULT);

    volatile char *a = mmap(NULL, 6 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    a[0] = 1;
    if (!is_soft_dirty(a)) {
        puts("soft_dirty: SKIP, this kernel has no soft-dirty bits (CONFIG_MEM_SOFT_DIRTY)");
        return 0;
    }
    /* A new mapping is soft-dirty, pages present or not. */
    CHECK(a[PAGE] == 0);
    CHECK(is_soft_dirty(a + PAGE) && is_soft_dirty(a + 5 * PAGE));

    clear_refs(refs, "4");
    for (int i = 0; i < 6; ++i)
        CHECK(!is_soft_dirty(a + i * PAGE));
    a[0] = 2;
    CHECK(is_soft_dirty(a));
    CHECK(!is_soft_dirty(a + PAGE));
    /* A read, and a read fault of a page never touched, leave pages clean. */
    CHECK(a[PAGE] == 0 && a[2 * PAGE] == 0);
    CHECK(!is_soft_dirty(a + PAGE) && !is_soft_dirty(a + 2 * PAGE));
    /* A first write to a page never touched. */
    a[3 * PAGE] = 3;
    CHECK(is_soft_dirty(a + 3 * PAGE));
    /* The kernel writing on the program's behalf. */
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK(write(pipe_fds[1], "abcd", 4) == 4);
    CHECK(read(pipe_fds[0], (char *)a + PAGE, 4) == 4);
    CHECK(is_soft_dirty(a + PAGE));
    CHECK(a[PAGE] == 'a');
    /* Reprotected and made writable again: still clean until written. */
    CHECK(mprotect((char *)a + 2 * PAGE, PAGE, PROT_READ) == 0);
    CHECK(mprotect((char *)a + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE) == 0);
    CHECK(!is_soft_dirty(a + 2 * PAGE));
    a[2 * PAGE] = 4;
    CHECK(is_soft_dirty(a + 2 * PAGE) && a[2 * PAGE] == 4);

    /* Cleared again: everything clean, and writes still land. */
    clear_refs(refs, "4\n");
    for (int i = 0; i < 6; ++i)
        CHECK(!is_soft_dirty(a + i * PAGE));
    for (int i = 0; i < 6; ++i)
        a[i * PAGE] = (char)(10 + i);
    for (int i = 0; i < 6; ++i)
        CHECK(is_soft_dirty(a + i * PAGE) && a[i * PAGE] == (char)(10 + i));

    /* A mapping made after the clear is soft-dirty. */
    clear_refs(refs, "4");
    volatile char *b = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(b != MAP_FAILED);
    CHECK(is_soft_dirty(b));

    close(refs);
    puts("soft_dirty: ok");
    return 0;
}
