// Anonymous private mmap: zeroed, writable, mprotect, partial munmap, MAP_FIXED replacement.
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

static void *map(void *addr, size_t len, int prot, int flags)
{
    return (void *)syscall(SYS_mmap, addr, len, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int main(void)
{
    CHECK(sysconf(_SC_PAGESIZE) == (long)PAGE);

    /* 16 pages: page-aligned, zero, writable; the length need not be a page multiple. */
    size_t len = 16 * PAGE;
    unsigned char *p = map(NULL, len - 100, PROT_READ | PROT_WRITE, 0);
    CHECK(p != MAP_FAILED);
    CHECK(((uintptr_t)p & (PAGE - 1)) == 0);
    CHECK(all_zero(p, len));
    for (size_t i = 0; i < len; i++)
        p[i] = (unsigned char)(i ^ (i >> 12));
    for (size_t i = 0; i < len; i++)
        CHECK(p[i] == (unsigned char)(i ^ (i >> 12)));

    /* Read-only keeps the contents readable. */
    CHECK(syscall(SYS_mprotect, p, len, PROT_READ) == 0);
    for (size_t i = 0; i < len; i += 97)
        CHECK(p[i] == (unsigned char)(i ^ (i >> 12)));
    /* Writable again, for a part of the range (splits the mapping). */
    CHECK(syscall(SYS_mprotect, p + 4 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE) == 0);
    p[4 * PAGE] = 0xaa;
    p[6 * PAGE - 1] = 0xbb;
    CHECK(p[4 * PAGE] == 0xaa && p[6 * PAGE - 1] == 0xbb);
    CHECK(syscall(SYS_mprotect, p, len, PROT_READ | PROT_WRITE) == 0);
    p[0] = 1;
    p[len - 1] = 2;

    /* Unmapping the middle leaves both neighbours intact. */
    CHECK(syscall(SYS_munmap, p + 7 * PAGE, 2 * PAGE) == 0);
    CHECK(p[7 * PAGE - 1] == (unsigned char)((7 * PAGE - 1) ^ 6));
    CHECK(p[9 * PAGE] == (unsigned char)((9 * PAGE) ^ 9));
    /* Unmapping what is not mapped is not an error. */
    CHECK(syscall(SYS_munmap, p + 7 * PAGE, 2 * PAGE) == 0);
    /* The hole can be filled again with MAP_FIXED, and is zero. */
    unsigned char *q = map(p + 7 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_FIXED);
    CHECK(q == p + 7 * PAGE);
    CHECK(all_zero(q, 2 * PAGE));

    /* MAP_FIXED over live pages replaces them with zero pages. */
    q = map(p + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_FIXED);
    CHECK(q == p + 2 * PAGE);
    CHECK(all_zero(q, PAGE));
    CHECK(p[2 * PAGE - 1] == (unsigned char)((2 * PAGE - 1) ^ 1));
    CHECK(p[3 * PAGE] == (unsigned char)((3 * PAGE) ^ 3));
    CHECK(syscall(SYS_munmap, p, len) == 0);

    /* PROT_NONE reserves; mprotect makes it usable. */
    unsigned char *r = map(NULL, 4 * PAGE, PROT_NONE, 0);
    CHECK(r != MAP_FAILED);
    CHECK(syscall(SYS_mprotect, r + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0);
    r[PAGE] = 5;
    r[2 * PAGE - 1] = 6;
    CHECK(r[PAGE] == 5 && r[2 * PAGE - 1] == 6);
    CHECK(syscall(SYS_munmap, r, 4 * PAGE) == 0);

    /* A hint without MAP_FIXED gives some valid mapping. */
    unsigned char *h = map((void *)0x200000000UL, PAGE, PROT_READ | PROT_WRITE, 0);
    CHECK(h != MAP_FAILED);
    h[0] = 1;
    CHECK(syscall(SYS_munmap, h, PAGE) == 0);

    /* Distinct mappings do not overlap, and munmap of one leaves the other. */
    unsigned char *a = map(NULL, PAGE, PROT_READ | PROT_WRITE, 0);
    unsigned char *b = map(NULL, PAGE, PROT_READ | PROT_WRITE, 0);
    CHECK(a != MAP_FAILED && b != MAP_FAILED && a != b);
    a[0] = 'a';
    b[0] = 'b';
    CHECK(syscall(SYS_munmap, a, PAGE) == 0);
    CHECK(b[0] == 'b');
    CHECK(syscall(SYS_munmap, b, PAGE) == 0);

    /* glibc's wrappers and malloc's mmap path (a large block). */
    void *g = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(g != MAP_FAILED);
    CHECK(munmap(g, 3 * PAGE) == 0);
    char *big = malloc(8 << 20);
    CHECK(big != NULL);
    memset(big, 1, 8 << 20);
    CHECK(big[0] == 1 && big[(8 << 20) - 1] == 1);
    free(big);
    printf("mmap_anon: ok\n");
    return 0;
}
