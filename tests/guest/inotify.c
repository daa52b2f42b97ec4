// inotify: the argument errors of init1, add_watch and rm_watch; one watch per inode (the
// same descriptor again, EEXIST with IN_MASK_CREATE, IN_MASK_ADD widens it); the events of a
// directory's names (IN_CREATE, IN_DELETE, IN_MOVED_FROM/TO with one cookie, IN_ISDIR) and of
// its files (IN_OPEN, IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE/NOWRITE), the file's
// own watch (IN_DELETE_SELF then IN_IGNORED); equal events merge; IN_ONESHOT; rm_watch's
// IN_IGNORED; reads (EAGAIN, EINVAL for a small buffer, FIONREAD, poll); an event made by
// another process wakes a blocked read; IN_Q_OVERFLOW past max_queued_events.
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/inotifyXXXXXX";
static char buffer[65536] __attribute__((aligned(8)));
static int buffered, at;

struct seen {
    int wd;
    unsigned mask, cookie;
    const char *name;
};

/* The next event, reading more when none is buffered (the descriptor is non-blocking). */
static struct seen next_event(int fd)
{
    if (at >= buffered) {
        buffered = (int)read(fd, buffer, sizeof buffer);
        CHECK(buffered > 0);
        at = 0;
    }
    struct inotify_event *event = (struct inotify_event *)(buffer + at);
    at += (int)(sizeof *event + event->len);
    struct seen out = {event->wd, event->mask, event->cookie, event->len ? event->name : ""};
    return out;
}

static void expect(int fd, int wd, unsigned mask, const char *name)
{
    struct seen event = next_event(fd);
    if (event.wd != wd || event.mask != mask || strcmp(event.name, name) != 0) {
        fprintf(stderr, "got wd %d mask %#x name '%s', want wd %d mask %#x name '%s'\n", event.wd, event.mask,
                event.name, wd, mask, name);
        exit(1);
    }
}

static void expect_none(int fd)
{
    CHECK(at >= buffered);
    CHECK_ERR(read(fd, buffer, sizeof buffer), EAGAIN);
}

static char *in_dir(const char *name)
{
    static char path[2][256];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
    return path[which];
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    CHECK_ERR(inotify_init1(IN_NONBLOCK << 1), EINVAL);
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK_ERR(inotify_add_watch(pipe_fds[0], dir, IN_ALL_EVENTS), EINVAL);
    CHECK_ERR(inotify_add_watch(999, dir, IN_ALL_EVENTS), EBADF);
    CHECK_ERR(inotify_add_watch(fd, dir, 0), EINVAL);
    CHECK_ERR(inotify_add_watch(fd, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE), EINVAL);
    CHECK_ERR(inotify_add_watch(fd, in_dir("missing"), IN_ALL_EVENTS), ENOENT);
    CHECK_ERR(inotify_add_watch(fd, "/proc/self/status", IN_ALL_EVENTS | IN_ONLYDIR), ENOTDIR);
    CHECK_ERR(inotify_add_watch(fd, BAD_PTR, IN_ALL_EVENTS), EFAULT);
    CHECK_ERR(inotify_rm_watch(fd, 12345), EINVAL);
    CHECK_ERR(inotify_rm_watch(pipe_fds[0], 1), EINVAL);
    CHECK_ERR(read(fd, buffer, sizeof buffer), EAGAIN);

    int wd = inotify_add_watch(fd, dir, IN_ALL_EVENTS);
    CHECK(wd > 0);
    CHECK(inotify_add_watch(fd, dir, IN_ALL_EVENTS) == wd);
    CHECK_ERR(inotify_add_watch(fd, dir, IN_ALL_EVENTS | IN_MASK_CREATE), EEXIST);

    // A new file: created, opened, written (twice: merged), closed.
    int f = open(in_dir("f"), O_CREAT | O_WRONLY, 0644);
    CHECK(f >= 0);
    CHECK(write(f, "ab", 2) == 2);
    CHECK(write(f, "cd", 2) == 2);
    int ready = 0;
    CHECK(ioctl(fd, FIONREAD, &ready) == 0 && ready == 3 * 32);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
    CHECK_ERR(read(fd, buffer, sizeof(struct inotify_event)), EINVAL); // too small for a name
    CHECK(close(f) == 0);
    expect(fd, wd, IN_CREATE, "f");
    expect(fd, wd, IN_OPEN, "f");
    expect(fd, wd, IN_MODIFY, "f");
    expect(fd, wd, IN_CLOSE_WRITE, "f");
    expect_none(fd);

    // The file's own watch hears it without a name, after the directory.
    int file_wd = inotify_add_watch(fd, in_dir("f"), IN_ALL_EVENTS);
    CHECK(file_wd > 0 && file_wd != wd);
    f = open(in_dir("f"), O_RDONLY);
    char byte;
    CHECK(read(f, &byte, 1) == 1);
    CHECK(close(f) == 0);
    expect(fd, wd, IN_OPEN, "f");
    expect(fd, file_wd, IN_OPEN, "");
    expect(fd, wd, IN_ACCESS, "f");
    expect(fd, file_wd, IN_ACCESS, "");
    expect(fd, wd, IN_CLOSE_NOWRITE, "f");
    expect(fd, file_wd, IN_CLOSE_NOWRITE, "");
    CHECK(chmod(in_dir("f"), 0600) == 0);
    expect(fd, wd, IN_ATTRIB, "f");
    expect(fd, file_wd, IN_ATTRIB, "");
    CHECK(unlink(in_dir("f")) == 0);
    expect(fd, file_wd, IN_ATTRIB, "");
    expect(fd, file_wd, IN_DELETE_SELF, "");
    expect(fd, file_wd, IN_IGNORED, "");
    expect(fd, wd, IN_DELETE, "f");
    expect_none(fd);
    CHECK_ERR(inotify_rm_watch(fd, file_wd), EINVAL); // already gone

    // Renames pair their halves with a cookie; directories carry IN_ISDIR.
    CHECK(mknod(in_dir("g"), S_IFREG | 0644, 0) == 0);
    expect(fd, wd, IN_CREATE, "g");
    CHECK(rename(in_dir("g"), in_dir("h")) == 0);
    struct seen from = next_event(fd), to = next_event(fd);
    CHECK(from.wd == wd && from.mask == IN_MOVED_FROM && strcmp(from.name, "g") == 0);
    CHECK(to.wd == wd && to.mask == IN_MOVED_TO && strcmp(to.name, "h") == 0);
    CHECK(from.cookie != 0 && from.cookie == to.cookie);
    CHECK(mkdir(in_dir("sub"), 0755) == 0);
    expect(fd, wd, IN_CREATE | IN_ISDIR, "sub");
    CHECK(rmdir(in_dir("sub")) == 0);
    expect(fd, wd, IN_DELETE | IN_ISDIR, "sub");
    expect_none(fd);

    // IN_ONESHOT: one event, then the watch ends.
    int once = inotify_add_watch(fd, in_dir("h"), IN_ATTRIB | IN_ONESHOT);
    CHECK(inotify_rm_watch(fd, wd) == 0);
    expect(fd, wd, IN_IGNORED, "");
    CHECK(chmod(in_dir("h"), 0600) == 0);
    CHECK(chmod(in_dir("h"), 0644) == 0);
    expect(fd, once, IN_ATTRIB, "");
    expect(fd, once, IN_IGNORED, "");
    expect_none(fd);

    // IN_MASK_ADD widens a watch; without it the mask is replaced.
    wd = inotify_add_watch(fd, dir, IN_CREATE);
    CHECK(inotify_add_watch(fd, dir, IN_DELETE | IN_MASK_ADD) == wd);
    CHECK(unlink(in_dir("h")) == 0);
    expect(fd, wd, IN_DELETE, "h");
    CHECK(mknod(in_dir("i"), S_IFREG | 0644, 0) == 0);
    expect(fd, wd, IN_CREATE, "i");
    CHECK(inotify_add_watch(fd, dir, IN_DELETE) == wd);
    CHECK(mknod(in_dir("j"), S_IFREG | 0644, 0) == 0);
    expect_none(fd);

    // Another process's change wakes a blocked read.
    int blocking = inotify_init();
    CHECK(blocking >= 0);
    int bwd = inotify_add_watch(blocking, dir, IN_CREATE);
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        int c = open(in_dir("from_child"), O_CREAT | O_WRONLY, 0644);
        _exit(c >= 0 ? 0 : 1);
    }
    expect(blocking, bwd, IN_CREATE, "from_child");
    int status;
    CHECK(waitpid(child, &status, 0) == child && status == 0);

    // Past max_queued_events, one IN_Q_OVERFLOW stands for the rest.
    int limit = 0;
    FILE *limits = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
    CHECK(limits && fscanf(limits, "%d", &limit) == 1 && limit > 0);
    fclose(limits);
    int many = inotify_add_watch(fd, in_dir("i"), IN_OPEN | IN_CLOSE_NOWRITE);
    for (int i = 0; i < limit / 2 + 2; i++) {
        int c = open(in_dir("i"), O_RDONLY);
        CHECK(c >= 0 && close(c) == 0);
    }
    int count = 0;
    struct seen last = {0};
    for (;;) {
        if (at >= buffered) {
            buffered = (int)read(fd, buffer, sizeof buffer);
            if (buffered < 0 && errno == EAGAIN)
                break;
            CHECK(buffered > 0);
            at = 0;
        }
        last = next_event(fd);
        count++;
    }
    CHECK(count == limit + 1);
    CHECK(last.wd == -1 && last.mask == IN_Q_OVERFLOW);
    (void)many;

    CHECK(unlink(in_dir("i")) == 0 && unlink(in_dir("j")) == 0 && unlink(in_dir("from_child")) == 0);
    CHECK(rmdir(dir) == 0);
    puts("inotify ok");
    return 0;
}
