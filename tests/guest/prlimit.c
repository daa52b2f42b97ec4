// prlimit64 reads the stack and open-file limits; bad resources and pointers fail.
#include "check.h"
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    struct rlimit64 stack, nofile, got;
    memset(&stack, 0, sizeof stack);
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &stack) == 0);
    CHECK(stack.rlim_cur > 0 && stack.rlim_cur <= stack.rlim_max);
    CHECK(stack.rlim_cur >= 128 * 1024 || stack.rlim_cur == RLIM64_INFINITY);
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &nofile) == 0);
    CHECK(nofile.rlim_cur >= 3 && nofile.rlim_cur <= nofile.rlim_max);
    /* The caller's own pid means the same process. */
    CHECK(syscall(SYS_prlimit64, getpid(), RLIMIT_STACK, NULL, &got) == 0);
    CHECK(got.rlim_cur == stack.rlim_cur && got.rlim_max == stack.rlim_max);
    /* Neither new nor old limit: nothing to do. */
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL) == 0);

    /* glibc's getrlimit and sysconf go through prlimit64. */
    struct rlimit r;
    CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0);
    CHECK(r.rlim_cur == nofile.rlim_cur);
    CHECK(sysconf(_SC_OPEN_MAX) == (long)nofile.rlim_cur);

    CHECK_ERR(syscall(SYS_prlimit64, 0, 1000, NULL, &got), EINVAL);
    CHECK_ERR(syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, BAD_PTR), EFAULT);
    printf("prlimit: stack %llu/%llu nofile %llu/%llu\n",
           (unsigned long long)stack.rlim_cur, (unsigned long long)stack.rlim_max,
           (unsigned long long)nofile.rlim_cur, (unsigned long long)nofile.rlim_max);
    return 0;
}
