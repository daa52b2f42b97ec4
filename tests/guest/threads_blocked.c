// Three threads block reading a pipe while the main thread calls getppid(): the gdb test
// (tests/e2e/gdb_tasks.sh) stops the kernel there and lists the tasks. Alone it just checks
// that the threads wake and join.
#include "check.h"
#include <pthread.h>
#include <unistd.h>

static int pipefd[2];

static void *worker(void *arg)
{
    char c;
    CHECK(read(pipefd[0], &c, 1) == 1);
    return arg;
}

int main(void)
{
    CHECK(pipe(pipefd) == 0);
    pthread_t threads[3];
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&threads[i], NULL, worker, NULL) == 0);
    usleep(50000);
    getppid(); /* the debugger stops here, with three threads blocked in read */
    CHECK(write(pipefd[1], "xxx", 3) == 3);
    for (int i = 0; i < 3; i++)
        CHECK(pthread_join(threads[i], NULL) == 0);
    puts("joined");
    return 0;
}
