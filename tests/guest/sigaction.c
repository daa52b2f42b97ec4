// rt_sigaction records actions and gives them back; it refuses SIGKILL/SIGSTOP, bad signal
// numbers and a sigsetsize other than 8. (Nothing is delivered here.)
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's layout, not glibc's struct sigaction. */
struct kact {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

#define BIT(sig) (1ULL << ((sig) - 1))
#define SA_RESTORER_ 0x04000000UL

static void handler(int sig) { (void)sig; }
static void restorer(void) {}

static long rt_sigaction(long sig, const struct kact *act, struct kact *old, long size)
{
    return syscall(SYS_rt_sigaction, sig, act, old, size);
}

int main(void)
{
    struct kact act = {handler, SA_RESTART | SA_RESTORER_, restorer, BIT(SIGUSR2) | BIT(SIGINT)};
    struct kact old;
    memset(&old, 0x5a, sizeof old);
    /* The first old action is the default one. */
    CHECK(rt_sigaction(SIGUSR1, &act, &old, 8) == 0);
    CHECK(old.handler == SIG_DFL && old.mask == 0);
    /* Read back with act NULL: exactly what was set. */
    memset(&old, 0x5a, sizeof old);
    CHECK(rt_sigaction(SIGUSR1, NULL, &old, 8) == 0);
    CHECK(old.handler == (void *)handler);
    CHECK(old.flags == (SA_RESTART | SA_RESTORER_));
    CHECK(old.restorer == (void *)restorer);
    CHECK(old.mask == (BIT(SIGUSR2) | BIT(SIGINT)));
    /* Replacing returns the previous action. */
    struct kact ign = {SIG_IGN, 0, NULL, 0};
    CHECK(rt_sigaction(SIGUSR1, &ign, &old, 8) == 0);
    CHECK(old.handler == (void *)handler);
    CHECK(rt_sigaction(SIGUSR1, NULL, &old, 8) == 0);
    CHECK(old.handler == SIG_IGN);
    /* Other signals are untouched. */
    CHECK(rt_sigaction(SIGUSR2, NULL, &old, 8) == 0);
    CHECK(old.handler == SIG_DFL);
    /* SIGKILL and SIGSTOP cannot be blocked during a handler: silently dropped from the mask. */
    act.mask = BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGTERM);
    CHECK(rt_sigaction(SIGUSR2, &act, NULL, 8) == 0);
    CHECK(rt_sigaction(SIGUSR2, NULL, &old, 8) == 0);
    CHECK(old.mask == BIT(SIGTERM));
    /* Real-time signals up to 64. */
    CHECK(rt_sigaction(64, &act, NULL, 8) == 0);
    CHECK(rt_sigaction(SIGRTMIN + 1, NULL, &old, 8) == 0);

    /* Errors. */
    CHECK_ERR(rt_sigaction(SIGKILL, &act, NULL, 8), EINVAL);
    CHECK_ERR(rt_sigaction(SIGSTOP, &act, NULL, 8), EINVAL);
    CHECK(rt_sigaction(SIGKILL, NULL, &old, 8) == 0); /* reading it is allowed */
    CHECK(old.handler == SIG_DFL);
    CHECK_ERR(rt_sigaction(0, &act, NULL, 8), EINVAL);
    CHECK_ERR(rt_sigaction(65, &act, NULL, 8), EINVAL);
    CHECK_ERR(rt_sigaction(-1, NULL, &old, 8), EINVAL);
    CHECK_ERR(rt_sigaction(SIGUSR1, &act, NULL, 4), EINVAL);
    CHECK_ERR(rt_sigaction(SIGUSR1, &act, NULL, 16), EINVAL);
    CHECK_ERR(rt_sigaction(SIGUSR1, BAD_PTR, NULL, 8), EFAULT);
    CHECK_ERR(rt_sigaction(SIGUSR1, NULL, BAD_PTR, 8), EFAULT);

    /* glibc's sigaction and signal() go through the same call. */
    struct sigaction sa, prev;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGHUP);
    sa.sa_flags = SA_NODEFER;
    CHECK(sigaction(SIGTERM, &sa, NULL) == 0);
    CHECK(sigaction(SIGTERM, NULL, &prev) == 0);
    CHECK(prev.sa_handler == handler && (prev.sa_flags & SA_NODEFER));
    CHECK(sigismember(&prev.sa_mask, SIGHUP) == 1 && sigismember(&prev.sa_mask, SIGINT) == 0);
    CHECK(signal(SIGTERM, SIG_DFL) == handler);
    CHECK(signal(SIGTERM, SIG_DFL) == SIG_DFL);
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    printf("sigaction: ok\n");
    return 0;
}
