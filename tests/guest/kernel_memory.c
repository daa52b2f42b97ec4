// Kernel memory a guest can make the instance allocate is bounded and charged to it (an
// eighth of --mem by default), as Linux's kmem accounting: a table full of descriptors gets
// ENOMEM at the bound, not a kernel that grows without end; a high descriptor number costs
// one entry (the table is sparse), in every forked copy; and unknown syscall numbers, however
// many, are only ENOSYS. Queued signals are charged too: a user whose RLIMIT_SIGPENDING is
// infinite still gets EAGAIN at the bound. So are bytes queued on AF_UNIX sockets (ENOMEM). So are the argv and envp a process keeps (for
// /proc): forks of a process with a big environment get ENOMEM at the bound.
// native: skip (Linux's bound is the memory cgroup's, not --mem's)
// asterix-args: --mem 32M
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void check_kept_arguments(void)
{
    int hold[2];
    CHECK(pipe(hold) == 0);
    int children = 0;
    for (; children < 20; children++) {
        pid_t pid = fork();
        if (pid < 0) {
            CHECK(errno == ENOMEM);
            break;
        }
        if (pid == 0) {
            char byte;
            close(hold[1]);
            _exit(read(hold[0], &byte, 1) == 0 ? 0 : 1);
        }
    }
    CHECK(children >= 1 && children < 20);
    close(hold[1]);
    for (int i = 0; i < children; i++) {
        int status;
        CHECK(wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
    printf("kernel_memory: ok (%d forks of a 1.5 MiB environment before ENOMEM)\n", children);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "args") == 0) {
        check_kept_arguments();
        return 0;
    }
    for (long nr = 100000; nr < 120000; nr++)
        CHECK_ERR(syscall(nr), ENOSYS);

    struct rlimit big = {1048576, 1048576};
    CHECK(setrlimit(RLIMIT_NOFILE, &big) == 0);
    CHECK(dup2(0, 1048575) == 1048575);
    for (int i = 0; i < 200; i++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(fcntl(1048575, F_GETFD) == 0 ? 0 : 1);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    /* 4 MiB of kernel memory holds far fewer than 100,000 descriptors. */
    int last = -1;
    for (int i = 0; i < 100000; i++) {
        int fd = dup(0);
        if (fd < 0) {
            CHECK(errno == ENOMEM);
            break;
        }
        last = fd;
    }
    CHECK(last > 1000 && last < 100000);
    /* The guest, not the kernel, was short: once closed, all works again. */
    for (int fd = 3; fd <= last; fd++)
        CHECK(close(fd) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));

    struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
    CHECK(setrlimit(RLIMIT_SIGPENDING, &unlimited) == 0);
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    CHECK(sigprocmask(SIG_BLOCK, &rt, NULL) == 0);
    int queued = 0;
    for (; queued < 200000; queued++) {
        if (sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = queued}) != 0) {
            CHECK(errno == EAGAIN);
            break;
        }
    }
    CHECK(queued > 1000 && queued < 200000);
    CHECK(signal(SIGRTMIN, SIG_IGN) != SIG_ERR); /* discards the queue */
    CHECK(sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 0}) == 0);
    printf("kernel_memory: ok (%d descriptors before ENOMEM, %d signals before EAGAIN)\n", last, queued);

    /* Bytes queued on AF_UNIX sockets are charged too: each pair holds at most its send
     * buffer, but many pairs reach the bound, and then a send gets ENOMEM. */
    static int pairs[200][2];
    static char chunk[64 << 10];
    int opened = 0, is_out_of_memory = 0;
    long queued_bytes = 0;
    for (; opened < 200 && !is_out_of_memory; opened++) {
        CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pairs[opened]) == 0);
        for (;;) {
            ssize_t n = write(pairs[opened][0], chunk, sizeof chunk);
            if (n > 0) {
                queued_bytes += n;
                continue;
            }
            CHECK(errno == EAGAIN || errno == ENOMEM);
            is_out_of_memory = errno == ENOMEM;
            break;
        }
    }
    CHECK(is_out_of_memory);
    for (int i = 0; i < opened; i++) {
        close(pairs[i][0]);
        close(pairs[i][1]);
    }
    /* Closing gave it all back. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pairs[0]) == 0);
    CHECK(write(pairs[0][0], chunk, sizeof chunk) == (ssize_t)sizeof chunk);
    close(pairs[0][0]);
    close(pairs[0][1]);
    printf("kernel_memory: ok (%ld bytes queued on %d socket pairs before ENOMEM)\n", queued_bytes, opened);

    /* 12 strings of 127 KiB (one may not pass 128 KiB, MAX_ARG_STRLEN). */
    static char strings[12][127 << 10];
    char *child_envp[13];
    for (int i = 0; i < 12; i++) {
        memset(strings[i], 'x', sizeof strings[i] - 1);
        memcpy(strings[i], "BIG", 3);
        strings[i][3] = (char)('a' + i);
        strings[i][4] = '=';
        child_envp[i] = strings[i];
    }
    child_envp[12] = NULL;
    char *child_argv[] = {argv[0], "args", NULL};
    fflush(stdout);
    execve("/proc/self/exe", child_argv, child_envp);
    CHECK(!"execve failed");
    return 0;
}
