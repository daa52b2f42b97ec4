// With 32 MiB of guest memory, touching 64 MiB in 4 MiB pieces gets the program killed
// (SIGKILL, like the Linux OOM killer). Natively there is plenty of memory: not compared.
// asterix-args: --mem 32M
// expect-exit: 137
// native: skip
#include "check.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PIECE (4UL << 20)

int main(void)
{
    for (int i = 0; i < 16; i++) {
        unsigned char *p = (unsigned char *)syscall(SYS_mmap, 0, PIECE, PROT_READ | PROT_WRITE,
                                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("oom_kill: mmap of piece %d failed (errno %d), want a kill on touch\n", i,
                   errno);
            return 3;
        }
        for (size_t off = 0; off < PIECE; off += 4096)
            p[off] = 1;
    }
    printf("oom_kill: touched 64 MiB, still alive\n");
    return 1;
}
