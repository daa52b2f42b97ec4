// Linux's file permission rules, checked as root and as uid 65534 on the root file system
// (hostfs under asterix): read/write/exec permission on open and execve, search permission on
// every directory walked, write permission on the parent for create/delete/rename, the
// sticky-bit rule, and who may chmod, chown, utimensat, truncate and setxattr. Errors as Linux
// gives them: EACCES for a permission bit, EPERM for an ownership rule.
#include "perm_common.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

static char dir[64];
static char path_buf[8][128];

static const char *at(int slot, const char *name)
{
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
    return path_buf[slot];
}

static void nobody_on_root_files(void)
{
    /* A 0600 file of root's: no read, no write, none of the owner's changes. */
    const char *secret = at(0, "secret");
    CHECK_ERR(open(secret, O_RDONLY), EACCES);
    CHECK_ERR(open(secret, O_WRONLY), EACCES);
    CHECK_ERR(access(secret, R_OK), EACCES);
    CHECK_ERR(chmod(secret, 0666), EPERM);
    CHECK_ERR(chown(secret, NOBODY, NOBODY), EPERM);
    CHECK_ERR(chown(secret, -1, NOBODY), EPERM);
    CHECK_ERR(utimensat(AT_FDCWD, secret, NULL, 0), EACCES);
    struct timespec explicit_times[2] = {{1, 0}, {2, 0}};
    CHECK_ERR(utimensat(AT_FDCWD, secret, explicit_times, 0), EPERM);
    CHECK_ERR(truncate(secret, 0), EACCES);
    CHECK_ERR(setxattr(secret, "user.test", "v", 1, 0), EACCES);
    CHECK_ERR(syscall(SYS_execve, secret, (char *[]){"x", NULL}, (char *[]){NULL}), EACCES);

    /* A 0644 file: read yes, write no; O_TRUNC needs write; O_NOATIME needs ownership. */
    const char *pub = at(1, "pub");
    int fd = open(pub, O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(open(pub, O_RDWR), EACCES);
    CHECK_ERR(open(pub, O_RDONLY | O_TRUNC), EACCES);
    CHECK_ERR(open(pub, O_RDONLY | O_NOATIME), EPERM);

    /* A directory it may not search: nothing below it can be reached. */
    CHECK_ERR(open(at(2, "closed/inside"), O_RDONLY), EACCES);
    struct stat st;
    CHECK_ERR(stat(at(2, "closed/inside"), &st), EACCES);

    /* No write permission on the parent: no new names, no removal, no rename. */
    CHECK_ERR(open(at(3, "new"), O_WRONLY | O_CREAT, 0644), EACCES);
    CHECK_ERR(mkdir(at(3, "newdir"), 0755), EACCES);
    CHECK_ERR(symlink("pub", at(3, "newlink")), EACCES);
    CHECK_ERR(mknod(at(3, "newfifo"), S_IFIFO | 0644, 0), EACCES);
    CHECK_ERR(unlink(pub), EACCES);
    CHECK_ERR(rename(pub, at(3, "moved")), EACCES);
    CHECK_ERR(rmdir(at(3, "closed")), EACCES);
    /* An existing name is EEXIST before any permission check. */
    CHECK_ERR(mkdir(pub, 0755), EEXIST);

    /* Sticky directory: others' files stay; its own files go. */
    CHECK_ERR(unlink(at(4, "sticky/roots")), EPERM);
    CHECK_ERR(rename(at(4, "sticky/roots"), at(5, "sticky/stolen")), EPERM);
    const char *mine = at(6, "sticky/mine");
    mode_t old = umask(0);
    fd = open(mine, O_WRONLY | O_CREAT | O_EXCL, 0777);
    umask(old);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK(st.st_uid == NOBODY && st.st_gid == NOBODY);
    CHECK((st.st_mode & 07777) == 0777); /* exactly what was asked, umask 0 */
    close(fd);
    /* The owner's rights on its own file. */
    CHECK(chmod(mine, 0600) == 0);
    CHECK(utimensat(AT_FDCWD, mine, explicit_times, 0) == 0);
    CHECK_ERR(chown(mine, 0, -1), EPERM);
    CHECK_ERR(chown(mine, -1, 0), EPERM);
    CHECK(chown(mine, -1, NOBODY) == 0);
    CHECK(chown(mine, NOBODY, -1) == 0);
    /* creat with a read-only mode still returns a writable descriptor. */
    const char *ro = at(7, "sticky/ro");
    fd = open(ro, O_WRONLY | O_CREAT | O_EXCL, 0444);
    CHECK(fd >= 0);
    CHECK(write(fd, "x", 1) == 1);
    close(fd);
    CHECK_ERR(open(ro, O_WRONLY), EACCES);
    CHECK(unlink(ro) == 0);
    CHECK(unlink(mine) == 0);

    /* A setgid directory passes its group on; a new directory there is setgid too. */
    fd = open(at(0, "sgid/file"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &st) == 0);
    CHECK(st.st_uid == NOBODY && st.st_gid == 1234);
    close(fd);
    CHECK(mkdir(at(1, "sgid/sub"), 0755) == 0);
    CHECK(stat(at(1, "sgid/sub"), &st) == 0);
    CHECK(st.st_gid == 1234 && (st.st_mode & S_ISGID));
    CHECK(rmdir(at(1, "sgid/sub")) == 0);
    CHECK(unlink(at(0, "sgid/file")) == 0);
}

int main(void)
{
    require_root("perm_files");
    umask(022);
    snprintf(dir, sizeof dir, "/tmp/perm_files.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chmod(dir, 0755) == 0);
    write_file(at(0, "secret"), 0600, "secret\n");
    write_file(at(0, "pub"), 0644, "public\n");
    CHECK(mkdir(at(0, "closed"), 0700) == 0);
    write_file(at(0, "closed/inside"), 0644, "x");
    CHECK(mkdir(at(0, "sticky"), 0755) == 0);
    CHECK(chmod(at(0, "sticky"), 01777) == 0);
    write_file(at(0, "sticky/roots"), 0666, "root's\n");
    CHECK(mkdir(at(0, "sgid"), 0755) == 0);
    CHECK(chown(at(0, "sgid"), 0, 1234) == 0);
    CHECK(chmod(at(0, "sgid"), 02777) == 0);

    as_user(NOBODY, nobody_on_root_files);

    /* Root: DAC override for reading and writing, but not for executing without an x bit. */
    int fd = open(at(0, "secret"), O_RDWR);
    CHECK(fd >= 0);
    close(fd);
    CHECK(chmod(at(0, "secret"), 0000) == 0);
    fd = open(at(0, "secret"), O_RDWR);
    CHECK(fd >= 0);
    close(fd);
    CHECK_ERR(syscall(SYS_execve, at(0, "pub"), (char *[]){"x", NULL}, (char *[]){NULL}), EACCES);
    CHECK_ERR(syscall(SYS_execve, dir, (char *[]){"x", NULL}, (char *[]){NULL}), EACCES);
    struct stat st;
    CHECK(stat(at(0, "closed/inside"), &st) == 0);
    CHECK(chown(at(0, "pub"), NOBODY, NOBODY) == 0);
    CHECK(stat(at(0, "pub"), &st) == 0 && st.st_uid == NOBODY && st.st_gid == NOBODY);

    /* Clean up (root may remove anything). */
    const char *names[] = {"secret", "pub", "closed/inside", "sticky/roots"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        CHECK(unlink(at(0, names[i])) == 0);
    CHECK(rmdir(at(0, "closed")) == 0);
    CHECK(rmdir(at(0, "sticky")) == 0);
    CHECK(rmdir(at(0, "sgid")) == 0);
    CHECK(rmdir(dir) == 0);
    puts("perm_files: ok");
    return 0;
}
