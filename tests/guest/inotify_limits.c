// inotify's per-user limits (inotify(7), /proc/sys/fs/inotify): past max_user_instances
// inotify_init1 fails with EMFILE, past max_user_watches a new watch fails with ENOSPC (a
// watch on an inode already watched is no new watch), and closing gives them back. Natively the
// user's other instances count too, and a host whose watch limit is large skips that part.
#include "check.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static long read_limit(const char *name)
{
    char path[128], text[32] = {0};
    snprintf(path, sizeof path, "/proc/sys/fs/inotify/%s", name);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(read(fd, text, sizeof text - 1) > 0);
    close(fd);
    return strtol(text, NULL, 10);
}

int main(void)
{
    long max_instances = read_limit("max_user_instances");
    long max_watches = read_limit("max_user_watches");
    CHECK(max_instances > 0 && max_watches > 0);
    struct rlimit nofile = {4096, 4096};
    CHECK(setrlimit(RLIMIT_NOFILE, &nofile) == 0);

    /* Instances: EMFILE at the limit at the latest (other instances of ours count natively). */
    static int fds[4096];
    int opened = 0;
    for (; opened <= max_instances && opened < 4096; opened++) {
        fds[opened] = inotify_init1(IN_CLOEXEC);
        if (fds[opened] < 0)
            break;
    }
    CHECK(opened < 4096 && opened <= max_instances);
    CHECK(fds[opened] == -1 && errno == EMFILE);
    close(fds[--opened]);
    int again = inotify_init1(0);
    CHECK(again >= 0); /* one given back */
    close(again);
    while (opened > 0)
        close(fds[--opened]);

    if (max_watches > 20000) {
        printf("inotify_limits: ok (instances; max_user_watches %ld is too many to fill here)\n", max_watches);
        return 0;
    }
    /* Watches: one per distinct file, ENOSPC past the limit. */
    char dir[] = "/tmp/inotify_limits.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    int in = inotify_init1(0);
    CHECK(in >= 0);
    CHECK(inotify_add_watch(in, dir, IN_CREATE) > 0);
    int watches = 1, last_wd = 0;
    char path[256];
    for (long i = 0; i < max_watches + 10; i++) {
        snprintf(path, sizeof path, "%s/%ld", dir, i);
        int fd = open(path, O_CREAT | O_WRONLY, 0600);
        CHECK(fd >= 0);
        close(fd);
        int wd = inotify_add_watch(in, path, IN_MODIFY);
        if (wd < 0) {
            CHECK(errno == ENOSPC);
            break;
        }
        last_wd = wd;
        watches++;
    }
    CHECK(watches <= max_watches);
    /* The same inode again is its existing watch, not a new one. */
    snprintf(path, sizeof path, "%s/0", dir);
    CHECK(inotify_add_watch(in, path, IN_MODIFY | IN_ATTRIB) > 0);
    /* Removing one makes room for one. */
    CHECK(inotify_rm_watch(in, last_wd) == 0);
    snprintf(path, sizeof path, "%s/%d", dir, watches - 1);
    CHECK(inotify_add_watch(in, path, IN_MODIFY) > 0);
    snprintf(path, sizeof path, "%s/%d", dir, watches);
    int fd = open(path, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK(inotify_add_watch(in, path, IN_MODIFY) == -1 && errno == ENOSPC);
    /* Closing the instance gives every watch back. */
    close(in);
    in = inotify_init1(0);
    CHECK(in >= 0 && inotify_add_watch(in, path, IN_MODIFY) > 0);
    close(in);
    for (long i = 0; i < watches + 1; i++) {
        snprintf(path, sizeof path, "%s/%ld", dir, i);
        unlink(path);
    }
    CHECK(rmdir(dir) == 0);
    printf("inotify_limits: ok (%d watches)\n", watches);
    return 0;
}
