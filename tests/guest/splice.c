// splice, tee, vmsplice and fallocate: their argument errors in Linux's order (EINVAL for
// flags, no pipe or one pipe on both sides; ESPIPE for an offset on a pipe; EBADF for the
// wrong access mode; EAGAIN with SPLICE_F_NONBLOCK), data moved file to pipe, pipe to file
// (at an offset, which is written back) and pipe to pipe, tee leaving its input in place,
// vmsplice both ways; fallocate's checks (EINVAL, EOPNOTSUPP, EBADF, ESPIPE, EFBIG), its
// growth, KEEP_SIZE, and a punched hole reading as zeros.
#include "check.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
    char path[] = "/tmp/spliceXXXXXX";
    int file = mkstemp(path);
    CHECK(file >= 0);
    CHECK(write(file, "hello, splice", 13) == 13);
    int p[2], q[2];
    CHECK(pipe(p) == 0 && pipe(q) == 0);
    loff_t off = 0;

    // Errors.
    CHECK(splice(file, NULL, p[1], NULL, 0, 0) == 0); // nothing to do, whatever else
    CHECK_ERR(splice(file, NULL, p[1], NULL, 1, 0x100), EINVAL);
    CHECK_ERR(splice(999, NULL, p[1], NULL, 1, 0), EBADF);
    CHECK_ERR(splice(file, NULL, file, NULL, 1, 0), EINVAL);
    CHECK_ERR(splice(p[0], &off, file, NULL, 1, 0), ESPIPE);
    CHECK_ERR(splice(file, NULL, p[1], &off, 1, 0), ESPIPE);
    CHECK_ERR(splice(p[0], NULL, p[1], NULL, 1, 0), EINVAL); // one pipe on both sides
    CHECK_ERR(splice(p[1], NULL, q[1], NULL, 1, 0), EBADF);  // a write end as input
    loff_t negative = -1;
    CHECK_ERR(splice(file, &negative, p[1], NULL, 1, 0), EINVAL);
    CHECK_ERR(splice(file, BAD_PTR, p[1], NULL, 1, 0), EFAULT);
    CHECK_ERR(splice(p[0], NULL, q[1], NULL, 1, SPLICE_F_NONBLOCK), EAGAIN); // empty
    int appending = open(path, O_WRONLY | O_APPEND);
    CHECK_ERR(splice(p[0], NULL, appending, NULL, 1, 0), EINVAL);
    CHECK(close(appending) == 0);

    // A file into a pipe, at an offset (written back, the file position unmoved).
    off = 7;
    CHECK(splice(file, &off, p[1], NULL, 100, 0) == 6);
    CHECK(off == 13);
    CHECK(lseek(file, 0, SEEK_CUR) == 13);
    // tee copies without taking.
    CHECK_ERR(tee(p[0], q[1], 1, 0x100), EINVAL);
    CHECK(tee(p[0], q[1], 0, 0) == 0);
    CHECK_ERR(tee(p[0], p[1], 1, 0), EINVAL);
    CHECK_ERR(tee(file, q[1], 1, 0), EINVAL);
    CHECK_ERR(tee(p[1], q[1], 1, 0), EBADF);
    CHECK(tee(p[0], q[1], 100, 0) == 6);
    char buffer[64];
    CHECK(read(q[0], buffer, sizeof buffer) == 6 && memcmp(buffer, "splice", 6) == 0);
    // Pipe to pipe takes it.
    CHECK(splice(p[0], NULL, q[1], NULL, 3, 0) == 3);
    CHECK(read(q[0], buffer, sizeof buffer) == 3 && memcmp(buffer, "spl", 3) == 0);
    // A pipe into the file at an offset.
    off = 0;
    CHECK(splice(p[0], NULL, file, &off, 100, 0) == 3);
    CHECK(off == 3);
    CHECK(pread(file, buffer, 13, 0) == 13 && memcmp(buffer, "icelo, splice", 13) == 0);
    CHECK_ERR(tee(p[0], q[1], 1, SPLICE_F_NONBLOCK), EAGAIN); // empty

    // vmsplice: into a pipe through its write end, out of it through its read end.
    struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};
    CHECK_ERR(vmsplice(p[1], iov, 2, 0x100), EINVAL);
    CHECK_ERR(vmsplice(file, iov, 2, 0), EBADF);
    CHECK_ERR(vmsplice(999, iov, 2, 0), EBADF);
    CHECK(vmsplice(p[1], iov, 0, 0) == 0);
    CHECK(vmsplice(p[1], iov, 2, 0) == 4);
    char out[4];
    struct iovec back = {out, sizeof out};
    CHECK(vmsplice(p[0], &back, 1, 0) == 4 && memcmp(out, "abcd", 4) == 0);
    CHECK_ERR(vmsplice(p[0], &back, 1, SPLICE_F_NONBLOCK), EAGAIN);

    // fallocate.
    CHECK_ERR(fallocate(file, 0, -1, 10), EINVAL);
    CHECK_ERR(fallocate(file, 0, 0, 0), EINVAL);
    CHECK_ERR(fallocate(file, 0x1000, 0, 10), EOPNOTSUPP);
    CHECK_ERR(fallocate(file, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);
    CHECK_ERR(fallocate(file, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, 10), EOPNOTSUPP); // EINVAL before 6.11
    CHECK_ERR(fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 10), EOPNOTSUPP);
    CHECK_ERR(fallocate(999, 0, 0, 10), EBADF);
    int reader = open(path, O_RDONLY);
    CHECK_ERR(fallocate(reader, 0, 0, 10), EBADF);
    CHECK_ERR(fallocate(p[1], 0, 0, 10), ESPIPE);
    CHECK_ERR(fallocate(file, 0, LLONG_MAX - 5, 10), EFBIG);
    struct stat st;
    CHECK(fallocate(file, FALLOC_FL_KEEP_SIZE, 0, 8192) == 0);
    CHECK(fstat(file, &st) == 0 && st.st_size == 13);
    CHECK(fallocate(file, 0, 0, 8192) == 0);
    CHECK(fstat(file, &st) == 0 && st.st_size == 8192);
    CHECK(fallocate(file, 0, 0, 100) == 0); // never shrinks
    CHECK(fstat(file, &st) == 0 && st.st_size == 8192);
    CHECK(fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 1, 3) == 0);
    CHECK(pread(reader, buffer, 6, 0) == 6 && memcmp(buffer, "i\0\0\0o,", 6) == 0);
    CHECK(unlink(path) == 0);
    puts("splice ok");
    return 0;
}
