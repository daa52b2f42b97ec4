// The program's code is mapped read-only: writing to it kills the program with SIGSEGV.
// expect-exit: 139
#include "check.h"

static int victim(int x) { return x + 1; }

int main(void)
{
    int (*volatile f)(int) = victim;
    CHECK(f(1) == 2); /* the code is readable and executable */
    volatile unsigned char *code = (volatile unsigned char *)f;
    unsigned char first = code[0];
    printf("write_text_segv: writing the text segment, expect SIGSEGV\n");
    fflush(stdout);
    code[0] = first;
    printf("write_text_segv: still alive\n");
    return 1;
}
