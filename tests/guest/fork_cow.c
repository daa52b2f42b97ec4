// Copy-on-write after fork, from a hostile guest's side: neither side ever sees the other's
// later writes, on the pages a fork touches first (stack, TLS, the code page's data) and on
// pages still shared with an earlier child; many children at once; a fork while another thread
// keeps writing; MAP_SHARED memory stays shared and MAP_PRIVATE file pages stay private.
#include "check.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static __thread volatile int tls_value = 1;
static volatile int global_value = 10;
static volatile char *deep_area;
static volatile int stop_writer;
static volatile unsigned long writer_count;

static int wait_exit_code(pid_t pid)
{
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A child that waits until the parent writes `go` down `pipe_fds`, then runs `check`. */
static pid_t fork_waiting(int pipe_fds[2], int (*check)(void))
{
    CHECK(pipe(pipe_fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(pipe_fds[1]);
        char byte;
        if (read(pipe_fds[0], &byte, 1) != 1)
            _exit(90);
        _exit(check());
    }
    close(pipe_fds[0]);
    return pid;
}

static void release(int pipe_fds[2])
{
    CHECK(write(pipe_fds[1], "g", 1) == 1);
    close(pipe_fds[1]);
}

/* Stack, TLS and data written by both sides after the fork. */
static int check_first_child(void)
{
    volatile int on_stack = 5;
    return tls_value == 1 && global_value == 10 && on_stack == 5 ? 0 : 1;
}

static void both_write(void)
{
    volatile int on_stack = 5;
    int to_child[2], to_parent[2];
    CHECK(pipe(to_child) == 0 && pipe(to_parent) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        // The child writes first, then waits until the parent has written too.
        tls_value = 100;
        global_value = 110;
        on_stack = 105;
        char byte;
        if (write(to_parent[1], "c", 1) != 1 || read(to_child[0], &byte, 1) != 1)
            _exit(90);
        _exit(tls_value == 100 && global_value == 110 && on_stack == 105 ? 0 : 1);
    }
    char byte;
    CHECK(read(to_parent[0], &byte, 1) == 1);
    CHECK(tls_value == 1 && global_value == 10 && on_stack == 5);
    tls_value = 200;
    global_value = 210;
    on_stack = 205;
    CHECK(write(to_child[1], "p", 1) == 1);
    CHECK(wait_exit_code(pid) == 0);
    CHECK(tls_value == 200 && global_value == 210 && on_stack == 205);
    tls_value = 1;
    global_value = 10;
    for (int i = 0; i < 2; i++) {
        close(to_child[i]);
        close(to_parent[i]);
    }

    // The parent writes while the child has not run yet.
    int fds[2];
    pid = fork_waiting(fds, check_first_child);
    tls_value = 2;
    global_value = 20;
    on_stack = 6;
    release(fds);
    CHECK(wait_exit_code(pid) == 0);
    tls_value = 1;
    global_value = 10;
}

/* Fills a deep stack area and remembers where it is, so that later forks happen with their
   stack pointer inside pages the first child still shares. */
static __attribute__((noinline)) void fill_deep(char pattern)
{
    volatile char area[6 * PAGE];
    for (int i = 0; i < (int)sizeof area; i++)
        area[i] = pattern;
    // Kept past the frame on purpose (the compiler is told nothing about where it points).
    uintptr_t where = (uintptr_t)area;
    __asm__("" : "+r"(where));
    deep_area = (volatile char *)where;
}

static int check_deep_is_a(void)
{
    for (int i = PAGE; i < 5 * PAGE; i++) {
        if (deep_area[i] != 'A')
            return 1;
    }
    return 0;
}

/* Forks (the child exits at once) with the stack pointer `depth` bytes further down. */
static __attribute__((noinline)) void fork_at_depth(int depth)
{
    volatile char pad[depth + 1];
    pad[0] = 0;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(pad[0]);
    CHECK(wait_exit_code(pid) == 0);
}

static void shared_with_earlier_child(void)
{
    fill_deep('A');
    int fds[2];
    pid_t first = fork_waiting(fds, check_deep_is_a);
    // Later forks with the stack pointer all over the area the first child still shares, then
    // the parent overwrites it: the first child must keep seeing its own bytes.
    for (int depth = 0; depth < 5 * PAGE; depth += 512)
        fork_at_depth(depth);
    fill_deep('P');
    release(fds);
    CHECK(wait_exit_code(first) == 0);
}

static int check_global_is_ten(void) { return global_value == 10 && tls_value == 1 ? 0 : 1; }

static void many_children(void)
{
    enum { children = 16 };
    int fds[children][2];
    pid_t pids[children];
    for (int i = 0; i < children; i++) {
        pids[i] = fork_waiting(fds[i], check_global_is_ten);
        global_value = 10 + i + 1;
        tls_value = i + 2;
        // The next child must see 10 again, as the earlier ones do.
        global_value = 10;
        tls_value = 1;
    }
    global_value = 99;
    tls_value = 98;
    for (int i = 0; i < children; i++)
        release(fds[i]);
    for (int i = 0; i < children; i++)
        CHECK(wait_exit_code(pids[i]) == 0);
    global_value = 10;
    tls_value = 1;
}

static void *writer(void *arg)
{
    (void)arg;
    while (!stop_writer)
        writer_count++;
    return NULL;
}

static void fork_while_a_thread_writes(void)
{
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, writer, NULL) == 0);
    double deadline_s = 10;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (writer_count == 0) {
        sleep_ms(1);
        clock_gettime(CLOCK_MONOTONIC, &now);
        CHECK(now.tv_sec - start.tv_sec < deadline_s);
    }
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        // Only the forking thread lives on in the child: its copy must stand still.
        unsigned long seen = writer_count;
        sleep_ms(20);
        _exit(writer_count == seen ? 0 : 1);
    }
    unsigned long before = writer_count;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (writer_count == before) {
        sleep_ms(1);
        clock_gettime(CLOCK_MONOTONIC, &now);
        CHECK(now.tv_sec - start.tv_sec < deadline_s);
    }
    CHECK(wait_exit_code(pid) == 0);
    stop_writer = 1;
    CHECK(pthread_join(thread, NULL) == 0);
}

static void shared_and_file_mappings(void)
{
    volatile int *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED);
    shared[0] = 1;
    char path[] = "/tmp/fork_cow_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    char bytes[PAGE];
    memset(bytes, 'f', sizeof bytes);
    CHECK(write(fd, bytes, sizeof bytes) == (ssize_t)sizeof bytes);
    volatile char *private_file = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(private_file != MAP_FAILED);
    CHECK(private_file[0] == 'f');

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        shared[0] = 2;
        private_file[0] = 'c';
        struct timespec start, now;
        clock_gettime(CLOCK_MONOTONIC, &start);
        while (shared[0] != 3) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec - start.tv_sec > 10)
                _exit(91);
            sleep_ms(1);
        }
        _exit(private_file[0] == 'c' ? 0 : 1);
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (shared[0] != 2) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        CHECK(now.tv_sec - start.tv_sec < 10);
        sleep_ms(1);
    }
    CHECK(private_file[0] == 'f');
    private_file[0] = 'p';
    shared[0] = 3;
    CHECK(wait_exit_code(pid) == 0);
    CHECK(private_file[0] == 'p');
    // The file itself never saw either private write.
    char first;
    CHECK(pread(fd, &first, 1, 0) == 1 && first == 'f');
    close(fd);
}

int main(void)
{
    both_write();
    shared_with_earlier_child();
    many_children();
    shared_and_file_mappings();
    fork_while_a_thread_writes();
    printf("fork_cow: ok\n");
    return 0;
}
