// openat2(2)'s RESOLVE_* rules, as Linux applies them to the whole walk of a path:
// RESOLVE_BENEATH refuses an escape ("..", an absolute path or an absolute symlink) with EXDEV,
// RESOLVE_IN_ROOT keeps the walk inside, RESOLVE_NO_SYMLINKS and RESOLVE_NO_MAGICLINKS make a
// followed link ELOOP, RESOLVE_NO_XDEV makes a mount crossing (or a magic link into another
// file system: /proc/self/exe) EXDEV, and RESOLVE_CACHED may not create (EAGAIN).
#include "check.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static long openat2_(int dirfd, const char *path, unsigned long flags, unsigned long resolve)
{
    struct open_how how = {.flags = flags, .mode = 0, .resolve = resolve};
    return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* Opens `path` under `dirfd` with `resolve` and checks it is the same file as `want`. */
static void check_same(int dirfd, const char *path, unsigned long resolve, const char *want)
{
    long fd = openat2_(dirfd, path, O_RDONLY, resolve);
    if (fd < 0)
        fprintf(stderr, "openat2 %s (resolve %#lx) failed\n", path, resolve);
    CHECK(fd >= 0);
    struct stat got, expected;
    CHECK(fstat((int)fd, &got) == 0 && stat(want, &expected) == 0);
    CHECK(got.st_ino == expected.st_ino && got.st_dev == expected.st_dev);
    close((int)fd);
}

int main(void)
{
    char top[] = "/tmp/lookup-resolve.XXXXXX";
    CHECK(mkdtemp(top) != NULL);
    CHECK(chdir(top) == 0);
    /* top/file, top/root/{file, sub/, rel -> sub, abs -> /file, up -> ../file, self -> .} */
    CHECK(close(open("file", O_WRONLY | O_CREAT, 0644)) == 0);
    CHECK(mkdir("root", 0755) == 0);
    CHECK(close(open("root/file", O_WRONLY | O_CREAT, 0644)) == 0);
    CHECK(mkdir("root/sub", 0755) == 0);
    CHECK(symlink("sub", "root/rel") == 0);
    CHECK(symlink("/file", "root/abs") == 0);
    CHECK(symlink("../file", "root/up") == 0);
    int dfd = open("root", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);

    /* Flags openat2 refuses. */
    CHECK_ERR(openat2_(dfd, "file", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT), EINVAL);
    CHECK_ERR(openat2_(dfd, "file", O_RDONLY, 0x1000), EINVAL);

    /* RESOLVE_BENEATH: what stays below is fine, every escape is EXDEV (not ENOENT). */
    check_same(dfd, "file", RESOLVE_BENEATH, "root/file");
    check_same(dfd, "sub/../file", RESOLVE_BENEATH, "root/file");
    check_same(dfd, "rel/../file", RESOLVE_BENEATH, "root/file");
    CHECK_ERR(openat2_(dfd, "../file", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    CHECK_ERR(openat2_(dfd, "sub/../../file", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    CHECK_ERR(openat2_(dfd, "up", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    CHECK_ERR(openat2_(dfd, "abs", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    CHECK_ERR(openat2_(dfd, "/file", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    CHECK_ERR(openat2_(dfd, "../nothing-here", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    CHECK_ERR(openat2_(dfd, "/nothing-here", O_WRONLY | O_CREAT, RESOLVE_BENEATH), EXDEV);

    /* RESOLVE_IN_ROOT: the directory is the root; "/" and ".." above it stay in it. */
    check_same(dfd, "/file", RESOLVE_IN_ROOT, "root/file");
    check_same(dfd, "../../file", RESOLVE_IN_ROOT, "root/file");
    check_same(dfd, "abs", RESOLVE_IN_ROOT, "root/file");
    check_same(dfd, "up", RESOLVE_IN_ROOT, "root/file");
    long fd = openat2_(dfd, "/created", O_WRONLY | O_CREAT, RESOLVE_IN_ROOT);
    CHECK(fd >= 0);
    close((int)fd);
    CHECK(access("root/created", F_OK) == 0 && unlink("root/created") == 0);
    /* A scoped walk may not jump through a magic link. */
    int procfd = open("/proc", O_RDONLY | O_DIRECTORY);
    CHECK(procfd >= 0);
    CHECK_ERR(openat2_(procfd, "self/exe", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    CHECK_ERR(openat2_(procfd, "self/exe", O_RDONLY, RESOLVE_IN_ROOT), EXDEV);

    /* RESOLVE_NO_SYMLINKS: any symlink followed is ELOOP; O_PATH|O_NOFOLLOW gets the link. */
    check_same(dfd, "sub/../file", RESOLVE_NO_SYMLINKS, "root/file");
    CHECK_ERR(openat2_(dfd, "rel/../file", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
    CHECK_ERR(openat2_(dfd, "up", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
    CHECK_ERR(openat2_(dfd, "up", O_WRONLY | O_CREAT, RESOLVE_NO_SYMLINKS), ELOOP);
    fd = openat2_(dfd, "up", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
    CHECK(fd >= 0);
    close((int)fd);

    /* RESOLVE_NO_MAGICLINKS: /proc/self/exe is a magic link (ELOOP); plain symlinks are fine. */
    check_same(dfd, "up", RESOLVE_NO_MAGICLINKS, "file");
    CHECK_ERR(openat2_(AT_FDCWD, "/proc/self/exe", O_RDONLY, RESOLVE_NO_MAGICLINKS), ELOOP);
    CHECK_ERR(openat2_(procfd, "self/exe", O_RDONLY, RESOLVE_NO_MAGICLINKS), ELOOP);
    fd = openat2_(procfd, "self/exe", O_PATH | O_NOFOLLOW, RESOLVE_NO_MAGICLINKS);
    CHECK(fd >= 0);
    close((int)fd);
    fd = openat2_(procfd, "self/exe", O_RDONLY, 0);
    CHECK(fd >= 0);
    close((int)fd);

    /* RESOLVE_NO_XDEV: a walk that stays on one file system is fine; entering /proc, leaving it
       with "..", or jumping through its magic link to the program's file system is EXDEV. */
    check_same(dfd, "up", RESOLVE_NO_XDEV, "file");
    CHECK_ERR(openat2_(AT_FDCWD, "/proc/self/exe", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);
    CHECK_ERR(openat2_(procfd, "self/exe", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);
    CHECK_ERR(openat2_(procfd, "..", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);

    /* RESOLVE_CACHED: creating or truncating would block (EAGAIN); what is in use is cached. */
    CHECK_ERR(openat2_(dfd, "new", O_WRONLY | O_CREAT, RESOLVE_CACHED), EAGAIN);
    CHECK_ERR(openat2_(dfd, "file", O_WRONLY | O_TRUNC, RESOLVE_CACHED), EAGAIN);
    int held = openat(dfd, "file", O_RDONLY);
    CHECK(held >= 0);
    check_same(dfd, "file", RESOLVE_CACHED, "root/file");
    close(held);

    close(procfd);
    close(dfd);
    CHECK(unlink("root/up") == 0 && unlink("root/abs") == 0 && unlink("root/rel") == 0);
    CHECK(rmdir("root/sub") == 0 && unlink("root/file") == 0 && rmdir("root") == 0);
    CHECK(unlink("file") == 0 && chdir("/") == 0 && rmdir(top) == 0);
    printf("resolve rules: ok\n");
    return 0;
}
