// Each thread keeps its own FPU/SSE control state and registers: four threads each set a
// different MXCSR rounding mode, x87 control word and xmm values, then block and yield many
// times (so the kernel switches between them, and between its own tasks), checking after every
// switch that nothing of another thread's state leaked into theirs. A fresh thread starts with
// Linux's initial MXCSR (0x1f80) and x87 control word (0x37f). With AVX, ymm7's upper half is
// checked too (it is XSAVE state beyond FXSAVE's).
#include "check.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 200

static pthread_barrier_t start;
static int has_avx;

static uint32_t get_mxcsr(void)
{
    uint32_t value;
    __asm__ volatile("stmxcsr %0" : "=m"(value));
    return value;
}

static uint16_t get_fcw(void)
{
    uint16_t value;
    __asm__ volatile("fnstcw %0" : "=m"(value));
    return value;
}

static void *worker(void *arg)
{
    long id = (long)arg;
    CHECK(get_mxcsr() == 0x1f80);
    CHECK(get_fcw() == 0x37f);
    uint32_t mxcsr = 0x1f80 | ((uint32_t)id << 13); // rounding control: one mode per thread
    uint16_t fcw = 0x37f | (uint16_t)(id << 10);
    __asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
    __asm__ volatile("fldcw %0" ::"m"(fcw));
    uint64_t mine = 0x1111111111111111ull * (uint64_t)(id + 1);
    __asm__ volatile("movq %0, %%xmm7" ::"r"(mine) : "xmm7");
    if (has_avx)
        __asm__ volatile("vinsertf128 $1, %%xmm7, %%ymm7, %%ymm7" ::: "xmm7"); // upper half = lower
    pthread_barrier_wait(&start);
    for (int i = 0; i < ROUNDS; i++) {
        if (i % 10 == 0)
            usleep(100); // block: the kernel runs other tasks
        else
            sched_yield();
        uint64_t seen;
        __asm__ volatile("movq %%xmm7, %0" : "=r"(seen));
        uint64_t seen_upper = mine;
        if (has_avx)
            __asm__ volatile("vextractf128 $1, %%ymm7, %%xmm6; movq %%xmm6, %0" : "=r"(seen_upper) : : "xmm6");
        if (get_mxcsr() != mxcsr || get_fcw() != fcw || seen != mine || seen_upper != mine) {
            CHECK(!"the FPU/SSE state changed across a switch");
            return (void *)1;
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t threads[THREADS];
    __builtin_cpu_init();
    has_avx = __builtin_cpu_supports("avx");
    pthread_barrier_init(&start, NULL, THREADS);
    for (long i = 0; i < THREADS; i++)
        CHECK(pthread_create(&threads[i], NULL, worker, (void *)i) == 0);
    for (int i = 0; i < THREADS; i++) {
        void *result;
        CHECK(pthread_join(threads[i], &result) == 0);
        CHECK(result == NULL);
    }
    printf("fpu_threads: ok%s\n", has_avx ? " (with ymm)" : "");
    return 0;
}
