// RLIMIT_AS bounds the address space (mmap, mremap and brk past it: ENOMEM), and RLIMIT_CPU
// sends SIGXCPU at the soft limit and each second after, then SIGKILL at the hard limit.
// The same natively. The spin is on CPU time (getrusage), never a loop count.
#include "check.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int signal_pipe[2];

static void on_xcpu(int sig)
{
    (void)sig;
    char byte = 'x';
    if (write(signal_pipe[1], &byte, 1) != 1)
        _exit(3);
}

static double cpu_seconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void check_address_limit(void)
{
    struct rlimit as = {256ul << 20, RLIM_INFINITY};
    CHECK(setrlimit(RLIMIT_AS, &as) == 0);
    CHECK(mmap(NULL, 512ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == ENOMEM);
    CHECK(mmap(NULL, 512ul << 20, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == ENOMEM);
    char *small = mmap(NULL, 16ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(small != MAP_FAILED);
    small[0] = 1;
    CHECK(mremap(small, 16ul << 20, 512ul << 20, MREMAP_MAYMOVE) == MAP_FAILED && errno == ENOMEM);
    /* Replacing part of itself with MAP_FIXED adds nothing. */
    CHECK(mmap(small, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == small);
    void *old_break = sbrk(0);
    CHECK(sbrk(512l << 20) == (void *)-1 && errno == ENOMEM);
    CHECK(sbrk(0) == old_break);
    CHECK(sbrk(4096) == old_break);
    CHECK(munmap(small, 16ul << 20) == 0);
    as.rlim_cur = RLIM_INFINITY;
    CHECK(setrlimit(RLIMIT_AS, &as) == 0);
    small = mmap(NULL, 512ul << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(small != MAP_FAILED);
    CHECK(munmap(small, 512ul << 20) == 0);
}

int main(void)
{
    check_address_limit();

    CHECK(pipe(signal_pipe) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(signal(SIGXCPU, on_xcpu) != SIG_ERR);
        struct rlimit cpu = {1, 3};
        CHECK(setrlimit(RLIMIT_CPU, &cpu) == 0);
        /* Mostly user time between the clock reads, so that CPU time is most of the wall time. */
        while (cpu_seconds() < 10) {
            for (volatile int i = 0; i < 100000; i++) {
            }
        }
        _exit(2); /* SIGKILL should have come at 3 s */
    }
    close(signal_pipe[1]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    char bytes[16];
    ssize_t signals = read(signal_pipe[0], bytes, sizeof bytes);
    CHECK(signals >= 2); /* at 1 s and at 2 s (the soft limit moves up a second each time) */
    printf("rlimit_as_cpu: ok (%zd SIGXCPU before SIGKILL)\n", signals);
    return 0;
}
