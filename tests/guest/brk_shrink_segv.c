// Memory above a break that was lowered is gone: touching it kills with SIGSEGV.
// expect-exit: 139
#include "check.h"
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    uintptr_t base = ((uintptr_t)syscall(SYS_brk, 0) + 4095) & ~4095UL;
    CHECK(syscall(SYS_brk, base + 64 * 4096) == (long)(base + 64 * 4096));
    volatile char *p = (char *)base;
    p[63 * 4096] = 1;
    CHECK(syscall(SYS_brk, base) == (long)base);
    printf("brk_shrink_segv: touching memory above the break, expect SIGSEGV\n");
    fflush(stdout);
    p[63 * 4096] = 2;
    printf("brk_shrink_segv: still alive\n");
    return 1;
}
