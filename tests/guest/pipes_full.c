// Pipe contents take memory, not a fixed kernel pool: four processes each fill 400 pipes to
// their 64 KiB capacity (100 MiB in all, held at once: more than the bare-metal kernel heap),
// then read every pipe back and check its bytes; nothing fails and the kernel stays up.
#include "check.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROCESSES 4
#define PIPES 400
#define CAPACITY 65536

static int fill_and_drain(int id, int ready_fd, int go_fd)
{
    static int fds[PIPES][2];
    static unsigned char buffer[CAPACITY];
    for (int i = 0; i < PIPES; i++) {
        CHECK(pipe2(fds[i], O_NONBLOCK) == 0);
        memset(buffer, (unsigned char)(id * 31 + i), sizeof buffer);
        ssize_t n = write(fds[i][1], buffer, sizeof buffer);
        CHECK(n == CAPACITY);
        CHECK(write(fds[i][1], buffer, 1) == -1 && errno == EAGAIN); /* full */
    }
    char c = 'r';
    CHECK(write(ready_fd, &c, 1) == 1);
    CHECK(read(go_fd, &c, 1) == 1); /* every process holds its pipes full until all are */
    for (int i = 0; i < PIPES; i++) {
        ssize_t n = read(fds[i][0], buffer, sizeof buffer);
        CHECK(n == CAPACITY);
        for (int j = 0; j < CAPACITY; j += 4093)
            CHECK(buffer[j] == (unsigned char)(id * 31 + i));
        close(fds[i][0]);
        close(fds[i][1]);
    }
    return 0;
}

int main(void)
{
    int ready[2], go[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    pid_t children[PROCESSES];
    for (int p = 0; p < PROCESSES; p++) {
        children[p] = fork();
        CHECK(children[p] >= 0);
        if (children[p] == 0)
            _exit(fill_and_drain(p, ready[1], go[0]));
    }
    char c;
    for (int p = 0; p < PROCESSES; p++)
        CHECK(read(ready[0], &c, 1) == 1);
    for (int p = 0; p < PROCESSES; p++)
        CHECK(write(go[1], "g", 1) == 1);
    for (int p = 0; p < PROCESSES; p++) {
        int status;
        CHECK(waitpid(children[p], &status, 0) == children[p]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    printf("pipes_full: ok (%d MiB in pipes at once)\n", PROCESSES * PIPES * CAPACITY >> 20);
    return 0;
}
