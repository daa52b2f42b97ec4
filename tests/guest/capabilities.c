// capget(2), capset(2) and prctl(2)'s capability options, errors included, as root and after
// giving up root.
#include "check.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static int capget_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
    return syscall(SYS_capget, h, d);
}

static int capset_raw(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
    return syscall(SYS_capset, h, d);
}

static void get(struct __user_cap_data_struct d[2])
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    CHECK(capget_raw(&h, d) == 0);
}

static int has(const struct __user_cap_data_struct d[2], int cap, int which)
{
    const struct __user_cap_data_struct *s = &d[cap / 32];
    unsigned v = which == 0 ? s->effective : which == 1 ? s->permitted : s->inheritable;
    return (v >> (cap % 32)) & 1;
}

static void versions_and_errors(void)
{
    struct __user_cap_header_struct h = {0x12345678, 0};
    struct __user_cap_data_struct d[2];
    /* An unknown version: EINVAL and the preferred version written back; 0 without data. */
    CHECK_ERR(capget_raw(&h, d), EINVAL);
    CHECK(h.version == _LINUX_CAPABILITY_VERSION_3);
    h.version = 0x12345678;
    CHECK(capget_raw(&h, NULL) == 0);
    CHECK(h.version == _LINUX_CAPABILITY_VERSION_3);
    CHECK_ERR(capget_raw(BAD_PTR, d), EFAULT);
    h.version = _LINUX_CAPABILITY_VERSION_3;
    CHECK_ERR(capget_raw(&h, BAD_PTR), EFAULT);
    h.pid = -1;
    CHECK_ERR(capget_raw(&h, d), EINVAL);
    h.pid = 0x3fffffff;
    CHECK_ERR(capget_raw(&h, d), ESRCH);
    h.pid = getppid(); /* another process's sets can be read */
    CHECK(capget_raw(&h, d) == 0);
    h.pid = getppid(); /* ... not changed */
    CHECK_ERR(capset_raw(&h, d), EPERM);
    h.version = _LINUX_CAPABILITY_VERSION_1; /* the old version copies one slice */
    h.pid = 0;
    struct __user_cap_data_struct one[2] = {{0, 0, 0}, {0xdead, 0xbeef, 0xf00d}};
    CHECK(capget_raw(&h, one) == 0);
    CHECK(one[0].permitted != 0 && one[1].effective == 0xdead);
}

static void root_drops_and_raises(void)
{
    struct __user_cap_data_struct d[2];
    get(d);
    CHECK(has(d, CAP_KILL, 0) && has(d, CAP_KILL, 1) && !has(d, CAP_KILL, 2));
    CHECK(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 1);
    CHECK_ERR(prctl(PR_CAPBSET_READ, 1000, 0, 0, 0), EINVAL);
    /* Drop CAP_KILL from effective: the permitted set keeps it, so it can come back. */
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    d[0].effective &= ~(1u << CAP_KILL);
    CHECK(capset_raw(&h, d) == 0);
    get(d);
    CHECK(!has(d, CAP_KILL, 0) && has(d, CAP_KILL, 1));
    d[0].effective |= 1u << CAP_KILL;
    CHECK(capset_raw(&h, d) == 0);
    /* Drop it from permitted: gone for good; effective beyond permitted is EPERM. */
    d[0].permitted &= ~(1u << CAP_KILL);
    CHECK_ERR(capset_raw(&h, d), EPERM);
    d[0].effective &= ~(1u << CAP_KILL);
    CHECK(capset_raw(&h, d) == 0);
    d[0].permitted |= 1u << CAP_KILL;
    CHECK_ERR(capset_raw(&h, d), EPERM);
    d[0].permitted &= ~(1u << CAP_KILL);
    /* Ambient: needs permitted and inheritable. */
    CHECK_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0), EPERM);
    d[0].inheritable |= 1u << CAP_NET_RAW;
    CHECK(capset_raw(&h, d) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 1);
    CHECK_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 1, 0), EINVAL);
    CHECK_ERR(prctl(PR_CAP_AMBIENT, 99, CAP_NET_RAW, 0, 0), EINVAL);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 0);
    /* The bounding set only shrinks. */
    CHECK(prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0) == 0);
    CHECK(prctl(PR_CAPBSET_READ, CAP_SYS_BOOT, 0, 0, 0) == 0);
}

static void keepcaps_and_no_new_privs(void)
{
    CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
    CHECK_ERR(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), EINVAL);
    CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0);
    CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 1);
    CHECK(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) == 0x10);
    CHECK(setresuid(1000, 1000, 1000) == 0);
    struct __user_cap_data_struct d[2];
    get(d);
    CHECK(has(d, CAP_KILL, 1) && !has(d, CAP_KILL, 0)); /* permitted kept, effective cleared */
    CHECK_ERR(prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0), EPERM);
    CHECK_ERR(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0), EPERM);

    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
    CHECK_ERR(prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0), EINVAL);
    CHECK_ERR(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL);
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
    pid_t pid = fork(); /* inherited */
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void run_child(void (*body)(void))
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        body();
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("capabilities: skipped (not root)\n");
        return 0;
    }
    struct __user_cap_data_struct d[2];
    get(d);
    if (!has(d, CAP_SETPCAP, 0) || !has(d, CAP_SYS_BOOT, 0)) {
        printf("capabilities: skipped (root without CAP_SETPCAP/CAP_SYS_BOOT)\n");
        return 0;
    }
    run_child(versions_and_errors);
    run_child(root_drops_and_raises);
    run_child(keepcaps_and_no_new_privs);
    printf("capabilities: ok\n");
    return 0;
}
