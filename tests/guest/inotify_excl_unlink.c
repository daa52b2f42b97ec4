// inotify's IN_EXCL_UNLINK: a directory watched with it stops hearing what is done through an
// open file of a child once the child is unlinked (IN_ACCESS, IN_MODIFY, IN_CLOSE_*), while a
// watch without it still hears those under the old name. Events of the unlink itself (IN_DELETE)
// are heard by both, and IN_EXCL_UNLINK changes nothing for a child still linked. Also the
// order of add_watch's mask checks, and a mask of flags only.
#include "check.h"
#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

static char buffer[4096] __attribute__((aligned(8)));

/* Reads every queued event of the non-blocking `fd` into `masks` (at most `max`); returns the count. */
static int drain(int fd, unsigned *masks, const char **names, int max)
{
    static char keep[8][64];
    int count = 0;
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            return count;
        }
        for (ssize_t at = 0; at < n;) {
            struct inotify_event *event = (struct inotify_event *)(buffer + at);
            CHECK(count < max);
            masks[count] = event->mask;
            snprintf(keep[count], sizeof keep[count], "%s", event->len ? event->name : "");
            names[count] = keep[count];
            count++;
            at += (ssize_t)(sizeof *event + event->len);
        }
    }
}

static void expect_events(int fd, const unsigned *want, int want_count, const char *name)
{
    unsigned masks[8];
    const char *names[8];
    int count = drain(fd, masks, names, 8);
    int ok = count == want_count;
    for (int i = 0; ok && i < count; i++)
        ok = masks[i] == want[i] && strcmp(names[i], name) == 0;
    if (!ok) {
        fprintf(stderr, "got %d events:", count);
        for (int i = 0; i < count; i++)
            fprintf(stderr, " %#x '%s'", masks[i], names[i]);
        fprintf(stderr, "; want %d:", want_count);
        for (int i = 0; i < want_count; i++)
            fprintf(stderr, " %#x '%s'", want[i], name);
        fprintf(stderr, "\n");
        exit(1);
    }
}

int main(void)
{
    char dir[] = "/tmp/inotify_excl.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/child", dir);

    int excl = inotify_init1(IN_NONBLOCK);
    int plain = inotify_init1(IN_NONBLOCK);
    CHECK(excl >= 0 && plain >= 0);
    unsigned events = IN_ACCESS | IN_MODIFY | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_DELETE;
    CHECK(inotify_add_watch(excl, dir, events | IN_EXCL_UNLINK) == 1);
    CHECK(inotify_add_watch(plain, dir, events) == 1);

    /* Linked: IN_EXCL_UNLINK changes nothing. */
    int fd = open(path, O_CREAT | O_RDWR, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, "abc", 3) == 3);
    unsigned linked[] = {IN_MODIFY};
    expect_events(excl, linked, 1, "child");
    expect_events(plain, linked, 1, "child");

    /* Unlinked while open: only the plain watch hears the writes, reads and the close. */
    CHECK(unlink(path) == 0);
    unsigned deleted[] = {IN_DELETE};
    expect_events(excl, deleted, 1, "child");
    expect_events(plain, deleted, 1, "child");
    CHECK(write(fd, "def", 3) == 3);
    CHECK(pread(fd, buffer, 3, 0) == 3);
    CHECK(close(fd) == 0);
    unsigned through_file[] = {IN_MODIFY, IN_ACCESS, IN_CLOSE_WRITE};
    expect_events(excl, NULL, 0, "child");
    expect_events(plain, through_file, 3, "child");

    /* A file opened read-only then unlinked: its close is IN_CLOSE_NOWRITE, for the plain watch only. */
    fd = open(path, O_CREAT | O_RDWR, 0600);
    CHECK(fd >= 0);
    CHECK(close(fd) == 0);
    fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(unlink(path) == 0);
    CHECK(read(fd, buffer, 1) == 0); /* nothing read: no IN_ACCESS */
    CHECK(close(fd) == 0);
    unsigned recreated[] = {IN_CLOSE_WRITE, IN_DELETE};
    expect_events(excl, recreated, 2, "child");
    unsigned recreated_plain[] = {IN_CLOSE_WRITE, IN_DELETE, IN_CLOSE_NOWRITE};
    expect_events(plain, recreated_plain, 3, "child");

    /* The mask's checks: an unknown bit is EINVAL before the descriptor is looked at, the
     * contradictory IN_MASK_ADD|IN_MASK_CREATE after it; a mask of flags only is accepted (the
     * watch then hears nothing). */
    CHECK_ERR(inotify_add_watch(excl, dir, IN_CREATE | 0x00100000), EINVAL);
    CHECK_ERR(inotify_add_watch(999, dir, 0x00100000), EINVAL);
    CHECK_ERR(inotify_add_watch(999, dir, 0), EINVAL);
    CHECK_ERR(inotify_add_watch(999, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE), EBADF);
    CHECK(inotify_add_watch(excl, dir, IN_EXCL_UNLINK) == 1);
    CHECK(inotify_add_watch(excl, dir, IN_ISDIR) == 1);
    fd = open(path, O_CREAT | O_RDWR, 0600);
    CHECK(fd >= 0 && close(fd) == 0 && unlink(path) == 0);
    expect_events(excl, NULL, 0, "child");
    CHECK(inotify_add_watch(excl, dir, IN_UNMOUNT | IN_IGNORED | IN_Q_OVERFLOW) == 1);

    close(excl);
    close(plain);
    CHECK(rmdir(dir) == 0);
    printf("inotify_excl_unlink: ok\n");
    return 0;
}
