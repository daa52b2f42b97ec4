// shm_bandwidth [MIB]: MIB mebibytes (default 256) from a writer process to a reader process
// through a 1 MiB SysV shared memory segment, one chunk at a time: the writer fills the
// segment and raises semaphore "full", the reader copies it out and raises "empty" (a SysV
// semaphore set of two). Prints "RESULT shm_bandwidth ns_per_op=X" per MiB, and MiB/s.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

enum { chunk = 1024 * 1024, sem_empty = 0, sem_full = 1 };

static char private_buffer[chunk];

static int change(int set, unsigned short which, short by)
{
    struct sembuf op = {.sem_num = which, .sem_op = by, .sem_flg = 0};
    return semop(set, &op, 1);
}

int main(int argc, char **argv)
{
    long mib = argc > 1 ? atol(argv[1]) : 256;
    if (mib <= 0)
        return 2;
    int segment = shmget(IPC_PRIVATE, chunk, IPC_CREAT | 0600);
    int set = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    char *shared = segment < 0 ? (char *)-1 : shmat(segment, NULL, 0);
    // Marked for removal at once: the segment goes when both processes have detached.
    if (segment >= 0)
        shmctl(segment, IPC_RMID, NULL);
    if (set < 0 || shared == (char *)-1) {
        if (set >= 0)
            semctl(set, 0, IPC_RMID);
        return 2;
    }
    if (change(set, sem_empty, 1))
        return 1;
    pid_t pid = fork();
    if (pid < 0) {
        semctl(set, 0, IPC_RMID);
        return 1;
    }
    if (pid == 0) {
        long long sum = 0;
        for (long i = 0; i < mib; i++) {
            if (change(set, sem_full, -1))
                _exit(1);
            memcpy(private_buffer, shared, chunk);
            sum += private_buffer[i % chunk];
            if (change(set, sem_empty, 1))
                _exit(1);
        }
        _exit(sum == mib * 'b' ? 0 : 1);
    }
    memset(private_buffer, 'b', chunk);
    int failed = 0;
    double t0 = now_ns();
    for (long i = 0; i < mib && !failed; i++) {
        failed = change(set, sem_empty, -1);
        if (!failed) {
            memcpy(shared, private_buffer, chunk);
            failed = change(set, sem_full, 1);
        }
    }
    // The last chunk has been read when the reader gives the segment back.
    if (!failed)
        failed = change(set, sem_empty, -1);
    double t1 = now_ns();
    semctl(set, 0, IPC_RMID);
    int status;
    waitpid(pid, &status, 0);
    if (failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    double ns_per_mib = (t1 - t0) / mib;
    printf("RESULT shm_bandwidth ns_per_op=%.1f n=%ld mib_per_s=%.1f\n", ns_per_mib, mib, 1e9 / ns_per_mib);
    return 0;
}
