// Named pipes (fifo(7)): open semantics on both ends, data through them across processes,
// O_RDWR, and FIFOs in a directory of the guest (hostfs here).
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char path[] = "/tmp/fifo-test.XXXXXX";
    CHECK(mkdtemp(path) != NULL);
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/f", path);
    CHECK(mkfifo(fifo, 0600) == 0);
    struct stat st;
    CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(mkfifo(fifo, 0600) == -1 && errno == EEXIST);

    /* O_NONBLOCK: the write side fails without a reader, the read side opens at once. */
    CHECK(open(fifo, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO);
    int reader = open(fifo, O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0);
    int writer = open(fifo, O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0);
    CHECK(write(writer, "abc", 3) == 3);
    char buf[16];
    CHECK(read(reader, buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0);
    CHECK(read(reader, buf, sizeof buf) == -1 && errno == EAGAIN);
    close(writer);
    CHECK(read(reader, buf, sizeof buf) == 0); /* EOF once the writer is gone */
    close(reader);

    /* Blocking opens meet: a child writes, the parent reads. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int w = open(fifo, O_WRONLY); /* waits for the reader */
        if (w < 0 || write(w, "from child", 10) != 10)
            _exit(1);
        _exit(0);
    }
    int r = open(fifo, O_RDONLY); /* waits for the writer */
    CHECK(r >= 0);
    ssize_t n = 0, got;
    while ((got = read(r, buf + n, sizeof buf - n)) > 0)
        n += got;
    CHECK(n == 10 && memcmp(buf, "from child", 10) == 0);
    close(r);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* O_RDWR opens both ends at once (a Linux behaviour). */
    int both = open(fifo, O_RDWR);
    CHECK(both >= 0);
    CHECK(write(both, "xy", 2) == 2);
    CHECK(read(both, buf, 2) == 2 && memcmp(buf, "xy", 2) == 0);
    close(both);

    CHECK(unlink(fifo) == 0);
    CHECK(rmdir(path) == 0);
    puts("fifo: ok");
    return 0;
}
