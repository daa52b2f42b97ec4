/* syslog(2): the kernel log's size and records, the actions' errors, and who may read it.
 * Natively this reads the host's log and never changes it; under asterix (its release says
 * so) it also clears the log, reads it destructively and blocks for a new line. */
#include <signal.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* The actions of syslog(2); glibc's <sys/klog.h> leaves them to the man page. */
enum {
    SYSLOG_ACTION_CLOSE, SYSLOG_ACTION_OPEN, SYSLOG_ACTION_READ, SYSLOG_ACTION_READ_ALL,
    SYSLOG_ACTION_READ_CLEAR, SYSLOG_ACTION_CLEAR, SYSLOG_ACTION_CONSOLE_OFF, SYSLOG_ACTION_CONSOLE_ON,
    SYSLOG_ACTION_CONSOLE_LEVEL, SYSLOG_ACTION_SIZE_UNREAD, SYSLOG_ACTION_SIZE_BUFFER,
};

static int is_asterix(void)
{
    struct utsname u;
    CHECK(uname(&u) == 0);
    return strstr(u.release, "asterix") != NULL;
}

static int read_flag(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int value = -1;
    CHECK(fscanf(f, "%d", &value) == 1);
    fclose(f);
    return value;
}

static void write_flag(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    CHECK(fputs(text, f) >= 0);
    CHECK(fclose(f) == 0);
}

/* Every record reads "<level>[seconds.micros] text\n". */
static void check_records(const char *buf, int len)
{
    int pos = 0;
    while (pos < len) {
        CHECK(buf[pos] == '<');
        const char *close = memchr(buf + pos, '>', len - pos);
        CHECK(close != NULL && close[1] == '[');
        const char *end = memchr(buf + pos, '\n', len - pos);
        CHECK(end != NULL);
        CHECK(memchr(close, '.', end - close) != NULL && memchr(close, ']', end - close) != NULL);
        pos = end - buf + 1;
    }
}

static void on_alarm(int sig) { (void)sig; }

/* Runs fn in a child with no capabilities (nobody); returns the child's exit status. */
static int as_nobody(void (*fn)(void))
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setgid(65534) == 0 && setuid(65534) == 0);
        fn();
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int g_restricted;

static void unprivileged_checks(void)
{
    char buf[256];
    /* Without dmesg_restrict anyone may read the whole log and ask its size; nothing else. */
    if (g_restricted) {
        CHECK_ERR(klogctl(SYSLOG_ACTION_READ_ALL, buf, sizeof buf), EPERM);
        CHECK_ERR(klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), EPERM);
    } else {
        CHECK(klogctl(SYSLOG_ACTION_READ_ALL, buf, sizeof buf) >= 0);
        CHECK(klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0) > 0);
    }
    CHECK_ERR(klogctl(SYSLOG_ACTION_CLEAR, NULL, 0), EPERM);
    CHECK_ERR(klogctl(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0), EPERM);
    CHECK_ERR(klogctl(SYSLOG_ACTION_READ, buf, sizeof buf), EPERM);
    /* The permission check comes before the action's: an unknown action is EPERM too. */
    CHECK_ERR(klogctl(42, NULL, 0), EPERM);
}

int main(void)
{
    const int asterix = is_asterix();
    int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
    CHECK(size > 0);
    char *buf = malloc(size);
    CHECK(buf != NULL);
    int len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
    CHECK(len > 0 && len <= size);
    check_records(buf, len);
    /* A small buffer gets the newest whole records that fit, never a piece of one. */
    char small[200];
    int small_len = klogctl(SYSLOG_ACTION_READ_ALL, small, sizeof small);
    CHECK(small_len >= 0 && small_len <= (int)sizeof small);
    check_records(small, small_len);

    CHECK(klogctl(SYSLOG_ACTION_OPEN, NULL, 0) == 0);
    CHECK(klogctl(SYSLOG_ACTION_CLOSE, NULL, 0) == 0);
    CHECK(klogctl(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0) >= 0);
    CHECK(klogctl(SYSLOG_ACTION_READ_ALL, buf, 0) == 0);
    CHECK(klogctl(SYSLOG_ACTION_READ, buf, 0) == 0);
    CHECK_ERR(klogctl(SYSLOG_ACTION_READ_ALL, NULL, 10), EINVAL);
    CHECK_ERR(klogctl(SYSLOG_ACTION_READ_ALL, buf, -1), EINVAL);
    CHECK_ERR(klogctl(SYSLOG_ACTION_READ, NULL, 10), EINVAL);
    CHECK_ERR(klogctl(SYSLOG_ACTION_READ_CLEAR, NULL, 10), EINVAL);
    CHECK_ERR(klogctl(SYSLOG_ACTION_READ_ALL, BAD_PTR, size), EFAULT);
    CHECK_ERR(klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 0), EINVAL);
    CHECK_ERR(klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 9), EINVAL);
    CHECK_ERR(klogctl(11, NULL, 0), EINVAL);
    CHECK_ERR(klogctl(-1, NULL, 0), EINVAL);

    g_restricted = read_flag("/proc/sys/kernel/dmesg_restrict");
    CHECK(g_restricted == 0 || g_restricted == 1);
    CHECK(as_nobody(unprivileged_checks) == 0);
    if (!asterix) {
        puts("syslog: ok (native: the host's log is left alone)");
        return 0;
    }

    /* Flip dmesg_restrict and see an unprivileged reader lose READ_ALL; nobody may flip it. */
    write_flag("/proc/sys/kernel/dmesg_restrict", g_restricted ? "0\n" : "1\n");
    g_restricted = !g_restricted;
    CHECK(as_nobody(unprivileged_checks) == 0);
    write_flag("/proc/sys/kernel/dmesg_restrict", g_restricted ? "0\n" : "1\n");
    g_restricted = !g_restricted;

    /* The console level shows in /proc/sys/kernel/printk; OFF and ON restore it. */
    CHECK(klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 5) == 0);
    CHECK(read_flag("/proc/sys/kernel/printk") == 5);
    CHECK(klogctl(SYSLOG_ACTION_CONSOLE_OFF, NULL, 0) == 0);
    CHECK(read_flag("/proc/sys/kernel/printk") == 1);
    CHECK(klogctl(SYSLOG_ACTION_CONSOLE_ON, NULL, 0) == 0);
    CHECK(read_flag("/proc/sys/kernel/printk") == 5);

    /* READ consumes: what is unread goes out, then SIZE_UNREAD is 0 and READ blocks. */
    int unread = klogctl(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0);
    CHECK(unread > 0);
    int got = 0;
    while (got < unread) {
        int n = klogctl(SYSLOG_ACTION_READ, buf, size);
        CHECK(n > 0);
        got += n;
    }
    CHECK(got == unread);
    CHECK(klogctl(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0) == 0);
    struct sigaction sa = {.sa_handler = on_alarm};
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    alarm(1);
    CHECK_ERR(klogctl(SYSLOG_ACTION_READ, buf, size), EINTR);

    /* An unknown syscall number is worth a kernel log line; READ then returns it. */
    CHECK_ERR(syscall(400), ENOSYS);
    CHECK(klogctl(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0) > 0);
    alarm(5);
    int n = klogctl(SYSLOG_ACTION_READ, buf, size - 1);
    alarm(0);
    CHECK(n > 0);
    buf[n] = '\0';
    CHECK(strstr(buf, "400") != NULL);
    /* A buffer smaller than a record gets the record in pieces. */
    CHECK_ERR(syscall(401), ENOSYS);
    char piece[8];
    CHECK(klogctl(SYSLOG_ACTION_READ, piece, sizeof piece) == (int)sizeof piece);
    CHECK(piece[0] == '<');

    /* CLEAR hides the old records from READ_ALL; READ_CLEAR reads and clears. */
    CHECK(klogctl(SYSLOG_ACTION_CLEAR, NULL, 0) == 0);
    CHECK(klogctl(SYSLOG_ACTION_READ_ALL, buf, size) == 0);
    CHECK_ERR(syscall(402), ENOSYS);
    len = klogctl(SYSLOG_ACTION_READ_CLEAR, buf, size - 1);
    CHECK(len > 0);
    buf[len] = '\0';
    CHECK(strstr(buf, "402") != NULL);
    check_records(buf, len);
    CHECK(klogctl(SYSLOG_ACTION_READ_ALL, buf, size) == 0);
    puts("syslog: ok");
    return 0;
}
