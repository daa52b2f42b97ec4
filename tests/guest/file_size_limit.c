/* RLIMIT_FSIZE: a write that crosses the limit is cut short at it; one at or past it raises
 * SIGXFSZ and fails with EFBIG (and kills by default); ftruncate and truncate past it fail the
 * same way; an empty write and a shrink are fine. */
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t xfsz_count;

static void on_xfsz(int sig)
{
    (void)sig;
    xfsz_count++;
}

int main(void)
{
    char path[] = "/tmp/file_size_limit_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    struct rlimit limit = {100, 100};
    CHECK(setrlimit(RLIMIT_FSIZE, &limit) == 0);

    /* By default SIGXFSZ ends the writer. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char byte = 'x';
        pwrite(fd, &byte, 1, 200);
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ);

    struct sigaction sa = {0};
    sa.sa_handler = on_xfsz;
    CHECK(sigaction(SIGXFSZ, &sa, NULL) == 0);
    char buf[64];
    memset(buf, 'a', sizeof buf);
    CHECK(write(fd, buf, 64) == 64);
    CHECK(write(fd, buf, 64) == 36); /* cut short at the limit */
    CHECK(xfsz_count == 0);
    CHECK_ERR(write(fd, buf, 1), EFBIG);
    CHECK(xfsz_count == 1);
    CHECK(write(fd, buf, 0) == 0);
    CHECK(xfsz_count == 1);
    CHECK_ERR(pwrite(fd, buf, 10, 100), EFBIG);
    CHECK(xfsz_count == 2);
    CHECK(pwrite(fd, buf, 10, 95) == 5);
    CHECK_ERR(ftruncate(fd, 101), EFBIG);
    CHECK(xfsz_count == 3);
    CHECK_ERR(truncate(path, 1000), EFBIG);
    CHECK(xfsz_count == 4);
    CHECK(ftruncate(fd, 100) == 0);
    CHECK(ftruncate(fd, 50) == 0);
    CHECK(truncate(path, 60) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 60);

    /* O_APPEND writes at the end, so the end is what counts. */
    int append = open(path, O_WRONLY | O_APPEND);
    CHECK(append >= 0);
    CHECK(write(append, buf, 64) == 40);
    CHECK_ERR(write(append, buf, 1), EFBIG);
    CHECK(xfsz_count == 5);

    /* Ignored, the signal does not stop the error. */
    signal(SIGXFSZ, SIG_IGN);
    CHECK_ERR(write(append, buf, 1), EFBIG);
    close(append);
    close(fd);
    unlink(path);
    puts("file_size_limit: ok");
    return 0;
}
