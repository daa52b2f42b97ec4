/* prctl's PR_SET/GET_PDEATHSIG (delivered when the parent ends), PR_SET/GET_TIMERSLACK,
 * PR_GET/SET_DUMPABLE, unknown options (EINVAL), and arch_prctl's ARCH_GET/SET_CPUID. */
#include "check.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

int main(void)
{
    int sig = -1;
    CHECK(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == 0);
    CHECK_ERR(prctl(PR_SET_PDEATHSIG, 65), EINVAL);
    CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR2) == 0);
    CHECK(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR2);
    CHECK_ERR(prctl(PR_GET_PDEATHSIG, BAD_PTR), EFAULT);
    /* A fork does not inherit it. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int inherited = -1;
        _exit(prctl(PR_GET_PDEATHSIG, &inherited) == 0 && inherited == 0 ? 0 : 1);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(prctl(PR_SET_PDEATHSIG, 0) == 0);

    /* A grandchild asks for SIGUSR1 when its parent (the middle process) ends, and reports
     * through a pipe that it got it. */
    int report[2];
    CHECK(pipe(report) == 0);
    pid_t middle = fork();
    CHECK(middle >= 0);
    if (middle == 0) {
        int ready[2];
        if (pipe(ready) != 0)
            _exit(2);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            sigset_t usr1;
            sigemptyset(&usr1);
            sigaddset(&usr1, SIGUSR1);
            sigprocmask(SIG_BLOCK, &usr1, NULL);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            char byte = 'r';
            if (write(ready[1], &byte, 1) != 1)
                _exit(3);
            struct timespec wait = {.tv_sec = 30};
            siginfo_t info;
            char got = sigtimedwait(&usr1, &info, &wait) == SIGUSR1 ? 'y' : 'n';
            if (write(report[1], &got, 1) != 1)
                _exit(4);
            _exit(0);
        }
        char byte;
        if (read(ready[0], &byte, 1) != 1)
            _exit(5);
        _exit(0); /* the grandchild's parent ends */
    }
    CHECK(waitpid(middle, &status, 0) == middle && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(report[1]);
    char got = 0;
    CHECK(read(report[0], &got, 1) == 1 && got == 'y');
    close(report[0]);

    CHECK(prctl(PR_GET_TIMERSLACK) == 50000);
    CHECK(prctl(PR_SET_TIMERSLACK, 1000) == 0 && prctl(PR_GET_TIMERSLACK) == 1000);
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(prctl(PR_GET_TIMERSLACK) == 1000 ? 0 : 1);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(prctl(PR_SET_TIMERSLACK, 0) == 0 && prctl(PR_GET_TIMERSLACK) == 50000);

    CHECK(prctl(PR_GET_DUMPABLE) == 1);
    CHECK(prctl(PR_SET_DUMPABLE, 0) == 0 && prctl(PR_GET_DUMPABLE) == 0);
    CHECK_ERR(prctl(PR_SET_DUMPABLE, 2), EINVAL);
    CHECK(prctl(PR_SET_DUMPABLE, 1) == 0 && prctl(PR_GET_DUMPABLE) == 1);
    CHECK_ERR(prctl(0x7fff0000), EINVAL);
    CHECK_ERR(prctl(-1), EINVAL);

    CHECK(syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0) == 1);
    CHECK(syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1) == 0);
    long off = syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0);
    if (off == 0) {
        CHECK(syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0) == 0);
        CHECK(syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1) == 0);
    } else {
        CHECK(off == -1 && errno == ENODEV); /* no CPUID faulting on this CPU */
    }
    CHECK_ERR(syscall(SYS_arch_prctl, 0x1fff, 0), EINVAL);
    printf("prctl_extras ok\n");
    return 0;
}
