// Run by tests/e2e/hostfs_ownership.sh inside a writable --root: what guest users make on
// hostfs, for the script to stat from the host side. With "as-root" (asterix runs as host
// root) the guest makes files as root and as uid 65534 in /work; with "unprivileged" (asterix
// runs as a host user) it checks that a chown to another user fails with the host's EPERM.
// harness: skip
#include "perm_common.h"

#include <fcntl.h>

static void make_as_nobody(void)
{
    CHECK(chdir("/work") == 0);
    umask(0);
    int fd = open("f777", O_WRONLY | O_CREAT | O_EXCL, 0777);
    CHECK(fd >= 0);
    close(fd);
    fd = open("suid", O_WRONLY | O_CREAT | O_EXCL, 06755);
    CHECK(fd >= 0);
    close(fd);
    write_file("chmodded", 0644, "x");
    CHECK(chmod("chmodded", 06777) == 0);
    CHECK(mkdir("d777", 0777) == 0);
    CHECK(mkfifo("fifo", 0666) == 0);
    CHECK(symlink("f777", "link") == 0);
    umask(022);
    fd = open("f755", O_WRONLY | O_CREAT | O_EXCL, 0777);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(chown("f777", 0, 0), EPERM);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "as-root") == 0) {
        CHECK(geteuid() == 0);
        as_user(NOBODY, make_as_nobody);
        umask(0);
        int fd = open("/work/rootfile", O_WRONLY | O_CREAT | O_EXCL, 0640);
        CHECK(fd >= 0);
        close(fd);
        puts("perm_hostfs as-root: ok");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "unprivileged") == 0) {
        umask(0);
        int fd = open("/work/mine", O_WRONLY | O_CREAT | O_EXCL, 0666);
        CHECK(fd >= 0);
        close(fd);
        /* The guest is this host user: a chown to someone else is the host's EPERM. */
        CHECK_ERR(chown("/work/mine", 0, 0), EPERM);
        CHECK(chown("/work/mine", getuid(), getgid()) == 0);
        puts("perm_hostfs unprivileged: ok");
        return 0;
    }
    fprintf(stderr, "usage: perm_hostfs as-root|unprivileged\n");
    return 2;
}
