/* sched_setscheduler, sched_getscheduler, sched_setparam, sched_getparam,
 * sched_get_priority_min/max, sched_rr_get_interval, getcpu, personality: values and Linux's
 * errors, and the permission rules (EPERM for a real-time policy without privilege or
 * RLIMIT_RTPRIO, for leaving SCHED_IDLE, for another user's process). */
#define _GNU_SOURCE
#include "check.h"

#include <sched.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_unprivileged(int (*body)(void))
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(100);
        _exit(body());
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int unprivileged_rules(void)
{
    struct sched_param param = {.sched_priority = 1};
    if (sched_setscheduler(0, SCHED_FIFO, &param) != -1 || errno != EPERM)
        return 1;
    if (sched_setscheduler(0, SCHED_RR, &param) != -1 || errno != EPERM)
        return 2;
    /* The fair policies are anyone's. */
    param.sched_priority = 0;
    if (sched_setscheduler(0, SCHED_BATCH, &param) != 0 || sched_getscheduler(0) != SCHED_BATCH)
        return 3;
    if (sched_setscheduler(0, SCHED_IDLE, &param) != 0 || sched_getscheduler(0) != SCHED_IDLE)
        return 4;
    /* Leaving SCHED_IDLE needs RLIMIT_NICE room for the nice value (0 needs 20). */
    if (sched_setscheduler(0, SCHED_OTHER, &param) != -1 || errno != EPERM)
        return 5;
    /* Another user's process: the parent, which stays root. */
    if (sched_setscheduler(getppid(), SCHED_BATCH, &param) != -1 || errno != EPERM)
        return 6;
    return 0;
}

static int rtprio_limit_rules(void)
{
    /* Without privilege, RLIMIT_RTPRIO bounds the real-time priority one may take. */
    struct rlimit limit;
    if (getrlimit(RLIMIT_RTPRIO, &limit) != 0 || limit.rlim_max != 0)
        return 0; /* a host that grants real-time priorities: nothing to check */
    struct sched_param param = {.sched_priority = 0};
    if (sched_setparam(0, &param) != 0)
        return 1;
    return 0;
}

int main(void)
{
    CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1);
    CHECK(sched_get_priority_max(SCHED_RR) == 99 && sched_get_priority_min(SCHED_RR) == 1);
    CHECK(sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_min(SCHED_OTHER) == 0);
    CHECK(sched_get_priority_max(SCHED_BATCH) == 0 && sched_get_priority_min(SCHED_IDLE) == 0);
    CHECK_ERR(sched_get_priority_max(4), EINVAL);
    CHECK_ERR(sched_get_priority_min(-1), EINVAL);
    CHECK_ERR(sched_get_priority_max(100), EINVAL);

    CHECK(sched_getscheduler(0) == SCHED_OTHER);
    CHECK(sched_getscheduler(getpid()) == SCHED_OTHER);
    CHECK_ERR(sched_getscheduler(-1), EINVAL);
    CHECK_ERR(sched_getscheduler(0x3fffffff), ESRCH);
    struct sched_param param = {.sched_priority = 77};
    CHECK(sched_getparam(0, &param) == 0 && param.sched_priority == 0);
    CHECK_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getparam, 0, BAD_PTR), EFAULT);
    CHECK_ERR(sched_getparam(-1, &param), EINVAL);

    /* The policy and priority must agree; bad policies and pointers are EINVAL and EFAULT. */
    param.sched_priority = 1;
    CHECK_ERR(sched_setscheduler(0, SCHED_OTHER, &param), EINVAL);
    param.sched_priority = 0;
    CHECK_ERR(sched_setscheduler(0, SCHED_FIFO, &param), EINVAL);
    param.sched_priority = 100;
    CHECK_ERR(sched_setscheduler(0, SCHED_FIFO, &param), EINVAL);
    param.sched_priority = 0;
    CHECK_ERR(sched_setscheduler(0, 4, &param), EINVAL);
    CHECK_ERR(sched_setscheduler(0, -1, &param), EINVAL);
    CHECK_ERR(sched_setscheduler(0, SCHED_DEADLINE, &param), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, BAD_PTR), EFAULT);
    CHECK_ERR(sched_setscheduler(0x3fffffff, SCHED_OTHER, &param), ESRCH);
    CHECK(sched_setscheduler(0, SCHED_BATCH, &param) == 0);
    CHECK(sched_getscheduler(0) == SCHED_BATCH);
    CHECK(sched_setparam(0, &param) == 0 && sched_getscheduler(0) == SCHED_BATCH);
    param.sched_priority = 5;
    CHECK_ERR(sched_setparam(0, &param), EINVAL);
    /* SCHED_RESET_ON_FORK shows in getscheduler; a child keeps a fair policy but not the flag. */
    param.sched_priority = 0;
    CHECK(sched_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &param) == 0);
    CHECK(sched_getscheduler(0) == (SCHED_BATCH | SCHED_RESET_ON_FORK));
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(sched_getscheduler(0) == SCHED_BATCH ? 0 : 1);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(sched_setscheduler(0, SCHED_OTHER, &param) == 0 && sched_getscheduler(0) == SCHED_OTHER);

    struct timespec slice = {.tv_sec = 99};
    CHECK(sched_rr_get_interval(0, &slice) == 0 && slice.tv_sec == 0);
    CHECK_ERR(sched_rr_get_interval(-1, &slice), EINVAL);
    CHECK_ERR(sched_rr_get_interval(0x3fffffff, &slice), ESRCH);
    CHECK_ERR(syscall(SYS_sched_rr_get_interval, 0, BAD_PTR), EFAULT);

    int status_code = run_unprivileged(unprivileged_rules);
    if (status_code != 0)
        fprintf(stderr, "unprivileged rule %d failed\n", status_code);
    CHECK(status_code == 0);
    CHECK(run_unprivileged(rtprio_limit_rules) == 0);

    unsigned cpu = 99, node = 99;
    CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0);
    cpu_set_t allowed;
    CHECK(sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_ISSET(cpu, &allowed));
    CHECK(syscall(SYS_getcpu, NULL, NULL, NULL) == 0);
    CHECK_ERR(syscall(SYS_getcpu, BAD_PTR, NULL, NULL), EFAULT);

    CHECK(personality(0xffffffff) == PER_LINUX);
    CHECK(personality(PER_LINUX | ADDR_NO_RANDOMIZE) == PER_LINUX);
    CHECK(personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE));
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE) ? 0 : 1);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(personality(PER_LINUX) == (PER_LINUX | ADDR_NO_RANDOMIZE));
    printf("sched_policy ok\n");
    return 0;
}
