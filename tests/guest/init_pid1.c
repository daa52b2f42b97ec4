// With --pid1 the program itself is init: signals it has no handler for are dropped, whoever
// sends them (root, or uid 65534 whose kill is refused anyway), a signal it handles arrives,
// and an orphan with exit signal SIGKILL is reparented to it with SIGCHLD instead, so it can
// reap the orphan and live on. Last, init itself becomes uid 65534, whose kill of it is allowed
// and must be dropped all the same. Natively the test cannot be pid 1: it runs only under asterix.
// The option below belongs to the hosted command line:
// bare-metal: skip
// asterix-args: --pid1
// native: skip
#include "init_protection.h"

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

int main(void)
{
    CHECK(getpid() == 1);
    CHECK(getppid() == 0);
    CHECK(getsid(0) == 1);

    int is_root = geteuid() == 0;
    kill_init_from_child(0);
    if (is_root)
        kill_init_from_child(1);

    /* A signal init handles does arrive. */
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(kill(1, SIGUSR1) == 0 ? 0 : 1);
    CHECK(exit_code_of(child) == 0);
    for (int i = 0; i < 200 && !got_usr1; ++i)
        sleep_ms(10);
    CHECK(got_usr1);

    /* The orphan is ours now; it ended normally and its exit did not kill us. */
    pid_t orphan = orphan_with_sigkill_exit_signal();
    CHECK(orphan > 1);
    int orphan_code = exit_code_of(orphan);
    if (orphan_code != 0)
        fprintf(stderr, "orphan ended with %d\n", orphan_code);
    CHECK(orphan_code == 0);
    /* Init running as uid 65534 may be signalled by its own user: the signals are dropped. */
    if (is_root) {
        CHECK(setgid(65534) == 0 && setuid(65534) == 0);
        kill_init_from_child(0);
    }
    puts("init_pid1: ok");
    return 0;
}
