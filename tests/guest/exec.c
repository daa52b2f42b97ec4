// execve: the program re-executes itself (argv[0], which the harness gives as an absolute path)
// and the new image checks what survives: arguments and environment exactly as passed, the pid,
// descriptors without close-on-exec (with their offset), the signal mask, pending signals and
// ignored dispositions; close-on-exec descriptors are closed, handled signals are back to
// SIG_DFL, the alternate signal stack is gone. Exec from a second thread leaves one thread with the
// process's pid. Then the errors: ENOENT, EACCES, ENOEXEC, EFAULT, E2BIG, ENOTDIR.
#include "check.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void handler(int sig) { (void)sig; }

static int wait_exit_code(pid_t pid)
{
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status)) {
        fprintf(stderr, "child %d: status 0x%x\n", pid, status);
        return -1;
    }
    return WEXITSTATUS(status);
}

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

/* ---- the re-executed image ---- */

/* argv: self "stage2" PID KEPT_FD CLOEXEC_FD "arg with spaces" "" "last" */
static int stage2(int argc, char **argv)
{
    CHECK(argc == 8);
    CHECK(atoi(argv[2]) == getpid());
    int kept = atoi(argv[3]), cloexec = atoi(argv[4]);
    CHECK(strcmp(argv[5], "arg with spaces") == 0);
    CHECK(strcmp(argv[6], "") == 0);
    CHECK(strcmp(argv[7], "last") == 0);
    CHECK(argv[8] == NULL);
    /* Exactly the environment we were given, in order. */
    CHECK(environ[0] && strcmp(environ[0], "FOO=bar") == 0);
    CHECK(environ[1] && strcmp(environ[1], "EMPTY=") == 0);
    CHECK(environ[2] && strcmp(environ[2], "WITH_EQUALS=a=b=c") == 0);
    CHECK(environ[3] == NULL);
    CHECK(strcmp(getenv("FOO"), "bar") == 0);

    /* The descriptor without FD_CLOEXEC is open, at its offset; the other is closed. */
    CHECK(is_open(kept));
    CHECK(fcntl(kept, F_GETFD) == 0);
    char buf[8] = {0};
    CHECK(read(kept, buf, 5) == 5);
    CHECK(memcmp(buf, "56789", 5) == 0);
    CHECK(!is_open(cloexec) && errno == EBADF);
    /* fds 0-2 are untouched. */
    CHECK(is_open(0) && is_open(1) && is_open(2));

    /* Handled signals are back to SIG_DFL, ignored ones stay ignored. */
    struct sigaction sa;
    CHECK(sigaction(SIGUSR1, NULL, &sa) == 0);
    CHECK(sa.sa_handler == SIG_DFL);
    CHECK(sigaction(SIGTERM, NULL, &sa) == 0);
    CHECK(sa.sa_handler == SIG_DFL);
    CHECK(sigaction(SIGUSR2, NULL, &sa) == 0);
    CHECK(sa.sa_handler == SIG_IGN);
    CHECK(sigaction(SIGPIPE, NULL, &sa) == 0);
    CHECK(sa.sa_handler == SIG_IGN);
    /* The mask survives, and so does a pending signal. */
    sigset_t mask, pending;
    CHECK(sigprocmask(SIG_BLOCK, NULL, &mask) == 0);
    CHECK(sigismember(&mask, SIGHUP) == 1);
    CHECK(sigismember(&mask, SIGINT) == 1);
    CHECK(sigismember(&mask, SIGUSR1) == 0);
    CHECK(sigpending(&pending) == 0);
    CHECK(sigismember(&pending, SIGHUP) == 1);
    CHECK(sigismember(&pending, SIGINT) == 0);
    /* Take the pending SIGHUP synchronously. */
    struct timespec zero = {0, 0};
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    siginfo_t si;
    CHECK(sigtimedwait(&hup, &si, &zero) == SIGHUP);
    CHECK(si.si_pid == getpid());
    /* The alternate signal stack is disabled. */
    stack_t ss;
    CHECK(sigaltstack(NULL, &ss) == 0);
    CHECK(ss.ss_flags == SS_DISABLE);
    return 42;
}

/* argv: self "threadexec" PID : the image exec'd by a second thread. */
static int threadexec(int argc, char **argv)
{
    CHECK(argc == 3);
    CHECK(atoi(argv[2]) == getpid());
    /* One thread left, and it has the process's id. */
    CHECK(syscall(SYS_gettid) == getpid());
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        int threads = -1;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Threads: %d", &threads) == 1)
                break;
        fclose(f);
        CHECK(threads == 1);
    }
    return 43;
}

/* ---- the original image ---- */

static const char *self;

static void exec_self_with_state(void)
{
    char dir[] = "/tmp/exec-test.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/data", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, "0123456789", 10) == 10);
    CHECK(lseek(fd, 5, SEEK_SET) == 5);
    int cloexec = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(cloexec >= 0);
    /* A descriptor made close-on-exec with fcntl, and one dup'ed to a high number. */
    int cloexec2 = fcntl(fd, F_DUPFD_CLOEXEC, 50);
    CHECK(cloexec2 >= 50);
    CHECK(unlink(path) == 0 && rmdir(dir) == 0);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = handler;
        sigaction(SIGUSR1, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGUSR2, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        raise(SIGHUP); /* stays pending across the exec */
        static char altstack[65536];
        stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
        sigaltstack(&ss, NULL);

        char pidbuf[16], keptbuf[16], cloexecbuf[16];
        snprintf(pidbuf, sizeof pidbuf, "%d", getpid());
        snprintf(keptbuf, sizeof keptbuf, "%d", fd);
        snprintf(cloexecbuf, sizeof cloexecbuf, "%d", cloexec);
        char *argv[] = {(char *)self, "stage2", pidbuf, keptbuf, cloexecbuf, "arg with spaces", "",
                        "last", NULL};
        char *envp[] = {"FOO=bar", "EMPTY=", "WITH_EQUALS=a=b=c", NULL};
        execve(self, argv, envp);
        _exit(120);
    }
    CHECK(wait_exit_code(pid) == 42);
    close(fd);
    close(cloexec);
    close(cloexec2);
}

static void *exec_from_thread(void *arg)
{
    (void)arg;
    char pidbuf[16];
    snprintf(pidbuf, sizeof pidbuf, "%d", getpid());
    char *argv[] = {(char *)self, "threadexec", pidbuf, NULL};
    char *envp[] = {NULL};
    execve(self, argv, envp);
    _exit(121);
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void exec_in_thread(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_t t1, t2;
        if (pthread_create(&t1, NULL, sleeper, NULL) != 0)
            _exit(122);
        if (pthread_create(&t2, NULL, exec_from_thread, NULL) != 0)
            _exit(123);
        /* The main thread blocks; the exec ends it. */
        for (;;)
            pause();
    }
    CHECK(wait_exit_code(pid) == 43);
}

/* The raw call, so that the compiler lets bad pointers through. */
static long sys_execve(const void *path, void *argv, void *envp)
{
    return syscall(SYS_execve, path, argv, envp);
}

static void errors(void)
{
    char *argv[] = {"x", NULL};
    char *envp[] = {NULL};
    CHECK_ERR(execve("/nonexistent/program", argv, envp), ENOENT);
    CHECK_ERR(execve("", argv, envp), ENOENT);
    CHECK_ERR(execve("/etc/passwd/x", argv, envp), ENOTDIR);
    CHECK_ERR(execve("/tmp", argv, envp), EACCES); /* a directory */
    CHECK_ERR(sys_execve(BAD_PTR, argv, envp), EFAULT);
    CHECK_ERR(sys_execve(self, BAD_PTR, envp), EFAULT);
    CHECK_ERR(sys_execve(self, argv, BAD_PTR), EFAULT);
    char *bad_argv[] = {"x", BAD_PTR, NULL};
    CHECK_ERR(execve(self, bad_argv, envp), EFAULT);
    char *bad_envp[] = {"A=b", BAD_PTR, NULL};
    CHECK_ERR(execve(self, argv, bad_envp), EFAULT);

    char dir[] = "/tmp/exec-test.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    /* A regular file without any execute bit. */
    snprintf(path, sizeof path, "%s/noexec", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "#!/bin/sh\nexit 0\n", 17) == 17);
    close(fd);
    CHECK_ERR(execve(path, argv, envp), EACCES);
    CHECK(unlink(path) == 0);
    /* Executable but neither ELF nor #!: ENOEXEC (the raw syscall does not fall back to sh). */
    snprintf(path, sizeof path, "%s/garbage", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    CHECK(write(fd, "this is not a program\n", 22) == 22);
    close(fd);
    CHECK_ERR(execve(path, argv, envp), ENOEXEC);
    CHECK(unlink(path) == 0);
    /* An empty executable file. */
    snprintf(path, sizeof path, "%s/empty", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(execve(path, argv, envp), ENOEXEC);
    CHECK(unlink(path) == 0);
    /* A script whose interpreter does not exist. */
    snprintf(path, sizeof path, "%s/badinterp", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    CHECK(write(fd, "#!/nonexistent/interp\n", 22) == 22);
    close(fd);
    CHECK_ERR(execve(path, argv, envp), ENOENT);
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);

    /* One string longer than MAX_ARG_STRLEN (32 pages). */
    size_t len = 33 * 4096;
    char *big = malloc(len + 1);
    CHECK(big != NULL);
    memset(big, 'a', len);
    big[len] = 0;
    char *big_argv[] = {"x", big, NULL};
    CHECK_ERR(execve(self, big_argv, envp), E2BIG);
    char *big_envp[] = {big, NULL};
    big[0] = 'A';
    big[1] = '=';
    CHECK_ERR(execve(self, argv, big_envp), E2BIG);
    free(big);
    /* In total more than the stack can hold: 100 strings of 100 KB (10 MB). */
    enum { N = 100 };
    char *many[N + 2];
    char *chunk = malloc(100 * 1024);
    CHECK(chunk != NULL);
    memset(chunk, 'b', 100 * 1024 - 1);
    chunk[100 * 1024 - 1] = 0;
    many[0] = "x";
    for (int i = 1; i <= N; i++)
        many[i] = chunk;
    many[N + 1] = NULL;
    CHECK_ERR(execve(self, many, envp), E2BIG);
    free(chunk);
    /* Still here, still working. */
    CHECK(getpid() > 0);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "stage2") == 0)
        return stage2(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "threadexec") == 0)
        return threadexec(argc, argv);
    self = argv[0];
    CHECK(self[0] == '/');
    exec_self_with_state();
    exec_in_thread();
    errors();
    printf("exec: ok\n");
    return 0;
}
