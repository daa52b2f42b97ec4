// /proc/sys/fs/inotify/{max_user_instances,max_user_watches,max_queued_events} as root writes
// them: what Linux's proc_dointvec_minmax and proc_doulongvec_minmax take (C notation, white
// space around, 0 to INT_MAX) and refuse (EINVAL), an empty write, a write past the start
// (taken and ignored), a non-root opener (EACCES) or writer through root's descriptor (EPERM);
// and the new limits taking effect: one more instance, one more watch, a longer queue for an
// instance created after the change. The test only ever raises a limit and puts it back, so a
// native run leaves the host as it was (it runs as root there too); a host whose watch limit is
// large skips the watch part.
#include "check.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *path_of(const char *name)
{
    static char path[128];
    snprintf(path, sizeof path, "/proc/sys/fs/inotify/%s", name);
    return path;
}

static long read_limit(const char *name)
{
    char text[32] = {0};
    int fd = open(path_of(name), O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, text, sizeof text - 1) > 0);
    close(fd);
    return strtol(text, NULL, 10);
}

/* One write of `text` on a fresh descriptor: its result, errno in `*error`. */
static long write_text(const char *name, const char *text, int *error)
{
    int fd = open(path_of(name), O_WRONLY);
    CHECK(fd >= 0);
    errno = 0;
    long n = write(fd, text, strlen(text));
    *error = errno;
    close(fd);
    return n;
}

static void set_limit(const char *name, long value)
{
    char text[32];
    int error;
    snprintf(text, sizeof text, "%ld\n", value);
    CHECK(write_text(name, text, &error) == (long)strlen(text));
    CHECK(read_limit(name) == value);
}

static void check_refused(const char *name, const char *text)
{
    long before = read_limit(name);
    int error;
    long n = write_text(name, text, &error);
    if (n != -1 || error != EINVAL) {
        fprintf(stderr, "%s: writing '%s' gave %ld errno %d, want EINVAL\n", name, text, n, error);
        exit(1);
    }
    CHECK(read_limit(name) == before);
}

static void check_writes(const char *name)
{
    long value = read_limit(name);
    char text[64];
    int error;
    check_refused(name, "-1");
    check_refused(name, "abc");
    check_refused(name, "+5");
    check_refused(name, " \n");
    check_refused(name, "2147483648");
    check_refused(name, "99999999999999999999999");
    snprintf(text, sizeof text, "%ldx", value);
    check_refused(name, text);
    snprintf(text, sizeof text, "0%lo8", value); /* 8 is no octal digit */
    check_refused(name, text);
    /* An empty write changes nothing. */
    CHECK(write_text(name, "", &error) == 0 && read_limit(name) == value);
    /* The same value in other notations, with white space around. */
    snprintf(text, sizeof text, "  0x%lx\n", value);
    CHECK(write_text(name, text, &error) == (long)strlen(text) && read_limit(name) == value);
    snprintf(text, sizeof text, "\t0%lo", value);
    CHECK(write_text(name, text, &error) == (long)strlen(text) && read_limit(name) == value);
    /* A second write on one descriptor is past the start: taken, and ignored. */
    int fd = open(path_of(name), O_WRONLY);
    CHECK(fd >= 0);
    snprintf(text, sizeof text, "%ld", value);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(write(fd, "1", 1) == 1);
    close(fd);
    CHECK(read_limit(name) == value);

    /* Not root: no opening for writing, no writing through root's descriptor; reading is fine. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        fd = open(path_of(name), O_WRONLY);
        CHECK(fd >= 0);
        CHECK(seteuid(65534) == 0);
        CHECK_ERR(open(path_of(name), O_WRONLY), EACCES);
        CHECK_ERR(open(path_of(name), O_RDWR), EACCES);
        CHECK(read_limit(name) == value);
        snprintf(text, sizeof text, "%ld", value);
        CHECK_ERR(write(fd, text, strlen(text)), EPERM);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Reads every event of the non-blocking `fd`: the count before IN_Q_OVERFLOW, -1 without one. */
static long count_before_overflow(int fd)
{
    static char buffer[65536] __attribute__((aligned(8)));
    long count = 0;
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            return -1;
        }
        for (ssize_t at = 0; at < n;) {
            struct inotify_event *event = (struct inotify_event *)(buffer + at);
            if (event->mask & IN_Q_OVERFLOW)
                return count;
            count++;
            at += (ssize_t)(sizeof *event + event->len);
        }
    }
}

int main(void)
{
    if (geteuid() != 0) {
        printf("inotify_sysctl: skipped (not root)\n");
        return 0;
    }
    long max_instances = read_limit("max_user_instances");
    long max_watches = read_limit("max_user_watches");
    long max_queued = read_limit("max_queued_events");
    CHECK(max_instances > 0 && max_watches > 0 && max_queued > 0);
    check_writes("max_user_instances");
    check_writes("max_user_watches");
    check_writes("max_queued_events");

    struct rlimit nofile = {4096, 4096};
    CHECK(setrlimit(RLIMIT_NOFILE, &nofile) == 0);

    /* max_user_instances: fill to EMFILE (natively root's other instances count too), then one
     * more fits under a raised limit; putting the limit back takes none away. */
    static int fds[4096];
    int opened = 0;
    for (; opened < 4000; opened++) {
        fds[opened] = inotify_init1(IN_CLOEXEC);
        if (fds[opened] < 0)
            break;
    }
    CHECK(opened < 4000 && errno == EMFILE);
    set_limit("max_user_instances", max_instances + 1);
    fds[opened] = inotify_init1(IN_CLOEXEC);
    CHECK(fds[opened] >= 0);
    opened++;
    CHECK_ERR(inotify_init1(IN_CLOEXEC), EMFILE);
    set_limit("max_user_instances", max_instances);
    CHECK_ERR(inotify_init1(IN_CLOEXEC), EMFILE);
    while (opened > 0)
        close(fds[--opened]);

    /* max_queued_events: an instance keeps the limit it was created with. */
    char dir[] = "/tmp/inotify_sysctl.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char file[256];
    snprintf(file, sizeof file, "%s/watched", dir);
    int fd = open(file, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0 && close(fd) == 0);
    const long extra = 3;
    set_limit("max_queued_events", max_queued + extra);
    int longer = inotify_init1(IN_NONBLOCK);
    set_limit("max_queued_events", max_queued);
    int shorter = inotify_init1(IN_NONBLOCK);
    CHECK(longer >= 0 && shorter >= 0);
    CHECK(inotify_add_watch(longer, file, IN_OPEN | IN_CLOSE_NOWRITE) == 1);
    CHECK(inotify_add_watch(shorter, file, IN_OPEN | IN_CLOSE_NOWRITE) == 1);
    /* Open and close alternate, so no two events in a row are equal and none merge. */
    for (long i = 0; i < max_queued / 2 + extra + 1; i++) {
        fd = open(file, O_RDONLY);
        CHECK(fd >= 0 && close(fd) == 0);
    }
    CHECK(count_before_overflow(longer) == max_queued + extra);
    CHECK(count_before_overflow(shorter) == max_queued);
    close(longer);
    close(shorter);
    CHECK(unlink(file) == 0);

    /* max_user_watches: fill to ENOSPC, then one more fits under a raised limit. */
    if (max_watches > 20000) {
        CHECK(rmdir(dir) == 0);
        printf("inotify_sysctl: ok (max_user_watches %ld is too many to fill here)\n", max_watches);
        return 0;
    }
    int in = inotify_init1(0);
    CHECK(in >= 0);
    long files = 0;
    for (;; files++) {
        CHECK(files <= max_watches);
        snprintf(file, sizeof file, "%s/%ld", dir, files);
        fd = open(file, O_CREAT | O_WRONLY, 0600);
        CHECK(fd >= 0 && close(fd) == 0);
        if (inotify_add_watch(in, file, IN_MODIFY) < 0) {
            CHECK(errno == ENOSPC);
            break;
        }
    }
    set_limit("max_user_watches", max_watches + 1);
    CHECK(inotify_add_watch(in, file, IN_MODIFY) > 0);
    files++;
    snprintf(file, sizeof file, "%s/%ld", dir, files);
    fd = open(file, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0 && close(fd) == 0);
    CHECK_ERR(inotify_add_watch(in, file, IN_MODIFY), ENOSPC);
    set_limit("max_user_watches", max_watches);
    close(in);
    for (long i = 0; i <= files; i++) {
        snprintf(file, sizeof file, "%s/%ld", dir, i);
        CHECK(unlink(file) == 0);
    }
    CHECK(rmdir(dir) == 0);
    printf("inotify_sysctl: ok\n");
    return 0;
}
