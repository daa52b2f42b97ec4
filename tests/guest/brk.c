// brk: growth gives zeroed writable memory, shrinking and regrowing gives fresh zero pages,
// impossible requests leave the break where it was.
#include "check.h"
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL
#define MIB (1024UL * 1024)

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int main(void)
{
    /* The raw syscall returns the (new) break; failure leaves it unchanged. No printf before
       the checks: stdio's buffer comes from malloc, which may move the break. */
    uintptr_t cur = syscall(SYS_brk, 0);
    CHECK(cur != 0);
    CHECK(syscall(SYS_brk, 0) == (long)cur);
    uintptr_t base = (cur + PAGE - 1) & ~(PAGE - 1);

    /* Grow by 1 MiB plus an odd amount. */
    uintptr_t end = base + MIB + 123;
    CHECK(syscall(SYS_brk, end) == (long)end);
    CHECK(syscall(SYS_brk, 0) == (long)end);
    unsigned char *p = (unsigned char *)base;
    CHECK(all_zero(p, end - base));
    for (size_t i = 0; i < end - base; i++)
        p[i] = (unsigned char)(i * 7 + 1);
    for (size_t i = 0; i < end - base; i++)
        CHECK(p[i] == (unsigned char)(i * 7 + 1));
    /* The rest of the last page is usable too (the break is rounded up to pages). */
    p[MIB + PAGE - 1] = 1;

    /* Shrink back to a page boundary and grow again: the pages come back zeroed. */
    CHECK(syscall(SYS_brk, base) == (long)base);
    CHECK(syscall(SYS_brk, 0) == (long)base);
    CHECK(syscall(SYS_brk, base + 2 * MIB) == (long)(base + 2 * MIB));
    CHECK(all_zero(p, 2 * MIB));
    p[2 * MIB - 1] = 0xff;

    /* Shrink by less than a page and regrow: the same page stays mapped with its data. */
    CHECK(syscall(SYS_brk, base + 2 * MIB - 10) == (long)(base + 2 * MIB - 10));
    CHECK(syscall(SYS_brk, base + 2 * MIB) == (long)(base + 2 * MIB));
    CHECK(p[2 * MIB - 1] == 0xff);

    /* Below the start of the heap, or absurdly high: refused, break unchanged. */
    CHECK(syscall(SYS_brk, 4096) == (long)(base + 2 * MIB));
    CHECK(syscall(SYS_brk, 0x800000000000UL) == (long)(base + 2 * MIB));
    CHECK(syscall(SYS_brk, ~0UL) == (long)(base + 2 * MIB));
    CHECK(syscall(SYS_brk, 0) == (long)(base + 2 * MIB));

    /* Back to where glibc left it (its sbrk caches the break), then use sbrk. */
    CHECK(syscall(SYS_brk, cur) == (long)cur);
    CHECK((uintptr_t)sbrk(0) == cur);
    void *old = sbrk(PAGE);
    CHECK(old == (void *)cur);
    CHECK(all_zero((unsigned char *)old, PAGE));
    CHECK(sbrk(-(intptr_t)PAGE) == (char *)old + PAGE);
    CHECK(sbrk(0) == old);

    /* And malloc still works on top of it. */
    char *m = malloc(100000);
    CHECK(m != NULL);
    memset(m, 'x', 100000);
    free(m);
    printf("brk: ok\n");
    return 0;
}
