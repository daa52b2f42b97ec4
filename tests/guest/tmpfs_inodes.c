// A tmpfs holds one inode per page of its size (Linux's nr_inodes default): with 32 MiB of
// memory /tmp (a 16 MiB tmpfs) takes 4096 files, statfs counts them down in f_ffree, the next
// file gets ENOSPC, and removing the files gives the inodes back.
// asterix-args: --mem 32M --tmpfs /tmp
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
    CHECK(statfs("/tmp", &before) == 0);
    CHECK(before.f_type == TMPFS_MAGIC);
    CHECK(before.f_files == 4096);
    char name[64];
    long created = 0;
    for (;; created++) {
        snprintf(name, sizeof name, "/tmp/f%ld", created);
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
    CHECK(statfs("/tmp", &full) == 0);
    CHECK(full.f_ffree == 0);
    CHECK(mkdir("/tmp/d", 0755) == -1 && errno == ENOSPC);
    CHECK(symlink("x", "/tmp/l") == -1 && errno == ENOSPC);
    for (long i = 0; i < created; i++) {
        snprintf(name, sizeof name, "/tmp/f%ld", i);
        CHECK(unlink(name) == 0);
    }
    struct statfs after;
    CHECK(statfs("/tmp", &after) == 0);
    CHECK(after.f_ffree == before.f_ffree);
    CHECK(mkdir("/tmp/d", 0755) == 0);
    printf("tmpfs_inodes: ok (%ld files)\n", created);
    return 0;
}
