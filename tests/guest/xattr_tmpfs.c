/* Extended attributes on tmpfs: user.* set/get/list/remove through the path, l* and f* forms;
 * XATTR_CREATE (EEXIST) and XATTR_REPLACE (ENODATA); a size-0 get or list answers the size
 * needed, a short buffer ERANGE; names empty or past 255 bytes ERANGE; values past 64 KiB
 * E2BIG; an unknown namespace EOPNOTSUPP; user.* on a symlink EPERM; trusted.* for a
 * privileged caller, invisible to others. Runs on a tmpfs on /dev/shm. */
// asterix-args: --tmpfs /dev/shm
#include "check.h"
#include "xattr_names.h"
#include "has_cap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Whether the NUL-separated list holds `name`. */
static int list_has(const char *list, ssize_t len, const char *name)
{
    for (ssize_t at = 0; at < len; at += (ssize_t)strlen(list + at) + 1)
        if (strcmp(list + at, name) == 0)
            return 1;
    return 0;
}

int main(void)
{
    char dir[] = "/dev/shm/xattr_tmpfs.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char file[128], link[128];
    snprintf(file, sizeof file, "%s/file", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    int fd = open(file, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK(symlink("file", link) == 0);

    char buf[256];
    CHECK_ERR(getxattr(file, "user.a", buf, sizeof buf), ENODATA);
    CHECK(listxattr(file, buf, sizeof buf) == 0);
    CHECK(setxattr(file, "user.a", "hello", 5, 0) == 0);
    CHECK(getxattr(file, "user.a", buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(getxattr(file, "user.a", NULL, 0) == 5);
    CHECK_ERR(getxattr(file, "user.a", buf, 2), ERANGE);
    /* Through the symlink (followed), the l* form (the link itself), and the descriptor. */
    CHECK(getxattr(link, "user.a", buf, sizeof buf) == 5);
    CHECK_ERR(lgetxattr(link, "user.a", buf, sizeof buf), ENODATA);
    CHECK(fgetxattr(fd, "user.a", buf, sizeof buf) == 5);
    CHECK_ERR(lsetxattr(link, "user.a", "x", 1, 0), EPERM);

    /* Flags. */
    CHECK_ERR(setxattr(file, "user.a", "x", 1, XATTR_CREATE), EEXIST);
    CHECK_ERR(setxattr(file, "user.b", "x", 1, XATTR_REPLACE), ENODATA);
    CHECK_ERR(setxattr(file, "user.b", "x", 1, 4), EINVAL);
    CHECK(setxattr(file, "user.a", "bye", 3, XATTR_REPLACE) == 0);
    CHECK(getxattr(file, "user.a", buf, sizeof buf) == 3 && memcmp(buf, "bye", 3) == 0);
    CHECK(fsetxattr(fd, "user.b", "", 0, XATTR_CREATE) == 0);
    CHECK(getxattr(file, "user.b", buf, sizeof buf) == 0);

    /* The list. */
    ssize_t need = listxattr(file, NULL, 0);
    CHECK(need == (ssize_t)(sizeof "user.a" + sizeof "user.b"));
    CHECK_ERR(listxattr(file, buf, (size_t)need - 1), ERANGE);
    ssize_t len = flistxattr(fd, buf, sizeof buf);
    CHECK(len == need && list_has(buf, len, "user.a") && list_has(buf, len, "user.b"));
    CHECK(llistxattr(link, buf, sizeof buf) == 0);

    /* Names and values. */
    check_xattr_names(file);

    /* Remove. */
    CHECK(removexattr(file, "user.a") == 0);
    CHECK_ERR(removexattr(file, "user.a"), ENODATA);
    CHECK_ERR(getxattr(file, "user.a", buf, sizeof buf), ENODATA);
    CHECK(fremovexattr(fd, "user.b") == 0);
    CHECK(listxattr(file, buf, sizeof buf) == 0);

    /* trusted.*: a privileged caller's; others neither see nor set it. */
    if (has_cap(CAP_SYS_ADMIN)) {
        CHECK(setxattr(file, "trusted.t", "v", 1, 0) == 0);
        CHECK(getxattr(file, "trusted.t", buf, sizeof buf) == 1);
        len = listxattr(file, buf, sizeof buf);
        CHECK(list_has(buf, len, "trusted.t"));
        CHECK(lsetxattr(link, "trusted.t", "w", 1, 0) == 0);
        CHECK(lgetxattr(link, "trusted.t", buf, sizeof buf) == 1 && buf[0] == 'w');
        CHECK(removexattr(file, "trusted.t") == 0);
    } else {
        CHECK_ERR(setxattr(file, "trusted.t", "v", 1, 0), EPERM);
    }

    close(fd);
    unlink(link);
    unlink(file);
    rmdir(dir);
    puts("xattr_tmpfs: ok");
    return 0;
}
