// exit_group's status is truncated to 8 bits: 0x1234 exits as 0x34.
// expect-exit: 52
#include "check.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    printf("exit_group_status: exiting with 0x1234\n");
    fflush(stdout);
    syscall(SYS_exit_group, 0x1234);
    return 1;
}
