// Process identity: pid/tid, parent, user and group ids, uname, set_tid_address.
#include "check.h"
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static int terminated(const char *s, size_t n)
{
    return memchr(s, '\0', n) != NULL;
}

int main(void)
{
    long pid = syscall(SYS_getpid), tid = syscall(SYS_gettid);
    CHECK(pid > 0);
    CHECK(tid == pid); /* one thread: the thread id is the process id */
    CHECK(getpid() == pid);
    CHECK(gettid() == tid);
    CHECK(syscall(SYS_getpid) == pid); /* stable */
    long ppid = syscall(SYS_getppid);
    CHECK(ppid >= 0);
    CHECK(ppid != pid);
    CHECK(getppid() == ppid);

    /* set_tid_address returns the caller's tid. The kernel clears the word at exit. */
    static int tid_word = 1;
    CHECK(syscall(SYS_set_tid_address, &tid_word) == tid);

    long uid = syscall(SYS_getuid), euid = syscall(SYS_geteuid);
    long gid = syscall(SYS_getgid), egid = syscall(SYS_getegid);
    CHECK(uid >= 0 && euid >= 0 && gid >= 0 && egid >= 0);
    CHECK(uid == euid); /* not a set-id program */
    CHECK(gid == egid);
    CHECK(getuid() == (uid_t)uid && geteuid() == (uid_t)euid);
    CHECK(getgid() == (gid_t)gid && getegid() == (gid_t)egid);

    struct utsname u;
    memset(&u, 0x5a, sizeof u);
    CHECK(syscall(SYS_uname, &u) == 0);
    CHECK(terminated(u.sysname, sizeof u.sysname) && terminated(u.nodename, sizeof u.nodename));
    CHECK(terminated(u.release, sizeof u.release) && terminated(u.version, sizeof u.version));
    CHECK(terminated(u.machine, sizeof u.machine));
    CHECK(strcmp(u.sysname, "Linux") == 0);
    CHECK(strcmp(u.machine, "x86_64") == 0);
    CHECK(u.release[0] >= '2' && u.release[0] <= '9'); /* glibc wants a version like "6.1.0" */
    CHECK(strchr(u.release, '.') != NULL);
    CHECK(u.version[0] != '\0');
    struct utsname u2;
    CHECK(uname(&u2) == 0);
    CHECK(strcmp(u.sysname, u2.sysname) == 0 && strcmp(u.release, u2.release) == 0);
    CHECK_ERR(syscall(SYS_uname, BAD_PTR), EFAULT);
    CHECK_ERR(syscall(SYS_uname, NULL), EFAULT);

    printf("identity: pid %ld ppid %ld uid %ld gid %ld, %s %s %s\n", pid, ppid, uid, gid,
           u.sysname, u.release, u.machine);
    return 0;
}
