// Syscall numbers the kernel does not know give ENOSYS, and the program goes on.
#include "check.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    CHECK_ERR(syscall(1000), ENOSYS);
    CHECK_ERR(syscall(-1), ENOSYS);         /* what ptrace calls "no syscall" */
    CHECK_ERR(syscall(0x7fffffff), ENOSYS);
    CHECK_ERR(syscall(1000, 1, 2, 3, 4, 5, 6), ENOSYS);
    /* Still alive and the real ones still work. */
    CHECK(syscall(SYS_getpid) > 0);
    printf("enosys: ok\n");
    return 0;
}
