// System V semaphores (semget(2), semop(2), semtimedop, semctl(2)): values, atomic operations,
// blocking with waiter counts, IPC_NOWAIT, timeouts, signals, SEM_UNDO at exit, IPC_RMID waking
// sleepers with EIDRM, permissions and the info commands. Everything made is removed again.
#include "check.h"

#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

static int op(int id, unsigned short num, short delta, short flags)
{
    struct sembuf sb = {num, delta, flags};
    return semop(id, &sb, 1);
}

/* Waits (up to 10 s) until `cmd` (GETNCNT or GETZCNT) of semaphore `num` reads `want`. */
static void wait_count(int id, int num, int cmd, int want)
{
    for (int i = 0; i < 10000; i++) {
        if (semctl(id, num, cmd) == want)
            return;
        usleep(1000);
    }
    CHECK(!"waiter count never reached");
}

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    key_t key = (key_t)(0x53e00000 | (getpid() & 0xfffff));

    CHECK_ERR(semget(IPC_PRIVATE, -1, 0600), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERR(semget(IPC_PRIVATE, 32001, 0600), EINVAL);
    CHECK_ERR(semget(key, 2, 0600), ENOENT);
    int id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK_ERR(semget(key, 3, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK(semget(key, 0, 0) == id);
    CHECK(semget(key, 3, 0600) == id);
    CHECK_ERR(semget(key, 4, 0600), EINVAL);

    struct semid_ds ds;
    union semun arg = {.buf = &ds};
    CHECK(semctl(id, 0, IPC_STAT, arg) == 0);
    CHECK(ds.sem_nsems == 3 && ds.sem_otime == 0 && (ds.sem_perm.mode & 0777) == 0600);
    CHECK(ds.sem_perm.__key == key && ds.sem_perm.uid == geteuid());

    /* Values. */
    CHECK(semctl(id, 0, GETVAL) == 0);
    arg.val = 5;
    CHECK(semctl(id, 1, SETVAL, arg) == 0);
    CHECK(semctl(id, 1, GETVAL) == 5);
    CHECK(semctl(id, 1, GETPID) == getpid());
    arg.val = -1;
    CHECK_ERR(semctl(id, 1, SETVAL, arg), ERANGE);
    arg.val = 32768;
    CHECK_ERR(semctl(id, 1, SETVAL, arg), ERANGE);
    CHECK_ERR(semctl(id, 3, GETVAL), EINVAL);
    CHECK_ERR(semctl(id, -1, GETVAL), EINVAL);
    CHECK_ERR(semctl(id + 1, 0, GETVAL), EINVAL);
    CHECK_ERR(semctl(-1, 0, GETVAL), EINVAL);
    CHECK_ERR(semctl(id, 0, 999), EINVAL);
    unsigned short all[3] = {1, 2, 3};
    arg.array = all;
    CHECK(semctl(id, 0, SETALL, arg) == 0);
    unsigned short got[3] = {0};
    arg.array = got;
    CHECK(semctl(id, 0, GETALL, arg) == 0);
    CHECK(got[0] == 1 && got[1] == 2 && got[2] == 3);
    arg.array = BAD_PTR;
    CHECK_ERR(semctl(id, 0, GETALL, arg), EFAULT);
    unsigned short too_big[3] = {1, 40000, 3};
    arg.array = too_big;
    CHECK_ERR(semctl(id, 0, SETALL, arg), ERANGE);

    /* semop: atomic, error cases. */
    struct sembuf two[2] = {{0, -1, 0}, {1, -5, IPC_NOWAIT}};
    CHECK_ERR(semop(id, two, 2), EAGAIN);
    CHECK(semctl(id, 0, GETVAL) == 1); /* nothing applied */
    two[1].sem_op = -2;
    CHECK(semop(id, two, 2) == 0);
    CHECK(semctl(id, 0, GETVAL) == 0 && semctl(id, 1, GETVAL) == 0);
    CHECK_ERR(op(id, 0, -1, IPC_NOWAIT), EAGAIN);
    CHECK_ERR(op(id, 2, 0, IPC_NOWAIT), EAGAIN);
    CHECK(op(id, 0, 0, 0) == 0);
    CHECK_ERR(op(id, 3, 1, 0), EFBIG);
    CHECK_ERR(semop(id, two, 0), EINVAL);
    static struct sembuf many[501];
    CHECK_ERR(semop(id, many, 501), E2BIG);
    CHECK_ERR(semop(id, BAD_PTR, 1), EFAULT);
    CHECK(op(id, 0, 32767, 0) == 0);
    CHECK_ERR(op(id, 0, 1, 0), ERANGE);
    CHECK(op(id, 0, -32767, 0) == 0);
    CHECK(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}) == 0);
    CHECK(ds.sem_otime != 0);

    /* semtimedop: the timeout is EAGAIN; a bad timeout is EINVAL. */
    struct timespec ts = {0, 20 * 1000 * 1000};
    struct sembuf down = {0, -1, 0};
    CHECK_ERR(semtimedop(id, &down, 1, &ts), EAGAIN);
    ts.tv_nsec = 1000000000;
    CHECK_ERR(semtimedop(id, &down, 1, &ts), EINVAL);

    /* A signal interrupts a blocked semop with EINTR, even with SA_RESTART. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    alarm(1);
    CHECK_ERR(op(id, 0, -1, 0), EINTR);
    CHECK(semctl(id, 0, GETNCNT) == 0);

    /* A sleeper is counted and woken. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(op(id, 0, -2, 0) == 0 ? 0 : 1);
    wait_count(id, 0, GETNCNT, 1);
    CHECK(op(id, 0, 1, 0) == 0);
    usleep(10000);
    CHECK(semctl(id, 0, GETVAL) == 1); /* still not enough */
    CHECK(op(id, 0, 1, 0) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(semctl(id, 0, GETVAL) == 0 && semctl(id, 0, GETNCNT) == 0);
    CHECK(semctl(id, 0, GETPID) == pid);

    /* Waiting for zero. */
    arg.val = 1;
    CHECK(semctl(id, 2, SETVAL, arg) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(op(id, 2, 0, 0) == 0 ? 0 : 1);
    wait_count(id, 2, GETZCNT, 1);
    CHECK(op(id, 2, -1, 0) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* SEM_UNDO: what an exiting process did is undone. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (op(id, 1, 3, SEM_UNDO) != 0 || semctl(id, 1, GETVAL) != 3)
            _exit(1);
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(semctl(id, 1, GETVAL) == 0);
    /* An undo that would go below zero is clamped. */
    arg.val = 2;
    CHECK(semctl(id, 1, SETVAL, arg) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (op(id, 1, -2, SEM_UNDO) != 0)
            _exit(1);
        arg.val = 0;
        semctl(id, 0, SETVAL, arg);
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(semctl(id, 1, GETVAL) == 2);

    /* Permissions. */
    int is_root = geteuid() == 0;
    int id2 = semget(IPC_PRIVATE, 1, is_root ? 0600 : 0);
    CHECK(id2 >= 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (is_root) {
            CHECK(setgid(65534) == 0);
            CHECK(setuid(65534) == 0);
        }
        CHECK_ERR(semctl(id2, 0, GETVAL), EACCES);
        CHECK_ERR(op(id2, 0, 1, 0), EACCES);
        arg.val = 1;
        CHECK_ERR(semctl(id2, 0, SETVAL, arg), EACCES);
        if (is_root)
            CHECK_ERR(semctl(id2, 0, IPC_RMID), EPERM);
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(semctl(id2, 0, IPC_RMID) == 0);

    /* Info commands. */
    struct seminfo info;
    arg.__buf = &info;
    int max_index = semctl(0, 0, IPC_INFO, arg);
    CHECK(max_index >= 0 && info.semmsl > 0 && info.semopm > 0 && info.semvmx == 32767);
    CHECK(semctl(0, 0, SEM_INFO, arg) >= 0 && info.semusz >= 1);
    int found = 0;
    arg.buf = &ds;
    for (int i = 0; i <= max_index; i++)
        if (semctl(i, 0, SEM_STAT, arg) == id)
            found = 1;
    CHECK(found);

    /* IPC_SET. */
    CHECK(semctl(id, 0, IPC_STAT, arg) == 0);
    ds.sem_perm.mode = 0640;
    CHECK(semctl(id, 0, IPC_SET, arg) == 0);
    CHECK(semctl(id, 0, IPC_STAT, arg) == 0 && (ds.sem_perm.mode & 0777) == 0640);

    /* IPC_RMID wakes sleepers with EIDRM. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        errno = 0;
        int r = op(id, 0, -1, 0);
        _exit(r == -1 && errno == EIDRM ? 0 : 1);
    }
    wait_count(id, 0, GETNCNT, 1);
    CHECK(semctl(id, 0, IPC_RMID) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_ERR(semctl(id, 0, GETVAL), EINVAL);
    CHECK_ERR(semget(key, 0, 0), ENOENT);
    printf("sysv_sem ok\n");
    return 0;
}
