// One path lookup has one budget of 40 symlinks (Linux's MAXSYMLINKS), counted across the whole
// operation: the symlinks in the middle of a path and those met in the last place, also when
// O_CREAT follows a last-place symlink to create its target. Each link here names the next one
// through a directory symlink ("d/l24"), so an open of l25 follows 26 + 25 = 51 links: ELOOP,
// with or without O_CREAT, and nothing is created. An open of l15 follows 16 + 15 = 31: it
// creates the file the chain ends in.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char dir[] = "/tmp/lookup-budget.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chdir(dir) == 0);
    CHECK(symlink(".", "d") == 0);
    CHECK(symlink("newfile", "l0") == 0);
    char name[32], target[32];
    for (int i = 1; i <= 25; ++i) {
        snprintf(name, sizeof name, "l%d", i);
        snprintf(target, sizeof target, "d/l%d", i - 1);
        CHECK(symlink(target, name) == 0);
    }

    /* 51 links: too many, whether the last one's target would be created or not. */
    CHECK_ERR(open("l25", O_RDONLY), ELOOP);
    CHECK_ERR(open("l25", O_WRONLY | O_CREAT, 0644), ELOOP);
    CHECK_ERR(access("newfile", F_OK), ENOENT);
    CHECK_ERR(open("l25", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST); /* O_EXCL never follows */

    /* 31 links: within the budget, so O_CREAT creates the chain's target. */
    int fd = open("l15", O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
    close(fd);
    CHECK(access("newfile", F_OK) == 0);
    /* Now the chain ends in a file; the long one is still too long. */
    CHECK_ERR(open("l25", O_RDONLY), ELOOP);
    CHECK_ERR(open("l25", O_WRONLY | O_CREAT, 0644), ELOOP);
    fd = open("l15", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);

    /* Clean up. */
    for (int i = 0; i <= 25; ++i) {
        snprintf(name, sizeof name, "l%d", i);
        CHECK(unlink(name) == 0);
    }
    CHECK(unlink("d") == 0 && unlink("newfile") == 0);
    CHECK(chdir("/") == 0 && rmdir(dir) == 0);
    printf("link budget: ok\n");
    return 0;
}
