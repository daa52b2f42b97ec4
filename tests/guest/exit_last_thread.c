// exit (not exit_group) from the only thread ends the process with that status.
// expect-exit: 7
#include "check.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    printf("exit_last_thread: SYS_exit(7)\n");
    fflush(stdout);
    syscall(SYS_exit, 7);
    return 1;
}
