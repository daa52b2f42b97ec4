/* The scheduler obeys nice values: two CPU-bound processes on one CPU, at nice 0 and nice 10,
 * spin for the same wall time and the nice 0 one gets clearly more CPU time (Linux gives it
 * about nine times as much; the check asks for twice). Nice values are per thread:
 * setpriority(PRIO_PROCESS, tid) changes that thread alone, a new thread inherits its
 * creator's, and the permission errors are Linux's. */
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t clock)
{
    struct timespec ts;
    CHECK(clock_gettime(clock, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A child that waits for the start, spins for `spin_ns` of wall time and reports its CPU time. */
static pid_t spinner(int nice_value, int go_fd, int report_fd, long long spin_ns)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid)
        return pid;
    CHECK(setpriority(PRIO_PROCESS, 0, nice_value) == 0);
    CHECK(getpriority(PRIO_PROCESS, 0) == nice_value);
    char c;
    CHECK(read(go_fd, &c, 1) == 1);
    long long start_cpu = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    long long deadline = now_ns(CLOCK_MONOTONIC) + spin_ns;
    volatile unsigned long sink = 0;
    while (now_ns(CLOCK_MONOTONIC) < deadline) {
        for (int i = 0; i < 10000; ++i)
            sink += i;
    }
    long long cpu = now_ns(CLOCK_PROCESS_CPUTIME_ID) - start_cpu;
    CHECK(write(report_fd, &cpu, sizeof cpu) == sizeof cpu);
    _exit(0);
}

static void check_shares(void)
{
    /* One CPU for all three, so the host's scheduler has to share it as well. */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    int go[2], report0[2], report10[2];
    CHECK(pipe(go) == 0 && pipe(report0) == 0 && pipe(report10) == 0);
    const long long spin_ns = 1500000000LL;
    pid_t a = spinner(0, go[0], report0[1], spin_ns);
    pid_t b = spinner(10, go[0], report10[1], spin_ns);
    CHECK(write(go[1], "gg", 2) == 2);
    long long cpu0, cpu10;
    CHECK(read(report0[0], &cpu0, sizeof cpu0) == sizeof cpu0);
    CHECK(read(report10[0], &cpu10, sizeof cpu10) == sizeof cpu10);
    int status;
    CHECK(waitpid(a, &status, 0) == a && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(waitpid(b, &status, 0) == b && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("sched_nice: nice 0 got %lld ms of CPU, nice 10 got %lld ms\n", cpu0 / 1000000, cpu10 / 1000000);
    CHECK(cpu10 > 0);
    CHECK(cpu0 > 2 * cpu10);
}

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static int g_thread_nice = 99;
static pid_t g_thread_tid;
static pthread_barrier_t g_barrier;

static void *thread_main(void *arg)
{
    (void)arg;
    g_thread_tid = gettid_();
    g_thread_nice = getpriority(PRIO_PROCESS, 0);
    pthread_barrier_wait(&g_barrier);
    pthread_barrier_wait(&g_barrier);
    return NULL;
}

static int stat_nice(pid_t tid)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(text, sizeof text, f) != NULL);
    fclose(f);
    /* Field 19 is the nice value; fields count from after the command's ")". */
    char *p = strrchr(text, ')');
    CHECK(p != NULL);
    int field = 2;
    long value = 0;
    for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
        ++field;
        if (field == 19) {
            value = strtol(tok, NULL, 10);
            break;
        }
    }
    CHECK(field == 19);
    return (int)value;
}

static void check_per_thread(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setpriority(PRIO_PROCESS, 0, 3) == 0);
        CHECK(pthread_barrier_init(&g_barrier, NULL, 2) == 0);
        pthread_t thread;
        CHECK(pthread_create(&thread, NULL, thread_main, NULL) == 0);
        pthread_barrier_wait(&g_barrier);
        CHECK(g_thread_nice == 3); /* inherited from its creator */
        CHECK(setpriority(PRIO_PROCESS, g_thread_tid, 12) == 0);
        CHECK(getpriority(PRIO_PROCESS, g_thread_tid) == 12);
        CHECK(getpriority(PRIO_PROCESS, 0) == 3); /* the caller's own stays */
        CHECK(getpriority(PRIO_PROCESS, getpid()) == 3);
        CHECK(stat_nice(g_thread_tid) == 12);
        CHECK(stat_nice(gettid_()) == 3);
        pthread_barrier_wait(&g_barrier);
        CHECK(pthread_join(thread, NULL) == 0);
        /* A child process inherits the forking thread's. */
        pid_t grandchild = fork();
        CHECK(grandchild >= 0);
        if (grandchild == 0)
            _exit(getpriority(PRIO_PROCESS, 0) == 3 ? 0 : 1);
        int status;
        CHECK(waitpid(grandchild, &status, 0) == grandchild && WIFEXITED(status) && WEXITSTATUS(status) == 0);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void check_errors(void)
{
    CHECK_ERR(setpriority(42, 0, 0), EINVAL);
    errno = 0;
    CHECK(getpriority(42, 0) == -1 && errno == EINVAL);
    CHECK_ERR(setpriority(PRIO_PROCESS, 0x3fffffff, 0), ESRCH);
    pid_t parent = getpid();
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setgid(65534) == 0 && setuid(65534) == 0);
        CHECK(setpriority(PRIO_PROCESS, 0, 5) == 0);
        /* A better nice value needs CAP_SYS_NICE (or RLIMIT_NICE room, 0 here). */
        CHECK_ERR(setpriority(PRIO_PROCESS, 0, 4), EACCES);
        /* Another user's thread is out of reach. */
        CHECK_ERR(setpriority(PRIO_PROCESS, parent, 5), EPERM);
        CHECK(getpriority(PRIO_PROCESS, 0) == 5);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    check_errors();
    check_per_thread();
    check_shares();
    puts("sched_nice: ok");
    return 0;
}
