// Guest files below --root hold host descriptors of asterix, an instance resource: a guest
// that opens files until it cannot (EMFILE at its own RLIMIT_NOFILE, or ENFILE when the
// instance's share is used up) must leave room for forks. The e2e test host_fds runs this
// under a small host limit (ulimit -n), where asterix runs out before the guest's limit.
#include "check.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/host_fds.XXXXXX";

static void remove_files(int count)
{
    char path[64];
    for (int i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%d", dir, i);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    struct rlimit limit = {4096, 4096};
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == 0);
    CHECK(mkdtemp(dir) != NULL);
    int opened = 0, last = -1;
    char path[64];
    for (;;) {
        /* Distinct files: each holds host descriptors of its own. */
        snprintf(path, sizeof path, "%s/%d", dir, opened);
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno != EMFILE && errno != ENFILE)
                remove_files(opened + 1);
            CHECK(errno == EMFILE || errno == ENFILE);
            break;
        }
        last = fd;
        opened++;
        CHECK(opened <= 4096);
    }
    CHECK(opened > 500);
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        if (pid < 0)
            remove_files(opened + 1);
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(7);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
    }
    for (int fd = 3; fd <= last; fd++)
        close(fd);
    remove_files(opened + 1);
    printf("host_fds: ok (%d files open, then %s)\n", opened, "forks");
    return 0;
}
