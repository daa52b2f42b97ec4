/* /proc/self/pagemap: an 8-byte entry per page, bit 63 for a page in memory, no frame number
 * for a reader without CAP_SYS_ADMIN, and EINVAL for reads not on entry boundaries. */
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t entry_of(int fd, const void *addr)
{
    uint64_t entry = 0;
    off_t offset = (off_t)((uintptr_t)addr / 4096) * 8;
    CHECK(pread(fd, &entry, sizeof entry, offset) == sizeof entry);
    return entry;
}

static int has_sys_admin(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long caps = 0;
    while (status && fgets(line, sizeof line, status))
        if (sscanf(line, "CapEff: %llx", &caps) == 1)
            break;
    if (status)
        fclose(status);
    return (caps >> 21) & 1;
}

int main(void)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    CHECK(fd >= 0);
    char *area = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    /* A separate one-page area never touched (a fault may bring in an area's neighbouring
     * pages, so the untouched page is in an area of its own, whose other protection keeps it
     * from joining its neighbour). */
    char *other = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(other != MAP_FAILED);
    area[0] = 1;
    uint64_t touched = entry_of(fd, area);
    uint64_t untouched = entry_of(fd, other);
    CHECK(touched >> 63 == 1);
    CHECK(untouched >> 63 == 0);
    uint64_t pfn = touched & ((1ull << 55) - 1);
    if (!has_sys_admin())
        CHECK(pfn == 0);

    /* Several entries in one read, in page order. */
    uint64_t entries[3];
    CHECK(pread(fd, entries, sizeof entries, (off_t)((uintptr_t)area / 4096) * 8) == sizeof entries);
    CHECK(entries[0] == touched);
    CHECK(pread(fd, entries, sizeof entries, (off_t)((uintptr_t)other / 4096 - 1) * 8) == sizeof entries);
    CHECK(entries[1] >> 63 == 0);

    /* Reads off an entry boundary, or of a partial entry, are EINVAL. */
    char byte[8];
    CHECK_ERR(pread(fd, byte, 8, 4), EINVAL);
    CHECK_ERR(pread(fd, byte, 4, 8), EINVAL);
    CHECK(lseek(fd, 3, SEEK_SET) == 3);
    CHECK_ERR(read(fd, byte, 8), EINVAL);
    /* Past the end of user space there is nothing. */
    CHECK(pread(fd, byte, 8, (off_t)(0x800000000000ull / 4096) * 8) == 0);
    /* A page dropped by munmap is no longer present. */
    CHECK(munmap(area, 3 * 4096) == 0);
    CHECK(entry_of(fd, area) >> 63 == 0);
    CHECK_ERR(write(fd, byte, 8), EBADF);

    /* Root gives up its capabilities: a reader without CAP_SYS_ADMIN sees no frame numbers. */
    if (geteuid() == 0) {
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            /* The change of identity made the process undumpable, which would hide its /proc
             * files from itself. */
            if (setuid(65534) != 0 || prctl(PR_SET_DUMPABLE, 1) != 0)
                _exit(2);
            int unprivileged = open("/proc/self/pagemap", O_RDONLY);
            if (unprivileged < 0)
                _exit(3);
            static char page[4096];
            page[0] = 1;
            uint64_t entry = entry_of(unprivileged, page);
            _exit(entry >> 63 == 1 && (entry & ((1ull << 55) - 1)) == 0 ? 0 : 4);
        }
        int status;
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    close(fd);
    printf("pagemap ok\n");
    return 0;
}
