// newfstatat on the program's own file (by argv[0]) finds a regular executable file.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    CHECK(argc >= 1 && argv[0] != NULL);
    if (!strchr(argv[0], '/')) {
        printf("stat_self: argv[0] '%s' has no slash (found through PATH), nothing to check\n",
               argv[0]);
        return 0;
    }
    struct stat st, st2;
    CHECK(syscall(SYS_newfstatat, AT_FDCWD, argv[0], &st, 0) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(st.st_mode & S_IXUSR);
    CHECK(st.st_size > 4096); /* a static glibc program is hundreds of KiB */
    CHECK(st.st_nlink >= 1);
    CHECK(stat(argv[0], &st2) == 0);
    CHECK(st2.st_size == st.st_size && st2.st_ino == st.st_ino && st2.st_mode == st.st_mode);

    char missing[4096];
    snprintf(missing, sizeof missing, "%s.does-not-exist", argv[0]);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, missing, &st, 0), ENOENT);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, BAD_PTR, &st, 0), EFAULT);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, argv[0], BAD_PTR, 0), EFAULT);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, "", &st, 0), ENOENT);
    printf("stat_self: %s is %lld bytes\n", argv[0], (long long)st.st_size);
    return 0;
}
