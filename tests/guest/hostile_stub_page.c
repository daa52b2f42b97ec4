// The stub's data page (just above guest user space) is mapped in every address space, so a
// guest can read and write it. The kernel must rely on nothing it finds there: garbage written
// into it changes nothing (the munmap below still takes effect), and after a batch the page
// holds none of the batch (no offsets of physical memory). The stub's code page cannot be
// written. Only meaningful under asterix hosted (natively and on bare metal nothing is mapped
// there, and only the checks on the code page's address apply).
// native: skip
#include "check.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096
#define STUB_CODE 0x7ffffff00000UL
#define STUB_DATA 0x7ffffff01000UL

static sigjmp_buf fault_jump;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(fault_jump, 1);
}

static int faults_on_read(volatile uint8_t *p)
{
    if (sigsetjmp(fault_jump, 1))
        return 1;
    (void)*p;
    return 0;
}

static int faults_on_write(volatile uint8_t *p)
{
    if (sigsetjmp(fault_jump, 1))
        return 1;
    *p = 0xcc;
    return 0;
}

int main(void)
{
    struct sigaction segv = {0};
    segv.sa_handler = on_segv;
    CHECK(sigaction(SIGSEGV, &segv, 0) == 0);
    volatile uint8_t *data = (volatile uint8_t *)STUB_DATA;
    int has_stub = !faults_on_read(data);
    if (!has_stub) {
        CHECK(mmap((void *)STUB_CODE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
        printf("hostile_stub_page: no stub here\n");
        return 0;
    }

    /* Garbage everywhere the stub looks: a huge count and ops that would unmap everything. */
    for (int i = 0; i < PAGE; i++)
        data[i] = 0xff;
    for (int i = 0; i < PAGE; i += 8)
        *(volatile uint64_t *)(data + i) = (i % 64 == 0) ? SYS_munmap : 0;
    *(volatile uint64_t *)data = ~0ull;

    char *p = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 'x', 4 * PAGE);
    CHECK(munmap(p, 4 * PAGE) == 0);
    for (int i = 0; i < 4; i++)
        CHECK(faults_on_read((volatile uint8_t *)p + i * PAGE));

    /* Nothing of the last batch is left to read. */
    for (int i = 0; i < PAGE; i++) {
        if (data[i] != 0) {
            fprintf(stderr, "hostile_stub_page: byte %d of the stub's data page is %#x after a batch\n", i, data[i]);
            return 1;
        }
    }

    /* The code page is read-only and out of reach of the guest's memory calls. */
    CHECK(faults_on_write((volatile uint8_t *)STUB_CODE));
    CHECK(mprotect((void *)STUB_CODE, PAGE, PROT_READ | PROT_WRITE) == -1);
    CHECK(munmap((void *)STUB_CODE, PAGE) == -1);
    CHECK(mmap((void *)STUB_CODE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    printf("hostile_stub_page: the stub's pages hold nothing the kernel trusts\n");
    return 0;
}
