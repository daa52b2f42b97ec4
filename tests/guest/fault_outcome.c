// What a fault means is decided for that fault alone, and the guest sees Linux's siginfo for it:
// SIGSEGV with SEGV_MAPERR where nothing is mapped, SEGV_ACCERR where a mapping forbids the
// access, SIGBUS with BUS_ADRERR past the end of a mapped file, si_addr the faulting address.
// A write() from a page of a file mapping past EOF fails with EFAULT and leaves nothing behind:
// a later NULL dereference is still SIGSEGV, in the same process and in a child (a kernel that
// remembered the bus error killed it with SIGBUS).
#include "check.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static sigjmp_buf jump;
static volatile int caught_sig, caught_code;
static void *volatile caught_addr;

static void leave(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    caught_sig = sig;
    caught_code = si->si_code;
    caught_addr = si->si_addr;
    siglongjmp(jump, 1);
}

static void expect_fault(const char *what, volatile char *addr, int is_write, int sig, int code)
{
    caught_sig = 0;
    if (sigsetjmp(jump, 1) == 0) {
        if (is_write)
            *addr = 1;
        else
            (void)*addr;
        fprintf(stderr, "%s: no fault\n", what);
        exit(1);
    }
    if (caught_sig != sig || caught_code != code || caught_addr != (void *)addr) {
        fprintf(stderr, "%s at %p: got signal %d code %d addr %p, want signal %d code %d\n", what,
                (void *)addr, caught_sig, caught_code, caught_addr, sig, code);
        exit(1);
    }
}

/* A write() whose source lies past the end of a mapped file copies nothing: EFAULT. */
static void write_from_past_eof(char *source)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_ERR(write(fds[1], source, 16), EFAULT);
    close(fds[0]);
    close(fds[1]);
}

/* In a child with SIGSEGV at its default action: a write() from past EOF, then a NULL read.
 * The child must die by SIGSEGV. */
static void check_child_dies_by_segv(char *past_eof)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        alarm(20); /* never outlive the test */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        write_from_past_eof(past_eof);
        (void)*(volatile char *)NULL;
        _exit(3);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
        fprintf(stderr, "child: status %#x, want death by SIGSEGV (%d)\n", status, SIGSEGV);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = leave;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGBUS, &sa, NULL) == 0);
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    char path[] = "/tmp/fault-outcome.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(unlink(path) == 0);
    CHECK(write(fd, "x", 1) == 1); /* the file's first page only */
    char *priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(priv != MAP_FAILED);
    char *shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(shared != MAP_FAILED);

    /* The bug: the EFAULT of a user copy must not turn a later fault into SIGBUS. */
    check_child_dies_by_segv(priv + PAGE);
    write_from_past_eof(priv + PAGE);
    expect_fault("NULL read after EFAULT", NULL, 0, SIGSEGV, SEGV_MAPERR);
    write_from_past_eof(shared + PAGE + 100);
    expect_fault("NULL write after EFAULT", NULL, 1, SIGSEGV, SEGV_MAPERR);

    /* Nothing mapped: SEGV_MAPERR, at the exact address. Everything this test maps is mapped
     * before the hole is made, so that no later mapping lands in it. */
    char *ro = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    char *none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(none != MAP_FAILED);
    char *gone = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED);
    CHECK(munmap(gone, PAGE) == 0);
    expect_fault("read of an unmapped page", gone + 123, 0, SIGSEGV, SEGV_MAPERR);
    expect_fault("write to an unmapped page", gone + 7, 1, SIGSEGV, SEGV_MAPERR);

    /* A mapping that forbids the access: SEGV_ACCERR, touched or not. */
    expect_fault("write to an untouched read-only page", ro + PAGE + 9, 1, SIGSEGV, SEGV_ACCERR);
    CHECK(ro[5] == 0);
    expect_fault("write to a read-only page", ro + 5, 1, SIGSEGV, SEGV_ACCERR);
    expect_fault("read of a PROT_NONE page", none + 64, 0, SIGSEGV, SEGV_ACCERR);

    /* Past the end of a shared file mapping: SIGBUS, BUS_ADRERR; then plain SIGSEGV again. */
    expect_fault("read past EOF", shared + PAGE + 10, 0, SIGBUS, BUS_ADRERR);
    expect_fault("read of an unmapped page after SIGBUS", gone, 0, SIGSEGV, SEGV_MAPERR);
    expect_fault("write to a read-only page after SIGBUS", ro, 1, SIGSEGV, SEGV_ACCERR);
    check_child_dies_by_segv(shared + PAGE);

    /* The part of the file that exists still reads and writes. */
    CHECK(priv[0] == 'x' && shared[0] == 'x');
    shared[1] = 'y';
    CHECK(shared[1] == 'y');

    CHECK(munmap(priv, 2 * PAGE) == 0);
    CHECK(munmap(shared, 2 * PAGE) == 0);
    CHECK(munmap(ro, 2 * PAGE) == 0);
    CHECK(munmap(none, PAGE) == 0);
    close(fd);
    printf("fault_outcome: ok\n");
    return 0;
}
