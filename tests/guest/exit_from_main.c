// Returning from main gives the status through glibc's exit (flushing stdio first).
// expect-exit: 42
#include "check.h"

int main(void)
{
    printf("exit_from_main: returning 42, this line is flushed by exit\n");
    return 42;
}
