/* Linux native AIO: io_setup, io_submit, io_getevents, io_pgetevents, io_cancel, io_destroy,
 * with their errors, and contexts not inherited by fork. */
#include "check.h"
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long io_setup(unsigned nr, aio_context_t *ctx) { return syscall(SYS_io_setup, nr, ctx); }
static long io_destroy(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static long io_submit(aio_context_t ctx, long nr, struct iocb **iocbs) { return syscall(SYS_io_submit, ctx, nr, iocbs); }
static long io_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events, struct timespec *timeout)
{
    return syscall(SYS_io_getevents, ctx, min_nr, nr, events, timeout);
}
static long io_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result)
{
    return syscall(SYS_io_cancel, ctx, iocb, result);
}

static struct iocb make_iocb(int fd, int opcode, void *buf, size_t len, long long offset, unsigned long long data)
{
    struct iocb cb;
    memset(&cb, 0, sizeof cb);
    cb.aio_fildes = (unsigned)fd;
    cb.aio_lio_opcode = (unsigned short)opcode;
    cb.aio_buf = (unsigned long)buf;
    cb.aio_nbytes = len;
    cb.aio_offset = offset;
    cb.aio_data = data;
    cb.aio_key = 0x1234; /* io_submit overwrites it */
    return cb;
}

int main(void)
{
    aio_context_t ctx = 0;
    /* io_setup's errors. */
    CHECK_ERR(io_setup(0, &ctx), EINVAL);
    CHECK_ERR(io_setup(8, BAD_PTR), EFAULT);
    aio_context_t nonzero = 1;
    CHECK_ERR(io_setup(8, &nonzero), EINVAL);
    CHECK_ERR(io_setup(1u << 23, &ctx), EINVAL);
    CHECK_ERR(io_setup(1u << 20, &ctx), EAGAIN);
    CHECK(ctx == 0);
    CHECK(io_setup(16, &ctx) == 0);
    CHECK(ctx != 0);

    char path[] = "/tmp/aio_test_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);

    /* PWRITE then PREAD, completing in one call or later; events carry data and obj. */
    char out[] = "hello aio";
    char in[16] = {0};
    struct iocb w = make_iocb(fd, IOCB_CMD_PWRITE, out, 9, 0, 11);
    struct iocb *list[2] = {&w, NULL};
    CHECK(io_submit(ctx, 1, list) == 1);
    CHECK(w.aio_key == 0);
    struct io_event ev[4];
    struct timespec ts = {5, 0};
    CHECK(io_getevents(ctx, 1, 4, ev, &ts) == 1);
    CHECK(ev[0].data == 11 && ev[0].obj == (uintptr_t)&w && ev[0].res == 9 && ev[0].res2 == 0);

    struct iocb r = make_iocb(fd, IOCB_CMD_PREAD, in, sizeof in, 0, 22);
    struct iocb s = make_iocb(fd, IOCB_CMD_FSYNC, NULL, 0, 0, 33);
    struct iocb *two[2] = {&r, &s};
    CHECK(io_submit(ctx, 2, two) == 2);
    CHECK(io_getevents(ctx, 2, 4, ev, &ts) == 2);
    CHECK(ev[0].data == 22 && ev[0].res == 9 && memcmp(in, "hello aio", 9) == 0);
    CHECK(ev[1].data == 33 && ev[1].res == 0);

    /* PWRITEV / PREADV / FDSYNC. */
    char a[] = "ab", b[] = "cd", x[2], y[2];
    struct iovec wv[2] = {{a, 2}, {b, 2}}, rv[2] = {{x, 2}, {y, 2}};
    struct iocb wvc = make_iocb(fd, IOCB_CMD_PWRITEV, wv, 2, 100, 44);
    struct iocb rvc = make_iocb(fd, IOCB_CMD_PREADV, rv, 2, 100, 55);
    struct iocb fds = make_iocb(fd, IOCB_CMD_FDSYNC, NULL, 0, 0, 66);
    struct iocb *three[3] = {&wvc, &rvc, &fds};
    CHECK(io_submit(ctx, 3, three) == 3);
    CHECK(io_getevents(ctx, 3, 3, ev, NULL) == 3);
    CHECK(ev[0].res == 4 && ev[1].res == 4 && ev[2].res == 0);
    CHECK(memcmp(x, "ab", 2) == 0 && memcmp(y, "cd", 2) == 0);

    /* Nothing left: a zero timeout returns at once, a short one after it passes. */
    struct timespec zero = {0, 0};
    CHECK(io_getevents(ctx, 0, 4, ev, &zero) == 0);
    CHECK(io_getevents(ctx, 1, 4, ev, &zero) == 0);
    struct timespec shortwait = {0, 20 * 1000 * 1000};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(io_getevents(ctx, 1, 4, ev, &shortwait) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) >= 15 * 1000 * 1000);
    CHECK(syscall(SYS_io_pgetevents, ctx, 0, 4, ev, &zero, NULL) == 0);

    /* io_getevents' errors. */
    CHECK_ERR(io_getevents(ctx, 2, 1, ev, &zero), EINVAL);
    CHECK_ERR(io_getevents(ctx, -1, 1, ev, &zero), EINVAL);
    CHECK_ERR(io_getevents(ctx + 4096 * 16, 0, 1, ev, &zero), EINVAL);
    CHECK_ERR(io_getevents(ctx, 0, 1, ev, BAD_PTR), EFAULT);

    /* io_submit's errors: a bad context, a negative count, bad pointers, descriptors, opcodes
     * and reserved fields. A failure after a success reports the successes. */
    CHECK_ERR(io_submit(ctx, -1, list), EINVAL);
    CHECK_ERR(io_submit(0, 1, list), EINVAL);
    CHECK(io_submit(ctx, 0, list) == 0);
    CHECK_ERR(io_submit(ctx, 1, BAD_PTR), EFAULT);
    struct iocb *badptr[1] = {BAD_PTR};
    CHECK_ERR(io_submit(ctx, 1, badptr), EFAULT);
    struct iocb badfd = make_iocb(999, IOCB_CMD_PREAD, in, 1, 0, 0);
    list[0] = &badfd;
    CHECK_ERR(io_submit(ctx, 1, list), EBADF);
    struct iocb badop = make_iocb(fd, 42, in, 1, 0, 0);
    list[0] = &badop;
    CHECK_ERR(io_submit(ctx, 1, list), EINVAL);
    struct iocb reserved = make_iocb(fd, IOCB_CMD_PREAD, in, 1, 0, 0);
    reserved.aio_reserved2 = 1;
    list[0] = &reserved;
    CHECK_ERR(io_submit(ctx, 1, list), EINVAL);
    struct iocb badsync = make_iocb(fd, IOCB_CMD_FSYNC, in, 1, 0, 0);
    list[0] = &badsync;
    CHECK_ERR(io_submit(ctx, 1, list), EINVAL);
    int rdonly = open("/proc/self/exe", O_RDONLY);
    CHECK(rdonly >= 0);
    struct iocb wronly = make_iocb(rdonly, IOCB_CMD_PWRITE, out, 1, 0, 0);
    list[0] = &wronly;
    CHECK_ERR(io_submit(ctx, 1, list), EBADF);
    struct iocb good = make_iocb(fd, IOCB_CMD_PREAD, in, 1, 0, 77);
    struct iocb *mixed[2] = {&good, &badop};
    CHECK(io_submit(ctx, 2, mixed) == 1);
    CHECK(io_getevents(ctx, 1, 4, ev, &ts) == 1 && ev[0].data == 77);

    /* A transfer error is the event's result, not io_submit's. */
    struct iocb fault = make_iocb(fd, IOCB_CMD_PREAD, BAD_PTR, 4, 0, 88);
    list[0] = &fault;
    CHECK(io_submit(ctx, 1, list) == 1);
    CHECK(io_getevents(ctx, 1, 4, ev, &ts) == 1 && ev[0].data == 88 && ev[0].res == -EFAULT);

    /* IOCB_FLAG_RESFD: each completion adds 1 to the eventfd; a descriptor that is not open
     * is EBADF, one that is not an eventfd EINVAL. */
    int efd = eventfd(0, EFD_NONBLOCK);
    CHECK(efd >= 0);
    struct iocb r1 = make_iocb(fd, IOCB_CMD_PREAD, in, 4, 0, 90), r2 = make_iocb(fd, IOCB_CMD_PREAD, in, 4, 0, 91);
    r1.aio_flags = r2.aio_flags = IOCB_FLAG_RESFD;
    r1.aio_resfd = r2.aio_resfd = efd;
    struct iocb *pair[2] = {&r1, &r2};
    CHECK(io_submit(ctx, 2, pair) == 2);
    CHECK(io_getevents(ctx, 2, 4, ev, &ts) == 2);
    uint64_t completions = 0;
    CHECK(read(efd, &completions, sizeof completions) == sizeof completions && completions == 2);
    r1.aio_resfd = 9999;
    list[0] = &r1;
    CHECK_ERR(io_submit(ctx, 1, list), EBADF);
    r1.aio_resfd = fd;
    CHECK_ERR(io_submit(ctx, 1, list), EINVAL);
    CHECK_ERR(read(efd, &completions, sizeof completions), EAGAIN);
    close(efd);

    /* io_cancel of a finished request: EINVAL; a bad key or context too. */
    struct io_event cancelled;
    CHECK_ERR(io_cancel(ctx, &good, &cancelled), EINVAL);
    good.aio_key = 5;
    CHECK_ERR(io_cancel(ctx, &good, &cancelled), EINVAL);
    CHECK_ERR(io_cancel(ctx, BAD_PTR, &cancelled), EFAULT);

    /* A fork's child does not have the context. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (io_getevents(ctx, 0, 1, ev, &zero) != -1 || errno != EINVAL)
            _exit(2);
        if (io_destroy(ctx) != -1 || errno != EINVAL)
            _exit(3);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* io_destroy; the context is gone after it. */
    CHECK(io_destroy(ctx) == 0);
    CHECK_ERR(io_destroy(ctx), EINVAL);
    CHECK_ERR(io_getevents(ctx, 0, 1, ev, &zero), EINVAL);
    close(fd);
    printf("aio ok\n");
    return 0;
}
