// An mmap larger than all guest memory (--mem 32M) is ENOMEM; smaller ones still work.
// Natively 64 MiB is nothing: not compared.
// asterix-args: --mem 32M
// native: skip
#include "check.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    CHECK_ERR(syscall(SYS_mmap, 0, 64UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0), ENOMEM);
    void *p = (void *)syscall(SYS_mmap, 0, 1UL << 20, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 1, 1UL << 20);
    CHECK(syscall(SYS_munmap, p, 1UL << 20) == 0);
    printf("mmap_exceeds_mem: ok\n");
    return 0;
}
