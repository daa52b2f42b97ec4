/* Extended attributes on a host directory (hostfs under asterix): the test's own directory,
 * not a tmpfs. user.* set/get/list/remove through the path, l* and f* forms with their
 * errors (ERANGE, EEXIST/ENODATA for XATTR_CREATE/XATTR_REPLACE, E2BIG, EOPNOTSUPP, EPERM on
 * a symlink, EBADF on O_PATH, EACCES without write permission); trusted.* and security.* as a
 * privileged caller may find them (stored, or EOPNOTSUPP where hostfs cannot store them on
 * the host) and as an unprivileged one (EPERM). Skips when the directory's file system has
 * no user.* attributes.
 *
 * With arguments it is the guest half of tests/e2e/xattr_hostfs.sh:
 *   xattr_hostfs set PATH NAME VALUE   sets an attribute
 *   xattr_hostfs get PATH NAME         prints its value
 *   xattr_hostfs erofs PATH            checks that set and remove give EROFS, get works */
#include "check.h"
#include "xattr_names.h"
#include "has_cap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

enum { cap_sys_admin = 21 };

/* Whether the NUL-separated list holds `name`. */
static int list_has(const char *list, ssize_t len, const char *name)
{
    for (ssize_t at = 0; at < len; at += (ssize_t)strlen(list + at) + 1)
        if (strcmp(list + at, name) == 0)
            return 1;
    return 0;
}

static int run_tool(int argc, char **argv)
{
    char buf[4096];
    if (argc == 5 && strcmp(argv[1], "set") == 0) {
        CHECK(setxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) == 0);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "get") == 0) {
        ssize_t n = getxattr(argv[2], argv[3], buf, sizeof buf);
        CHECK(n >= 0);
        printf("%.*s\n", (int)n, buf);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "erofs") == 0) {
        CHECK(getxattr(argv[2], "user.from_host", buf, sizeof buf) >= 0);
        CHECK_ERR(setxattr(argv[2], "user.x", "v", 1, 0), EROFS);
        CHECK_ERR(removexattr(argv[2], "user.from_host"), EROFS);
        int fd = open(argv[2], O_RDONLY);
        CHECK(fd >= 0);
        CHECK_ERR(fsetxattr(fd, "user.x", "v", 1, 0), EROFS);
        CHECK_ERR(fremovexattr(fd, "user.from_host"), EROFS);
        close(fd);
        puts("xattr_hostfs erofs: ok");
        return 0;
    }
    fprintf(stderr, "usage: xattr_hostfs [set PATH NAME VALUE | get PATH NAME | erofs PATH]\n");
    return 2;
}

/* A privileged namespace: a capable caller sets, reads, lists and removes it, unless the file
 * system cannot store it (EOPNOTSUPP, hostfs without host privilege); others get EPERM. */
static void check_privileged(const char *file, const char *name, int is_capable)
{
    char buf[256];
    if (!is_capable) {
        CHECK_ERR(setxattr(file, name, "v", 1, 0), EPERM);
        CHECK_ERR(removexattr(file, name), EPERM);
        return;
    }
    errno = 0;
    int r = setxattr(file, name, "v", 1, 0);
    CHECK(r == 0 || errno == EOPNOTSUPP);
    if (r != 0) {
        CHECK_ERR(getxattr(file, name, buf, sizeof buf), ENODATA);
        return;
    }
    CHECK(getxattr(file, name, buf, sizeof buf) == 1 && buf[0] == 'v');
    ssize_t len = listxattr(file, buf, sizeof buf);
    CHECK(len > 0 && list_has(buf, len, name));
    CHECK(removexattr(file, name) == 0);
    CHECK_ERR(getxattr(file, name, buf, sizeof buf), ENODATA);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return run_tool(argc, argv);

    char dir[] = "xattr_hostfs.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char file[128], link[128], sub[128];
    snprintf(file, sizeof file, "%s/file", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    int fd = open(file, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK(symlink("file", link) == 0);
    CHECK(mkdir(sub, 0755) == 0);
    CHECK(chmod(dir, 0755) == 0); /* so that another user reaches the file */

    char buf[512];
    errno = 0;
    if (setxattr(file, "user.a", "hello", 5, 0) != 0 && errno == EOPNOTSUPP) {
        puts("xattr_hostfs: SKIP, this directory's file system has no user.* attributes");
        unlink(link), unlink(file), rmdir(sub), rmdir(dir);
        return 0;
    }
    CHECK(getxattr(file, "user.a", buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(getxattr(file, "user.a", NULL, 0) == 5);
    CHECK_ERR(getxattr(file, "user.a", buf, 2), ERANGE);
    CHECK_ERR(getxattr(file, "user.none", buf, sizeof buf), ENODATA);
    /* Through the symlink (followed), the l* form (the link itself), and descriptors. */
    CHECK(getxattr(link, "user.a", buf, sizeof buf) == 5);
    CHECK_ERR(lgetxattr(link, "user.a", buf, sizeof buf), ENODATA);
    CHECK_ERR(lsetxattr(link, "user.a", "x", 1, 0), EPERM);
    CHECK_ERR(lremovexattr(link, "user.a"), EPERM);
    CHECK(lgetxattr(file, "user.a", buf, sizeof buf) == 5);
    CHECK(fgetxattr(fd, "user.a", buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    int path_fd = open(file, O_PATH);
    CHECK(path_fd >= 0);
    CHECK_ERR(fgetxattr(path_fd, "user.a", buf, sizeof buf), EBADF);
    CHECK_ERR(fsetxattr(path_fd, "user.a", "x", 1, 0), EBADF);
    CHECK_ERR(flistxattr(path_fd, buf, sizeof buf), EBADF);
    close(path_fd);
    CHECK_ERR(fgetxattr(-1, "user.a", buf, sizeof buf), EBADF);

    /* Flags. */
    CHECK_ERR(setxattr(file, "user.a", "x", 1, XATTR_CREATE), EEXIST);
    CHECK_ERR(setxattr(file, "user.b", "x", 1, XATTR_REPLACE), ENODATA);
    CHECK_ERR(setxattr(file, "user.b", "x", 1, 4), EINVAL);
    CHECK(setxattr(file, "user.a", "bye", 3, XATTR_REPLACE) == 0);
    CHECK(getxattr(file, "user.a", buf, sizeof buf) == 3 && memcmp(buf, "bye", 3) == 0);
    CHECK(fsetxattr(fd, "user.b", "", 0, XATTR_CREATE) == 0);
    CHECK(getxattr(file, "user.b", buf, sizeof buf) == 0);
    CHECK(lsetxattr(file, "user.c", "c", 1, 0) == 0);
    static char value[1000];
    memset(value, 'v', sizeof value);
    CHECK(setxattr(file, "user.c", value, sizeof value, 0) == 0);
    static char back[1000];
    CHECK(getxattr(file, "user.c", back, sizeof back) == (ssize_t)sizeof value);
    CHECK(memcmp(back, value, sizeof value) == 0);

    /* The list (only user.* is ours to count: a host may add security labels). */
    ssize_t need = listxattr(file, NULL, 0);
    CHECK(need >= (ssize_t)(sizeof "user.a" + sizeof "user.b" + sizeof "user.c"));
    CHECK_ERR(listxattr(file, buf, (size_t)need - 1), ERANGE);
    ssize_t len = flistxattr(fd, buf, sizeof buf);
    CHECK(len == need && list_has(buf, len, "user.a") && list_has(buf, len, "user.b") &&
          list_has(buf, len, "user.c"));
    len = llistxattr(link, buf, sizeof buf);
    CHECK(len >= 0 && !list_has(buf, len, "user.a"));

    /* A directory takes user.* too. */
    CHECK(setxattr(sub, "user.d", "dir", 3, 0) == 0);
    CHECK(getxattr(sub, "user.d", buf, sizeof buf) == 3);
    CHECK(removexattr(sub, "user.d") == 0);

    /* Names and values. */
    check_xattr_names(file);
    CHECK_ERR(getxattr("no/such/file", "user.a", buf, sizeof buf), ENOENT);

    /* Another user may read (the file is 0644) but not change. */
    if (geteuid() == 0) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            CHECK(setgid(65534) == 0 && setuid(65534) == 0);
            CHECK(getxattr(file, "user.a", buf, sizeof buf) == 3);
            CHECK_ERR(setxattr(file, "user.a", "x", 1, 0), EACCES);
            CHECK_ERR(removexattr(file, "user.a"), EACCES);
            check_privileged(file, "trusted.t", 0);
            check_privileged(file, "security.t", 0);
            _exit(0);
        }
        int status = 0;
        CHECK(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    /* Privileged namespaces. */
    int is_admin = has_cap(cap_sys_admin);
    check_privileged(file, "trusted.t", is_admin);
    check_privileged(file, "security.t", is_admin);
    if (!is_admin)
        CHECK_ERR(getxattr(file, "trusted.t", buf, sizeof buf), ENODATA);

    /* Remove. */
    CHECK(removexattr(file, "user.a") == 0);
    CHECK_ERR(removexattr(file, "user.a"), ENODATA);
    CHECK_ERR(getxattr(file, "user.a", buf, sizeof buf), ENODATA);
    CHECK(fremovexattr(fd, "user.b") == 0);
    CHECK_ERR(fremovexattr(fd, "user.b"), ENODATA);
    CHECK(lremovexattr(file, "user.c") == 0);
    len = listxattr(file, buf, sizeof buf);
    CHECK(len >= 0 && !list_has(buf, len, "user.a") && !list_has(buf, len, "user.b"));

    close(fd);
    unlink(link);
    unlink(file);
    rmdir(sub);
    rmdir(dir);
    puts("xattr_hostfs: ok");
    return 0;
}
