// A write to address 16 (the never-mapped first page) kills the program with SIGSEGV.
// expect-exit: 139
#include "check.h"

int main(void)
{
    printf("segv_low_address: writing address 16, expect SIGSEGV\n");
    fflush(stdout);
    *(volatile int *)BAD_PTR = 1;
    printf("segv_low_address: still alive\n");
    return 1;
}
