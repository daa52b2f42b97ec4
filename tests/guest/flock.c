// flock: a bad operation is EINVAL and a bad fd EBADF; an exclusive lock makes another open
// file description's LOCK_EX|LOCK_NB and LOCK_SH|LOCK_NB fail with EWOULDBLOCK, while a dup
// shares the lock; shared locks coexist; a conversion; closing the last descriptor of the open
// file description releases the lock (not closing a dup); a blocked flock waits for another
// process's unlock; a signal interrupts a blocked flock (EINTR without SA_RESTART).
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    char path[] = "/tmp/flockXXXXXX";
    int a = mkstemp(path);
    CHECK(a >= 0);
    int b = open(path, O_RDWR);
    CHECK(b >= 0);

    CHECK_ERR(flock(a, 0), EINVAL);
    CHECK_ERR(flock(a, LOCK_SH | LOCK_EX), EINVAL);
    CHECK_ERR(flock(a, 99 & ~32), EINVAL);
    CHECK_ERR(flock(999, LOCK_EX), EBADF);
    int opath = open(path, O_PATH);
    CHECK_ERR(flock(opath, LOCK_EX), EBADF);

    CHECK(flock(a, LOCK_EX) == 0);
    CHECK(flock(a, LOCK_EX) == 0); // again: no change
    CHECK_ERR(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    int a2 = dup(a);
    CHECK(flock(a2, LOCK_EX | LOCK_NB) == 0); // the same open file description
    CHECK(close(a2) == 0);
    CHECK_ERR(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK); // closing a dup keeps the lock

    // Convert to shared: others may share it, not take it.
    CHECK(flock(a, LOCK_SH) == 0);
    CHECK(flock(b, LOCK_SH | LOCK_NB) == 0);
    CHECK_ERR(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    CHECK(flock(b, LOCK_UN) == 0);
    CHECK(flock(b, LOCK_UN) == 0); // unlocking nothing is fine
    CHECK(flock(a, LOCK_EX | LOCK_NB) == 0);

    // Closing the last descriptor releases the lock.
    CHECK(close(a) == 0);
    CHECK(flock(b, LOCK_EX | LOCK_NB) == 0);

    // A child blocks until we unlock.
    pid_t child = fork();
    if (child == 0) {
        int c = open(path, O_RDWR);
        CHECK(c >= 0);
        CHECK_ERR(flock(c, LOCK_EX | LOCK_NB), EWOULDBLOCK);
        double start = now();
        CHECK(flock(c, LOCK_EX) == 0);
        CHECK(now() - start >= 0.04);
        _exit(0);
    }
    usleep(100000);
    CHECK(flock(b, LOCK_UN) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);
    // The child's lock went with its process (its descriptors closed).
    CHECK(flock(b, LOCK_EX | LOCK_NB) == 0);

    // A signal interrupts a blocked flock.
    int c = open(path, O_RDWR);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it = {{0, 0}, {0, 50000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK_ERR(flock(c, LOCK_EX), EINTR);
    CHECK(unlink(path) == 0);
    puts("flock ok");
    return 0;
}
