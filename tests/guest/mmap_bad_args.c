// mmap, munmap and mprotect reject bad arguments with Linux's errno values.
#include "check.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static long mm(unsigned long addr, unsigned long len, long prot, long flags, long off)
{
    return syscall(SYS_mmap, addr, len, prot, flags, -1, off);
}

int main(void)
{
    /* mmap */
    CHECK_ERR(mm(0, 0, RW, ANON, 0), EINVAL);                          /* zero length */
    CHECK_ERR(mm(0x10000123, PAGE, RW, ANON | MAP_FIXED, 0), EINVAL);  /* unaligned fixed */
    CHECK_ERR(mm(0, PAGE, RW, MAP_ANONYMOUS, 0), EINVAL);              /* no PRIVATE/SHARED */
    CHECK_ERR(mm(0, PAGE, RW, ANON, 123), EINVAL);                     /* unaligned offset */
    CHECK_ERR(mm(0, 1UL << 46, RW, ANON, 0), ENOMEM);                  /* 64 TiB */
    CHECK_ERR(mm(0, 1UL << 47, RW, ANON, 0), ENOMEM);                  /* whole user half */
    CHECK_ERR(mm(0, ~0UL, RW, ANON, 0), ENOMEM);                       /* wraps when rounded */
    CHECK_ERR(mm(0x800000000000UL, PAGE, RW, ANON | MAP_FIXED, 0), ENOMEM); /* not user space */
    CHECK_ERR(mm(0x7ffffffff000UL, 2 * PAGE, RW, ANON | MAP_FIXED, 0), ENOMEM); /* crosses it */

    /* munmap */
    void *p = (void *)mm(0, 4 * PAGE, RW, ANON, 0);
    CHECK(p != MAP_FAILED);
    CHECK_ERR(syscall(SYS_munmap, (char *)p + 1, PAGE), EINVAL);       /* unaligned */
    CHECK_ERR(syscall(SYS_munmap, p, 0), EINVAL);                      /* zero length */
    CHECK_ERR(syscall(SYS_munmap, 0x800000000000UL, PAGE), EINVAL);    /* not user space */

    /* mprotect */
    CHECK_ERR(syscall(SYS_mprotect, p, PAGE, 0x1000), EINVAL);         /* unknown prot bit */
    CHECK_ERR(syscall(SYS_mprotect, p, PAGE, PROT_GROWSDOWN | PROT_GROWSUP), EINVAL);
    CHECK_ERR(syscall(SYS_mprotect, (char *)p + 1, PAGE, PROT_READ), EINVAL); /* unaligned */
    CHECK(syscall(SYS_mprotect, p, 0, PROT_READ) == 0);                /* empty range: ok */
    CHECK(syscall(SYS_munmap, (char *)p + 2 * PAGE, PAGE) == 0);
    /* A range with a hole in it is ENOMEM, and so is a range with nothing mapped. */
    CHECK_ERR(syscall(SYS_mprotect, p, 4 * PAGE, PROT_READ), ENOMEM);
    CHECK_ERR(syscall(SYS_mprotect, (char *)p + 2 * PAGE, PAGE, PROT_READ), ENOMEM);
    CHECK(syscall(SYS_munmap, p, 4 * PAGE) == 0);
    CHECK_ERR(syscall(SYS_mprotect, p, PAGE, PROT_READ), ENOMEM);

    /* The wrappers say the same. */
    CHECK_ERR(mmap(NULL, 0, RW, ANON, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL);
    CHECK_ERR(munmap((char *)p + 1, PAGE), EINVAL);
    printf("mmap_bad_args: ok\n");
    return 0;
}
