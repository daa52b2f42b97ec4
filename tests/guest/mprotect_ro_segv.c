// Writing to a page made read-only with mprotect kills the program with SIGSEGV.
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
    CHECK(syscall(SYS_mprotect, p, 4096, PROT_READ) == 0);
    CHECK(p[0] == 1);
    printf("mprotect_ro_segv: writing a read-only page, expect SIGSEGV\n");
    fflush(stdout);
    p[0] = 2;
    printf("mprotect_ro_segv: still alive after writing a read-only page\n");
    return 1;
}
