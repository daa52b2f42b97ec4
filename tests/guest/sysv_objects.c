// harness: skip
// Helper of tests/e2e/sysv_ipcs.sh: makes one SysV shared memory segment (8 KiB, mode 640),
// one semaphore set (3 semaphores, 600) and one message queue (666, holding one 5-byte message)
// with keys KEY, KEY+1 and KEY+2, leaves them for ipcs, and prints their ids.
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    key_t key = (key_t)strtol(argv[1], NULL, 0);
    int shm = shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0640);
    int sem = semget(key + 1, 3, IPC_CREAT | IPC_EXCL | 0600);
    int msq = msgget(key + 2, IPC_CREAT | IPC_EXCL | 0666);
    struct {
        long type;
        char text[5];
    } msg = {1, "hello"};
    if (shm < 0 || sem < 0 || msq < 0 || msgsnd(msq, &msg, sizeof msg.text, 0) != 0) {
        perror("sysv_objects");
        return 1;
    }
    printf("%d %d %d\n", shm, sem, msq);
    return 0;
}
