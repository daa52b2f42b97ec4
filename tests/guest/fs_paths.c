// fs_paths [DIR [OTHER_FS_DIR]]: file syscalls on paths, fds, pipes and file mappings, with the
// errno Linux gives for bad input. Works in a fresh subdirectory of DIR (default: the current
// directory) and removes it at the end. With OTHER_FS_DIR (a writable directory on another
// filesystem), also checks that rename and link across filesystems fail with EXDEV.
//
// Every check runs even after an earlier one failed: all failures are printed (with the section
// they are in), then the exit status is 1. Syscalls are made raw, so libc cannot hide what the
// kernel returned. Must pass natively too (tests/guest/run_all.sh --native fs_paths).
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/stat.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int failures;
static const char *section = "setup";

static void failed(int line, const char *what, const char *detail)
{
    fprintf(stderr, "fs_paths.c:%d: [%s] %s: %s\n", line, section, what, detail);
    failures++;
}

/* cond must hold. */
#define EXPECT(cond)                                                                    \
    do {                                                                                \
        int expect_e_ = errno;                                                          \
        if (!(cond)) {                                                                  \
            char expect_d_[128];                                                        \
            snprintf(expect_d_, sizeof expect_d_, "false (errno %d %s)", expect_e_,     \
                     strerror(expect_e_));                                              \
            failed(__LINE__, #cond, expect_d_);                                         \
        }                                                                               \
    } while (0)

/* expr must succeed (not return -1); evaluates to its value. */
#define OK(expr)                                                                        \
    ({                                                                                  \
        errno = 0;                                                                      \
        long ok_r_ = (long)(expr);                                                      \
        if (ok_r_ == -1) {                                                              \
            char ok_d_[128];                                                            \
            snprintf(ok_d_, sizeof ok_d_, "failed with errno %d (%s)", errno,           \
                     strerror(errno));                                                  \
            failed(__LINE__, #expr, ok_d_);                                             \
        }                                                                               \
        ok_r_;                                                                          \
    })

/* expr must fail with errno e1 or e2 (pass the same value twice for one). */
#define ERR2(expr, e1, e2)                                                              \
    do {                                                                                \
        errno = 0;                                                                      \
        long err_r_ = (long)(expr);                                                     \
        int err_e_ = errno;                                                             \
        if (err_r_ != -1 || (err_e_ != (e1) && err_e_ != (e2))) {                       \
            char err_d_[160];                                                           \
            snprintf(err_d_, sizeof err_d_, "gave %ld errno %d (%s), want -1 %s",       \
                     err_r_, err_r_ == -1 ? err_e_ : 0,                                 \
                     err_r_ == -1 ? strerror(err_e_) : "-", #e1);                       \
            failed(__LINE__, #expr, err_d_);                                            \
        }                                                                               \
    } while (0)
#define ERR(expr, e) ERR2(expr, e, e)

/* Raw syscalls, so that libc cannot translate or emulate anything. */
static long sys_open(const char *path, int flags, int mode)
{
    return syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}
static long sys_stat(const char *path, struct stat *st)
{
    return syscall(SYS_newfstatat, AT_FDCWD, path, st, 0);
}
static long sys_lstat(const char *path, struct stat *st)
{
    return syscall(SYS_newfstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
static long sys_read(int fd, void *buf, size_t len) { return syscall(SYS_read, fd, buf, len); }
static long sys_write(int fd, const void *buf, size_t len)
{
    return syscall(SYS_write, fd, buf, len);
}
static long sys_close(int fd) { return syscall(SYS_close, fd); }
static long sys_pread(int fd, void *buf, size_t len, off_t off)
{
    return syscall(SYS_pread64, fd, buf, len, off);
}
static long sys_pwrite(int fd, const void *buf, size_t len, off_t off)
{
    return syscall(SYS_pwrite64, fd, buf, len, off);
}
static long sys_lseek(int fd, off_t off, int whence)
{
    return syscall(SYS_lseek, fd, off, whence);
}

/* A file holding exactly text, made with raw syscalls; its size. */
static long make_file(const char *path, const char *text)
{
    long fd = OK(sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    long n = OK(sys_write(fd, text, strlen(text)));
    OK(sys_close(fd));
    return n;
}

/* The file's whole contents (up to size-1 bytes) as a string, or "<error>". */
static const char *slurp(const char *path, char *buf, size_t size)
{
    long fd = sys_open(path, O_RDONLY, 0);
    if (fd < 0)
        return "<error>";
    long n = sys_read(fd, buf, size - 1);
    sys_close(fd);
    if (n < 0)
        return "<error>";
    buf[n] = 0;
    return buf;
}

static ino_t ino_of(const char *path)
{
    struct stat st;
    return sys_lstat(path, &st) == 0 ? st.st_ino : 0;
}

static off_t size_of(const char *path)
{
    struct stat st;
    return sys_lstat(path, &st) == 0 ? st.st_size : -1;
}

static int is_open(int fd) { return syscall(SYS_fcntl, fd, F_GETFD) != -1; }

static int lowest_free_fd(int from)
{
    while (is_open(from))
        from++;
    return from;
}

/* Removes path (a file, symlink or whole directory tree) below dirfd; best effort. */
static void remove_tree(int dirfd, const char *name)
{
    if (syscall(SYS_unlinkat, dirfd, name, 0) == 0)
        return;
    long fd = syscall(SYS_openat, dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return;
    char buf[4096];
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
                remove_tree(fd, d->d_name);
        }
    }
    sys_close(fd);
    syscall(SYS_unlinkat, dirfd, name, AT_REMOVEDIR);
}

static void check_path_lengths(void)
{
    section = "path lengths";
    struct stat st;
    char *p = malloc(PATH_MAX + 2);
    CHECK(p != NULL);
    /* "././.../." of 4095 bytes is a valid path to "."; 4096 bytes (no room for the NUL
     * within PATH_MAX) is ENAMETOOLONG before any lookup. */
    for (int i = 0; i < PATH_MAX / 2; i++)
        memcpy(p + 2 * i, "./", 2);
    p[PATH_MAX - 1] = 0;
    p[PATH_MAX - 2] = '.';
    EXPECT(strlen(p) == PATH_MAX - 1);
    if (OK(sys_stat(p, &st)) == 0)
        EXPECT(S_ISDIR(st.st_mode));
    p[PATH_MAX - 1] = '/';
    p[PATH_MAX] = 0;
    EXPECT(strlen(p) == PATH_MAX);
    ERR(sys_stat(p, &st), ENAMETOOLONG);
    ERR(sys_open(p, O_RDONLY, 0), ENAMETOOLONG);
    ERR(syscall(SYS_mkdir, p, 0755), ENAMETOOLONG);
    ERR(syscall(SYS_chdir, p), ENAMETOOLONG);
    free(p);

    size_t huge_len = 1 << 20;
    char *huge = malloc(huge_len + 1);
    CHECK(huge != NULL);
    memset(huge, 'h', huge_len);
    huge[huge_len] = 0;
    ERR(sys_open(huge, O_RDONLY, 0), ENAMETOOLONG);
    free(huge);

    /* A name of 255 bytes is fine, 256 is not (NAME_MAX), with or without O_CREAT. */
    char name[NAME_MAX + 2];
    memset(name, 'n', NAME_MAX);
    name[NAME_MAX] = 0;
    long fd = OK(sys_open(name, O_WRONLY | O_CREAT | O_EXCL, 0644));
    if (fd >= 0)
        sys_close(fd);
    OK(sys_stat(name, &st));
    OK(syscall(SYS_unlink, name));
    name[NAME_MAX] = 'n';
    name[NAME_MAX + 1] = 0;
    ERR(sys_open(name, O_RDONLY, 0), ENAMETOOLONG);
    ERR(sys_open(name, O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
    ERR(sys_stat(name, &st), ENAMETOOLONG);
    ERR(syscall(SYS_mkdir, name, 0755), ENAMETOOLONG);
    ERR(syscall(SYS_symlink, "x", name), ENAMETOOLONG);
}

static void check_bad_pointers(void)
{
    section = "bad path pointers";
    struct stat st;
    make_file("pf", "x");
    ERR(sys_open(NULL, O_RDONLY, 0), EFAULT);
    ERR(sys_open(BAD_PTR, O_RDONLY, 0), EFAULT);
    ERR(syscall(SYS_open, BAD_PTR, O_RDONLY, 0), EFAULT);
    ERR(sys_stat(NULL, &st), EFAULT);
    ERR(sys_stat(BAD_PTR, &st), EFAULT);
    ERR(sys_stat("pf", BAD_PTR), EFAULT);
    ERR(syscall(SYS_stat, BAD_PTR, &st), EFAULT);
    ERR(syscall(SYS_mkdir, BAD_PTR, 0755), EFAULT);
    ERR(syscall(SYS_unlink, BAD_PTR), EFAULT);
    ERR(syscall(SYS_rename, "pf", BAD_PTR), EFAULT);
    ERR(syscall(SYS_rename, BAD_PTR, "pf2"), EFAULT);
    ERR(syscall(SYS_symlink, BAD_PTR, "pl"), EFAULT);
    ERR(syscall(SYS_chdir, NULL), EFAULT);
    OK(syscall(SYS_symlink, "pf", "pl"));
    ERR(syscall(SYS_readlink, "pl", BAD_PTR, 16), EFAULT);

    /* A path running into an unmapped page faults; one ending right at the end of a mapped
     * page (NUL in its last byte) is read without touching the next page. */
    long page = sysconf(_SC_PAGESIZE);
    char *pg = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(pg != MAP_FAILED);
    CHECK(munmap(pg + page, page) == 0);
    for (long i = 0; i < page; i++)
        pg[i] = i % 2 ? '/' : 'x';
    ERR(sys_open(pg + 100, O_RDONLY, 0), EFAULT);
    ERR(sys_stat(pg + 100, &st), EFAULT);
    pg[page - 1] = 0;
    ERR(sys_open(pg + 100, O_RDONLY, 0), ENOENT); /* "x/x/.../x": no x here */
    munmap(pg, page);
}

static void check_lookup_errors(void)
{
    section = "lookup errors";
    struct stat st;
    make_file("file", "data\n");
    OK(syscall(SYS_mkdir, "dir", 0755));
    ERR(sys_open("missing", O_RDONLY, 0), ENOENT);
    ERR(sys_open("missing/x", O_RDONLY, 0), ENOENT);
    ERR(sys_open("", O_RDONLY, 0), ENOENT);
    ERR(sys_stat("", &st), ENOENT);
    ERR(sys_stat("missing", &st), ENOENT);
    ERR(sys_open("file/x", O_RDONLY, 0), ENOTDIR);
    ERR(sys_stat("file/x", &st), ENOTDIR);
    /* A trailing slash demands a directory. */
    ERR(sys_open("file/", O_RDONLY, 0), ENOTDIR);
    ERR(sys_stat("file/", &st), ENOTDIR);
    ERR(sys_lstat("file/", &st), ENOTDIR);
    ERR(sys_stat("file/.", &st), ENOTDIR);
    ERR(sys_stat("file/..", &st), ENOTDIR);
    ERR(sys_open("file", O_RDONLY | O_DIRECTORY, 0), ENOTDIR);
    ERR(sys_open("newfile/", O_WRONLY | O_CREAT, 0644), EISDIR); /* open(2): O_CREAT + '/' */
    ERR(sys_open("dir", O_WRONLY, 0), EISDIR);
    ERR(sys_open("dir", O_RDWR, 0), EISDIR);
    ERR(sys_open("dir", O_WRONLY | O_CREAT, 0644), EISDIR);
    long fd = OK(sys_open("dir/", O_RDONLY | O_DIRECTORY, 0));
    if (fd >= 0) {
        char c;
        ERR(sys_read(fd, &c, 1), EISDIR);
        sys_close(fd);
    }
    OK(sys_stat("dir/", &st));
    OK(sys_stat("dir/.", &st));
    OK(sys_stat("dir//.//", &st));
    ERR(syscall(SYS_chdir, "file"), ENOTDIR);
    ERR(syscall(SYS_chdir, "missing"), ENOENT);
    ERR(syscall(SYS_access, "missing", F_OK), ENOENT);
    OK(syscall(SYS_access, "file", R_OK | W_OK));
    ERR(syscall(SYS_faccessat, AT_FDCWD, "file", 0x1234567, 0), EINVAL);
}

static void check_symlinks(void)
{
    section = "symlinks";
    struct stat st;
    char buf[256];
    make_file("target", "target data\n");
    OK(syscall(SYS_symlink, "target", "lnk"));
    OK(syscall(SYS_symlink, "loop_b", "loop_a"));
    OK(syscall(SYS_symlink, "loop_a", "loop_b"));
    OK(syscall(SYS_symlink, "self", "self"));
    ERR(sys_open("lnk", O_RDONLY | O_NOFOLLOW, 0), ELOOP);
    ERR(sys_open("loop_a", O_RDONLY, 0), ELOOP);
    ERR(sys_open("self", O_RDONLY, 0), ELOOP);
    ERR(sys_stat("loop_a", &st), ELOOP);
    ERR(sys_open("loop_a/x", O_RDONLY, 0), ELOOP);
    if (OK(sys_lstat("loop_a", &st)) == 0)
        EXPECT(S_ISLNK(st.st_mode) && st.st_size == 6);
    long fd = OK(sys_open("lnk", O_RDONLY, 0));
    if (fd >= 0) {
        EXPECT(sys_read(fd, buf, sizeof buf) == 12 && memcmp(buf, "target data\n", 12) == 0);
        sys_close(fd);
    }
    /* O_PATH|O_NOFOLLOW opens the link itself. */
    fd = OK(sys_open("lnk", O_PATH | O_NOFOLLOW, 0));
    if (fd >= 0) {
        if (OK(syscall(SYS_fstat, fd, &st)) == 0)
            EXPECT(S_ISLNK(st.st_mode));
        ERR(sys_read(fd, buf, 1), EBADF);
        sys_close(fd);
    }

    /* Linux follows at most 40 links (MAXSYMLINKS) in one lookup. */
    char from[16], to[16];
    OK(syscall(SYS_symlink, "target", "chain0"));
    for (int i = 1; i <= 40; i++) {
        snprintf(from, sizeof from, "chain%d", i - 1);
        snprintf(to, sizeof to, "chain%d", i);
        OK(syscall(SYS_symlink, from, to));
    }
    fd = OK(sys_open("chain39", O_RDONLY, 0)); /* 40 links */
    if (fd >= 0)
        sys_close(fd);
    ERR(sys_open("chain40", O_RDONLY, 0), ELOOP); /* 41 links */

    /* readlink returns the exact bytes, without a NUL, truncated to the buffer. */
    const char *weird = "some/../weird target//x";
    OK(syscall(SYS_symlink, weird, "weird"));
    memset(buf, 'Z', sizeof buf);
    EXPECT(syscall(SYS_readlink, "weird", buf, sizeof buf) == (long)strlen(weird));
    EXPECT(memcmp(buf, weird, strlen(weird)) == 0 && buf[strlen(weird)] == 'Z');
    memset(buf, 'Z', sizeof buf);
    EXPECT(syscall(SYS_readlinkat, AT_FDCWD, "weird", buf, 4) == 4);
    EXPECT(memcmp(buf, "someZ", 5) == 0);
    if (OK(sys_lstat("weird", &st)) == 0)
        EXPECT(S_ISLNK(st.st_mode) && st.st_size == (off_t)strlen(weird));
    ERR(syscall(SYS_readlink, "target", buf, sizeof buf), EINVAL);
    ERR(syscall(SYS_readlink, "weird", buf, 0), EINVAL);
    ERR(syscall(SYS_readlink, "missing", buf, sizeof buf), ENOENT);
    ERR(syscall(SYS_symlink, "", "empty_target"), ENOENT);
    ERR(syscall(SYS_symlink, "x", "target"), EEXIST);
    ERR(syscall(SYS_symlink, "x", "lnk"), EEXIST);
}

static void check_dotdot_at_root(void)
{
    section = "dotdot at root";
    struct stat root, st;
    if (OK(sys_stat("/", &root)) != 0)
        return;
    const char *same[] = {"/..", "/../..", "/.", "//", "/../../../.", "/./.."};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        if (OK(sys_stat(same[i], &st)) == 0 &&
            (st.st_ino != root.st_ino || st.st_dev != root.st_dev)) {
            failed(__LINE__, same[i], "is not the same inode as /");
        }
    }
    long fd = OK(sys_open("/", O_RDONLY | O_DIRECTORY, 0));
    if (fd >= 0) {
        if (OK(syscall(SYS_newfstatat, fd, "..", &st, 0)) == 0)
            EXPECT(st.st_ino == root.st_ino && st.st_dev == root.st_dev);
        sys_close(fd);
    }
}

static void check_dirfd(void)
{
    section = "openat with a dirfd";
    struct stat st, st2;
    char cwd[PATH_MAX];
    OK(syscall(SYS_mkdir, "d", 0755));
    long dfd = OK(sys_open("d", O_RDONLY | O_DIRECTORY, 0));
    long fd = OK(syscall(SYS_openat, dfd, "rel", O_WRONLY | O_CREAT | O_EXCL, 0644));
    if (fd >= 0) {
        EXPECT(sys_write(fd, "rel\n", 4) == 4);
        sys_close(fd);
    }
    EXPECT(size_of("d/rel") == 4);
    OK(syscall(SYS_newfstatat, dfd, "rel", &st, 0));
    fd = OK(syscall(SYS_openat, dfd, "../d/rel", O_RDONLY));
    if (fd >= 0)
        sys_close(fd);
    make_file("plain", "p");
    long ffd = OK(sys_open("plain", O_RDONLY, 0));
    ERR(syscall(SYS_openat, ffd, "x", O_RDONLY), ENOTDIR);
    ERR(syscall(SYS_openat, 999, "x", O_RDONLY), EBADF);
    ERR(syscall(SYS_openat, -1, "x", O_RDONLY), EBADF);
    fd = OK(syscall(SYS_openat, 999, "/", O_RDONLY)); /* absolute: dirfd ignored */
    if (fd >= 0)
        sys_close(fd);

    /* AT_EMPTY_PATH: the fd itself. */
    if (OK(syscall(SYS_newfstatat, ffd, "", &st, AT_EMPTY_PATH)) == 0 &&
        OK(syscall(SYS_fstat, ffd, &st2)) == 0)
        EXPECT(st.st_ino == st2.st_ino && st.st_size == 1 && S_ISREG(st.st_mode));
    ERR(syscall(SYS_newfstatat, ffd, "", &st, 0), ENOENT);
    if (OK(syscall(SYS_newfstatat, AT_FDCWD, "", &st, AT_EMPTY_PATH)) == 0 &&
        OK(sys_stat(".", &st2)) == 0)
        EXPECT(st.st_ino == st2.st_ino);
    ERR(syscall(SYS_newfstatat, AT_FDCWD, "plain", &st, 0x40000000), EINVAL);

    /* statx, as coreutils use it (ls, stat, cp...). */
    struct statx sx;
    if (OK(syscall(SYS_statx, ffd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx)) == 0)
        EXPECT(sx.stx_size == 1 && S_ISREG(sx.stx_mode) && (sx.stx_mask & STATX_SIZE));
    if (OK(syscall(SYS_statx, AT_FDCWD, "d", AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
                   STATX_BASIC_STATS | STATX_BTIME, &sx)) == 0)
        EXPECT(S_ISDIR(sx.stx_mode) && sx.stx_ino == ino_of("d"));
    ERR(syscall(SYS_statx, AT_FDCWD, "plain", 0x40000000, STATX_BASIC_STATS, &sx), EINVAL);
    ERR(syscall(SYS_statx, AT_FDCWD, "plain", 0, STATX__RESERVED, &sx), EINVAL);
    ERR(syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), ENOENT);
    ERR(syscall(SYS_statx, AT_FDCWD, "plain", 0, STATX_BASIC_STATS, BAD_PTR), EFAULT);

    /* A dirfd names the directory, not its path: it follows a rename. */
    OK(syscall(SYS_rename, "d", "d_renamed"));
    fd = OK(syscall(SYS_openat, dfd, "rel", O_RDONLY));
    if (fd >= 0)
        sys_close(fd);
    long saved_cwd = OK(sys_open(".", O_RDONLY | O_DIRECTORY, 0));
    if (OK(syscall(SYS_fchdir, dfd)) == 0) {
        if (OK(syscall(SYS_getcwd, cwd, sizeof cwd)) > 0) {
            size_t len = strlen(cwd);
            EXPECT(len >= 10 && strcmp(cwd + len - 10, "/d_renamed") == 0);
        }
        OK(syscall(SYS_fchdir, saved_cwd));
    }
    ERR(syscall(SYS_fchdir, ffd), ENOTDIR);
    ERR(syscall(SYS_getcwd, cwd, 1), ERANGE);
    ERR(syscall(SYS_getcwd, BAD_PTR, sizeof cwd), EFAULT);
    sys_close(saved_cwd);
    sys_close(ffd);
    sys_close(dfd);
}

static void check_mkdir_rmdir_unlink(void)
{
    section = "mkdir, rmdir, unlink";
    struct stat st;
    OK(syscall(SYS_mkdir, "md", 0755));
    make_file("md/f", "f");
    make_file("mfile", "f");
    OK(syscall(SYS_symlink, "nowhere", "mdangling"));
    ERR(syscall(SYS_mkdir, "md", 0755), EEXIST);
    ERR(syscall(SYS_mkdir, "mfile", 0755), EEXIST);
    ERR(syscall(SYS_mkdir, "mdangling", 0755), EEXIST);
    ERR(syscall(SYS_mkdirat, AT_FDCWD, "missing/x", 0755), ENOENT);
    ERR(syscall(SYS_mkdir, "mfile/x", 0755), ENOTDIR);
    OK(syscall(SYS_mkdir, "trailing/", 0755));
    OK(syscall(SYS_rmdir, "trailing/"));

    ERR(syscall(SYS_rmdir, "md"), ENOTEMPTY);
    ERR(syscall(SYS_rmdir, "mfile"), ENOTDIR);
    ERR(syscall(SYS_rmdir, "md/."), EINVAL);
    ERR(syscall(SYS_rmdir, "md/.."), ENOTEMPTY);
    ERR(syscall(SYS_rmdir, "missing"), ENOENT);
    OK(syscall(SYS_symlink, "md", "mdlink"));
    ERR(syscall(SYS_rmdir, "mdlink"), ENOTDIR);
    ERR(syscall(SYS_unlinkat, AT_FDCWD, "mfile", AT_REMOVEDIR), ENOTDIR);
    ERR(syscall(SYS_unlinkat, AT_FDCWD, "mfile", 0x1234), EINVAL);

    ERR(syscall(SYS_unlink, "md"), EISDIR); /* unlink(2): Linux says EISDIR, POSIX EPERM */
    ERR(syscall(SYS_unlinkat, AT_FDCWD, "md", 0), EISDIR);
    ERR(syscall(SYS_unlink, "missing"), ENOENT);
    ERR(syscall(SYS_unlink, "mfile/"), ENOTDIR);
    OK(syscall(SYS_unlink, "mdlink")); /* the link, not the directory */
    OK(sys_stat("md", &st));
    OK(syscall(SYS_unlink, "md/f"));
    OK(syscall(SYS_rmdir, "md"));
    ERR(sys_stat("md", &st), ENOENT);

    /* An open file outlives its name. */
    long fd = OK(sys_open("mfile", O_RDONLY, 0));
    OK(syscall(SYS_unlink, "mfile"));
    if (fd >= 0) {
        char c = 0;
        EXPECT(sys_read(fd, &c, 1) == 1 && c == 'f');
        if (OK(syscall(SYS_fstat, fd, &st)) == 0)
            EXPECT(st.st_nlink == 0);
        sys_close(fd);
    }
}

static void check_rename_link(const char *other_fs)
{
    section = "rename and link";
    struct stat st;
    char buf[64];
    OK(syscall(SYS_mkdir, "r1", 0755));
    OK(syscall(SYS_mkdir, "r2", 0755));
    make_file("r1/f", "moved\n");
    ino_t ino = ino_of("r1/f");
    OK(syscall(SYS_rename, "r1/f", "r2/g"));
    ERR(sys_stat("r1/f", &st), ENOENT);
    EXPECT(ino_of("r2/g") == ino);
    EXPECT(strcmp(slurp("r2/g", buf, sizeof buf), "moved\n") == 0);

    make_file("r_old", "old");
    make_file("r_new", "new");
    ino = ino_of("r_new");
    OK(syscall(SYS_renameat, AT_FDCWD, "r_new", AT_FDCWD, "r_old")); /* replaces */
    EXPECT(ino_of("r_old") == ino);
    EXPECT(strcmp(slurp("r_old", buf, sizeof buf), "new") == 0);
    OK(syscall(SYS_rename, "r_old", "r_old")); /* to itself: nothing happens */
    EXPECT(ino_of("r_old") == ino);

    /* rename(2): "If oldpath and newpath are existing hard links referring to the same file,
     * then rename() does nothing, and returns a success status." */
    OK(syscall(SYS_link, "r_old", "r_hard"));
    OK(syscall(SYS_rename, "r_old", "r_hard"));
    EXPECT(ino_of("r_old") == ino && ino_of("r_hard") == ino);

    OK(syscall(SYS_mkdir, "r_full", 0755));
    make_file("r_full/x", "x");
    OK(syscall(SYS_mkdir, "r_empty", 0755));
    OK(syscall(SYS_mkdir, "r_dir", 0755));
    ERR2(syscall(SYS_rename, "r_dir", "r_full"), ENOTEMPTY, EEXIST);
    ERR(syscall(SYS_rename, "r_hard", "r_dir"), EISDIR);
    ERR(syscall(SYS_rename, "r_dir", "r_hard"), ENOTDIR);
    ERR(syscall(SYS_rename, "r_full", "r_full/sub"), EINVAL);
    ERR(syscall(SYS_rename, "missing", "r_x"), ENOENT);
    ERR(syscall(SYS_rename, "r_hard", "missing/x"), ENOENT);
    ino = ino_of("r_dir");
    OK(syscall(SYS_rename, "r_dir", "r_empty")); /* a directory over an empty one */
    EXPECT(ino_of("r_empty") == ino);
    ERR(sys_stat("r_dir", &st), ENOENT);

    ERR(syscall(SYS_renameat2, AT_FDCWD, "r_hard", AT_FDCWD, "r2/g", RENAME_NOREPLACE), EEXIST);
    ino_t a = ino_of("r_hard"), b = ino_of("r2/g");
    OK(syscall(SYS_renameat2, AT_FDCWD, "r_hard", AT_FDCWD, "r2/g", RENAME_EXCHANGE));
    EXPECT(ino_of("r_hard") == b && ino_of("r2/g") == a);
    ERR(syscall(SYS_renameat2, AT_FDCWD, "r_hard", AT_FDCWD, "r2/g",
                RENAME_EXCHANGE | RENAME_NOREPLACE),
        EINVAL);

    /* link */
    make_file("l_src", "linked\n");
    OK(syscall(SYS_link, "l_src", "l_dst"));
    struct stat s1, s2;
    if (OK(sys_stat("l_src", &s1)) == 0 && OK(sys_stat("l_dst", &s2)) == 0)
        EXPECT(s1.st_ino == s2.st_ino && s1.st_nlink == 2 && s2.st_nlink == 2);
    ERR(syscall(SYS_link, "r2", "l_dir"), EPERM);
    ERR(syscall(SYS_link, "l_src", "l_dst"), EEXIST);
    ERR(syscall(SYS_link, "missing", "l_x"), ENOENT);
    OK(syscall(SYS_symlink, "l_src", "l_sym"));
    OK(syscall(SYS_linkat, AT_FDCWD, "l_sym", AT_FDCWD, "l_sym_hard", 0)); /* the link */
    if (OK(sys_lstat("l_sym_hard", &st)) == 0)
        EXPECT(S_ISLNK(st.st_mode));
    OK(syscall(SYS_linkat, AT_FDCWD, "l_sym", AT_FDCWD, "l_followed", AT_SYMLINK_FOLLOW));
    EXPECT(ino_of("l_followed") == s1.st_ino);
    ERR(syscall(SYS_linkat, AT_FDCWD, "l_src", AT_FDCWD, "l_bad", 0x1234), EINVAL);

    if (other_fs) {
        char there[PATH_MAX];
        snprintf(there, sizeof there, "%s/fs_paths_exdev.%ld", other_fs, (long)getpid());
        ERR(syscall(SYS_rename, "l_src", there), EXDEV);
        ERR(syscall(SYS_link, "l_src", there), EXDEV);
        ERR(sys_stat(there, &st), ENOENT);
    }
}

static void check_getdents(void)
{
    section = "getdents64";
    enum { FILES = 150 };
    char name[300];
    OK(syscall(SYS_mkdir, "ls", 0755));
    /* Names of many lengths, so records of many sizes share a buffer. */
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof name, "ls/f%03d_%.*s", i, i % 40,
                 "abcdefghijklmnopqrstuvwxyz0123456789ABCD");
        make_file(name, "");
    }
    OK(syscall(SYS_mkdir, "ls/sub", 0755));
    OK(syscall(SYS_symlink, "f000_", "ls/lnk"));

    long fd = OK(sys_open("ls", O_RDONLY | O_DIRECTORY, 0));
    if (fd < 0)
        return;
    for (int pass = 0; pass < 2; pass++) {
        int seen[FILES] = {0}, dots = 0, dotdots = 0, subs = 0, links = 0, others = 0;
        char buf[512]; /* small: many calls */
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct dirent64 *d = (struct dirent64 *)(buf + off);
                if (d->d_reclen < 20 || d->d_reclen % 8 != 0 || off + d->d_reclen > n) {
                    failed(__LINE__, "d_reclen", "not a multiple of 8 within the buffer");
                    break;
                }
                off += d->d_reclen;
                EXPECT(d->d_ino != 0);
                int i;
                char rest[64];
                if (strcmp(d->d_name, ".") == 0) {
                    dots++;
                    EXPECT(d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
                } else if (strcmp(d->d_name, "..") == 0) {
                    dotdots++;
                } else if (strcmp(d->d_name, "sub") == 0) {
                    subs++;
                    EXPECT(d->d_type == DT_DIR || d->d_type == DT_UNKNOWN);
                    EXPECT(d->d_ino == ino_of("ls/sub"));
                } else if (strcmp(d->d_name, "lnk") == 0) {
                    links++;
                    EXPECT(d->d_type == DT_LNK || d->d_type == DT_UNKNOWN);
                } else if (sscanf(d->d_name, "f%3d_%63s", &i, rest) >= 1 && i >= 0 &&
                           i < FILES) {
                    seen[i]++;
                    EXPECT(d->d_type == DT_REG || d->d_type == DT_UNKNOWN);
                    snprintf(name, sizeof name, "ls/%s", d->d_name);
                    EXPECT(d->d_ino == ino_of(name));
                } else {
                    others++;
                    fprintf(stderr, "fs_paths: unexpected entry '%s'\n", d->d_name);
                }
            }
        }
        EXPECT(n == 0);
        EXPECT(dots == 1 && dotdots == 1 && subs == 1 && links == 1 && others == 0);
        int missing = 0;
        for (int i = 0; i < FILES; i++)
            missing += seen[i] != 1;
        if (missing)
            failed(__LINE__, "every created file listed once", "no");
        /* Rewinding lists the directory again, without the entry removed meanwhile. */
        OK(syscall(SYS_unlink, "ls/lnk"));
        OK(syscall(SYS_symlink, "f000_", "ls/lnk"));
        EXPECT(sys_lseek(fd, 0, SEEK_SET) == 0);
    }
    char tiny[16];
    ERR(syscall(SYS_getdents64, fd, tiny, sizeof tiny), EINVAL);
    ERR(syscall(SYS_getdents64, fd, BAD_PTR, 4096), EFAULT);
    sys_close(fd);
    fd = OK(sys_open("ls/f000_", O_RDONLY, 0));
    char buf[512];
    ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    sys_close(fd);
    ERR(syscall(SYS_getdents64, 999, buf, sizeof buf), EBADF);
}

static void check_open_flags(void)
{
    section = "open flags and fd access modes";
    char buf[64];
    struct stat st;
    make_file("of", "0123456789");
    OK(syscall(SYS_symlink, "of_created", "of_dangling"));
    ERR(sys_open("of", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    ERR(sys_open("of_dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    ERR(sys_stat("of_created", &st), ENOENT);
    /* Without O_EXCL, O_CREAT through a dangling symlink creates its target. */
    long fd = OK(sys_open("of_dangling", O_WRONLY | O_CREAT, 0644));
    if (fd >= 0)
        sys_close(fd);
    OK(sys_stat("of_created", &st));

    fd = OK(sys_open("of", O_RDONLY, 0));
    ERR(sys_write(fd, "x", 1), EBADF);
    ERR(syscall(SYS_ftruncate, fd, 0), EINVAL); /* ftruncate(2): not open for writing */
    EXPECT(sys_read(fd, NULL, 0) == 0);
    ERR(sys_read(fd, BAD_PTR, 5), EFAULT);
    EXPECT((syscall(SYS_fcntl, fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
    sys_close(fd);
    fd = OK(sys_open("of", O_WRONLY, 0));
    ERR(sys_read(fd, buf, 1), EBADF);
    ERR(sys_write(fd, BAD_PTR, 5), EFAULT);
    sys_close(fd);
    ERR(sys_close(fd), EBADF);
    ERR(sys_close(-1), EBADF);
    ERR(sys_write(999, "x", 1), EBADF);

    fd = OK(syscall(SYS_creat, "of_creat", 0644));
    EXPECT((syscall(SYS_fcntl, fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
    sys_close(fd);

    /* O_APPEND writes at the end whatever the offset; O_TRUNC empties. */
    fd = OK(sys_open("of", O_RDWR | O_APPEND, 0));
    EXPECT(sys_lseek(fd, 2, SEEK_SET) == 2);
    EXPECT(sys_write(fd, "AB", 2) == 2);
    EXPECT(sys_lseek(fd, 0, SEEK_CUR) == 12);
    long fl = syscall(SYS_fcntl, fd, F_GETFL);
    EXPECT((fl & O_APPEND) && (fl & O_ACCMODE) == O_RDWR);
    OK(syscall(SYS_fcntl, fd, F_SETFL, O_RDONLY)); /* the access mode cannot change */
    fl = syscall(SYS_fcntl, fd, F_GETFL);
    EXPECT(!(fl & O_APPEND) && (fl & O_ACCMODE) == O_RDWR);
    sys_close(fd);
    EXPECT(strcmp(slurp("of", buf, sizeof buf), "0123456789AB") == 0);
    fd = OK(sys_open("of", O_WRONLY | O_TRUNC, 0));
    sys_close(fd);
    EXPECT(size_of("of") == 0);
    OK(syscall(SYS_fsync, fd = sys_open("of", O_RDONLY, 0)));
    OK(syscall(SYS_fdatasync, fd));
    sys_close(fd);
}

static void check_lseek(void)
{
    section = "lseek";
    char buf[16];
    make_file("sk", "abcdef");
    long fd = OK(sys_open("sk", O_RDWR, 0));
    ERR(sys_lseek(fd, -1, SEEK_SET), EINVAL);
    EXPECT(sys_lseek(fd, 2, SEEK_SET) == 2);
    ERR(sys_lseek(fd, -3, SEEK_CUR), EINVAL);
    EXPECT(sys_lseek(fd, 0, SEEK_CUR) == 2); /* unchanged by the failure */
    ERR(sys_lseek(fd, 0, 99), EINVAL);
    EXPECT(sys_lseek(fd, -2, SEEK_END) == 4);
    EXPECT(sys_read(fd, buf, sizeof buf) == 2 && memcmp(buf, "ef", 2) == 0);
    EXPECT(sys_read(fd, buf, sizeof buf) == 0);
    /* Past the end, then write: a hole of zeros. */
    EXPECT(sys_lseek(fd, 10, SEEK_SET) == 10);
    EXPECT(sys_write(fd, "Z", 1) == 1);
    EXPECT(size_of("sk") == 11);
    EXPECT(sys_pread(fd, buf, sizeof buf, 0) == 11);
    EXPECT(memcmp(buf, "abcdef\0\0\0\0Z", 11) == 0);
    sys_close(fd);
    ERR(sys_lseek(fd, 0, SEEK_SET), EBADF);
}

static void check_pipes(void)
{
    section = "pipes";
    int p[2];
    char buf[64];
    struct stat st;
    signal(SIGPIPE, SIG_IGN); /* write to a closed pipe: EPIPE, not death */
    OK(syscall(SYS_pipe2, p, O_NONBLOCK | O_CLOEXEC));
    ERR(sys_read(p[0], buf, sizeof buf), EAGAIN);
    EXPECT(syscall(SYS_fcntl, p[0], F_GETFL) & O_NONBLOCK);
    EXPECT(syscall(SYS_fcntl, p[1], F_GETFD) == FD_CLOEXEC);
    EXPECT(sys_write(p[1], "hello", 5) == 5);
    EXPECT(sys_read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    if (OK(syscall(SYS_fstat, p[0], &st)) == 0)
        EXPECT(S_ISFIFO(st.st_mode));
    ERR(sys_lseek(p[0], 0, SEEK_SET), ESPIPE);
    ERR(sys_pread(p[0], buf, 1, 0), ESPIPE);
    ERR(syscall(SYS_ftruncate, p[1], 0), EINVAL);
    ERR(syscall(SYS_fsync, p[1]), EINVAL);

    /* Fill it: the writes stop with EAGAIN and everything written reads back. */
    static char chunk[4096];
    memset(chunk, 'p', sizeof chunk);
    long total = 0, n;
    while ((n = sys_write(p[1], chunk, sizeof chunk)) > 0)
        total += n;
    EXPECT(n == -1 && errno == EAGAIN);
    EXPECT(total >= 4096);
    long back = 0;
    while ((n = sys_read(p[0], chunk, sizeof chunk)) > 0)
        back += n;
    EXPECT(back == total);

    sys_close(p[1]);
    EXPECT(sys_read(p[0], buf, sizeof buf) == 0); /* end of file */
    sys_close(p[0]);

    OK(syscall(SYS_pipe2, p, 0));
    sys_close(p[0]);
    ERR(sys_write(p[1], "x", 1), EPIPE);
    sys_close(p[1]);
    ERR(syscall(SYS_pipe2, p, 0x1234), EINVAL);
    ERR(syscall(SYS_pipe2, BAD_PTR, 0), EFAULT);
    OK(syscall(SYS_pipe, p));
    EXPECT(syscall(SYS_fcntl, p[0], F_GETFD) == 0);
    sys_close(p[0]);
    sys_close(p[1]);
}

static void check_dup(void)
{
    section = "dup, dup2, dup3, F_DUPFD";
    make_file("du", "0123456789");
    int lowest = lowest_free_fd(0);
    long a = OK(sys_open("du", O_RDONLY, 0));
    EXPECT(a == lowest);
    lowest = lowest_free_fd(0);
    long b = OK(syscall(SYS_dup, a));
    EXPECT(b == lowest);
    long c = OK(syscall(SYS_dup, a));
    sys_close(b); /* a hole: dup fills it */
    EXPECT(syscall(SYS_dup, c) == b);
    EXPECT(syscall(SYS_fcntl, b, F_GETFD) == 0);

    /* Duplicates share the offset and status flags, not FD_CLOEXEC. */
    char ch = 0;
    EXPECT(sys_lseek(a, 3, SEEK_SET) == 3);
    EXPECT(sys_read(b, &ch, 1) == 1 && ch == '3');
    EXPECT(sys_lseek(c, 0, SEEK_CUR) == 4);
    OK(syscall(SYS_fcntl, a, F_SETFL, O_NONBLOCK));
    EXPECT(syscall(SYS_fcntl, c, F_GETFL) & O_NONBLOCK);
    OK(syscall(SYS_fcntl, a, F_SETFD, FD_CLOEXEC));
    EXPECT(syscall(SYS_fcntl, a, F_GETFD) == FD_CLOEXEC);
    EXPECT(syscall(SYS_fcntl, c, F_GETFD) == 0);

    EXPECT(syscall(SYS_dup2, a, 100) == 100);
    EXPECT(syscall(SYS_fcntl, 100, F_GETFD) == 0); /* dup2 clears FD_CLOEXEC */
    EXPECT(syscall(SYS_dup2, a, a) == a);
    EXPECT(syscall(SYS_dup2, c, 100) == 100); /* silently closes the old 100 */
    ERR(syscall(SYS_dup2, a, (long)-1), EBADF);
    ERR(syscall(SYS_dup2, 999, 5), EBADF);
    ERR(syscall(SYS_dup2, 999, 999), EBADF);
    ERR(syscall(SYS_dup3, a, a, 0), EINVAL);
    ERR(syscall(SYS_dup3, a, 101, 0x1234), EINVAL);
    EXPECT(syscall(SYS_dup3, a, 101, O_CLOEXEC) == 101);
    EXPECT(syscall(SYS_fcntl, 101, F_GETFD) == FD_CLOEXEC);
    ERR(syscall(SYS_dup, 999), EBADF);

    int want = lowest_free_fd(50);
    EXPECT(syscall(SYS_fcntl, a, F_DUPFD, 50) == want);
    EXPECT(syscall(SYS_fcntl, want, F_GETFD) == 0);
    int want2 = lowest_free_fd(50);
    EXPECT(syscall(SYS_fcntl, a, F_DUPFD_CLOEXEC, 50) == want2);
    EXPECT(syscall(SYS_fcntl, want2, F_GETFD) == FD_CLOEXEC);
    ERR(syscall(SYS_fcntl, a, F_DUPFD, (long)-1), EINVAL);
    ERR(syscall(SYS_fcntl, a, F_DUPFD, 1 << 30), EINVAL);
    ERR(syscall(SYS_fcntl, 999, F_GETFD), EBADF);

    long fd = OK(sys_open("du", O_RDONLY | O_CLOEXEC, 0));
    EXPECT(syscall(SYS_fcntl, fd, F_GETFD) == FD_CLOEXEC);
    OK(syscall(SYS_fcntl, fd, F_SETFD, 0));
    EXPECT(syscall(SYS_fcntl, fd, F_GETFD) == 0);
    long ids[] = {a, b, c, 100, 101, want, want2, fd};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        sys_close(ids[i]);
}

static void check_truncate_pread_pwrite(void)
{
    section = "truncate, pread, pwrite, readv, writev";
    char buf[64];
    struct stat st;
    make_file("tr", "abcdefgh");
    OK(syscall(SYS_truncate, "tr", 10000));
    EXPECT(size_of("tr") == 10000);
    long fd = OK(sys_open("tr", O_RDWR, 0));
    EXPECT(sys_pread(fd, buf, 4, 9990) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
    EXPECT(sys_pread(fd, buf, 8, 0) == 8 && memcmp(buf, "abcdefgh", 8) == 0);
    OK(syscall(SYS_ftruncate, fd, 3));
    EXPECT(size_of("tr") == 3);
    EXPECT(sys_lseek(fd, 0, SEEK_CUR) == 0);
    ERR(syscall(SYS_ftruncate, fd, (long)-1), EINVAL);
    ERR(syscall(SYS_truncate, "missing", 0), ENOENT);
    OK(syscall(SYS_mkdir, "trdir", 0755));
    ERR(syscall(SYS_truncate, "trdir", 0), EISDIR);

    /* pwrite and pread leave the offset alone. */
    EXPECT(sys_pwrite(fd, "XYZ", 3, 1000) == 3);
    EXPECT(size_of("tr") == 1003);
    EXPECT(sys_lseek(fd, 0, SEEK_CUR) == 0);
    EXPECT(sys_pread(fd, buf, 10, 998) == 5 && memcmp(buf, "\0\0XYZ", 5) == 0);
    EXPECT(sys_pread(fd, buf, 10, 5000) == 0);
    EXPECT(sys_lseek(fd, 0, SEEK_CUR) == 0);
    ERR(sys_pread(fd, buf, 1, -1), EINVAL);
    ERR(sys_pwrite(fd, "x", 1, -1), EINVAL);
    sys_close(fd);

    /* pwrite(2) BUGS: with O_APPEND, pwrite appends whatever the offset. */
    fd = OK(sys_open("tr", O_WRONLY | O_APPEND, 0));
    EXPECT(sys_pwrite(fd, "E", 1, 0) == 1);
    sys_close(fd);
    EXPECT(size_of("tr") == 1004);

    /* writev/readv: several buffers, a zero-length one among them. */
    fd = OK(sys_open("vec", O_RDWR | O_CREAT | O_TRUNC, 0644));
    struct iovec wv[] = {{"one ", 4}, {NULL, 0}, {"two ", 4}, {"three", 5}};
    EXPECT(syscall(SYS_writev, fd, wv, 4) == 13);
    char r1[3], r2[6], r3[10];
    struct iovec rv[] = {{r1, sizeof r1}, {r2, sizeof r2}, {r3, sizeof r3}};
    EXPECT(sys_lseek(fd, 0, SEEK_SET) == 0);
    EXPECT(syscall(SYS_readv, fd, rv, 3) == 13);
    EXPECT(memcmp(r1, "one", 3) == 0 && memcmp(r2, " two t", 6) == 0 &&
           memcmp(r3, "hree", 4) == 0);
    EXPECT(syscall(SYS_readv, fd, rv, 3) == 0);
    EXPECT(syscall(SYS_preadv, fd, rv, 1, 4, 0) == 3 && memcmp(r1, "two", 3) == 0);
    struct iovec pv[] = {{"TWO", 3}};
    EXPECT(syscall(SYS_pwritev, fd, pv, 1, 4, 0) == 3);
    EXPECT(strcmp(slurp("vec", buf, sizeof buf), "one TWO three") == 0);
    ERR(syscall(SYS_writev, fd, wv, -1), EINVAL);
    ERR(syscall(SYS_writev, fd, wv, 1025), EINVAL); /* more than IOV_MAX */
    struct iovec bad[] = {{BAD_PTR, 10}};
    ERR(syscall(SYS_writev, fd, bad, 1), EFAULT);
    ERR(syscall(SYS_readv, fd, BAD_PTR, 1), EFAULT);
    if (OK(syscall(SYS_fstat, fd, &st)) == 0)
        EXPECT(st.st_size == 13);
    sys_close(fd);
}

static void check_sendfile_copy_file_range(void)
{
    section = "sendfile, copy_file_range";
    enum { LEN = 100000 };
    static char data[LEN], back[LEN];
    for (int i = 0; i < LEN; i++)
        data[i] = (char)('a' + i % 23 + i / 7919);
    long in = OK(sys_open("sf_in", O_RDWR | O_CREAT | O_TRUNC, 0644));
    EXPECT(sys_write(in, data, LEN) == LEN);
    EXPECT(sys_lseek(in, 1000, SEEK_SET) == 1000);

    /* Without an offset pointer: from in's offset, which moves. */
    long out = OK(sys_open("sf_out", O_RDWR | O_CREAT | O_TRUNC, 0644));
    long total = 0, n;
    while (total < LEN - 1000 && (n = syscall(SYS_sendfile, out, in, NULL, LEN)) > 0)
        total += n;
    EXPECT(total == LEN - 1000);
    EXPECT(sys_lseek(in, 0, SEEK_CUR) == LEN);
    EXPECT(syscall(SYS_sendfile, out, in, NULL, 100) == 0);
    EXPECT(sys_pread(out, back, LEN, 0) == LEN - 1000 &&
           memcmp(back, data + 1000, LEN - 1000) == 0);

    /* With one: from there, which is updated; in's offset stays. */
    off_t off = 50;
    EXPECT(sys_lseek(out, 0, SEEK_SET) == 0);
    EXPECT(syscall(SYS_sendfile, out, in, &off, 10) == 10);
    EXPECT(off == 60 && sys_lseek(in, 0, SEEK_CUR) == LEN);
    EXPECT(sys_pread(out, back, 10, 0) == 10 && memcmp(back, data + 50, 10) == 0);
    long wronly = OK(sys_open("sf_in", O_WRONLY, 0));
    ERR(syscall(SYS_sendfile, out, wronly, NULL, 10), EBADF);
    long rdonly = OK(sys_open("sf_in", O_RDONLY, 0));
    ERR(syscall(SYS_sendfile, rdonly, in, NULL, 10), EBADF);
    sys_close(out);

    /* copy_file_range with explicit offsets leaves the file offsets alone. */
    out = OK(sys_open("cfr_out", O_RDWR | O_CREAT | O_TRUNC, 0644));
    loff_t off_in = 10, off_out = 5;
    total = 0;
    while (total < 50000 &&
           (n = syscall(SYS_copy_file_range, in, &off_in, out, &off_out, 50000 - total, 0)) > 0)
        total += n;
    EXPECT(total == 50000 && off_in == 50010 && off_out == 50005);
    EXPECT(sys_lseek(out, 0, SEEK_CUR) == 0);
    EXPECT(size_of("cfr_out") == 50005);
    EXPECT(sys_pread(out, back, 50005, 0) == 50005);
    EXPECT(memcmp(back, "\0\0\0\0\0", 5) == 0 && memcmp(back + 5, data + 10, 50000) == 0);
    /* With NULL offsets: the file offsets, which move. */
    EXPECT(sys_lseek(in, 0, SEEK_SET) == 0);
    EXPECT(sys_lseek(out, 0, SEEK_SET) == 0);
    EXPECT(syscall(SYS_copy_file_range, in, NULL, out, NULL, 7, 0) == 7);
    EXPECT(sys_lseek(in, 0, SEEK_CUR) == 7 && sys_lseek(out, 0, SEEK_CUR) == 7);
    off_in = LEN + 10;
    EXPECT(syscall(SYS_copy_file_range, in, &off_in, out, NULL, 10, 0) == 0); /* past EOF */
    ERR(syscall(SYS_copy_file_range, in, NULL, out, NULL, 10, 1), EINVAL);
    off_in = 0, off_out = 100;
    ERR(syscall(SYS_copy_file_range, in, &off_in, in, &off_out, 1000, 0), EINVAL);
    ERR(syscall(SYS_copy_file_range, in, NULL, rdonly, NULL, 10, 0), EBADF);
    sys_close(out);
    sys_close(wronly);
    sys_close(rdonly);
    sys_close(in);
}

static void check_mmap(void)
{
    section = "file mmap";
    long page = sysconf(_SC_PAGESIZE);
    size_t size = 3 * page + 100; /* the last page is partly past the end */
    char *data = malloc(size), *back = malloc(size);
    CHECK(data && back);
    for (size_t i = 0; i < size; i++)
        data[i] = (char)('A' + i % 26);
    long fd = OK(sys_open("mm", O_RDWR | O_CREAT | O_TRUNC, 0644));
    EXPECT(sys_write(fd, data, size) == (long)size);

    char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    EXPECT(p != MAP_FAILED);
    if (p != MAP_FAILED) {
        EXPECT(memcmp(p, data, size) == 0);
        int zeros = 1;
        for (long i = size; i < 4 * page; i++)
            zeros &= p[i] == 0;
        EXPECT(zeros); /* past the end of the file, inside its last page */
        p[0] = '#';
        p[page + 7] = '$';
        p[size + 5] = '!'; /* past the end: never reaches the file */
        OK(msync(p, 4 * page, MS_SYNC));
        EXPECT(sys_pread(fd, back, size + 10, 0) == (long)size);
        EXPECT(back[0] == '#' && back[page + 7] == '$');
        EXPECT(size_of("mm") == (off_t)size);
        /* write() is seen through a shared mapping at once. */
        EXPECT(sys_pwrite(fd, "@", 1, 2 * page + 1) == 1);
        EXPECT(p[2 * page + 1] == '@');
        ERR(msync(p + 1, page, MS_SYNC), EINVAL);
        ERR(msync(p, page, MS_SYNC | MS_ASYNC), EINVAL);
        EXPECT(munmap(p, 4 * page) == 0);
    }
    EXPECT(sys_pread(fd, back, 1, page + 7) == 1 && back[0] == '$');

    /* A private mapping's writes stay in it. */
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    EXPECT(p != MAP_FAILED);
    if (p != MAP_FAILED) {
        EXPECT(p[0] == '#');
        p[1] = '%';
        EXPECT(sys_pread(fd, back, 2, 0) == 2 && back[1] == data[1]);
        char *q = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
        EXPECT(q != MAP_FAILED && q[1] == data[1]);
        if (q != MAP_FAILED)
            munmap(q, page);
        munmap(p, size);
    }
    /* An offset maps from there; the mapping outlives the fd. */
    long fd2 = OK(sys_open("mm", O_RDONLY, 0));
    p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd2, page);
    EXPECT(p != MAP_FAILED);
    sys_close(fd2);
    if (p != MAP_FAILED) {
        EXPECT(p[7] == '$' && memcmp(p + 8, data + page + 8, page - 8) == 0);
        munmap(p, page);
    }

    fd2 = OK(sys_open("mm", O_RDONLY, 0));
    EXPECT(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0) == MAP_FAILED &&
           errno == EACCES);
    p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd2, 0);
    EXPECT(p != MAP_FAILED); /* private: a copy, fine for a read-only fd */
    if (p != MAP_FAILED)
        munmap(p, page);
    p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd2, 0);
    EXPECT(p != MAP_FAILED);
    if (p != MAP_FAILED) {
        ERR(mprotect(p, page, PROT_READ | PROT_WRITE), EACCES);
        munmap(p, page);
    }
    EXPECT(mmap(NULL, page, PROT_READ, MAP_SHARED, fd2, 100) == MAP_FAILED && errno == EINVAL);
    sys_close(fd2);
    fd2 = OK(sys_open("mm", O_WRONLY, 0));
    EXPECT(mmap(NULL, page, PROT_READ, MAP_SHARED, fd2, 0) == MAP_FAILED && errno == EACCES);
    sys_close(fd2);
    fd2 = OK(sys_open(".", O_RDONLY | O_DIRECTORY, 0));
    EXPECT(mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd2, 0) == MAP_FAILED && errno == ENODEV);
    sys_close(fd2);
    int pp[2];
    if (OK(syscall(SYS_pipe2, pp, 0)) == 0) {
        EXPECT(mmap(NULL, page, PROT_READ, MAP_PRIVATE, pp[0], 0) == MAP_FAILED &&
               errno == ENODEV);
        sys_close(pp[0]);
        sys_close(pp[1]);
    }
    sys_close(fd);
    free(data);
    free(back);
}

static void check_metadata(void)
{
    section = "xattr, umask, times, modes, statfs";
    struct stat st;
    char buf[64];
    make_file("md_f", "meta");
    OK(syscall(SYS_symlink, "md_f", "md_l"));
    ERR2(syscall(SYS_getxattr, "md_f", "user.asterix_test", buf, sizeof buf), ENODATA,
         ENOTSUP);
    ERR2(syscall(SYS_lgetxattr, "md_l", "user.asterix_test", buf, sizeof buf), ENODATA,
         ENOTSUP);
    ERR(syscall(SYS_getxattr, "missing", "user.asterix_test", buf, sizeof buf), ENOENT);
    long n = syscall(SYS_listxattr, "md_f", buf, sizeof buf);
    EXPECT(n >= 0 || errno == ENOTSUP);

    /* umask applies to created files and directories, not symlinks. */
    long old = syscall(SYS_umask, 022);
    long fd = OK(sys_open("um_644", O_WRONLY | O_CREAT | O_EXCL, 0666));
    sys_close(fd);
    OK(syscall(SYS_mkdir, "um_755", 0777));
    EXPECT(syscall(SYS_umask, 077) == 022);
    fd = OK(sys_open("um_600", O_WRONLY | O_CREAT | O_EXCL, 0666));
    sys_close(fd);
    OK(syscall(SYS_mkdir, "um_700", 0777));
    OK(syscall(SYS_symlink, "x", "um_lnk"));
    EXPECT(syscall(SYS_umask, old) == 077);
    if (OK(sys_stat("um_644", &st)) == 0)
        EXPECT((st.st_mode & 07777) == 0644 && S_ISREG(st.st_mode));
    if (OK(sys_stat("um_755", &st)) == 0)
        EXPECT((st.st_mode & 07777) == 0755 && S_ISDIR(st.st_mode));
    if (OK(sys_stat("um_600", &st)) == 0)
        EXPECT((st.st_mode & 07777) == 0600);
    if (OK(sys_stat("um_700", &st)) == 0)
        EXPECT((st.st_mode & 07777) == 0700);
    if (OK(sys_lstat("um_lnk", &st)) == 0)
        EXPECT((st.st_mode & 07777) == 0777);

    /* chmod, fchmod, fchmodat; through a symlink, the target. */
    OK(syscall(SYS_chmod, "md_f", 0640));
    if (OK(sys_stat("md_f", &st)) == 0)
        EXPECT(st.st_mode == (S_IFREG | 0640));
    fd = OK(sys_open("md_f", O_RDONLY, 0));
    OK(syscall(SYS_fchmod, fd, 04755));
    /* asterix's hostfs is nosuid and makes no setuid file on the host (README, Security). */
    struct statfs here;
    int is_nosuid = syscall(SYS_statfs, ".", &here) == 0 && (here.f_flags & ST_NOSUID);
    if (OK(sys_stat("md_f", &st)) == 0)
        EXPECT((st.st_mode & 07777) == (is_nosuid ? 0755 : 04755));
    OK(syscall(SYS_fchmodat, AT_FDCWD, "md_l", 0604));
    if (OK(sys_stat("md_f", &st)) == 0)
        EXPECT((st.st_mode & 07777) == 0604);
    if (OK(sys_lstat("md_l", &st)) == 0)
        EXPECT((st.st_mode & 07777) == 0777);
    ERR(syscall(SYS_chmod, "missing", 0644), ENOENT);
    long pfd = OK(sys_open("md_f", O_PATH, 0));
    ERR(syscall(SYS_fchmod, pfd, 0644), EBADF);
    sys_close(pfd);
    /* Changing to the owner it already has is allowed to anyone. */
    if (OK(syscall(SYS_fstat, fd, &st)) == 0) {
        OK(syscall(SYS_fchown, fd, st.st_uid, st.st_gid));
        OK(syscall(SYS_fchownat, AT_FDCWD, "md_l", -1, -1, AT_SYMLINK_NOFOLLOW));
    }

    /* utimensat with nanoseconds, UTIME_OMIT, UTIME_NOW, on a symlink, and on an fd. */
    struct timespec ts[2] = {{1000000000, 123456789}, {1000000001, 987654321}};
    OK(syscall(SYS_utimensat, AT_FDCWD, "md_f", ts, 0));
    if (OK(sys_stat("md_f", &st)) == 0) {
        EXPECT(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789);
        EXPECT(st.st_mtim.tv_sec == 1000000001 && st.st_mtim.tv_nsec == 987654321);
    }
    struct timespec omit_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    time_t before = time(NULL);
    OK(syscall(SYS_utimensat, AT_FDCWD, "md_f", omit_now, 0));
    if (OK(sys_stat("md_f", &st)) == 0) {
        EXPECT(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789);
        EXPECT(st.st_mtim.tv_sec >= before - 1 && st.st_mtim.tv_sec <= time(NULL) + 1);
    }
    struct timespec old_ts[2] = {{500000000, 0}, {600000000, 0}};
    OK(syscall(SYS_utimensat, AT_FDCWD, "md_l", old_ts, AT_SYMLINK_NOFOLLOW));
    if (OK(sys_lstat("md_l", &st)) == 0)
        EXPECT(st.st_mtim.tv_sec == 600000000);
    if (OK(sys_stat("md_f", &st)) == 0)
        EXPECT(st.st_mtim.tv_sec != 600000000);
    OK(syscall(SYS_utimensat, fd, NULL, old_ts, 0)); /* futimens */
    if (OK(sys_stat("md_f", &st)) == 0)
        EXPECT(st.st_atim.tv_sec == 500000000 && st.st_mtim.tv_sec == 600000000);
    struct timespec bad_ts[2] = {{0, 2000000000}, {0, 0}};
    ERR(syscall(SYS_utimensat, AT_FDCWD, "md_f", bad_ts, 0), EINVAL);
    ERR(syscall(SYS_utimensat, AT_FDCWD, "missing", ts, 0), ENOENT);
    sys_close(fd);

    /* statfs */
    struct statfs sfs, sfs2;
    if (OK(syscall(SYS_statfs, ".", &sfs)) == 0) {
        EXPECT(sfs.f_bsize > 0 && sfs.f_type != 0);
        EXPECT(sfs.f_namelen == 255);
        fd = OK(sys_open("md_f", O_RDONLY, 0));
        if (OK(syscall(SYS_fstatfs, fd, &sfs2)) == 0)
            EXPECT(sfs2.f_type == sfs.f_type && sfs2.f_bsize == sfs.f_bsize);
        sys_close(fd);
    }
    ERR(syscall(SYS_statfs, "missing", &sfs), ENOENT);
    ERR(syscall(SYS_statfs, ".", BAD_PTR), EFAULT);
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : ".";
    const char *other_fs = argc > 2 ? argv[2] : NULL;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char work[PATH_MAX], cwd[PATH_MAX];
    snprintf(work, sizeof work, "%s/fs_paths.%ld.%ld", base, (long)getpid(), (long)now.tv_nsec);
    CHECK(syscall(SYS_mkdir, work, 0755) == 0);
    CHECK(syscall(SYS_chdir, work) == 0);
    struct stat st1, st2;
    CHECK(syscall(SYS_getcwd, cwd, sizeof cwd) > 0);
    CHECK(sys_stat(cwd, &st1) == 0 && sys_stat(".", &st2) == 0 && st1.st_ino == st2.st_ino);
    syscall(SYS_umask, 022);

    check_path_lengths();
    check_bad_pointers();
    check_lookup_errors();
    check_symlinks();
    check_dotdot_at_root();
    check_dirfd();
    check_mkdir_rmdir_unlink();
    check_rename_link(other_fs);
    check_getdents();
    check_open_flags();
    check_lseek();
    check_pipes();
    check_dup();
    check_truncate_pread_pwrite();
    check_sendfile_copy_file_range();
    check_mmap();
    check_metadata();

    CHECK(syscall(SYS_chdir, "..") == 0);
    const char *leaf = strrchr(work, '/') + 1;
    remove_tree(AT_FDCWD, leaf);
    struct stat gone;
    if (sys_lstat(leaf, &gone) == 0)
        fprintf(stderr, "fs_paths: could not remove %s\n", work);
    if (failures) {
        fprintf(stderr, "fs_paths: %d checks failed (in %s)\n", failures, base);
        return 1;
    }
    printf("fs_paths: all checks passed in %s%s%s\n", base, other_fs ? ", EXDEV to " : "",
           other_fs ? other_fs : "");
    return 0;
}
