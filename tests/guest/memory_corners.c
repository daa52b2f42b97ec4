/* Corners of memory management: mmap's access checks against the descriptor (EACCES, EBADF
 * before EINVAL), mincore (EINVAL, ENOMEM, EFAULT), madvise advice values (EINVAL for unknown
 * ones and for advice that does not fit the mapping, ENOMEM over holes, MADV_DONTNEED zeroing,
 * MADV_DONTFORK and MADV_WIPEONFORK seen by a child), mremap with MREMAP_FIXED and
 * MREMAP_DONTUNMAP, msync and mprotect over holes, and mseal (EPERM for every change). */
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#define SYS_mseal_ 462

static char *map_anon(size_t len, int prot)
{
    char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    return p;
}

/* glibc's mremap passes a stray fifth argument unless MREMAP_FIXED is set: call it raw. */
static long raw_mremap(void *old, size_t old_len, size_t new_len, int flags, void *new_addr)
{
    return syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
}

static void mmap_access(void)
{
    char path[] = "/tmp/memory_corners_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, PAGE) == 0);
    int wronly = open(path, O_WRONLY);
    int rdonly = open(path, O_RDONLY);
    CHECK(wronly >= 0 && rdonly >= 0);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wronly, 0) == MAP_FAILED && errno == EACCES);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wronly, 0) == MAP_FAILED && errno == EACCES);
    CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rdonly, 0) == MAP_FAILED && errno == EACCES);
    char *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, rdonly, 0);
    CHECK(priv != MAP_FAILED);
    CHECK(munmap(priv, PAGE) == 0);
    /* A bad descriptor is EBADF even with a bad offset. */
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 999, 0) == MAP_FAILED && errno == EBADF);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rdonly, 1) == MAP_FAILED && errno == EINVAL);
    /* MADV_REMOVE wants a shared mapping it may write. */
    char *shared_ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rdonly, 0);
    CHECK(shared_ro != MAP_FAILED);
    CHECK_ERR(madvise(shared_ro, PAGE, MADV_REMOVE), EACCES);
    CHECK_ERR(madvise(shared_ro, PAGE, MADV_FREE), EINVAL);
    CHECK_ERR(madvise(shared_ro, PAGE, MADV_WIPEONFORK), EINVAL);
    CHECK(munmap(shared_ro, PAGE) == 0);
    close(wronly);
    close(rdonly);
    close(fd);
    unlink(path);
}

static void mincore_corners(void)
{
    char *a = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
    unsigned char vec[4];
    a[0] = 1;
    CHECK(mincore(a, 4 * PAGE, vec) == 0);
    CHECK(vec[0] & 1);
    CHECK_ERR(mincore(a + 1, PAGE, vec), EINVAL);
    CHECK_ERR(mincore(a, PAGE, BAD_PTR), EFAULT);
    CHECK(mincore(a, 0, vec) == 0);
    CHECK(munmap(a + 3 * PAGE, PAGE) == 0);
    CHECK_ERR(mincore(a, 4 * PAGE, vec), ENOMEM);
    /* msync and mprotect over the hole. */
    CHECK_ERR(msync(a, 4 * PAGE, MS_SYNC), ENOMEM);
    CHECK_ERR(msync(a, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERR(mprotect(a, 4 * PAGE, PROT_READ), ENOMEM);
    CHECK(munmap(a, 3 * PAGE) == 0);
}

static void madvise_values(void)
{
    char *a = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
    memset(a, 7, 4 * PAGE);
    CHECK_ERR(madvise(a, PAGE, 999), EINVAL);
    CHECK_ERR(madvise(a, 0, 999), EINVAL);
    CHECK(madvise(a, 0, MADV_NORMAL) == 0);
    CHECK_ERR(madvise(a + 1, PAGE, MADV_NORMAL), EINVAL);
    CHECK_ERR(madvise(a, PAGE, MADV_HWPOISON), EINVAL);
    int accepted[] = {MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_COLD, MADV_PAGEOUT,
        MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTDUMP, MADV_DODUMP, MADV_KEEPONFORK, MADV_DOFORK};
    for (unsigned i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        CHECK(madvise(a, 4 * PAGE, accepted[i]) == 0);
    CHECK(a[PAGE] == 7);
    CHECK_ERR(madvise(a, PAGE, MADV_REMOVE), EINVAL); /* private memory */
    char *none = map_anon(PAGE, PROT_NONE);
    CHECK_ERR(madvise(none, PAGE, MADV_POPULATE_READ), EINVAL);
    CHECK(munmap(none, PAGE) == 0);

    /* MADV_DONTNEED and MADV_FREE: private anonymous memory reads zero again. */
    CHECK(madvise(a, PAGE, MADV_DONTNEED) == 0);
    CHECK(a[0] == 0 && a[PAGE] == 7);

    /* A hole: the advice reaches the mapped parts, and the answer is ENOMEM. */
    CHECK(munmap(a + 2 * PAGE, PAGE) == 0);
    CHECK_ERR(madvise(a, 4 * PAGE, MADV_DONTNEED), ENOMEM);
    CHECK(a[PAGE] == 0 && a[3 * PAGE] == 0);
    CHECK(munmap(a, 4 * PAGE) == 0);

    /* Fork: MADV_DONTFORK leaves the child without the area, MADV_WIPEONFORK gives it zeros. */
    char *gone = map_anon(PAGE, PROT_READ | PROT_WRITE);
    char *wiped = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
    gone[0] = 1;
    wiped[0] = 2;
    wiped[PAGE] = 3;
    CHECK(madvise(gone, PAGE, MADV_DONTFORK) == 0);
    CHECK(madvise(wiped, PAGE, MADV_WIPEONFORK) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        unsigned char v;
        if (mincore(gone, PAGE, &v) != -1 || errno != ENOMEM)
            _exit(1);
        if (wiped[0] != 0 || wiped[PAGE] != 3)
            _exit(2);
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(gone[0] == 1 && wiped[0] == 2);
    CHECK(munmap(gone, PAGE) == 0 && munmap(wiped, 2 * PAGE) == 0);
}

static void mremap_moves(void)
{
    /* Checks on the flags. */
    char *a = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
    CHECK_ERR(raw_mremap(a, PAGE, PAGE, 8, NULL), EINVAL);
    CHECK_ERR(raw_mremap(a, PAGE, PAGE, MREMAP_FIXED, a + PAGE), EINVAL);
    CHECK_ERR(raw_mremap(a, PAGE, PAGE, MREMAP_DONTUNMAP, NULL), EINVAL);
    CHECK_ERR(raw_mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL), EINVAL);

    /* MREMAP_FIXED: to a chosen place, replacing what was there; never onto itself. */
    char *area = map_anon(6 * PAGE, PROT_READ | PROT_WRITE);
    memset(area, 9, 6 * PAGE);
    area[0] = 5;
    area[PAGE] = 6;
    CHECK_ERR(raw_mremap(area, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, area + PAGE), EINVAL);
    CHECK_ERR(raw_mremap(area, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, area + 4 * PAGE + 1), EINVAL);
    char *to = area + 4 * PAGE;
    CHECK((char *)raw_mremap(area, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to) == to);
    CHECK(to[0] == 5 && to[PAGE] == 6);
    unsigned char v[2];
    CHECK_ERR(mincore(area, 2 * PAGE, v), ENOMEM);
    /* Shrinking while moving. */
    CHECK((char *)raw_mremap(to, 2 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, area) == area);
    CHECK(area[0] == 5);
    CHECK_ERR(mincore(to, PAGE, v), ENOMEM);
    CHECK(munmap(area, 6 * PAGE) == 0);

    /* MREMAP_DONTUNMAP: the pages move, the old range stays mapped and reads zero. */
    char *old = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
    old[0] = 42;
    old[PAGE] = 43;
    char *moved = (char *)raw_mremap(old, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    CHECK(moved != MAP_FAILED && moved != old);
    CHECK(moved[0] == 42 && moved[PAGE] == 43);
    CHECK(old[0] == 0 && old[PAGE] == 0);
    char *target = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
    CHECK((char *)raw_mremap(moved, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP | MREMAP_FIXED, target) == target);
    CHECK(target[0] == 42 && moved[0] == 0);
    CHECK(munmap(old, 2 * PAGE) == 0 && munmap(moved, 2 * PAGE) == 0 && munmap(target, 2 * PAGE) == 0);
}

static void mseal_corners(void)
{
    char *a = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
    CHECK_ERR(syscall(SYS_mseal_, a, PAGE, 1), EINVAL);
    CHECK_ERR(syscall(SYS_mseal_, a + 1, PAGE, 0), EINVAL);
    CHECK(syscall(SYS_mseal_, a, 0, 0) == 0);
    CHECK(syscall(SYS_mseal_, a, PAGE, 0) == 0);
    CHECK_ERR(munmap(a, PAGE), EPERM);
    CHECK_ERR(munmap(a, 4 * PAGE), EPERM);
    CHECK_ERR(mprotect(a, PAGE, PROT_READ), EPERM);
    CHECK_ERR(mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EPERM);
    CHECK(mmap(a, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EPERM);
    /* Writable private memory may still be discarded; read-only may not. */
    a[0] = 1;
    CHECK(madvise(a, PAGE, MADV_DONTNEED) == 0);
    CHECK(a[0] == 0);
    a[0] = 1;
    /* The unsealed rest is free to change. */
    CHECK(mprotect(a + PAGE, PAGE, PROT_READ) == 0);
    CHECK(munmap(a + 2 * PAGE, 2 * PAGE) == 0);
    CHECK(syscall(SYS_mseal_, a + PAGE, PAGE, 0) == 0);
    CHECK_ERR(madvise(a + PAGE, PAGE, MADV_DONTNEED), EPERM);
    char *b = map_anon(PAGE, PROT_READ | PROT_WRITE);
    CHECK_ERR(mremap(b, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a), EPERM);
    CHECK(munmap(b, PAGE) == 0);
    /* Unmapped parts: ENOMEM. */
    CHECK_ERR(syscall(SYS_mseal_, a + 2 * PAGE, PAGE, 0), ENOMEM);
    CHECK(a[0] == 1);
}

int main(void)
{
    mmap_access();
    mincore_corners();
    madvise_values();
    mremap_moves();
    mseal_corners();
    puts("memory_corners: ok");
    return 0;
}
