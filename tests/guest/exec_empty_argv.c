/* execve with an empty argv (or a NULL one): the new program gets argc 1 and an empty
 * argv[0], as Linux gives since 5.18. */
#include "check.h"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (getenv("EXEC_EMPTY_ARGV_CHILD")) {
        if (argc != 1 || argv[0] == NULL || argv[0][0] != '\0' || argv[1] != NULL) {
            fprintf(stderr, "child: argc %d argv[0] %s\n", argc, argv[0] ? argv[0] : "(null)");
            return 3;
        }
        return 0;
    }
    alarm(30);
    char *const empty_argv[] = {NULL};
    char *const child_env[] = {"EXEC_EMPTY_ARGV_CHILD=1", NULL};
    for (int use_null = 0; use_null < 2; use_null++) {
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            /* The raw call: glibc's execve is declared to take a non-null argv. */
            syscall(SYS_execve, "/proc/self/exe", use_null ? NULL : empty_argv, child_env);
            _exit(2);
        }
        int status;
        CHECK(waitpid(child, &status, 0) == child);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "exec with %s argv: status %#x\n", use_null ? "a NULL" : "an empty", status);
            return 1;
        }
    }
    puts("exec_empty_argv ok");
    return 0;
}
