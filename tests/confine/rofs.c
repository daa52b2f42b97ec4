/* Every write path on a read-only root gives Linux's error (EROFS; EACCES for a shared
 * writable mapping of a file that could only be opened for reading) and changes nothing.
 *
 *   rofs BASE
 *
 * BASE holds a regular file "file" (mode 0644), an empty directory "dir" and a symlink "link"
 * to "file". Run under `asterix run --root DIR --read-only` with BASE "/", or natively on a
 * read-only bind mount. confinement.sh checks the host files are unchanged afterwards.
 * Prints "case NAME ok|FAIL ..." per case and exits with the number of failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static int failures;
static char base[4096];

static const char *at(const char *name)
{
    static char bufs[4][4200];
    static int next;
    char *buf = bufs[next++ % 4];
    snprintf(buf, sizeof bufs[0], "%s/%s", base, name);
    return buf;
}

/* Prints "case NAME ok" or "case NAME FAIL ..." (confinement.sh reads these lines). */
#define EXPECT(name, expr, err)                                                                \
    do {                                                                                       \
        errno = 0;                                                                             \
        long r_ = (long)(expr);                                                                \
        int e_ = errno;                                                                        \
        if (r_ != -1 || e_ != (err)) {                                                         \
            printf("case %s FAIL: %s gave %ld errno %d (%s), want %s\n", name, #expr, r_, e_, \
                   strerror(e_), #err);                                                        \
            failures++;                                                                        \
        } else {                                                                               \
            printf("case %s ok\n", name);                                                       \
        }                                                                                      \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: rofs BASE\n");
        return 100;
    }
    snprintf(base, sizeof base, "%s", strcmp(argv[1], "/") ? argv[1] : "");

    EXPECT("open", open(at("file"), O_WRONLY), EROFS);
    EXPECT("open_2", open(at("file"), O_RDWR), EROFS);
    EXPECT("open_3", open(at("file"), O_RDONLY | O_TRUNC), EROFS);
    EXPECT("open_4", open(at("file"), O_WRONLY | O_TRUNC), EROFS);
    EXPECT("open_5", open(at("file"), O_WRONLY | O_APPEND), EROFS);
    EXPECT("open_6", open(at("new"), O_WRONLY | O_CREAT, 0644), EROFS);
    EXPECT("open_7", open(at("file"), O_RDWR | O_CREAT, 0644), EROFS);
    EXPECT("open_8", open(at("link"), O_WRONLY), EROFS);
    EXPECT("creat", creat(at("new"), 0644), EROFS);
    EXPECT("open_tmpfile", open(at("dir"), O_RDWR | O_TMPFILE, 0600), EROFS);
    EXPECT("truncate", truncate(at("file"), 0), EROFS);
    EXPECT("unlink", unlink(at("file")), EROFS);
    EXPECT("unlinkat", unlinkat(AT_FDCWD, at("dir"), AT_REMOVEDIR), EROFS);
    EXPECT("rename", rename(at("file"), at("moved")), EROFS);
    EXPECT("renameat2_exchange", syscall(SYS_renameat2, AT_FDCWD, at("file"), AT_FDCWD, at("dir"), 2 /* EXCHANGE */),
           EROFS);
    EXPECT("mkdir", mkdir(at("newdir"), 0755), EROFS);
    EXPECT("rmdir", rmdir(at("dir")), EROFS);
    EXPECT("symlink", symlink("file", at("newlink")), EROFS);
    EXPECT("link", link(at("file"), at("hardlink")), EROFS);
    EXPECT("chmod", chmod(at("file"), 0777), EROFS);
    EXPECT("chown", chown(at("file"), 1, 1), EROFS);
    EXPECT("lchown", lchown(at("link"), 1, 1), EROFS);
    struct timespec times[2] = {{0, 0}, {0, 0}};
    EXPECT("utimensat", utimensat(AT_FDCWD, at("file"), times, 0), EROFS);
    EXPECT("utimensat_2", utimensat(AT_FDCWD, at("file"), NULL, 0), EROFS);
    EXPECT("setxattr", setxattr(at("file"), "user.escape", "x", 1, 0), EROFS);
    EXPECT("removexattr", removexattr(at("file"), "user.escape"), EROFS);
    EXPECT("mknod", mknod(at("node"), S_IFIFO | 0644, 0), EROFS);
    EXPECT("mknod_chr", mknod(at("node"), S_IFCHR | 0644, makedev(1, 3)), EROFS);
    EXPECT("mkfifo", mkfifo(at("fifo"), 0644), EROFS);

    /* Through a descriptor opened for reading. */
    int fd = open(at("file"), O_RDONLY);
    if (fd < 0) {
        printf("FAIL open %s for reading: %s\n", at("file"), strerror(errno));
        return failures + 1;
    }
    EXPECT("fchmod", fchmod(fd, 0777), EROFS);
    EXPECT("fchown", fchown(fd, 1, 1), EROFS);
    EXPECT("futimens", futimens(fd, times), EROFS);
    EXPECT("fsetxattr", fsetxattr(fd, "user.escape", "x", 1, 0), EROFS);
    EXPECT("ftruncate", ftruncate(fd, 0), EINVAL);
    EXPECT("write", write(fd, "x", 1), EBADF);
    EXPECT("mmap", (long)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == -1 ? -1 : 0,
           EACCES);
    /* A private writable mapping is fine and its writes stay private. */
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        printf("FAIL a private writable mapping of a read-only file: %s\n", strerror(errno));
        failures++;
    } else {
        p[0] = 'X';
        munmap(p, 4096);
    }
    /* A shared read-only mapping cannot be made writable. */
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED) {
        EXPECT("mprotect", mprotect(p, 4096, PROT_READ | PROT_WRITE), EACCES);
        munmap(p, 4096);
    }
    close(fd);
    int dfd = open(base[0] ? base : "/", O_RDONLY | O_DIRECTORY);
    EXPECT("mkdirat", mkdirat(dfd, "newdir", 0755), EROFS);
    EXPECT("unlinkat_2", unlinkat(dfd, "file", 0), EROFS);
    EXPECT("symlinkat", symlinkat("x", dfd, "newlink"), EROFS);
    EXPECT("linkat", linkat(dfd, "file", dfd, "hardlink", 0), EROFS);
    EXPECT("fchmodat", fchmodat(dfd, "file", 0600, 0), EROFS);
    EXPECT("fchownat", fchownat(dfd, "file", 2, 2, 0), EROFS);
    EXPECT("renameat", renameat(dfd, "file", dfd, "moved"), EROFS);
    EXPECT("mknodat", mknodat(dfd, "node", S_IFREG | 0644, 0), EROFS);
    EXPECT("openat", openat(dfd, "file", O_RDWR), EROFS);
    printf("rofs: %d failures\n", failures);
    return failures > 99 ? 99 : failures;
}
