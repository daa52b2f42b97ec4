/* sched_setattr and sched_getattr: struct sched_attr's size rules (E2BIG with the size the
 * kernel knows written back), EINVAL for bad policies, flags and parameters, the nice value of
 * the fair policies set through sched_attr, SCHED_FLAG_KEEP_POLICY/KEEP_PARAMS, and the
 * permission rules of sched_setscheduler for an unprivileged caller. */
#define _GNU_SOURCE
#include "check.h"

#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct attr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};

#define FLAG_RESET_ON_FORK 0x01
#define FLAG_KEEP_POLICY 0x08
#define FLAG_KEEP_PARAMS 0x10
#define FLAG_UTIL_CLAMP_MIN 0x20

static long set_attr(pid_t pid, const void *attr, unsigned flags)
{
    return syscall(SYS_sched_setattr, pid, attr, flags);
}

static long get_attr(pid_t pid, void *attr, unsigned size, unsigned flags)
{
    return syscall(SYS_sched_getattr, pid, attr, size, flags);
}

static struct attr fair(uint32_t policy, int nice)
{
    struct attr a = {.size = 48, .sched_policy = policy, .sched_nice = nice};
    return a;
}

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
    /* RLIMIT_NICE 0: a nice value may only go up. */
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_NICE, &none) != 0)
        return 1;
    struct attr a = fair(SCHED_OTHER, 5);
    if (set_attr(0, &a, 0) != 0 || getpriority(PRIO_PROCESS, 0) != 5)
        return 2;
    a.sched_nice = 2;
    if (set_attr(0, &a, 0) != -1 || errno != EPERM)
        return 3;
    a = fair(SCHED_FIFO, 0);
    a.sched_priority = 1;
    if (set_attr(0, &a, 0) != -1 || errno != EPERM)
        return 4;
    a = fair(SCHED_DEADLINE, 0);
    a.sched_runtime = 10 * 1000 * 1000;
    a.sched_deadline = a.sched_period = 100 * 1000 * 1000;
    if (set_attr(0, &a, 0) != -1 || errno != EPERM)
        return 5;
    /* Another user's process: the parent, which stays root. */
    a = fair(SCHED_BATCH, 10);
    if (set_attr(getppid(), &a, 0) != -1 || errno != EPERM)
        return 6;
    /* SCHED_RESET_ON_FORK cannot be dropped without privilege. */
    a = fair(SCHED_BATCH, 10);
    a.sched_flags = FLAG_RESET_ON_FORK;
    if (set_attr(0, &a, 0) != 0)
        return 7;
    a.sched_flags = 0;
    if (set_attr(0, &a, 0) != -1 || errno != EPERM)
        return 8;
    return 0;
}

int main(void)
{
    struct attr a;
    memset(&a, 0x55, sizeof a);
    CHECK(get_attr(0, &a, sizeof a, 0) == 0);
    CHECK(a.size == 56 && a.sched_policy == SCHED_OTHER && a.sched_flags == 0);
    CHECK(a.sched_nice == getpriority(PRIO_PROCESS, 0) && a.sched_priority == 0);
    /* Since Linux 6.12 a fair task's runtime is its time slice; before, 0. */
    int has_fair_slice = a.sched_runtime != 0;
    CHECK(a.sched_deadline == 0 && a.sched_period == 0);
    /* A bigger buffer gets the size the kernel knows; recent kernels zero the rest. */
    unsigned char big[128];
    memset(big, 0x77, sizeof big);
    CHECK(get_attr(0, big, sizeof big, 0) == 0);
    uint32_t got_size;
    memcpy(&got_size, big, sizeof got_size);
    CHECK(got_size == 56 && big[56] == big[127] && (big[56] == 0x77 || big[56] == 0));
    /* The first version of the struct is 48 bytes; less, more than a page, flags: EINVAL. */
    memset(&a, 0x55, sizeof a);
    CHECK(get_attr(0, &a, 48, 0) == 0 && a.size == 48 && a.sched_util_min == 0x55555555);
    CHECK_ERR(get_attr(0, &a, 47, 0), EINVAL);
    CHECK_ERR(get_attr(0, &a, 4097, 0), EINVAL);
    CHECK_ERR(get_attr(0, &a, sizeof a, 1), EINVAL);
    CHECK_ERR(get_attr(0, NULL, sizeof a, 0), EINVAL);
    CHECK_ERR(get_attr(-1, &a, sizeof a, 0), EINVAL);
    CHECK_ERR(get_attr(0x3fffffff, &a, sizeof a, 0), ESRCH);
    CHECK_ERR(get_attr(0, BAD_PTR, sizeof a, 0), EFAULT);

    /* Sizes: 0 means the first version; too small or beyond a page is E2BIG with 56 written
     * back; a bigger struct is fine while its unknown tail is zero. */
    int nice_before = getpriority(PRIO_PROCESS, 0);
    a = fair(SCHED_OTHER, nice_before);
    a.size = 0;
    CHECK(set_attr(0, &a, 0) == 0);
    a.size = 47;
    CHECK_ERR(set_attr(0, &a, 0), E2BIG);
    CHECK(a.size == 56);
    a.size = 8192;
    CHECK_ERR(set_attr(0, &a, 0), E2BIG);
    CHECK(a.size == 56);
    memset(big, 0, sizeof big);
    a = fair(SCHED_OTHER, nice_before);
    a.size = sizeof big;
    memcpy(big, &a, sizeof a);
    CHECK(set_attr(0, big, 0) == 0);
    big[100] = 1;
    CHECK_ERR(set_attr(0, big, 0), E2BIG);
    memcpy(&got_size, big, sizeof got_size);
    CHECK(got_size == 56);
    CHECK_ERR(set_attr(0, BAD_PTR, 0), EFAULT);
    CHECK_ERR(set_attr(0, NULL, 0), EINVAL);
    a = fair(SCHED_OTHER, nice_before);
    CHECK_ERR(set_attr(0, &a, 1), EINVAL);
    CHECK_ERR(set_attr(-1, &a, 0), EINVAL);
    CHECK_ERR(set_attr(0x3fffffff, &a, 0), ESRCH);

    /* Bad policies, flags and priorities. */
    a = fair(4, 0);
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    a = fair(0x80000000u, 0);
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    a = fair(SCHED_OTHER, 0);
    a.sched_flags = 0x1000;
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    a = fair(SCHED_OTHER, 0);
    a.sched_priority = 1;
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    a = fair(SCHED_FIFO, 0);
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    a.sched_priority = 100;
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    /* The utilisation clamps need the second version of the struct. */
    a = fair(SCHED_OTHER, nice_before);
    a.sched_flags = FLAG_UTIL_CLAMP_MIN;
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    /* Deadline parameters: runtime <= deadline <= period, deadline not 0. */
    a = fair(SCHED_DEADLINE, 0);
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    a.sched_runtime = 20 * 1000 * 1000;
    a.sched_deadline = 10 * 1000 * 1000;
    a.sched_period = 100 * 1000 * 1000;
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);
    a.sched_runtime = 100;
    CHECK_ERR(set_attr(0, &a, 0), EINVAL);

    /* A fair policy's nice value is set through sched_attr, clamped to 19. */
    a = fair(SCHED_BATCH, 7);
    CHECK(set_attr(0, &a, 0) == 0);
    CHECK(sched_getscheduler(0) == SCHED_BATCH && getpriority(PRIO_PROCESS, 0) == 7);
    memset(&a, 0, sizeof a);
    CHECK(get_attr(0, &a, sizeof a, 0) == 0 && a.sched_policy == SCHED_BATCH && a.sched_nice == 7);
    if (has_fair_slice) {
        a = fair(SCHED_BATCH, 7);
        a.sched_runtime = 5 * 1000 * 1000;
        CHECK(set_attr(0, &a, 0) == 0);
        memset(&a, 0, sizeof a);
        CHECK(get_attr(0, &a, sizeof a, 0) == 0 && a.sched_runtime == 5 * 1000 * 1000);
        /* sched_setscheduler keeps a task's own slice. */
        struct sched_param param = {0};
        CHECK(sched_setscheduler(0, SCHED_OTHER, &param) == 0);
        CHECK(get_attr(0, &a, sizeof a, 0) == 0 && a.sched_runtime == 5 * 1000 * 1000);
        a = fair(SCHED_BATCH, 7);
        CHECK(set_attr(0, &a, 0) == 0);
    }
    a = fair(SCHED_OTHER, 40);
    CHECK(set_attr(0, &a, 0) == 0 && getpriority(PRIO_PROCESS, 0) == 19);
    /* KEEP_PARAMS keeps the nice value and (as Linux skips setting the parameters) the
     * policy; KEEP_POLICY the policy. */
    a = fair(SCHED_OTHER, 3);
    a.sched_flags = FLAG_KEEP_PARAMS;
    CHECK(set_attr(0, &a, 0) == 0);
    CHECK(sched_getscheduler(0) == SCHED_OTHER && getpriority(PRIO_PROCESS, 0) == 19);
    a = fair(SCHED_BATCH, 19);
    CHECK(set_attr(0, &a, 0) == 0);
    a = fair(SCHED_IDLE, 19);
    a.sched_flags = FLAG_KEEP_POLICY;
    CHECK(set_attr(0, &a, 0) == 0 && sched_getscheduler(0) == SCHED_BATCH);
    /* SCHED_FLAG_RESET_ON_FORK shows in both getters. */
    a = fair(SCHED_OTHER, 19);
    a.sched_flags = FLAG_RESET_ON_FORK;
    CHECK(set_attr(0, &a, 0) == 0);
    CHECK(sched_getscheduler(0) == (SCHED_OTHER | SCHED_RESET_ON_FORK));
    memset(&a, 0, sizeof a);
    CHECK(get_attr(0, &a, sizeof a, 0) == 0 && a.sched_flags == FLAG_RESET_ON_FORK);

    /* Back to nice 0 without SCHED_RESET_ON_FORK (privileged or not, both are allowed from
     * here only for root; an unprivileged host run keeps what it has). */
    a = fair(SCHED_OTHER, 0);
    if (geteuid() == 0)
        CHECK(set_attr(0, &a, 0) == 0);
    int status_code = run_unprivileged(unprivileged_rules);
    if (status_code != 0)
        fprintf(stderr, "unprivileged rule %d failed\n", status_code);
    CHECK(status_code == 0);
    printf("sched_attr ok\n");
    return 0;
}
