// System V message queues (msgget(2), msgsnd(2), msgrcv(2), msgctl(2)): sizes, types, selection
// by type (0, > 0, < 0, MSG_EXCEPT), MSG_NOERROR and E2BIG, IPC_NOWAIT, a full queue blocking
// the sender, IPC_RMID waking sleepers with EIDRM, permissions and the info commands.
// Everything made is removed again.
#include "check.h"

#include <limits.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct msg {
    long mtype;
    char mtext[8200];
};

static int send(int id, long type, const char *text, int flags)
{
    struct msg m;
    m.mtype = type;
    strcpy(m.mtext, text);
    return msgsnd(id, &m, strlen(text) + 1, flags);
}

static long receive(int id, long type, int flags, char *text)
{
    struct msg m;
    ssize_t n = msgrcv(id, &m, sizeof m.mtext, type, flags);
    if (n < 0)
        return -1;
    if (text)
        memcpy(text, m.mtext, (size_t)n);
    return m.mtype;
}

static int has_sys_resource(void)
{
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    CHECK(syscall(SYS_capget, &header, data) == 0);
    return (data[0].effective >> CAP_SYS_RESOURCE) & 1;
}

static unsigned long qnum(int id)
{
    struct msqid_ds ds;
    CHECK(msgctl(id, IPC_STAT, &ds) == 0);
    return ds.msg_qnum;
}

int main(void)
{
    key_t key = (key_t)(0x53a00000 | (getpid() & 0xfffff));
    CHECK_ERR(msgget(key, 0600), ENOENT);
    int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK_ERR(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK(msgget(key, 0) == id);

    struct msqid_ds ds;
    CHECK(msgctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.msg_qnum == 0 && ds.msg_cbytes == 0 && ds.msg_qbytes > 0 && ds.msg_perm.__key == key);
    unsigned long qbytes = ds.msg_qbytes;

    /* Send errors. */
    struct msg m = {0};
    m.mtype = 0;
    CHECK_ERR(msgsnd(id, &m, 1, 0), EINVAL);
    m.mtype = -3;
    CHECK_ERR(msgsnd(id, &m, 1, 0), EINVAL);
    m.mtype = 1;
    CHECK_ERR(msgsnd(id, &m, 8193, 0), EINVAL);
    CHECK_ERR(msgsnd(id, &m, (size_t)-1, 0), EINVAL);
    CHECK_ERR(msgsnd(-1, &m, 1, 0), EINVAL);
    CHECK_ERR(msgsnd(id + 1, &m, 1, 0), EINVAL);
    CHECK_ERR(msgsnd(id, BAD_PTR, 1, 0), EFAULT);
    CHECK(msgsnd(id, &m, 8192, IPC_NOWAIT) == 0);
    CHECK(msgrcv(id, &m, 8192, 0, 0) == 8192);

    /* Selection by type. */
    CHECK(send(id, 3, "three", 0) == 0);
    CHECK(send(id, 1, "one", 0) == 0);
    CHECK(send(id, 2, "two", 0) == 0);
    CHECK(send(id, 1, "uno", 0) == 0);
    CHECK(msgctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.msg_qnum == 4 && ds.msg_cbytes == 6 + 4 + 4 + 4 && ds.msg_lspid == getpid());
    char text[64];
    CHECK(receive(id, 5, IPC_NOWAIT, text) == -1 && errno == ENOMSG);
    CHECK(receive(id, 1, MSG_COPY | IPC_NOWAIT, text) == 1 && strcmp(text, "one") == 0); /* stays */
    CHECK_ERR(msgrcv(id, &m, 10, 9, MSG_COPY | IPC_NOWAIT), ENOMSG);
    CHECK_ERR(msgrcv(id, &m, 10, 0, MSG_COPY), EINVAL);
    CHECK(receive(id, -2, 0, text) == 1 && strcmp(text, "one") == 0);
    CHECK(receive(id, 1, MSG_EXCEPT, text) == 3 && strcmp(text, "three") == 0);
    CHECK(receive(id, 2, 0, text) == 2 && strcmp(text, "two") == 0);
    /* The lowest type of all (LONG_MIN is taken as LONG_MIN + 1, so that -type exists). */
    CHECK(receive(id, LONG_MIN, IPC_NOWAIT, text) == 1 && strcmp(text, "uno") == 0);
    CHECK(send(id, 1, "uno", 0) == 0);
    /* E2BIG keeps the message; MSG_NOERROR truncates it. */
    CHECK_ERR(msgrcv(id, &m, 2, 0, 0), E2BIG);
    CHECK(qnum(id) == 1);
    CHECK(msgrcv(id, &m, 2, 0, MSG_NOERROR) == 2);
    CHECK(m.mtype == 1 && m.mtext[0] == 'u' && m.mtext[1] == 'n');
    CHECK(qnum(id) == 0);
    CHECK_ERR(msgrcv(id, &m, 10, 0, IPC_NOWAIT), ENOMSG);
    CHECK_ERR(msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT), EINVAL);
    CHECK(msgctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.msg_lrpid == getpid() && ds.msg_rtime != 0 && ds.msg_cbytes == 0);

    /* A blocked receiver gets the next message. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char t[64];
        _exit(receive(id, 7, 0, t) == 7 && strcmp(t, "seven") == 0 ? 0 : 1);
    }
    usleep(20000);
    CHECK(send(id, 7, "seven", 0) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A full queue: IPC_NOWAIT is EAGAIN; a blocked sender goes on once there is room. */
    ds.msg_qbytes = 100;
    CHECK(msgctl(id, IPC_STAT, &ds) == 0);
    ds.msg_qbytes = 100;
    CHECK(msgctl(id, IPC_SET, &ds) == 0);
    CHECK(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qbytes == 100);
    memset(m.mtext, 'x', 100);
    CHECK(msgsnd(id, &m, 60, 0) == 0);
    CHECK_ERR(msgsnd(id, &m, 60, IPC_NOWAIT), EAGAIN);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(msgsnd(id, &m, 60, 0) == 0 ? 0 : 1);
    usleep(20000);
    CHECK(qnum(id) == 1);
    CHECK(msgrcv(id, &m, 100, 0, 0) == 60);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(qnum(id) == 1);
    CHECK(msgrcv(id, &m, 100, 0, 0) == 60);

    /* Permissions. */
    int is_root = geteuid() == 0;
    int id2 = msgget(IPC_PRIVATE, is_root ? 0600 : 0);
    CHECK(id2 >= 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (is_root) {
            CHECK(setgid(65534) == 0);
            CHECK(setuid(65534) == 0);
            struct msqid_ds cds = {0};
            CHECK_ERR(msgctl(id2, IPC_SET, &cds), EPERM);
            CHECK_ERR(msgctl(id2, IPC_RMID, NULL), EPERM);
        }
        CHECK_ERR(send(id2, 1, "x", IPC_NOWAIT), EACCES);
        CHECK_ERR(msgrcv(id2, &m, 10, 0, IPC_NOWAIT), EACCES);
        struct msqid_ds cds;
        CHECK_ERR(msgctl(id2, IPC_STAT, &cds), EACCES);
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (is_root) {
        /* Raising msg_qbytes past MSGMNB takes CAP_SYS_RESOURCE (a container may lack it). */
        CHECK(msgctl(id2, IPC_STAT, &ds) == 0);
        ds.msg_qbytes = qbytes * 2;
        if (has_sys_resource())
            CHECK(msgctl(id2, IPC_SET, &ds) == 0);
        else
            CHECK_ERR(msgctl(id2, IPC_SET, &ds), EPERM);
    }
    CHECK(msgctl(id2, IPC_RMID, NULL) == 0);

    /* Info commands. */
    struct msginfo info;
    int max_index = msgctl(0, IPC_INFO, (struct msqid_ds *)&info);
    CHECK(max_index >= 0 && info.msgmax == 8192 && info.msgmnb > 0 && info.msgmni > 0);
    CHECK(msgctl(0, MSG_INFO, (struct msqid_ds *)&info) >= 0 && info.msgpool >= 1);
    int found = 0;
    for (int i = 0; i <= max_index; i++)
        if (msgctl(i, MSG_STAT, &ds) == id)
            found = 1;
    CHECK(found);
    CHECK_ERR(msgctl(id, 999, &ds), EINVAL);

    /* IPC_RMID wakes a blocked receiver with EIDRM. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        errno = 0;
        long r = msgrcv(id, &m, 10, 0, 0);
        _exit(r == -1 && errno == EIDRM ? 0 : 1);
    }
    usleep(20000);
    CHECK(msgctl(id, IPC_RMID, NULL) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_ERR(msgctl(id, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(msgget(key, 0), ENOENT);
    printf("sysv_msg ok\n");
    return 0;
}
