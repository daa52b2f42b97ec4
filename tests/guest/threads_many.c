// Many threads: up to 1000 blocked threads are created; when the kernel has no memory left for
// another thread's kernel stack (bare metal with --mem 64M: each takes 256 KiB of frames),
// pthread_create fails with EAGAIN, never with anything else and without bringing the kernel
// down; then every created thread is released and joined.
// asterix-args: --mem 64M
#include <pthread.h>
#include <stdint.h>

#include "check.h"

#define MAX_THREADS 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t released = PTHREAD_COND_INITIALIZER;
static int is_released;

static void *wait_for_release(void *arg)
{
    pthread_mutex_lock(&lock);
    while (!is_released)
        pthread_cond_wait(&released, &lock);
    pthread_mutex_unlock(&lock);
    return arg;
}

int main(void)
{
    static pthread_t threads[MAX_THREADS];
    pthread_attr_t attr;
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
    int created = 0, error = 0;
    while (created < MAX_THREADS) {
        error = pthread_create(&threads[created], &attr, wait_for_release, (void *)(intptr_t)created);
        if (error)
            break;
        created++;
    }
    CHECK(error == 0 || error == EAGAIN);
    CHECK(created >= 100);
    pthread_mutex_lock(&lock);
    is_released = 1;
    pthread_cond_broadcast(&released);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < created; i++) {
        void *result;
        CHECK(pthread_join(threads[i], &result) == 0);
        CHECK(result == (void *)(intptr_t)i);
    }
    /* The stacks came back: another thread can be created. */
    pthread_t again;
    CHECK(pthread_create(&again, &attr, wait_for_release, NULL) == 0);
    CHECK(pthread_join(again, NULL) == 0);
    printf("threads_many: ok (%d threads%s)\n", created, error ? ", then EAGAIN" : "");
    return 0;
}
