// On systrap with syscall patching, a `mov $N, %eax; syscall` site that trapped is patched
// in the process's private copy of the page (a jump through the trampoline table, which
// leaves an invalid opcode where the syscall instruction was), never in the file: read(2) of
// the program and a new process running it still see the file's bytes. A site called only
// with the trap flag set (a single-stepping program) is not patched, and neither is a site in
// a traced process, whose sites a tracer's attach puts back as the file has them.
// native: skip
// platform: systrap
// asterix-args: --syscall-patching=on
#define _GNU_SOURCE
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "file_offset.h"

long site_a(void);
long site_b(void);
long site_c(void);
long call_b_single_stepping(void);
__asm__(".text\n"
        ".globl site_a\n"
        "site_a:\n"
        "    mov $39, %eax\n"
        "    syscall\n"
        "    ret\n"
        ".globl site_b\n"
        "site_b:\n"
        "    mov $39, %eax\n"
        "    syscall\n"
        "    ret\n"
        ".globl site_c\n"
        "site_c:\n"
        "    mov $39, %eax\n"
        "    syscall\n"
        "    ret\n"
        ".globl call_b_single_stepping\n"
        "call_b_single_stepping:\n"
        "    pushf\n"
        "    orl $0x100, (%rsp)\n"
        "    popf\n"
        "    call site_b\n"
        "    pushf\n"
        "    andl $~0x100, (%rsp)\n"
        "    popf\n"
        "    ret\n");

static const unsigned char original[7] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05};
static volatile sig_atomic_t steps;

static void on_trap(int sig)
{
    (void)sig;
    steps++;
}

static int is_patched(const unsigned char *p)
{
    return p[0] == 0xff && p[1] == 0x24 && p[2] == 0x25 && p[5] == 0x06 && p[6] == 0x00;
}

int main(int argc, char **argv)
{
    const unsigned char *a = (const unsigned char *)site_a;
    const unsigned char *b = (const unsigned char *)site_b;
    if (argc > 1) {
        /* The new process: its pages come from the file, unpatched until it calls. */
        CHECK(memcmp(a, original, 7) == 0);
        CHECK(site_a() == getpid());
        CHECK(is_patched(a));
        return 0;
    }
    pid_t pid = getpid();
    CHECK(memcmp(a, original, 7) == 0);
    CHECK(site_a() == pid);
    CHECK(is_patched(a));
    CHECK(site_a() == pid);

    off_t offset = file_offset_of(a);
    CHECK(offset >= 0);
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    unsigned char bytes[7];
    CHECK(pread(fd, bytes, sizeof bytes, offset) == (ssize_t)sizeof bytes);
    if (memcmp(bytes, original, 7) != 0)
        fprintf(stderr, "file at %#lx: %02x %02x %02x %02x %02x %02x %02x\n", (long)offset, bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6]);
    CHECK(memcmp(bytes, original, 7) == 0);
    close(fd);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        execl("/proc/self/exe", argv[0], "child", (char *)NULL);
        _exit(127);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A traced process: the site patched before the attach is put back, and a site it
     * calls while traced is not patched. */
    const unsigned char *c = (const unsigned char *)site_c;
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0 || raise(SIGSTOP) != 0)
            _exit(10);
        if (memcmp(a, original, 7) != 0)
            _exit(11);
        for (int i = 0; i < 3; i++) {
            if (site_c() != getpid() || site_a() != getpid())
                _exit(12);
        }
        _exit(memcmp(c, original, 7) == 0 && memcmp(a, original, 7) == 0 ? 0 : 13);
    }
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    CHECK(ptrace(PTRACE_CONT, child, NULL, NULL) == 0);
    CHECK(waitpid(child, &status, 0) == child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "traced child: status %#x\n", status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(is_patched(a)); /* the parent's own copy stays patched */

    /* Single-stepping: the site works and stays as it is. */
    struct sigaction sa = {0};
    sa.sa_handler = on_trap;
    CHECK(sigaction(SIGTRAP, &sa, NULL) == 0);
    for (int i = 0; i < 3; i++)
        CHECK(call_b_single_stepping() == pid);
    CHECK(steps > 0);
    CHECK(memcmp(b, original, 7) == 0);
    /* Once the program stops stepping, the site gets patched, and stepping through the
     * patched site still makes the call. */
    CHECK(site_b() == pid);
    CHECK(is_patched(b));
    CHECK(call_b_single_stepping() == pid);
    CHECK(site_b() == pid);
    puts("ok");
    return 0;
}
