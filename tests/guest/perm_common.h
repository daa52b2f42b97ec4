/* Helpers for the permission tests: run a body as another user in a child, a scratch dir. */
#pragma once
#include "check.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

/* These tests need root (CI starts them as root): anyone else skips cleanly. */
static inline void require_root(const char *name)
{
    if (geteuid() != 0) {
        printf("SKIP %s: needs to start as root\n", name);
        exit(0);
    }
}

/* Runs body() in a child that has become uid/gid `id` (no supplementary groups); the child's
   checks exit(1) on failure, which fails the parent too. */
static inline void as_user(unsigned id, void (*body)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setgroups(0, NULL) == 0);
        CHECK(setresgid(id, id, id) == 0);
        CHECK(setresuid(id, id, id) == 0);
        body();
        fflush(NULL);
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static inline void write_file(const char *path, int mode, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(close(fd) == 0);
    CHECK(chmod(path, mode) == 0);
}

static inline unsigned mode_of(const char *path)
{
    struct stat st;
    CHECK(lstat(path, &st) == 0);
    return st.st_mode & 07777;
}
