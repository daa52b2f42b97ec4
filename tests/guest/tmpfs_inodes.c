// A tmpfs holds one inode per page of its size (Linux's nr_inodes default): with 32 MiB of
// memory a tmpfs (16 MiB) takes 4096 files, statfs counts them down in f_ffree, the next file
// gets ENOSPC, and removing the files gives the inodes back. Hosted the tmpfs is on /mnt (not
// /tmp, where a build directory may be); on bare metal the root (and /tmp) is one.
// asterix-args: --mem 32M --tmpfs /mnt
// native: skip
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define TMPFS_MAGIC 0x01021994

int main(void)
{
    struct statfs before;
    const char *dir = statfs("/mnt", &before) == 0 && before.f_type == TMPFS_MAGIC ? "/mnt" : "/tmp";
    CHECK(statfs(dir, &before) == 0);
    CHECK(before.f_type == TMPFS_MAGIC);
    CHECK(before.f_files == 4096);
    char name[64];
    long created = 0;
    for (;; created++) {
        snprintf(name, sizeof name, "%s/f%ld", dir, created);
        int fd = open(name, O_CREAT | O_WRONLY | O_EXCL, 0644);
        if (fd < 0) {
            CHECK(errno == ENOSPC);
            break;
        }
        close(fd);
        CHECK(created < 5000);
    }
    CHECK(created == (long)before.f_ffree);
    struct statfs full;
    CHECK(statfs(dir, &full) == 0);
    CHECK(full.f_ffree == 0);
    snprintf(name, sizeof name, "%s/d", dir);
    CHECK(mkdir(name, 0755) == -1 && errno == ENOSPC);
    snprintf(name, sizeof name, "%s/l", dir);
    CHECK(symlink("x", name) == -1 && errno == ENOSPC);
    for (long i = 0; i < created; i++) {
        snprintf(name, sizeof name, "%s/f%ld", dir, i);
        CHECK(unlink(name) == 0);
    }
    struct statfs after;
    CHECK(statfs(dir, &after) == 0);
    CHECK(after.f_ffree == before.f_ffree);
    snprintf(name, sizeof name, "%s/d", dir);
    CHECK(mkdir(name, 0755) == 0);
    printf("tmpfs_inodes: ok (%ld files)\n", created);
    return 0;
}
