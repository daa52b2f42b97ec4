// A signal frame never goes below the alternate signal stack (Linux's get_sigframe): nested
// handlers on a one-page alternate stack run until the next frame would not fit, and then the
// process dies of SIGSEGV, with the page below the alternate stack untouched.
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static volatile int depth;

static void nest(int sig)
{
    depth++;
    raise(sig); /* SA_NODEFER: the next frame goes below this one, on the alternate stack */
}

int main(void)
{
    /* Three shared pages: the one below the alternate stack, the stack, the one above. */
    unsigned char *pages = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(pages != MAP_FAILED);
    memset(pages, 0xcc, 3 * PAGE);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        stack_t ss = {.ss_sp = pages + PAGE, .ss_size = PAGE, .ss_flags = 0};
        CHECK(sigaltstack(&ss, NULL) == 0);
        struct sigaction sa = {0};
        sa.sa_handler = nest;
        sa.sa_flags = SA_ONSTACK | SA_NODEFER;
        CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
        raise(SIGUSR1);
        _exit(3); /* not reached: the nesting ends in SIGSEGV */
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    for (int i = 0; i < PAGE; i++)
        CHECK(pages[i] == 0xcc); /* below the alternate stack */
    int used = 0;
    for (int i = PAGE; i < 2 * PAGE; i++)
        used += pages[i] != 0xcc;
    CHECK(used > PAGE / 4); /* the frames were on the alternate stack */
    printf("sigaltstack_overflow: ok\n");
    return 0;
}
