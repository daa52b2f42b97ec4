/* set_mempolicy, get_mempolicy and mbind on node 0: the modes, their flags and Linux's errors
 * (EINVAL for bad modes, empty or offline node masks, bad flags; EFAULT for unmapped ranges). */
#define _GNU_SOURCE
#include "check.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4

static long set_policy(int mode, unsigned long *mask, unsigned long maxnode)
{
    return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

static long get_policy(int *mode, unsigned long *mask, unsigned long maxnode, void *addr, unsigned long flags)
{
    return syscall(SYS_get_mempolicy, mode, mask, maxnode, addr, flags);
}

int main(void)
{
    unsigned long node0 = 1, node5 = 1 << 5, none = 0, mask;
    int mode = -1;
    CHECK(get_policy(&mode, &mask, 64, NULL, 0) == 0 && mode == MPOL_DEFAULT && mask == 0);
    CHECK(get_policy(&mode, &mask, 64, NULL, MPOL_F_MEMS_ALLOWED) == 0 && mode == 0 && (mask & 1));
    CHECK_ERR(get_policy(&mode, &mask, 64, NULL, 8), EINVAL);
    CHECK_ERR(get_policy(&mode, &mask, 64, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), EINVAL);
    CHECK_ERR(get_policy(&mode, &mask, 64, &mode, 0), EINVAL);
    CHECK_ERR(get_policy(&mode, &mask, 64, NULL, MPOL_F_NODE), EINVAL);
    CHECK_ERR(get_policy(&mode, NULL, 0, NULL, MPOL_F_ADDR), EFAULT);
    CHECK_ERR(get_policy(BAD_PTR, NULL, 0, NULL, 0), EFAULT);

    /* Bad modes and flags; masks that are empty or name only offline nodes. */
    CHECK_ERR(set_policy(7, &node0, 64), EINVAL);
    CHECK_ERR(set_policy(-1, &node0, 64), EINVAL);
    CHECK_ERR(set_policy(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, &node0, 64), EINVAL);
    CHECK_ERR(set_policy(MPOL_BIND, &none, 64), EINVAL);
    CHECK_ERR(set_policy(MPOL_BIND, NULL, 64), EINVAL);
    CHECK_ERR(set_policy(MPOL_INTERLEAVE, &node5, 64), EINVAL);
    CHECK_ERR(set_policy(MPOL_DEFAULT, &node0, 64), EINVAL);
    CHECK_ERR(set_policy(MPOL_LOCAL, &node0, 64), EINVAL);
    CHECK_ERR(set_policy(MPOL_BIND, BAD_PTR, 64), EFAULT);

    CHECK(set_policy(MPOL_BIND, &node0, 64) == 0);
    CHECK(get_policy(&mode, &mask, 64, NULL, 0) == 0 && mode == MPOL_BIND && mask == 1);
    CHECK(set_policy(MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, &node0, 64) == 0);
    CHECK(get_policy(&mode, &mask, 64, NULL, 0) == 0 && mode == (MPOL_INTERLEAVE | MPOL_F_STATIC_NODES));
    CHECK(get_policy(&mode, NULL, 0, NULL, MPOL_F_NODE) == 0 && mode == 0);
    CHECK(set_policy(MPOL_PREFERRED, &node0, 64) == 0);
    CHECK(get_policy(&mode, &mask, 64, NULL, 0) == 0 && mode == MPOL_PREFERRED && mask == 1);
    CHECK(set_policy(MPOL_LOCAL, NULL, 0) == 0);
    CHECK(get_policy(&mode, &mask, 64, NULL, 0) == 0 && mode == MPOL_LOCAL && mask == 0);
    CHECK(set_policy(MPOL_DEFAULT, NULL, 0) == 0);
    CHECK(get_policy(&mode, NULL, 0, NULL, 0) == 0 && mode == MPOL_DEFAULT);

    long page = sysconf(_SC_PAGESIZE);
    char *area = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    area[0] = 1;
    CHECK(syscall(SYS_mbind, area, 2 * page, MPOL_BIND, &node0, 64, 0) == 0);
    CHECK(syscall(SYS_mbind, area, 2 * page, MPOL_DEFAULT, NULL, 0, 0) == 0);
    CHECK(syscall(SYS_mbind, area, 0, MPOL_BIND, &node0, 64, 0) == 0);
    CHECK_ERR(syscall(SYS_mbind, area + 1, page, MPOL_BIND, &node0, 64, 0), EINVAL);
    CHECK_ERR(syscall(SYS_mbind, area, page, MPOL_BIND, &node0, 64, 0x100), EINVAL);
    CHECK_ERR(syscall(SYS_mbind, area, page, 9, &node0, 64, 0), EINVAL);
    CHECK_ERR(syscall(SYS_mbind, area, page, MPOL_BIND, &none, 64, 0), EINVAL);
    CHECK(get_policy(&mode, NULL, 0, area, MPOL_F_ADDR | MPOL_F_NODE) == 0 && mode == 0);
    CHECK(munmap(area + page, page) == 0);
    CHECK_ERR(syscall(SYS_mbind, area, 3 * page, MPOL_BIND, &node0, 64, 0), EFAULT);
    printf("mempolicy ok\n");
    return 0;
}
