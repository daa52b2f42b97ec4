// kernel.threads-max: /proc/sys/kernel/threads-max reads as a number; root may lower it (not
// below 20, nor past the instance's ceiling: EINVAL), uid 65534 may not write it (EACCES).
// Lowered, it bounds every thread and process of the instance: pthread_create and fork get
// EAGAIN past it, never a kernel panic, and raising it back makes room again.
// Natively writing it would change the host's limit: the test runs only under asterix.
// native: skip
#include "check.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

enum { LOWERED = 24, CAP = 64 };

static long read_threads_max(void)
{
    char text[32] = {0};
    int fd = open("/proc/sys/kernel/threads-max", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, text, sizeof text - 1) > 0);
    close(fd);
    return strtol(text, NULL, 10);
}

/* Writes `text` to threads-max; the write's result, with errno. */
static int write_threads_max(const char *text)
{
    int fd = open("/proc/sys/kernel/threads-max", O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void *idle_thread(void *arg)
{
    int fd = *(int *)arg;
    char c;
    (void)read(fd, &c, 1); /* until the pipe's write end closes */
    return NULL;
}

int main(void)
{
    long original = read_threads_max();
    CHECK(original >= 20);
    if (geteuid() != 0) {
        CHECK_ERR(open("/proc/sys/kernel/threads-max", O_WRONLY), EACCES);
        puts("threads_max: not root; the lowering checks are skipped");
        return 0;
    }

    /* uid 65534 may not write it. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        errno = 0;
        _exit(open("/proc/sys/kernel/threads-max", O_WRONLY) == -1 && errno == EACCES ? 0 : 3);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Bad values are refused and change nothing. */
    CHECK(write_threads_max("abc\n") == -1 && errno == EINVAL);
    CHECK(write_threads_max("5\n") == -1 && errno == EINVAL);
    CHECK(write_threads_max("1073741824\n") == -1 && errno == EINVAL);
    CHECK(read_threads_max() == original);

    char text[32];
    snprintf(text, sizeof text, "%d\n", LOWERED);
    CHECK(write_threads_max(text) == 0);
    CHECK(read_threads_max() == LOWERED);

    /* Threads until EAGAIN: we are one, so at most LOWERED - 1 more. */
    int p[2];
    CHECK(pipe(p) == 0);
    pthread_t threads[CAP];
    int n = 0, error = 0;
    while (n < CAP) {
        error = pthread_create(&threads[n], NULL, idle_thread, &p[0]);
        if (error != 0)
            break;
        ++n;
    }
    CHECK(error == EAGAIN);
    CHECK(n > 0 && n <= LOWERED - 1);
    /* A process needs a thread too. */
    CHECK_ERR(fork(), EAGAIN);

    close(p[1]);
    for (int i = 0; i < n; ++i)
        CHECK(pthread_join(threads[i], NULL) == 0);
    close(p[0]);

    /* Room again: a child, then the original limit back. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(7);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 7);
    snprintf(text, sizeof text, "%ld", original);
    CHECK(write_threads_max(text) == 0);
    CHECK(read_threads_max() == original);
    puts("threads_max: ok");
    return 0;
}
