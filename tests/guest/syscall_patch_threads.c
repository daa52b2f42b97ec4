// Many threads call through patched syscall sites (glibc's getpid and gettid) at once, while
// signals interrupt them and the kernel preempts them: every call returns the caller's own
// answer. On every platform and natively.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "monotonic.h"

enum { thread_count = 8 };

static pid_t g_pid;
static atomic_int g_stop;
static atomic_int g_bad;
static atomic_long g_signals;
static pthread_t g_threads[thread_count];

static void on_signal(int sig)
{
    (void)sig;
    if (getpid() != g_pid)
        atomic_store(&g_bad, 1);
    atomic_fetch_add(&g_signals, 1);
}

static void *worker(void *arg)
{
    (void)arg;
    pid_t tid = gettid();
    long calls = 0;
    while (!atomic_load(&g_stop)) {
        double x = 1.5 * (double)calls; /* live FPU state across the calls */
        if (getpid() != g_pid || gettid() != tid || x != 1.5 * (double)calls)
            atomic_store(&g_bad, 1);
        calls++;
    }
    return (void *)calls;
}

int main(void)
{
    g_pid = getpid();
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    for (int i = 0; i < thread_count; i++)
        CHECK(pthread_create(&g_threads[i], NULL, worker, NULL) == 0);
    double end = now_s() + 0.5;
    while (now_s() < end) {
        for (int i = 0; i < thread_count; i++)
            pthread_kill(g_threads[i], SIGUSR1);
        CHECK(getpid() == g_pid);
        sched_yield();
    }
    atomic_store(&g_stop, 1);
    long total = 0;
    for (int i = 0; i < thread_count; i++) {
        void *calls;
        CHECK(pthread_join(g_threads[i], &calls) == 0);
        total += (long)calls;
    }
    CHECK(!atomic_load(&g_bad));
    CHECK(total > 0);
    CHECK(atomic_load(&g_signals) > 0);
    puts("ok");
    return 0;
}
