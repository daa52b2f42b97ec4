// Credentials as Linux keeps them (credentials(7), capabilities(7)): per thread, with the
// capability sets following uid changes, kill(2)'s permission rule, setgroups(2) needing
// CAP_SETGID, and access(2) checking as the real user while AT_EACCESS checks as the effective.
#include "check.h"

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The hex value of a Cap* line of /proc/self/status. */
static unsigned long long cap_field(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    CHECK(f != NULL);
    char line[256];
    unsigned long long value = ~0ull;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, name, len) == 0 && line[len] == ':')
            value = strtoull(line + len + 1, NULL, 16);
    }
    fclose(f);
    CHECK(value != ~0ull);
    return value;
}

static long raw_geteuid(void) { return syscall(SYS_geteuid); }

static void *euid_of_thread(void *arg)
{
    (void)arg;
    return (void *)raw_geteuid();
}

/* A thread that waits for the main thread's change, then reports its own euid. */
static volatile int changed;
static void *euid_after_change(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&changed, __ATOMIC_ACQUIRE))
        sched_yield();
    return (void *)raw_geteuid();
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

/* The raw syscall changes the calling thread only; glibc's wrapper makes every thread follow. */
static void per_thread_credentials(void)
{
    pthread_t other;
    CHECK(pthread_create(&other, NULL, euid_after_change, NULL) == 0);
    CHECK(syscall(SYS_setresuid, -1, 4242, -1) == 0);
    CHECK(raw_geteuid() == 4242);
    __atomic_store_n(&changed, 1, __ATOMIC_RELEASE);
    void *seen;
    CHECK(pthread_join(other, &seen) == 0);
    CHECK((long)seen == 0); /* the other thread is still root */
    CHECK(syscall(SYS_setresuid, -1, 0, -1) == 0);

    CHECK(seteuid(4343) == 0); /* glibc: every thread */
    CHECK(pthread_create(&other, NULL, euid_of_thread, NULL) == 0);
    CHECK(pthread_join(other, &seen) == 0);
    CHECK((long)seen == 4343); /* a new thread inherits the creator's */
    CHECK(seteuid(0) == 0);
}

/* capabilities(7): an effective uid other than 0 clears the effective set; back to 0 restores
 * it from the permitted set; leaving uid 0 in all three IDs clears the permitted set. */
static void capabilities_follow_uids(void)
{
    unsigned long long permitted = cap_field("CapPrm");
    CHECK(permitted != 0);
    CHECK(cap_field("CapEff") == permitted);
    CHECK(seteuid(1000) == 0);
    CHECK(cap_field("CapEff") == 0);
    CHECK(cap_field("CapPrm") == permitted);
    CHECK_ERR(setgroups(0, NULL), EPERM); /* no CAP_SETGID in the effective set */
    CHECK(seteuid(0) == 0);
    CHECK(cap_field("CapEff") == permitted);
    CHECK(setgroups(0, NULL) == 0);
    CHECK(setresuid(1000, 1000, 1000) == 0);
    CHECK(cap_field("CapPrm") == 0 && cap_field("CapEff") == 0);
    CHECK_ERR(setuid(0), EPERM);
    CHECK_ERR(setgroups(0, NULL), EPERM);
    CHECK_ERR(chroot("/"), EPERM);
}

/* kill(2): an unprivileged sender needs its real or effective uid to match the target's real
 * or saved one; SIGCONT is allowed within the session. */
static void kill_permission(void)
{
    pid_t parent = getppid();
    CHECK(setresuid(1000, 1000, 1000) == 0);
    CHECK_ERR(kill(parent, 0), EPERM);
    CHECK_ERR(kill(parent, SIGUSR1), EPERM);
    CHECK(kill(parent, SIGCONT) == 0);
    CHECK(kill(getpid(), 0) == 0);
}

/* access(2) checks with the real uid and its capabilities, AT_EACCESS with the effective. */
static void access_as_real_or_effective(void)
{
    char path[] = "/tmp/credentials-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(fchmod(fd, 0600) == 0);
    close(fd);
    CHECK(setresuid(0, 1000, 0) == 0);
    CHECK(access(path, R_OK | W_OK) == 0);
    CHECK_ERR(faccessat(AT_FDCWD, path, R_OK, AT_EACCESS), EACCES);
    CHECK(seteuid(0) == 0);
    CHECK(unlink(path) == 0);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("credentials: skipped (not root)\n");
        return 0;
    }
    run_child(per_thread_credentials);
    run_child(capabilities_follow_uids);
    run_child(kill_permission);
    run_child(access_as_real_or_effective);
    /* The parent, as root, may signal a process of another user. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setresuid(1000, 1000, 1000) == 0);
        pause();
        _exit(1);
    }
    usleep(10000);
    CHECK(kill(child, SIGTERM) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    printf("credentials: ok\n");
    return 0;
}
