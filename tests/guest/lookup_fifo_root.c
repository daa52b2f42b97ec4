// A lookup keeps its state to itself: while thread A blocks in openat2(RESOLVE_IN_ROOT) of a
// FIFO that has no writer, thread B still resolves absolute paths from the process's root
// ("/etc/passwd" opens, "/" is the real root), and as root B's chroot() holds after A's open
// returns. A is released when B opens the FIFO for writing. alarm() ends a hang.
#include "check.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int dfd;
static atomic_int is_opening;
static long opened_fd = -2;
static int opened_errno;

static void *thread_a(void *unused)
{
    (void)unused;
    struct open_how how = {.flags = O_RDONLY, .mode = 0, .resolve = RESOLVE_IN_ROOT};
    atomic_store(&is_opening, 1);
    opened_fd = syscall(SYS_openat2, dfd, "/fifo", &how, sizeof how); /* blocks: no writer yet */
    opened_errno = errno;
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int is_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

int main(void)
{
    alarm(30);
    char dir[] = "/tmp/lookup-fifo.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    struct stat root_before, dir_st;
    CHECK(stat("/", &root_before) == 0 && stat(dir, &dir_st) == 0);
    int has_passwd = access("/etc/passwd", R_OK) == 0;

    pthread_t a;
    CHECK(pthread_create(&a, NULL, thread_a, NULL) == 0);
    while (!atomic_load(&is_opening))
        sleep_ms(1);
    sleep_ms(200); /* let A reach its wait in the open */
    CHECK(opened_fd == -2); /* A is still blocked */

    /* B: absolute paths still start at the process's root. */
    if (has_passwd) {
        int fd = open("/etc/passwd", O_RDONLY);
        CHECK(fd >= 0);
        close(fd);
    }
    int root_fd = open("/", O_RDONLY | O_DIRECTORY);
    CHECK(root_fd >= 0);
    struct stat st;
    CHECK(fstat(root_fd, &st) == 0 && is_same_file(&st, &root_before));

    /* As root, B's chroot() while A blocks must outlive A's open. */
    int is_root = geteuid() == 0;
    if (is_root) {
        CHECK(fchdir(dfd) == 0 && chroot(".") == 0);
        CHECK(stat("/", &st) == 0 && is_same_file(&st, &dir_st));
    } else {
        printf("not root: the chroot part is skipped\n");
    }

    /* Release A: a writer meets its reader. */
    int writer = openat(dfd, "fifo", O_WRONLY);
    CHECK(writer >= 0);
    CHECK(pthread_join(a, NULL) == 0);
    errno = opened_errno;
    CHECK(opened_fd >= 0);
    CHECK(fstat((int)opened_fd, &st) == 0 && S_ISFIFO(st.st_mode));
    close((int)opened_fd);
    close(writer);

    if (is_root) {
        CHECK(stat("/", &st) == 0 && is_same_file(&st, &dir_st)); /* still chrooted */
        CHECK(fchdir(root_fd) == 0 && chroot(".") == 0);
    }
    CHECK(stat("/", &st) == 0 && is_same_file(&st, &root_before));
    close(root_fd);
    close(dfd);
    CHECK(unlink(fifo) == 0 && rmdir(dir) == 0);
    printf("lookup state stays with the lookup: ok\n");
    return 0;
}
