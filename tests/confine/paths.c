/* Path escapes from a guest root: every way a path could leave the root ("..", absolute and
 * relative symlinks, /proc/self/root, /proc/self/cwd, /proc/self/fd, chroot, renames racing
 * lookups, openat2) must never reach the canary, a host file just outside the root.
 *
 *   paths CANARY_HOST_PATH CANARY_INO CANARY_TEXT [--native]
 *
 * It runs with the root as "/" (under `asterix run --root DIR`, or natively under chroot DIR).
 * For every path: opening it never gives the canary's text, stat never gives the canary's
 * inode, and a failure has the same errno as the same path to a name that does not exist
 * (so the canary's existence cannot be detected). Writes are tried too; confinement.sh checks
 * that the canary is unchanged afterwards. --native skips the chroot-breakout case, which
 * escapes on Linux by design (root may leave a chroot) but must not under Asterix.
 * Prints one line per failed case and exits with the number of failures (0: all held).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *canary_path, *canary_text;
static unsigned long canary_ino;
static int failures;

static void fail(const char *what, const char *path, const char *detail)
{
    printf("FAIL %s %s: %s\n", what, path, detail);
    failures++;
}

/* The same path with its last component renamed to one that exists nowhere. */
static void decoy_of(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    char *name = slash ? slash + 1 : out;
    if (strstr(name, "canary"))
        snprintf(name, size - (size_t)(name - out), "no-such-canary");
}

static void check_fd(const char *what, const char *path, int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_ino == canary_ino && S_ISREG(st.st_mode))
        fail(what, path, "opened a file with the canary's inode");
    char buf[256] = {0};
    if (pread(fd, buf, sizeof buf - 1, 0) > 0 && strstr(buf, canary_text))
        fail(what, path, "read the canary's text");
}

static void check_path_at(int dirfd, const char *path)
{
    char decoy[4096];
    decoy_of(path, decoy, sizeof decoy);
    struct stat st;
    errno = 0;
    int r = fstatat(dirfd, path, &st, 0);
    int e = errno;
    if (r == 0 && st.st_ino == canary_ino && S_ISREG(st.st_mode))
        fail("stat", path, "saw the canary's inode");
    errno = 0;
    int rd = fstatat(dirfd, decoy, &st, 0);
    int ed = errno;
    if (r != 0 && strcmp(decoy, path) != 0 && (rd == 0 || ed != e)) {
        char detail[128];
        snprintf(detail, sizeof detail, "errno %d, but %d for a name that does not exist", e, ed);
        fail("stat", path, detail);
    }
    int fd = openat(dirfd, path, O_RDONLY);
    if (fd >= 0) {
        check_fd("open", path, fd);
        close(fd);
    }
    fd = openat(dirfd, path, O_WRONLY | O_APPEND);
    if (fd >= 0) {
        check_fd("open-write", path, fd);
        (void)!write(fd, "escaped\n", 8);
        close(fd);
    }
    /* O_CREAT on an escaping path may only create inside the root. */
    fd = openat(dirfd, path, O_RDWR | O_CREAT, 0644);
    if (fd >= 0) {
        check_fd("create", path, fd);
        close(fd);
    }
    (void)!truncate(path, 0);
    (void)!chmod(path, 0777);
}

static void check_path(const char *path) { check_path_at(AT_FDCWD, path); }

static long openat2_(int dirfd, const char *path, unsigned long resolve)
{
    struct open_how how = {.flags = O_RDONLY, .resolve = resolve};
    return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

static volatile int racing = 1;

/* Moves /race/a/b up and down while the main thread walks "..": a walk that is inside b when
 * it moves must still not climb out of the root. */
static void *rename_loop(void *arg)
{
    (void)arg;
    while (racing) {
        rename("/race/a/b", "/race/b");
        rename("/race/b", "/race/a/b");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: paths CANARY_HOST_PATH CANARY_INO CANARY_TEXT [--native]\n");
        return 100;
    }
    canary_path = argv[1];
    canary_ino = strtoul(argv[2], NULL, 10);
    canary_text = argv[3];
    int native = argc > 4 && !strcmp(argv[4], "--native");
    char buf[4096];

    /* The canary sits next to the root: ../canary from the host's point of view. */
    const char *base = strrchr(canary_path, '/') + 1;
    snprintf(buf, sizeof buf, "../%s", base);
    const char *relative[] = {"..", "../..", "/..", "/../..", "/../../..", "../../../../../.."};
    for (size_t i = 0; i < sizeof relative / sizeof *relative; i++) {
        snprintf(buf, sizeof buf, "%s/%s", relative[i], base);
        check_path(buf);
        snprintf(buf, sizeof buf, "%s%s", relative[i], canary_path);
        check_path(buf);
    }
    check_path(canary_path);
    snprintf(buf, sizeof buf, "//..//.%s", canary_path);
    check_path(buf);

    /* Symlinks made inside the root. */
    mkdir("/esc", 0755);
    mkdir("/esc/d", 0755);
    symlink(canary_path, "/esc/abs");
    snprintf(buf, sizeof buf, "../../../../../../../../..%s", canary_path);
    symlink(buf, "/esc/d/rel");
    snprintf(buf, sizeof buf, "../../%s", base);
    symlink(buf, "/esc/d/up");
    symlink("/..", "/esc/rootup");
    symlink("../../../../..", "/esc/d/dotdots");
    check_path("/esc/abs");
    check_path("/esc/d/rel");
    check_path("/esc/d/up");
    snprintf(buf, sizeof buf, "/esc/rootup/%s", base);
    check_path(buf);
    snprintf(buf, sizeof buf, "/esc/d/dotdots/%s", base);
    check_path(buf);
    snprintf(buf, sizeof buf, "/esc/d/dotdots%s", canary_path);
    check_path(buf);

    /* Magic links of /proc (ENOENT natively: the chroot has no /proc). */
    const char *procs[] = {"/proc/self/root/..", "/proc/self/cwd/..", "/proc/1/cwd/..",
                           "/proc/self/root/../.."};
    for (size_t i = 0; i < sizeof procs / sizeof *procs; i++) {
        snprintf(buf, sizeof buf, "%s/%s", procs[i], base);
        check_path(buf);
        snprintf(buf, sizeof buf, "%s%s", procs[i], canary_path);
        check_path(buf);
    }
    int rootfd = open("/", O_RDONLY | O_DIRECTORY);
    snprintf(buf, sizeof buf, "/proc/self/fd/%d/../%s", rootfd, base);
    check_path(buf);
    snprintf(buf, sizeof buf, "../%s", base);
    check_path_at(rootfd, buf);
    int upfd = openat(rootfd, "..", O_RDONLY | O_DIRECTORY);
    if (upfd >= 0) {
        check_path_at(upfd, base);
        check_path_at(upfd, buf);
        close(upfd);
    }

    /* chdir("..") from the root stays at the root. */
    if (chdir("/") == 0 && chdir("..") == 0 && chdir("..") == 0)
        check_path(base);
    (void)!chdir("/");

    /* openat2 with each RESOLVE_ flag. */
    unsigned long resolves[] = {0, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS,
                                RESOLVE_NO_MAGICLINKS, RESOLVE_NO_XDEV};
    const char *targets[] = {"../x", "/esc/abs", "/esc/d/rel", "/esc/d/up", "esc/d/up"};
    for (size_t i = 0; i < sizeof resolves / sizeof *resolves; i++)
        for (size_t j = 0; j < sizeof targets / sizeof *targets; j++) {
            const char *t = targets[j];
            if (!strcmp(t, "../x"))
                snprintf(buf, sizeof buf, "../%s", base), t = buf;
            long fd = openat2_(rootfd, t, resolves[i]);
            if (fd >= 0) {
                check_fd("openat2", t, (int)fd);
                close((int)fd);
            }
        }

    /* Renames racing lookups. */
    mkdir("/race", 0755);
    mkdir("/race/a", 0755);
    mkdir("/race/a/b", 0755);
    pthread_t th;
    pthread_create(&th, NULL, rename_loop, NULL);
    char race_path[4096];
    snprintf(race_path, sizeof race_path, "/race/a/b/../../../../../%s", base);
    for (int i = 0; i < 2000; i++) {
        int fd = open(race_path, O_RDONLY);
        if (fd >= 0) {
            check_fd("race", race_path, fd);
            close(fd);
        }
        int dfd = open("/race/a/b", O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            snprintf(buf, sizeof buf, "../../../../%s", base);
            fd = openat(dfd, buf, O_RDONLY);
            if (fd >= 0) {
                check_fd("race-at", buf, fd);
                close(fd);
            }
            close(dfd);
        }
    }
    racing = 0;
    pthread_join(th, NULL);

    /* The classic chroot breakout: chroot into a subdirectory while the cwd stays above it,
     * then climb. Linux lets root out of a chroot this way; Asterix's root must hold. */
    if (!native && fork() == 0) {
        mkdir("/esc/jail", 0755);
        if (chdir("/") == 0 && chroot("/esc/jail") == 0) {
            for (int i = 0; i < 64; i++)
                (void)!chdir("..");
            check_path(base);
            snprintf(buf, sizeof buf, ".%s", canary_path);
            check_path(buf);
            check_path(canary_path);
        }
        _exit(failures);
    }
    int status = 0;
    while (wait(&status) > 0)
        failures += WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    printf("paths: %d failures\n", failures);
    return failures > 99 ? 99 : failures;
}
