/* membarrier: QUERY lists the commands, the private commands need their registration first
 * (EPERM), GET_REGISTRATIONS reports them, and bad commands or flags are EINVAL. */
#include "check.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

static long membarrier(int cmd, unsigned flags, int cpu)
{
    return syscall(SYS_membarrier, cmd, flags, cpu);
}

int main(void)
{
    long mask = membarrier(MEMBARRIER_CMD_QUERY, 0, 0);
    CHECK(mask > 0);
    int wanted = MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED
        | MEMBARRIER_CMD_GLOBAL_EXPEDITED | MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED;
    CHECK((mask & wanted) == wanted);
    CHECK_ERR(membarrier(MEMBARRIER_CMD_QUERY, 1, 0), EINVAL);
    CHECK_ERR(membarrier(3, 0, 0), EINVAL);
    CHECK_ERR(membarrier(-1, 0, 0), EINVAL);

    CHECK_ERR(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), EPERM);
    CHECK(membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0) == 0);
    CHECK(membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0);
    CHECK(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0);
    CHECK_ERR(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 1, 0), EINVAL);

    if (mask & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) {
        CHECK_ERR(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), EPERM);
        CHECK(membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0);
        CHECK(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0) == 0);
    }
    if (mask & MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) {
        CHECK_ERR(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0), EPERM);
        CHECK_ERR(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 2, 0), EINVAL);
        CHECK(membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0) == 0);
    }
    if (mask & (1 << 9) /* MEMBARRIER_CMD_GET_REGISTRATIONS, Linux 6.3 */) {
        long registered = membarrier(1 << 9, 0, 0);
        CHECK(registered >= 0 && (registered & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED));
    }
    printf("membarrier ok\n");
    return 0;
}
