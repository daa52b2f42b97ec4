// By default the kernel's own init is pid 1 and the program runs as pid 2, its child, leading
// its own session. No signal and no orphan's exit signal ends init (or the instance), sent by
// root or by uid 65534. Natively the test cannot choose its pid: it runs only under asterix.
// native: skip
// On bare metal the guest tests run under /bin/sh, so the test is not the instance's program:
// bare-metal: skip
#include "init_protection.h"

int main(void)
{
    CHECK(getpid() == 2);
    CHECK(getppid() == 1);
    CHECK(getsid(0) == 2);
    CHECK(getpgid(0) == 2);
    CHECK(getsid(1) == 1);

    int is_root = geteuid() == 0;
    kill_init_from_child(0);
    if (is_root)
        kill_init_from_child(1);
    CHECK(kill(1, 0) == 0 || (!is_root && errno == EPERM));

    /* The orphan is the kernel init's to reap: it is not ours, and it is gone once reaped. */
    pid_t orphan = orphan_with_sigkill_exit_signal();
    CHECK(orphan > 2);
    CHECK_ERR(waitpid(orphan, NULL, WNOHANG), ECHILD);
    int gone = 0;
    for (int i = 0; i < 200 && !gone; ++i) {
        gone = kill(orphan, 0) == -1 && errno == ESRCH;
        if (!gone)
            sleep_ms(10);
    }
    CHECK(gone);
    CHECK(getppid() == 1);
    puts("init_default: ok");
    return 0;
}
