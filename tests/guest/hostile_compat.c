// A guest that far-returns into 32-bit compatibility mode (selector 0x23 on Linux) and touches
// a page it has not touched yet must not stop the kernel: Linux runs the code (it faults the
// page in, then ud2 raises SIGILL). Under asterix the child either runs the same way or is
// killed with a signal, and the parent, another guest process, keeps being served meanwhile
// (the kernel once resumed its stub in 32-bit mode forever).
#include "check.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static void enter_compat_mode(void)
{
    /* Code and data below 4 GiB, where 32-bit code can reach them (at fixed addresses: the
     * program is static and not position independent, so they are free). */
    uint8_t *code = mmap((void *)0x30000000, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    uint8_t *data = mmap((void *)0x30010000, PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(code == (void *)0x30000000 && data == (void *)0x30010000);
    uint32_t target = (uint32_t)(uintptr_t)data;
    uint8_t *p = code;
    *p++ = 0xbb; /* mov $data, %ebx */
    memcpy(p, &target, 4);
    p += 4;
    /* movl $1, %ss:(%ebx), the first touch: ds is the null selector, which compatibility mode
     * cannot use, and ss is the flat user data segment (the prefix means nothing in 64-bit mode). */
    const uint8_t store[] = {0x36, 0xc7, 0x03, 0x01, 0x00, 0x00, 0x00};
    memcpy(p, store, sizeof store);
    p += sizeof store;
    *p++ = 0x0f; /* ud2 */
    *p++ = 0x0b;
    uint64_t entry = (uint64_t)(uintptr_t)code;
    asm volatile("pushq $0x23\n\t"
                 "pushq %0\n\t"
                 "lretq" ::"r"(entry)
                 : "memory");
    __builtin_unreachable();
}

int main(void)
{
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        signal(SIGILL, SIG_DFL);
        enter_compat_mode();
    }
    /* Poll with short sleeps: each one needs the kernel, so a stuck kernel shows as a timeout. */
    int status = 0;
    pid_t got = 0;
    for (int i = 0; i < 2000 && got == 0; i++) {
        got = waitpid(child, &status, WNOHANG);
        CHECK(got >= 0);
        if (got == 0)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, 0);
    }
    if (got == 0) {
        fprintf(stderr, "hostile_compat: the 32-bit child did not end within 20 s\n");
        kill(child, SIGKILL);
        return 1;
    }
    CHECK(WIFSIGNALED(status));
    int sig = WTERMSIG(status);
    printf("hostile_compat: the 32-bit child ended with signal %d (%s)\n", sig, strsignal(sig));
    CHECK(sig == SIGILL || sig == SIGSEGV || sig == SIGKILL);
    /* Still served: a fork and a wait work. */
    pid_t again = fork();
    CHECK(again >= 0);
    if (again == 0)
        _exit(7);
    CHECK(waitpid(again, &status, 0) == again && WIFEXITED(status) && WEXITSTATUS(status) == 7);
    return 0;
}
