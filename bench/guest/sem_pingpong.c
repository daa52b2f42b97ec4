// sem_pingpong [N]: a parent and a child hand a turn back and forth N times through a SysV
// semaphore set of two (semop: the parent raises 0 and takes 1, the child takes 0 and raises
// 1); prints "RESULT sem_pingpong ns_per_op=X" per round trip.
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

static int change(int set, unsigned short which, short by)
{
    struct sembuf op = {.sem_num = which, .sem_op = by, .sem_flg = 0};
    return semop(set, &op, 1);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    if (n <= 0)
        return 2;
    int set = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    if (set < 0)
        return 2;
    pid_t pid = fork();
    if (pid < 0) {
        semctl(set, 0, IPC_RMID);
        return 1;
    }
    if (pid == 0) {
        for (long i = 0; i < n; i++) {
            if (change(set, 0, -1) || change(set, 1, 1))
                _exit(1);
        }
        _exit(0);
    }
    int failed = 0;
    double t0 = now_ns();
    for (long i = 0; i < n && !failed; i++)
        failed = change(set, 0, 1) || change(set, 1, -1);
    double t1 = now_ns();
    // Removing the set wakes a child still waiting (EIDRM), so nothing is left behind.
    semctl(set, 0, IPC_RMID);
    int status;
    waitpid(pid, &status, 0);
    if (failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    printf("RESULT sem_pingpong ns_per_op=%.1f n=%ld\n", (t1 - t0) / n, n);
    return 0;
}
