// fallocate's modes on the file system under /tmp (hostfs under asterix: the host's file
// system, which does the work) and on tmpfs (/dev/shm): FALLOC_FL_KEEP_SIZE allocates without
// growing (st_blocks grows where the file system counts it), PUNCH_HOLE|KEEP_SIZE frees and
// zeroes, ZERO_RANGE zeroes (and grows without KEEP_SIZE), COLLAPSE_RANGE and INSERT_RANGE
// shift what follows by whole blocks (EINVAL when unaligned or at or past the end); a shared
// mapping sees the new contents, its own writes included; tmpfs answers EOPNOTSUPP for zero,
// collapse and insert, as Linux's shmem. Errors: EBADF for a read-only descriptor, ESPIPE for a
// pipe, ENODEV for a character device, EFBIG past RLIMIT_FSIZE (tmpfs even with KEEP_SIZE). A mode a host file system
// lacks (EOPNOTSUPP) is reported and its checks skipped.
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define TMPFS_MAGIC 0x01021994

static long block; /* the file system's block: collapse and insert work in whole ones */
static char expected[1 << 17];
static char got[1 << 17];
static long expected_size;

static void fill_pattern(int fd, long blocks)
{
    for (long i = 0; i < blocks * block; i++)
        expected[i] = (char)('a' + (i / block) % 26);
    expected_size = blocks * block;
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(pwrite(fd, expected, (size_t)expected_size, 0) == expected_size);
}

static void check_contents(int fd, int line)
{
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    if (st.st_size != expected_size) {
        fprintf(stderr, "line %d: size %ld, want %ld\n", line, (long)st.st_size, expected_size);
        exit(1);
    }
    CHECK(pread(fd, got, (size_t)expected_size + 1, 0) == expected_size);
    for (long i = 0; i < expected_size; i++) {
        if (got[i] != expected[i]) {
            fprintf(stderr, "line %d: byte %ld is %#x, want %#x\n", line, i, got[i], expected[i]);
            exit(1);
        }
    }
}

static long blocks_of(int fd)
{
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    return (long)st.st_blocks;
}

/* fallocate, or -errno. */
static int try_fallocate(int fd, int mode, long offset, long len)
{
    return fallocate(fd, mode, offset, len) == 0 ? 0 : -errno;
}

static void run_in(const char *dir)
{
    struct statfs fs;
    CHECK(statfs(dir, &fs) == 0);
    int is_tmpfs = fs.f_type == TMPFS_MAGIC;
    char path[256];
    // A name of its own: the ptrace twin of this test runs at the same time with the same
    // guest pid, in the same host directory.
    snprintf(path, sizeof path, "%s/fallocate_modes.XXXXXX", dir);
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    block = is_tmpfs ? 4096 : (long)st.st_blksize;
    CHECK(block >= 512 && block <= 65536 && 8 * block <= (long)sizeof expected);

    /* KEEP_SIZE past the end: the size stays; the host file system counts the blocks. */
    fill_pattern(fd, 4);
    long before = blocks_of(fd);
    CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 4 * block, 4 * block) == 0);
    check_contents(fd, __LINE__);
    if (!is_tmpfs)
        CHECK(blocks_of(fd) >= before + 4 * block / 512);
    /* Plain allocation past the end grows the file with zeros. */
    CHECK(fallocate(fd, 0, 4 * block, block) == 0);
    memset(expected + 4 * block, 0, (size_t)block);
    expected_size = 5 * block;
    check_contents(fd, __LINE__);

    /* A shared mapping of the first blocks follows every change below. */
    fill_pattern(fd, 4);
    char *map = mmap(NULL, (size_t)(4 * block), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED);
    CHECK(map[block] == 'b');

    /* PUNCH_HOLE|KEEP_SIZE: zeros, the same size; a whole block freed on the host file system. */
    before = blocks_of(fd);
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, block, block) == 0);
    memset(expected + block, 0, (size_t)block);
    check_contents(fd, __LINE__);
    CHECK(map[block] == 0 && map[block - 1] == 'a' && map[2 * block] == 'c');
    if (!is_tmpfs)
        CHECK(blocks_of(fd) <= before - block / 512);
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10, 5) == 0);
    memset(expected + 10, 0, 5);
    check_contents(fd, __LINE__);

    /* ZERO_RANGE: tmpfs has none; elsewhere zeros, growing the file unless KEEP_SIZE. */
    int zero = try_fallocate(fd, FALLOC_FL_ZERO_RANGE, 3 * block + 100, 200);
    if (is_tmpfs) {
        CHECK(zero == -EOPNOTSUPP);
    } else if (zero == -EOPNOTSUPP) {
        printf("fallocate_modes: %s has no FALLOC_FL_ZERO_RANGE\n", dir);
    } else {
        CHECK(zero == 0);
        memset(expected + 3 * block + 100, 0, 200);
        check_contents(fd, __LINE__);
        CHECK(map[3 * block + 100] == 0 && map[3 * block + 99] == 'd');
        CHECK(fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 4 * block - 10, 100) == 0);
        memset(expected + 4 * block - 10, 0, 10);
        check_contents(fd, __LINE__);
        CHECK(fallocate(fd, FALLOC_FL_ZERO_RANGE, 4 * block - 10, 100) == 0);
        memset(expected + 4 * block, 0, 90);
        expected_size = 4 * block + 90;
        check_contents(fd, __LINE__);
        CHECK(ftruncate(fd, 4 * block) == 0);
        expected_size = 4 * block;
    }

    /* COLLAPSE_RANGE: whole blocks, ending before the end of the file. A write through the
     * mapping not yet on the host moves with its block. */
    fill_pattern(fd, 4);
    map[3 * block + 7] = '!';
    expected[3 * block + 7] = '!';
    int collapse = try_fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, block, block);
    if (is_tmpfs) {
        CHECK(collapse == -EOPNOTSUPP);
    } else if (collapse == -EOPNOTSUPP) {
        printf("fallocate_modes: %s has no FALLOC_FL_COLLAPSE_RANGE\n", dir);
    } else {
        CHECK(collapse == 0);
        memmove(expected + block, expected + 2 * block, (size_t)(2 * block));
        expected_size = 3 * block;
        check_contents(fd, __LINE__);
        CHECK(map[block] == 'c' && map[2 * block + 7] == '!' && map[0] == 'a');
        CHECK_ERR(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 1, block), EINVAL);
        CHECK_ERR(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, block + 1), EINVAL);
        CHECK_ERR(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, block, 2 * block), EINVAL); /* to the end */
        CHECK_ERR(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 3 * block, block), EINVAL); /* past it */
        check_contents(fd, __LINE__);
    }

    /* INSERT_RANGE: a hole of whole blocks, before the end of the file. */
    fill_pattern(fd, 3);
    int insert = try_fallocate(fd, FALLOC_FL_INSERT_RANGE, block, block);
    if (is_tmpfs) {
        CHECK(insert == -EOPNOTSUPP);
    } else if (insert == -EOPNOTSUPP) {
        printf("fallocate_modes: %s has no FALLOC_FL_INSERT_RANGE\n", dir);
    } else {
        CHECK(insert == 0);
        memmove(expected + 2 * block, expected + block, (size_t)(2 * block));
        memset(expected + block, 0, (size_t)block);
        expected_size = 4 * block;
        check_contents(fd, __LINE__);
        CHECK(map[block] == 0 && map[2 * block] == 'b' && map[3 * block] == 'c');
        CHECK_ERR(fallocate(fd, FALLOC_FL_INSERT_RANGE, 1, block), EINVAL);
        CHECK_ERR(fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, 1), EINVAL);
        CHECK_ERR(fallocate(fd, FALLOC_FL_INSERT_RANGE, 4 * block, block), EINVAL); /* at the end */
        check_contents(fd, __LINE__);
    }
    CHECK(munmap(map, (size_t)(4 * block)) == 0);

    /* Mixes Linux refuses whatever the file system. */
    CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, block), EOPNOTSUPP);
    CHECK_ERR(fallocate(fd, FALLOC_FL_INSERT_RANGE | FALLOC_FL_KEEP_SIZE, 0, block), EOPNOTSUPP);
    CHECK_ERR(fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, block), EOPNOTSUPP);
    CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, -1, block), EINVAL);

    /* The descriptor: read-only is EBADF; an O_APPEND one punches where it is asked to. */
    int reader = open(path, O_RDONLY);
    CHECK(reader >= 0);
    CHECK_ERR(fallocate(reader, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10), EBADF);
    close(reader);
    fill_pattern(fd, 2);
    int appender = open(path, O_WRONLY | O_APPEND);
    CHECK(appender >= 0);
    CHECK(fallocate(appender, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 5, 5) == 0);
    memset(expected + 5, 0, 5);
    check_contents(fd, __LINE__);
    close(appender);

    /* RLIMIT_FSIZE: growing past it is EFBIG (SIGXFSZ ignored); keeping the size is not growing. */
    struct rlimit old_limit, limit;
    CHECK(getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    limit = old_limit;
    limit.rlim_cur = (rlim_t)(8 * block);
    CHECK(setrlimit(RLIMIT_FSIZE, &limit) == 0);
    CHECK_ERR(fallocate(fd, 0, 0, 8 * block + 1), EFBIG);
    CHECK(fallocate(fd, 0, 0, 8 * block) == 0);
    /* Past the limit with KEEP_SIZE: tmpfs checks the limit all the same (shmem_fallocate),
     * a host file system as ext4 only when the size would grow. */
    if (is_tmpfs) {
        CHECK_ERR(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 16 * block), EFBIG);
    } else {
        CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 16 * block) == 0);
        CHECK(fstat(fd, &st) == 0 && st.st_size == 8 * block);
        /* ext4's INSERT_RANGE grows a file past the limit: it checks only s_maxbytes. */
        int grown = try_fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, 8 * block);
        CHECK(grown == 0 || grown == -EOPNOTSUPP || grown == -EFBIG);
    }
    CHECK(setrlimit(RLIMIT_FSIZE, &old_limit) == 0);

    close(fd);
    CHECK(unlink(path) == 0);
    printf("fallocate_modes: %s (%s, block %ld) ok\n", dir, is_tmpfs ? "tmpfs" : "host", block);
}

int main(void)
{
    signal(SIGXFSZ, SIG_IGN);
    run_in("/tmp");
    run_in("/dev/shm");

    /* Not a regular file: ESPIPE for a pipe, ENODEV for a character device. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERR(fallocate(p[1], 0, 0, 10), ESPIPE);
    CHECK_ERR(fallocate(p[0], 0, 0, 10), EBADF);
    int null = open("/dev/null", O_WRONLY);
    CHECK(null >= 0);
    CHECK_ERR(fallocate(null, 0, 0, 10), ENODEV);
    CHECK_ERR(fallocate(null, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10), ENODEV);
    return 0;
}
