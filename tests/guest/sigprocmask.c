// rt_sigprocmask: block, unblock and set the mask, read it back; SIGKILL/SIGSTOP never get
// blocked; bad 'how', sigsetsize or pointers fail. (Nothing is delivered here.)
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BIT(sig) (1ULL << ((sig) - 1))

static long mask_op(long how, const uint64_t *set, uint64_t *old)
{
    return syscall(SYS_rt_sigprocmask, how, set, old, 8);
}

static uint64_t current(void)
{
    uint64_t m = 0x5a5a5a5a;
    CHECK(mask_op(SIG_BLOCK, NULL, &m) == 0);
    return m;
}

int main(void)
{
    /* A program inherits its starting mask; start from an empty one. */
    uint64_t start = current(), zero = 0;
    CHECK((start & (BIT(SIGKILL) | BIT(SIGSTOP))) == 0);
    CHECK(mask_op(SIG_SETMASK, &zero, NULL) == 0);
    CHECK(current() == 0);

    uint64_t set = BIT(SIGUSR1) | BIT(SIGTERM), old = 1;
    CHECK(mask_op(SIG_BLOCK, &set, &old) == 0);
    CHECK(old == 0);
    CHECK(current() == set);
    uint64_t more = BIT(SIGHUP) | BIT(40);
    CHECK(mask_op(SIG_BLOCK, &more, &old) == 0);
    CHECK(old == set);
    CHECK(current() == (set | more));
    uint64_t less = BIT(SIGUSR1) | BIT(SIGINT); /* SIGINT was not blocked: fine */
    CHECK(mask_op(SIG_UNBLOCK, &less, NULL) == 0);
    CHECK(current() == (BIT(SIGTERM) | more));
    uint64_t exact = BIT(SIGALRM) | BIT(64);
    CHECK(mask_op(SIG_SETMASK, &exact, &old) == 0);
    CHECK(old == (BIT(SIGTERM) | more));
    CHECK(current() == exact);

    /* SIGKILL and SIGSTOP are silently left out. */
    uint64_t all = ~0ULL;
    CHECK(mask_op(SIG_SETMASK, &all, NULL) == 0);
    CHECK(current() == (~0ULL & ~(BIT(SIGKILL) | BIT(SIGSTOP))));

    /* Errors leave the mask as it was. */
    uint64_t none = 0;
    CHECK(mask_op(SIG_SETMASK, &none, NULL) == 0);
    CHECK_ERR(mask_op(3, &set, NULL), EINVAL);
    CHECK_ERR(mask_op(-1, &set, NULL), EINVAL);
    CHECK(mask_op(99, NULL, &old) == 0); /* 'how' is ignored when there is no new set */
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16), EINVAL);
    CHECK_ERR(mask_op(SIG_BLOCK, BAD_PTR, NULL), EFAULT);
    CHECK_ERR(mask_op(SIG_BLOCK, NULL, BAD_PTR), EFAULT);
    CHECK(current() == 0);

    /* glibc's sigprocmask. */
    sigset_t s, o;
    sigemptyset(&s);
    sigaddset(&s, SIGQUIT);
    CHECK(sigprocmask(SIG_BLOCK, &s, NULL) == 0);
    CHECK(sigprocmask(SIG_SETMASK, NULL, &o) == 0);
    CHECK(sigismember(&o, SIGQUIT) == 1 && sigismember(&o, SIGUSR1) == 0);
    CHECK(current() == BIT(SIGQUIT));
    printf("sigprocmask: ok\n");
    return 0;
}
