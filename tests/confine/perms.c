/* uid 65534 against Linux's permission rules. As root it makes, in DIR, a root 0600 file, a
 * root 0755 directory, a sticky 1777 directory holding a root file, and a root process; then
 * it drops to uid/gid 65534 (setresgid, setgroups, setresuid) and tries each:
 *
 *   open_read      open the 0600 file for reading        EACCES
 *   open_write     open the 0600 file for writing        EACCES
 *   chmod          chmod the file                        EPERM
 *   chown          chown the file to 65534               EPERM
 *   create         create in the 0755 directory          EACCES
 *   sticky_unlink  unlink root's file in the sticky dir  EPERM
 *   kill           kill(root process, SIGTERM)           EPERM
 *
 *   perms DIR      prints "case NAME ok" or "case NAME FAIL ...", one line per case, and
 *                  exits 0 (confinement.sh reads the lines; see its KNOWN_GAPS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *name, long r, int err, int want)
{
    if (r == -1 && err == want)
        printf("case %s ok\n", name);
    else
        printf("case %s FAIL: got %ld errno %d (%s), want %s\n", name, r, err, strerror(err),
               strerrorname_np(want));
}

#define TRY_CASE(name, expr, want)                                                             \
    do {                                                                                       \
        errno = 0;                                                                             \
        long r_ = (long)(expr);                                                                \
        report(name, r_, errno, want);                                                         \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: perms DIR\n");
        return 100;
    }
    char file[4096], dir[4096], sticky[4096], sticky_file[4096], created[4096];
    snprintf(file, sizeof file, "%s/root0600", argv[1]);
    snprintf(dir, sizeof dir, "%s/root0755", argv[1]);
    snprintf(sticky, sizeof sticky, "%s/sticky", argv[1]);
    snprintf(sticky_file, sizeof sticky_file, "%s/sticky/rootfile", argv[1]);
    snprintf(created, sizeof created, "%s/root0755/new", argv[1]);
    if (getuid() != 0) {
        printf("perms: must start as root (uid %d)\n", getuid());
        return 100;
    }
    umask(0);
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || close(fd) != 0 || mkdir(dir, 0755) != 0 || mkdir(sticky, 01777) != 0 ||
        chmod(sticky, 01777) != 0 || chmod(argv[1], 0755) != 0) {
        printf("perms: setup failed: %s\n", strerror(errno));
        return 100;
    }
    fd = open(sticky_file, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0 || close(fd) != 0) {
        printf("perms: setup failed: %s\n", strerror(errno));
        return 100;
    }
    pid_t root_child = fork();
    if (root_child == 0) {
        /* Not holding the output open: whoever reads it must not wait for us. */
        close(0), close(1), close(2);
        alarm(30);
        pause();
        _exit(0);
    }
    if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0) {
        printf("perms: cannot become 65534: %s\n", strerror(errno));
        kill(root_child, SIGKILL);
        return 100;
    }
    TRY_CASE("open_read", open(file, O_RDONLY), EACCES);
    TRY_CASE("open_write", open(file, O_WRONLY), EACCES);
    TRY_CASE("chmod", chmod(file, 0666), EPERM);
    TRY_CASE("chown", chown(file, 65534, 65534), EPERM);
    TRY_CASE("create", open(created, O_WRONLY | O_CREAT, 0644), EACCES);
    TRY_CASE("sticky_unlink", unlink(sticky_file), EPERM);
    TRY_CASE("kill", kill(root_child, SIGTERM), EPERM);
    /* The root child ends by its alarm if the kill above failed as it should; we cannot kill
     * it any more, so do not wait for it. */
    return 0;
}
