/* mseal(2) over the brk heap, as Linux 6.10 and later: the sealed heap cannot shrink (brk
 * returns the old break; a move within the last page still works), be unmapped, reprotected
 * or moved (EPERM), but writable private memory may still be discarded (MADV_DONTNEED); the
 * heap grows past the seal with new pages that are not sealed and may go again. The break is
 * moved by raw brk calls, so the test uses no stdio or malloc (glibc caches the break). */
#include "check.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL
#define SYS_mseal_ 462

static uintptr_t set_brk(uintptr_t addr) { return (uintptr_t)syscall(SYS_brk, addr); }

static void say(const char *text) { CHECK(write(1, text, strlen(text)) == (ssize_t)strlen(text)); }

int main(void)
{
    uintptr_t base = (set_brk(0) + PAGE - 1) & ~(PAGE - 1);
    CHECK(set_brk(base + 4 * PAGE) == base + 4 * PAGE);
    volatile char *heap = (volatile char *)base;
    for (int i = 0; i < 4; ++i)
        heap[i * PAGE] = (char)(i + 1);

    errno = 0;
    if (syscall(SYS_mseal_, base, 4 * PAGE, 0) != 0) {
        CHECK(errno == ENOSYS);
        say("mseal_brk: SKIP, this kernel has no mseal (Linux 6.10 and later)\n");
        return 0;
    }
    /* Shrinking would unmap sealed pages: the break stays, the pages too. */
    CHECK(set_brk(base + 2 * PAGE) == base + 4 * PAGE);
    CHECK(set_brk(base) == base + 4 * PAGE);
    CHECK(heap[3 * PAGE] == 4 && heap[2 * PAGE] == 3);
    /* Within the last page nothing is unmapped, so the break moves. */
    CHECK(set_brk(base + 4 * PAGE - 100) == base + 4 * PAGE - 100);
    CHECK(set_brk(base + 4 * PAGE) == base + 4 * PAGE);

    /* The other changes a seal refuses. */
    CHECK_ERR(munmap((void *)base, PAGE), EPERM);
    CHECK_ERR(munmap((void *)(base + 3 * PAGE), 2 * PAGE), EPERM);
    CHECK_ERR(mprotect((void *)base, PAGE, PROT_READ), EPERM);
    CHECK_ERR(syscall(SYS_mremap, base, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0), EPERM);
    CHECK_ERR(syscall(SYS_mremap, base + 3 * PAGE, PAGE, 2 * PAGE, 0, 0), EPERM);
    CHECK(mmap((void *)base, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    CHECK(errno == EPERM);
    /* The heap is writable private memory: discarding it is allowed, and it reads zeros. */
    CHECK(madvise((void *)(base + PAGE), PAGE, MADV_DONTNEED) == 0);
    CHECK(heap[PAGE] == 0 && heap[0] == 1);

    /* Growth past the seal is a new area, not sealed: it may shrink away again. */
    CHECK(set_brk(base + 6 * PAGE) == base + 6 * PAGE);
    heap[5 * PAGE] = 6;
    CHECK(heap[5 * PAGE] == 6);
    CHECK(mprotect((void *)(base + 5 * PAGE), PAGE, PROT_READ) == 0);
    CHECK(mprotect((void *)(base + 5 * PAGE), PAGE, PROT_READ | PROT_WRITE) == 0);
    CHECK(set_brk(base + 4 * PAGE) == base + 4 * PAGE);
    CHECK(set_brk(base + 3 * PAGE) == base + 4 * PAGE);
    /* Grown again, the new page is fresh (zero). */
    CHECK(set_brk(base + 6 * PAGE) == base + 6 * PAGE);
    CHECK(heap[5 * PAGE] == 0);
    CHECK(set_brk(base + 4 * PAGE) == base + 4 * PAGE);
    CHECK(heap[0] == 1 && heap[3 * PAGE] == 4);
    say("mseal_brk: ok\n");
    return 0;
}
