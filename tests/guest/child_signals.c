// Signals seen from the parent: children killed by SIGTERM, SIGKILL, SIGSEGV, SIGABRT, SIGINT,
// SIGUSR1, SIGQUIT, SIGHUP (WIFSIGNALED, WTERMSIG, the core bit for SIGSEGV/SIGABRT/SIGQUIT when
// this test is init, as under asterix: natively it depends on RLIMIT_CORE), a real segfault; a
// fault with SIGSEGV ignored or blocked still kills; default-ignored signals leave a child alone;
// a blocked SIGTERM waits for the unblock; SIGSTOP / SIGTSTP stop a child (WUNTRACED, waitid
// WSTOPPED), it does not run while stopped, SIGCONT resumes it (WCONTINUED); SIGKILL ends a
// stopped child; SIGCHLD handler with si_code/si_status; SA_NOCLDSTOP; SIGCHLD ignored reaps
// children automatically; SIGPIPE kills a writer to a pipe without readers, and with SIGPIPE
// ignored the write fails with EPIPE.
#include "check.h"
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* A child that tells us it is ready (one byte on the pipe), then waits for signals forever. */
static pid_t waiting_child(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (write(p[1], "r", 1) != 1)
            _exit(100);
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    CHECK(read(p[0], &c, 1) == 1);
    close(p[0]);
    return pid;
}

static void killed_by(void)
{
    const int sigs[] = {SIGTERM, SIGKILL, SIGSEGV, SIGABRT, SIGINT, SIGUSR1, SIGQUIT, SIGHUP,
                        SIGUSR2, SIGALRM, SIGRTMIN + 1};
    int is_init = getpid() == 1;
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        int sig = sigs[i];
        pid_t pid = waiting_child();
        CHECK(kill(pid, sig) == 0);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
            fprintf(stderr, "signal %d: status %#x\n", sig, status);
        CHECK(WIFSIGNALED(status));
        CHECK(!WIFEXITED(status) && !WIFSTOPPED(status));
        CHECK(WTERMSIG(status) == sig);
        int dumps = sig == SIGSEGV || sig == SIGABRT || sig == SIGQUIT;
        if (!dumps)
            CHECK(!WCOREDUMP(status));
        else if (is_init)
            CHECK(WCOREDUMP(status));
    }
    /* waitid reports CLD_KILLED / CLD_DUMPED and the signal. */
    pid_t pid = waiting_child();
    CHECK(kill(pid, SIGTERM) == 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, pid, &si, WEXITED) == 0);
    CHECK(si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGTERM);
    if (is_init) {
        pid = waiting_child();
        CHECK(kill(pid, SIGABRT) == 0);
        memset(&si, 0, sizeof si);
        CHECK(waitid(P_PID, pid, &si, WEXITED) == 0);
        CHECK(si.si_pid == pid && si.si_code == CLD_DUMPED && si.si_status == SIGABRT);
    }

    /* A real fault and abort(). */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        *(volatile int *)16 = 1;
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_IGN); /* abort() kills anyway */
        abort();
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);

    /* A fault cannot be ignored or blocked: SIGSEGV kills anyway. */
    for (int how = 0; how < 2; how++) {
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            if (how == 0) {
                signal(SIGSEGV, SIG_IGN);
            } else {
                sigset_t m;
                sigemptyset(&m);
                sigaddset(&m, SIGSEGV);
                sigprocmask(SIG_BLOCK, &m, NULL);
            }
            *(volatile int *)16 = 1;
            _exit(0);
        }
        CHECK(waitpid(pid, &status, 0) == pid);
        if (!WIFSIGNALED(status))
            fprintf(stderr, "fault with SIGSEGV %s: status %#x\n", how ? "blocked" : "ignored",
                    status);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    }

    /* Default-ignored signals change nothing. */
    pid = waiting_child();
    CHECK(kill(pid, SIGCHLD) == 0 && kill(pid, SIGURG) == 0 && kill(pid, SIGWINCH) == 0);
    CHECK(kill(pid, SIGCONT) == 0); /* not stopped: nothing either */
    sleep_ms(50);
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* A blocked SIGTERM stays pending until the child unblocks it. */
    int ready[2], go[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGTERM);
        sigprocmask(SIG_BLOCK, &m, NULL);
        char c;
        if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(100);
        /* SIGTERM has arrived by now; still alive. */
        sigset_t pending;
        sigpending(&pending);
        if (!sigismember(&pending, SIGTERM))
            _exit(101);
        sigprocmask(SIG_UNBLOCK, &m, NULL);
        _exit(102); /* not reached */
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    CHECK(kill(pid, SIGTERM) == 0);
    sleep_ms(30);
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    CHECK(write(go[1], "g", 1) == 1);
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFSIGNALED(status))
        fprintf(stderr, "blocked SIGTERM child: status %#x\n", status);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
}

static void stop_and_continue(void)
{
    /* The child counts in shared memory as fast as it can. */
    volatile long *counter =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(counter != MAP_FAILED);
    *counter = 0;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (;;) {
            (*counter)++;
            if ((*counter & 0xff) == 0)
                sched_yield();
        }
    }
    while (*counter < 1000)
        sched_yield();
    CHECK(kill(pid, SIGSTOP) == 0);
    int status;
    CHECK(waitpid(pid, &status, WUNTRACED) == pid);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(!WIFEXITED(status) && !WIFSIGNALED(status));
    /* Reported once. */
    CHECK(waitpid(pid, &status, WUNTRACED | WNOHANG) == 0);
    /* It does not run while stopped. */
    long frozen = *counter;
    sleep_ms(100);
    CHECK(*counter == frozen);
    /* SIGCONT resumes it. */
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &status, WCONTINUED) == pid);
    CHECK(WIFCONTINUED(status));
    CHECK(waitpid(pid, &status, WCONTINUED | WNOHANG) == 0);
    sleep_ms(50);
    long t0 = *counter;
    for (int i = 0; i < 200 && *counter == t0; i++)
        sleep_ms(5);
    CHECK(*counter > frozen);

    /* waitid: WSTOPPED / WCONTINUED with their si_code, and SIGTSTP stops too. */
    CHECK(kill(pid, SIGTSTP) == 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, pid, &si, WSTOPPED) == 0);
    CHECK(si.si_pid == pid && si.si_signo == SIGCHLD && si.si_code == CLD_STOPPED);
    CHECK(si.si_status == SIGTSTP);
    /* A stopped child is not an exited one. */
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0);
    CHECK(kill(pid, SIGCONT) == 0);
    memset(&si, 0, sizeof si);
    CHECK(waitid(P_PID, pid, &si, WCONTINUED) == 0);
    CHECK(si.si_pid == pid && si.si_code == CLD_CONTINUED && si.si_status == SIGCONT);

    /* Stop again; SIGKILL ends it while stopped. */
    CHECK(kill(pid, SIGSTOP) == 0);
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* A stopped child that gets SIGTERM dies of it once continued. */
    pid = waiting_child();
    CHECK(kill(pid, SIGSTOP) == 0);
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
    CHECK(kill(pid, SIGTERM) == 0);
    sleep_ms(30);
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    munmap((void *)counter, 4096);
}

static volatile int chld_count;
static volatile int chld_code, chld_status, chld_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    chld_count++;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid = si->si_pid;
}

static void sigchld(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);

    /* Block SIGCHLD so the handler runs at a known moment. */
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGCHLD);
    CHECK(sigprocmask(SIG_BLOCK, &m, &old) == 0);
    chld_count = 0;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(12);
    sigset_t pending;
    do {
        sleep_ms(5);
        CHECK(sigpending(&pending) == 0);
    } while (!sigismember(&pending, SIGCHLD));
    CHECK(sigsuspend(&old) == -1 && errno == EINTR);
    CHECK(chld_count == 1);
    CHECK(chld_code == CLD_EXITED && chld_status == 12 && chld_pid == pid);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 12);

    /* Killed child: CLD_KILLED. Stopped: CLD_STOPPED. Continued: CLD_CONTINUED. */
    pid = waiting_child();
    chld_count = 0;
    CHECK(kill(pid, SIGSTOP) == 0);
    CHECK(sigsuspend(&old) == -1 && errno == EINTR);
    CHECK(chld_code == CLD_STOPPED && chld_status == SIGSTOP && chld_pid == pid);
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(sigsuspend(&old) == -1 && errno == EINTR);
    CHECK(chld_code == CLD_CONTINUED && chld_status == SIGCONT);
    CHECK(kill(pid, SIGINT) == 0);
    CHECK(sigsuspend(&old) == -1 && errno == EINTR);
    CHECK(chld_code == CLD_KILLED && chld_status == SIGINT && chld_pid == pid);
    CHECK(chld_count == 3);
    CHECK(waitpid(pid, &status, WUNTRACED | WCONTINUED) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);

    /* SA_NOCLDSTOP: no SIGCHLD for stops (and continues), still one for the exit. */
    sa.sa_flags |= SA_NOCLDSTOP;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    pid = waiting_child();
    chld_count = 0;
    CHECK(kill(pid, SIGSTOP) == 0);
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status));
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGCHLD));
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(sigsuspend(&old) == -1 && errno == EINTR);
    CHECK(chld_count == 1 && chld_code == CLD_KILLED);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);

    /* The handler interrupting a blocking call with SA_RESTART: the call goes on. */
    int p[2];
    CHECK(pipe(p) == 0);
    chld_count = 0;
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    pid_t writer = fork();
    CHECK(writer >= 0);
    if (writer == 0) {
        sleep_ms(200);
        _exit(write(p[1], "x", 1) == 1 ? 0 : 1);
    }
    char c;
    CHECK(read(p[0], &c, 1) == 1 && c == 'x');
    CHECK(chld_count >= 1);
    CHECK(waitpid(pid, NULL, 0) == pid);
    CHECK(waitpid(writer, NULL, 0) == writer);
    close(p[0]);
    close(p[1]);

    /* SIGCHLD ignored: children are reaped by the kernel; wait blocks until they are all gone,
     * then fails with ECHILD. */
    signal(SIGCHLD, SIG_IGN);
    for (int i = 0; i < 3; i++) {
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            sleep_ms(20 * i);
            _exit(i);
        }
    }
    CHECK_ERR(wait(&status), ECHILD);
    /* SA_NOCLDWAIT does the same. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = SA_NOCLDWAIT;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(1);
    CHECK_ERR(waitpid(pid, &status, 0), ECHILD);
    signal(SIGCHLD, SIG_DFL);
}

static void sigpipe(void)
{
    /* Default: the writer dies of SIGPIPE. */
    int p[2];
    CHECK(pipe(p) == 0);
    close(p[0]);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        ssize_t r = write(p[1], "x", 1);
        _exit(r == -1 ? 50 : 51);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFSIGNALED(status))
        fprintf(stderr, "SIGPIPE writer: status %#x\n", status);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE && !WCOREDUMP(status));
    /* The reader closes while the writer is blocked on a full pipe. */
    int q[2];
    CHECK(pipe(q) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(q[0]);
        static char buf[1 << 16];
        for (;;)
            if (write(q[1], buf, sizeof buf) < 0)
                _exit(52);
    }
    close(q[1]);
    sleep_ms(50);
    close(q[0]);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);

    /* Ignored: EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    /* Blocked: EPIPE too, and SIGPIPE pending for the thread. */
    signal(SIGPIPE, SIG_DFL);
    sigset_t m, old, pending;
    sigemptyset(&m);
    sigaddset(&m, SIGPIPE);
    CHECK(sigprocmask(SIG_BLOCK, &m, &old) == 0);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE));
    struct timespec zero = {0, 0};
    CHECK(sigtimedwait(&m, NULL, &zero) == SIGPIPE);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    close(p[1]);
}

int main(void)
{
    /* Start from default dispositions and an empty mask, whatever we inherited (a background job
     * of a shell ignores SIGINT and SIGQUIT). */
    for (int sig = 1; sig < 65; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    CHECK(sigprocmask(SIG_SETMASK, &none, NULL) == 0);
    killed_by();
    stop_and_continue();
    sigchld();
    sigpipe();
    printf("child_signals: ok\n");
    return 0;
}
