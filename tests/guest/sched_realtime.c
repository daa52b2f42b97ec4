/* The real-time policies are obeyed, on one CPU: a SCHED_FIFO thread that spins is not
 * interrupted by a SCHED_OTHER thread; two SCHED_RR threads of one priority take turns by
 * time slice while two SCHED_FIFO ones do not; sched_yield moves a SCHED_FIFO thread behind
 * its equals; a higher-priority thread that becomes runnable preempts the running one at once
 * (woken through a pipe) or soon (woken by its timer).
 * Every thread is pinned to the CPU the test starts on, so it means the same on any number of
 * CPUs. Natively it needs CAP_SYS_NICE or an RLIMIT_RTPRIO it can raise; without either it
 * skips (exit 77). */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { skip = 77 };
/* Spins measure their own CPU time, so a slow or loaded host only makes them take longer; a
 * wall-clock bound catches a spin that never gets the CPU. */
static const long long spin_wall_limit_ns = 30LL * 1000000000;

static long long clock_ns(clockid_t clock)
{
    struct timespec ts;
    CHECK(clock_gettime(clock, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void set_policy(int policy, int priority)
{
    struct sched_param param = {.sched_priority = priority};
    CHECK(pthread_setschedparam(pthread_self(), policy, &param) == 0);
}

/* Spins until this thread has run `cpu_ns`, calling `step` between short stretches. */
static void spin_for(long long cpu_ns, void (*step)(void *), void *arg)
{
    long long start_cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    long long start_wall = clock_ns(CLOCK_MONOTONIC);
    while (clock_ns(CLOCK_THREAD_CPUTIME_ID) - start_cpu < cpu_ns) {
        CHECK(clock_ns(CLOCK_MONOTONIC) - start_wall < spin_wall_limit_ns);
        if (step)
            step(arg);
    }
}

static pthread_t start_thread(void *(*fn)(void *), void *arg, int policy, int priority)
{
    pthread_attr_t attr;
    CHECK(pthread_attr_init(&attr) == 0);
    struct sched_param param = {.sched_priority = priority};
    CHECK(pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED) == 0);
    CHECK(pthread_attr_setschedpolicy(&attr, policy) == 0);
    CHECK(pthread_attr_setschedparam(&attr, &param) == 0);
    pthread_t thread;
    CHECK(pthread_create(&thread, &attr, fn, arg) == 0);
    pthread_attr_destroy(&attr);
    return thread;
}

/* --- A FIFO thread is not interrupted by a SCHED_OTHER one. --- */

static volatile long other_progress;
static volatile int other_stop;

/* It sleeps between counts: a fair scheduler favours a thread that wakes from a sleep, so
 * only a real-time policy keeps it from counting while the FIFO thread spins. */
static void *other_counter(void *arg)
{
    (void)arg;
    struct timespec nap = {0, 1000000};
    while (!other_stop) {
        nanosleep(&nap, NULL);
        other_progress = other_progress + 1;
    }
    return NULL;
}

static void *fifo_spinner(void *arg)
{
    long *progress_during = arg;
    long before = other_progress;
    spin_for(100000000, NULL, NULL);
    *progress_during = other_progress - before;
    return NULL;
}

static void fifo_runs_before_other(void)
{
    other_progress = 0;
    other_stop = 0;
    pthread_t counter = start_thread(other_counter, NULL, SCHED_OTHER, 0);
    /* Let the counter get going: the main thread is real-time, so it sleeps to let it run. */
    long long deadline = clock_ns(CLOCK_MONOTONIC) + spin_wall_limit_ns;
    while (other_progress == 0) {
        CHECK(clock_ns(CLOCK_MONOTONIC) < deadline);
        usleep(1000);
    }
    long progress_during = -1;
    pthread_t spinner = start_thread(fifo_spinner, &progress_during, SCHED_FIFO, 10);
    CHECK(pthread_join(spinner, NULL) == 0);
    CHECK(progress_during == 0);
    /* The counter runs again once no real-time thread wants the CPU. */
    long after = other_progress;
    deadline = clock_ns(CLOCK_MONOTONIC) + spin_wall_limit_ns;
    while (other_progress == after) {
        CHECK(clock_ns(CLOCK_MONOTONIC) < deadline);
        usleep(1000);
    }
    other_stop = 1;
    CHECK(pthread_join(counter, NULL) == 0);
}

/* --- Two threads of one priority: RR takes turns, FIFO does not. --- */

static volatile int last_runner;

struct Turns {
    int id;
    long long cpu_ns;
    int turns; /* times it found the other had run since its last look */
};

static void note_turn(void *arg)
{
    struct Turns *self = arg;
    if (last_runner != self->id) {
        if (last_runner != 0)
            self->turns++;
        last_runner = self->id;
    }
}

static void *taking_turns(void *arg)
{
    struct Turns *self = arg;
    spin_for(self->cpu_ns, note_turn, self);
    return NULL;
}

static void equal_priorities(int policy, long long cpu_ns, struct Turns turns[2])
{
    last_runner = 0;
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        turns[i] = (struct Turns) {.id = i + 1, .cpu_ns = cpu_ns};
        threads[i] = start_thread(taking_turns, &turns[i], policy, 10);
    }
    for (int i = 0; i < 2; i++)
        CHECK(pthread_join(threads[i], NULL) == 0);
}

static void round_robin_takes_turns(void)
{
    struct Turns turns[2];
    struct timespec interval;
    set_policy(SCHED_RR, 20);
    CHECK(sched_rr_get_interval(0, &interval) == 0);
    long long slice_ns = interval.tv_sec * 1000000000LL + interval.tv_nsec;
    CHECK(slice_ns > 0);
    set_policy(SCHED_FIFO, 20);
    /* Each runs five slices' worth, so each must have been sliced at least twice. */
    equal_priorities(SCHED_RR, 5 * slice_ns, turns);
    CHECK(turns[0].turns >= 2 && turns[1].turns >= 2);

    equal_priorities(SCHED_FIFO, 100000000, turns);
    /* One ran to its end before the other began. Which one is first is not the point: each
     * thread's priority was lowered from the main thread's after it was queued, which puts it
     * at the head of its new priority (sched(7)), so the later one goes first. */
    CHECK(turns[0].turns + turns[1].turns == 1);
}

/* --- sched_yield puts a FIFO thread behind its equals, never behind a lower priority. --- */

static int order[8];
static volatile int order_len;

static void record(int who) { order[order_len++] = who; }

static void *yielder(void *arg)
{
    int who = (int)(long)arg;
    record(who);
    CHECK(sched_yield() == 0);
    record(who);
    return NULL;
}

static void *lower(void *arg)
{
    (void)arg;
    record(3);
    return NULL;
}

static void yield_goes_behind_equals(void)
{
    order_len = 0;
    pthread_t low = start_thread(lower, NULL, SCHED_FIFO, 5);
    pthread_t a = start_thread(yielder, (void *)1L, SCHED_FIFO, 10);
    pthread_t b = start_thread(yielder, (void *)2L, SCHED_FIFO, 10);
    /* The main thread (priority 20) blocks: the others run in priority order. */
    CHECK(pthread_join(a, NULL) == 0);
    CHECK(pthread_join(b, NULL) == 0);
    CHECK(pthread_join(low, NULL) == 0);
    /* Either may begin (see round_robin_takes_turns), but they alternate, and the lower
     * priority runs only when both are done. */
    CHECK(order_len == 5);
    CHECK(order[0] != order[1] && order[2] == order[0] && order[3] == order[1] && order[4] == 3);
}

/* --- A higher priority that becomes runnable preempts. --- */

static int wake_pipe[2];
static volatile long low_progress;
static volatile long progress_at_write = -1;
static volatile long progress_seen = -1;

static void count_low(void *arg)
{
    (void)arg;
    low_progress = low_progress + 1;
}

static void *high_reader(void *arg)
{
    (void)arg;
    char byte;
    CHECK(read(wake_pipe[0], &byte, 1) == 1);
    progress_seen = low_progress;
    return NULL;
}

static void *low_writer(void *arg)
{
    (void)arg;
    spin_for(20000000, count_low, NULL);
    progress_at_write = low_progress;
    CHECK(write(wake_pipe[1], "x", 1) == 1);
    spin_for(50000000, count_low, NULL);
    return NULL;
}

static volatile int sleeper_done;
static volatile int sleeper_done_before_end;

static void *high_sleeper(void *arg)
{
    (void)arg;
    struct timespec nap = {0, 20000000};
    CHECK(nanosleep(&nap, NULL) == 0);
    sleeper_done = 1;
    return NULL;
}

static void *low_spinner(void *arg)
{
    (void)arg;
    /* Long enough that the sleeper's timer is due well before the end. */
    spin_for(300000000, NULL, NULL);
    sleeper_done_before_end = sleeper_done;
    return NULL;
}

static void woken_higher_priority_preempts(void)
{
    CHECK(pipe(wake_pipe) == 0);
    low_progress = 0;
    pthread_t high = start_thread(high_reader, NULL, SCHED_FIFO, 15);
    pthread_t low = start_thread(low_writer, NULL, SCHED_FIFO, 10);
    CHECK(pthread_join(low, NULL) == 0);
    CHECK(pthread_join(high, NULL) == 0);
    /* The reader ran as the write returned, before the writer counted once more. */
    CHECK(progress_at_write > 0);
    CHECK(progress_seen == progress_at_write);
    close(wake_pipe[0]);
    close(wake_pipe[1]);

    sleeper_done = 0;
    high = start_thread(high_sleeper, NULL, SCHED_FIFO, 15);
    low = start_thread(low_spinner, NULL, SCHED_RR, 10);
    CHECK(pthread_join(low, NULL) == 0);
    CHECK(pthread_join(high, NULL) == 0);
    CHECK(sleeper_done_before_end);
}

int main(void)
{
    /* One CPU: the one the test starts on; threads inherit the mask. */
    int cpu = sched_getcpu();
    CHECK(cpu >= 0);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    CHECK(sched_setaffinity(0, sizeof(set), &set) == 0);

    struct sched_param param = {.sched_priority = 20};
    if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
        CHECK(errno == EPERM);
        struct rlimit limit = {20, 20};
        if (setrlimit(RLIMIT_RTPRIO, &limit) != 0 || sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
            printf("sched_realtime: skipped, no CAP_SYS_NICE and no RLIMIT_RTPRIO to raise\n");
            return skip;
        }
    }
    /* The main thread is real-time above the threads it starts, so they begin only when it
     * blocks, all ready at once. */
    fifo_runs_before_other();
    round_robin_takes_turns();
    yield_goes_behind_equals();
    woken_higher_priority_preempts();
    printf("sched_realtime: ok\n");
    return 0;
}
