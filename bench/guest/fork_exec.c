// fork_exec [N]: N times fork a child that execs /bin/true, and wait for it; prints
// "RESULT fork_exec ns_per_op=X". The cost of starting a (dynamically linked) program.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200;
    if (n <= 0)
        return 2;
    char *const args[] = {"/bin/true", NULL};
    char *const env[] = {NULL};
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            execve(args[0], args, env);
            _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return 1;
    }
    printf("RESULT fork_exec ns_per_op=%.1f n=%ld\n", (now_ns() - t0) / n, n);
    return 0;
}
