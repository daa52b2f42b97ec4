// setreuid and setregid (setreuid(2)): root may set anything; the saved ID follows the new
// effective one when the real ID is set or the effective one becomes other than the old real
// ID; an unprivileged process may set its real ID only to its real or effective one (EPERM
// otherwise) and its effective one to its real, effective or saved one.
#include "check.h"

#include <sys/wait.h>
#include <unistd.h>

static void check_uids(uid_t real, uid_t effective, uid_t saved)
{
    uid_t r, e, s;
    CHECK(getresuid(&r, &e, &s) == 0);
    CHECK(r == real && e == effective && s == saved);
}

static void check_gids(gid_t real, gid_t effective, gid_t saved)
{
    gid_t r, e, s;
    CHECK(getresgid(&r, &e, &s) == 0);
    CHECK(r == real && e == effective && s == saved);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("setre_ids: skipped (not root)\n");
        return 0;
    }
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setregid(1000, 1001) == 0); /* root: anything; the saved ID follows the effective */
        check_gids(1000, 1001, 1001);
        CHECK(setregid(-1, 1000) == 0); /* effective back to the real: the saved ID stays */
        check_gids(1000, 1000, 1001);
        CHECK(setreuid(1000, 1001) == 0);
        check_uids(1000, 1001, 1001);
        /* Unprivileged now. */
        CHECK(setreuid(0, -1) == -1 && errno == EPERM);
        CHECK(setreuid(1001, -1) == 0); /* real to the effective one; saved = effective */
        check_uids(1001, 1001, 1001);
        CHECK(setreuid(-1, 1000) == -1 && errno == EPERM); /* 1000 is none of them any more */
        CHECK(setregid(1001, -1) == -1 && errno == EPERM); /* gids: real 1000, effective 1000 */
        CHECK(setregid(-1, 1001) == 0); /* the saved gid; not the real one: saved = effective */
        check_gids(1000, 1001, 1001);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("setre_ids: ok\n");
    return 0;
}
