// Calling through a NULL function pointer kills the program with SIGSEGV.
// expect-exit: 139
#include "check.h"

static void (*volatile fn)(void) = NULL;

int main(void)
{
    printf("null_jump: calling address 0, expect SIGSEGV\n");
    fflush(stdout);
    fn();
    printf("null_jump: still alive\n");
    return 1;
}
