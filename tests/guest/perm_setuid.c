// setuid and setgid: a setuid-root program run by uid 65534 gets euid 0, AT_SECURE and an
// undumpable process; PR_SET_NO_NEW_PRIVS makes the bits mean nothing; a write, a truncate
// or a chown by someone without CAP_FSETID takes the bits off; chmod drops setgid for a group
// the caller is not in. Runs on a tmpfs on /mnt (hostfs is nosuid under asterix; not /tmp, where
// the build directory of a clone may be).
// asterix-args: --tmpfs /mnt
#include "perm_common.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>

#define GROUP 1234

static char dir[64], prog[96], file[96];
static int expected_probe;
static int is_no_new_privs;

/* What the probe reports about the IDs it runs with, as its exit status. */
static int probe(void)
{
    return (geteuid() == 0) | (getuid() == NOBODY) << 1 | (getauxval(AT_SECURE) == 1) << 2
        | (prctl(PR_GET_DUMPABLE) == 0) << 3 | (getegid() == GROUP) << 4;
}

static void run_probe(void)
{
    if (is_no_new_privs)
        CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execl(prog, prog, "probe", (char *)NULL);
        _exit(99);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != expected_probe) {
        fprintf(stderr, "probe gave status %#x, want exit %d\n", status, expected_probe);
        exit(1);
    }
}

static void nobody_writes(void)
{
    /* A write by a user without CAP_FSETID clears setuid and (group-executable) setgid. */
    int fd = open(file, O_WRONLY);
    CHECK(fd >= 0);
    CHECK(write(fd, "x", 1) == 1);
    close(fd);
    CHECK(mode_of(file) == 0777);
    CHECK(chmod(file, 04777) == -1 && errno == EPERM); /* not the owner */
}

static void nobody_truncates(void)
{
    CHECK(truncate(file, 0) == 0);
    CHECK(mode_of(file) == 0777);
}

static void nobody_chmods_own_file(void)
{
    CHECK(chmod(file, 02755) == 0);
    CHECK(mode_of(file) == 0755); /* the file's group (GROUP) is not the caller's */
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "probe") == 0)
        return probe();
    require_root("perm_setuid");
    snprintf(dir, sizeof dir, "/mnt/perm_setuid.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chmod(dir, 0755) == 0);
    snprintf(prog, sizeof prog, "%s/prog", dir);
    snprintf(file, sizeof file, "%s/file", dir);

    /* The program: a copy of this one. */
    int in = open("/proc/self/exe", O_RDONLY);
    CHECK(in >= 0);
    int out = open(prog, O_WRONLY | O_CREAT | O_EXCL, 0755);
    CHECK(out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        CHECK(write(out, buf, n) == n);
    CHECK(n == 0);
    close(in);
    close(out);

    struct statvfs vfs;
    CHECK(statvfs(dir, &vfs) == 0);
    if (vfs.f_flag & ST_NOSUID) {
        printf("perm_setuid: %s is nosuid here, setuid exec not checked\n", dir);
    } else {
        CHECK(chmod(prog, 04755) == 0);
        expected_probe = 1 | 2 | 4 | 8;
        as_user(NOBODY, run_probe);
        is_no_new_privs = 1;
        expected_probe = 2;
        as_user(NOBODY, run_probe);
        is_no_new_privs = 0;
        CHECK(chown(prog, 0, GROUP) == 0);
        CHECK(chmod(prog, 02755) == 0);
        expected_probe = 2 | 4 | 8 | 16;
        as_user(NOBODY, run_probe);
        /* No execute bit for the group: setgid means nothing for exec. */
        CHECK(chmod(prog, 02745) == 0);
        expected_probe = 2;
        as_user(NOBODY, run_probe);
    }

    write_file(file, 06777, "");
    as_user(NOBODY, nobody_writes);
    CHECK(chmod(file, 04777) == 0);
    as_user(NOBODY, nobody_truncates);
    /* Root (CAP_FSETID) writes without clearing; chown clears even for root. */
    CHECK(chmod(file, 04755) == 0);
    int fd = open(file, O_WRONLY);
    CHECK(fd >= 0 && write(fd, "y", 1) == 1);
    close(fd);
    CHECK(mode_of(file) == 04755);
    CHECK(chown(file, 0, 0) == 0);
    CHECK(mode_of(file) == 0755);
    CHECK(chown(file, NOBODY, GROUP) == 0);
    as_user(NOBODY, nobody_chmods_own_file);

    CHECK(unlink(file) == 0);
    CHECK(unlink(prog) == 0);
    CHECK(rmdir(dir) == 0);
    puts("perm_setuid: ok");
    return 0;
}
