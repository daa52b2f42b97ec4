// sched_yield always succeeds.
#include "check.h"
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    for (int i = 0; i < 1000; i++)
        CHECK(syscall(SYS_sched_yield) == 0);
    CHECK(sched_yield() == 0);
    printf("sched_yield: ok\n");
    return 0;
}
