// Touching a page after munmap kills the program with SIGSEGV.
// expect-exit: 139
#include "check.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    volatile char *p = (char *)syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
                                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    p[0] = 1;
    CHECK(syscall(SYS_munmap, p, 4096) == 0);
    printf("munmap_segv: touching the unmapped page, expect SIGSEGV\n");
    fflush(stdout);
    p[0] = 2;
    printf("munmap_segv: still alive after touching an unmapped page\n");
    return 1;
}
