// With 32 MiB of guest memory, read() of /dev/zero into 64 MiB of untouched anonymous memory,
// in 4 MiB pieces, gets the program killed (SIGKILL, like the Linux OOM killer) although the
// program never touches a page itself: the kernel's copy is what runs out of memory.
// Natively there is plenty of memory: not compared.
// asterix-args: --mem 32M
// expect-exit: 137
// native: skip
#include "check.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PIECE (4UL << 20)

int main(void)
{
    int fd = open("/dev/zero", O_RDONLY);
    CHECK(fd >= 0);
    for (int i = 0; i < 16; i++) {
        char *p = (char *)syscall(SYS_mmap, 0, PIECE, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("oom_copy_kill: mmap of piece %d failed (errno %d), want a kill\n", i, errno);
            return 3;
        }
        for (size_t off = 0; off < PIECE;) {
            long n = syscall(SYS_read, fd, p + off, PIECE - off);
            if (n <= 0) {
                printf("oom_copy_kill: read gave %ld (errno %d), want a kill\n", n, errno);
                return 4;
            }
            off += (size_t)n;
        }
    }
    printf("oom_copy_kill: read 64 MiB, still alive\n");
    return 1;
}
