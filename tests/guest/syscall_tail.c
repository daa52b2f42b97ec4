/* The long tail of small syscalls, each with Linux's errors: ioprio_get/ioprio_set, readahead,
 * sync_file_range, fallocate (plain allocation; EOPNOTSUPP for unknown modes), sysfs(2),
 * ustat(2) for an unmounted device, name_to_handle_at on procfs (EOPNOTSUPP) and its argument
 * checks, open_by_handle_at's checks, and cachestat. */
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define IOPRIO(cls, data) (((cls) << 13) | (data))
#define SYS_cachestat_ 451

static void ioprio(void)
{
    CHECK(syscall(SYS_ioprio_get, 1, 0) == 0); /* unset: IOPRIO_CLASS_NONE */
    CHECK(syscall(SYS_ioprio_set, 1, 0, IOPRIO(2, 3)) == 0);
    CHECK(syscall(SYS_ioprio_get, 1, 0) == IOPRIO(2, 3));
    CHECK(syscall(SYS_ioprio_get, 1, getpid()) == IOPRIO(2, 3));
    CHECK(syscall(SYS_ioprio_set, 1, 0, IOPRIO(3, 0)) == 0);
    CHECK(syscall(SYS_ioprio_get, 1, 0) == IOPRIO(3, 0));
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, IOPRIO(5, 0)), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 0, IOPRIO(0, 3)), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_set, 4, 0, 0), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_get, 4, 0), EINVAL);
    CHECK_ERR(syscall(SYS_ioprio_get, 1, 999999), ESRCH);
    CHECK_ERR(syscall(SYS_ioprio_set, 1, 999999, 0), ESRCH);
    CHECK(syscall(SYS_ioprio_get, 2, 0) >= 0);
    CHECK(syscall(SYS_ioprio_get, 3, 0) >= 0);
    CHECK(syscall(SYS_ioprio_set, 1, 0, 0) == 0);
    CHECK(syscall(SYS_ioprio_get, 1, 0) == 0);
}

static void file_calls(void)
{
    char path[] = "/tmp/syscall_tail_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    int rd = open(path, O_RDONLY);
    int wr = open(path, O_WRONLY);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    int p[2];
    CHECK(rd >= 0 && wr >= 0 && dir >= 0 && pipe(p) == 0);

    CHECK(readahead(rd, 0, 4096) == 0);
    CHECK(readahead(rd, -1, 1) == 0);
    CHECK_ERR(readahead(wr, 0, 4096), EBADF);
    CHECK_ERR(readahead(dir, 0, 4096), EINVAL);
    CHECK_ERR(readahead(p[0], 0, 4096), EINVAL);
    CHECK_ERR(readahead(999, 0, 1), EBADF);

    CHECK(sync_file_range(fd, 0, 0, 0) == 0);
    CHECK(sync_file_range(wr, 0, 0, 7) == 0);
    CHECK(sync_file_range(dir, 0, 0, 1) == 0);
    CHECK_ERR(sync_file_range(fd, 0, 0, 8), EINVAL);
    CHECK_ERR(sync_file_range(fd, -1, 0, 0), EINVAL);
    CHECK_ERR(sync_file_range(fd, 0, -1, 0), EINVAL);
    CHECK_ERR(sync_file_range(p[0], 0, 0, 1), ESPIPE);
    CHECK_ERR(sync_file_range(999, 0, 0, 1), EBADF);

    CHECK(fallocate(wr, 0, 0, 8192) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 8192);
    CHECK(fallocate(wr, FALLOC_FL_KEEP_SIZE, 0, 16384) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 8192);
    CHECK(fallocate(wr, 0, 0, 100) == 0); /* never shrinks */
    CHECK(fstat(fd, &st) == 0 && st.st_size == 8192);
    CHECK_ERR(fallocate(wr, 0, -1, 10), EINVAL);
    CHECK_ERR(fallocate(wr, 0, 0, 0), EINVAL);
    CHECK_ERR(fallocate(wr, 0x100, 0, 10), EOPNOTSUPP);
    CHECK_ERR(fallocate(rd, 0, 0, 10), EBADF);
    CHECK_ERR(fallocate(p[1], 0, 0, 10), ESPIPE);
    CHECK_ERR(fallocate(wr, 0, INT64_MAX, 10), EFBIG);

    struct {
        uint64_t off, len;
    } range = {0, 0};
    uint64_t stat_out[5];
    CHECK(syscall(SYS_cachestat_, fd, &range, stat_out, 0) == 0);
    CHECK(syscall(SYS_cachestat_, p[0], &range, stat_out, 0) == 0);
    CHECK(stat_out[0] == 0);
    CHECK_ERR(syscall(SYS_cachestat_, fd, &range, stat_out, 1), EINVAL);
    CHECK_ERR(syscall(SYS_cachestat_, 999, &range, stat_out, 0), EBADF);
    CHECK_ERR(syscall(SYS_cachestat_, fd, BAD_PTR, stat_out, 0), EFAULT);
    CHECK_ERR(syscall(SYS_cachestat_, fd, &range, BAD_PTR, 0), EFAULT);

    close(rd);
    close(wr);
    close(dir);
    close(p[0]);
    close(p[1]);
    close(fd);
    unlink(path);
}

static void fs_info(void)
{
    long count = syscall(SYS_sysfs, 3);
    CHECK(count > 0);
    long tmpfs = syscall(SYS_sysfs, 1, "tmpfs");
    CHECK(tmpfs >= 0 && tmpfs < count);
    char name[64] = {0};
    CHECK(syscall(SYS_sysfs, 2, tmpfs, name) == 0);
    CHECK(strcmp(name, "tmpfs") == 0);
    CHECK(syscall(SYS_sysfs, 1, "proc") >= 0);
    CHECK_ERR(syscall(SYS_sysfs, 1, "no-such-fs"), EINVAL);
    CHECK_ERR(syscall(SYS_sysfs, 2, count, name), EINVAL);
    CHECK_ERR(syscall(SYS_sysfs, 4), EINVAL);
    CHECK_ERR(syscall(SYS_sysfs, 1, BAD_PTR), EFAULT);
    CHECK_ERR(syscall(SYS_sysfs, 2, 0, BAD_PTR), EFAULT);

    char buf[64];
    CHECK_ERR(syscall(SYS_ustat, 0, buf), EINVAL); /* no file system on device 0:0 */
}

static void file_handles(void)
{
    struct {
        unsigned bytes;
        int type;
        unsigned char handle[128];
    } fh;
    int mount_id;
    fh.bytes = sizeof fh.handle;
    CHECK_ERR(syscall(SYS_name_to_handle_at, AT_FDCWD, "/proc/self", &fh, &mount_id, 0), EOPNOTSUPP);
    CHECK_ERR(syscall(SYS_name_to_handle_at, AT_FDCWD, "/no/such/file", &fh, &mount_id, 0), ENOENT);
    CHECK_ERR(syscall(SYS_name_to_handle_at, AT_FDCWD, "/proc/self", &fh, &mount_id, 0x1234), EINVAL);
    CHECK_ERR(syscall(SYS_name_to_handle_at, AT_FDCWD, BAD_PTR, &fh, &mount_id, 0), EFAULT);
    /* open_by_handle_at: the handle's size, the mount descriptor, then the privilege. */
    fh.bytes = 0;
    CHECK_ERR(syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY), EINVAL);
    fh.bytes = 129;
    CHECK_ERR(syscall(SYS_open_by_handle_at, 999, &fh, O_RDONLY), EINVAL);
    fh.bytes = 8;
    CHECK_ERR(syscall(SYS_open_by_handle_at, 999, &fh, O_RDONLY), EBADF);
    CHECK_ERR(syscall(SYS_open_by_handle_at, AT_FDCWD, BAD_PTR, O_RDONLY), EFAULT);
    if (geteuid() != 0)
        CHECK_ERR(syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY), EPERM);
}

int main(void)
{
    ioprio();
    file_calls();
    fs_info();
    file_handles();
    puts("syscall_tail: ok");
    return 0;
}
