// A first guest program: it prints, writes a file, forks a child that reads the file back, and
// waits for it. Built static, it runs unmodified under Asterix as on Linux; see hello.sh for
// the commands that run, trace and record it.

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    const char* path = argc > 1 ? argv[1] : "/tmp/hello.txt";
    printf("hello from pid %d\n", getpid());
    fflush(stdout); // else the child inherits the unwritten line when stdout is a pipe

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    const char text[] = "written by the parent\n";
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0) {
        perror("write");
        return 1;
    }

    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        char buffer[64] = {0};
        fd = open(path, O_RDONLY);
        ssize_t n = fd < 0 ? -1 : read(fd, buffer, sizeof buffer - 1);
        if (n <= 0)
            _exit(2);
        printf("child %d read: %s", getpid(), buffer);
        fflush(stdout); // _exit does not flush stdio
        _exit(7);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
        perror("waitpid");
        return 1;
    }
    printf("child exited with %d\n", WEXITSTATUS(status));
    unlink(path);
    return 0;
}
