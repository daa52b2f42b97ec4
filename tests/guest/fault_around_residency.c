/* What fault-around makes visible, as on Linux: mincore(2) of a file mapping reports the
 * pages the file's page cache holds, touched or not; a read fault maps the aligned 64 KiB
 * window around it (Linux's default fault_around_bytes), so /proc/self/statm's resident
 * count grows by 16 pages; a write to a pre-mapped page copies it without growing it. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

#define PAGES 64
#define WINDOW_PAGES 16

static long page;

static long resident_pages(void)
{
    static char text[256];
    int fd = open("/proc/self/statm", O_RDONLY);
    CHECK(fd >= 0);
    ssize_t got = read(fd, text, sizeof text - 1);
    CHECK(got > 0);
    text[got] = 0;
    close(fd);
    long size = 0, resident = -1;
    CHECK(sscanf(text, "%ld %ld", &size, &resident) == 2);
    return resident;
}

int main(void)
{
    page = sysconf(_SC_PAGESIZE);
    char path[] = "/tmp/fault-around-residency.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    static unsigned char buf[4096];
    CHECK(page == (long)sizeof buf);
    for (long p = 0; p < PAGES; p++) {
        memset(buf, 0x20 + (int)p, sizeof buf);
        CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    }
    /* Every page into the page cache (natively write() did that already). */
    volatile unsigned char *all = mmap(NULL, PAGES * page, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(all != MAP_FAILED);
    for (long p = 0; p < PAGES; p++)
        CHECK(all[p * page] == 0x20 + p);
    CHECK(munmap((void *)all, PAGES * page) == 0);

    /* A private mapping at a 64 KiB boundary, so that the windows are known. */
    unsigned char *room = mmap(NULL, 2 * PAGES * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(room != MAP_FAILED);
    uintptr_t window = (uintptr_t)WINDOW_PAGES * page;
    unsigned char *map = (unsigned char *)(((uintptr_t)room + window - 1) & ~(window - 1));
    CHECK(mmap(map, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == map);

    /* Cached pages are resident for mincore before any access maps them. */
    unsigned char vec[PAGES];
    CHECK(mincore(map, PAGES * page, vec) == 0);
    for (long p = 0; p < PAGES; p++)
        CHECK(vec[p] & 1);

    resident_pages(); /* everything the count itself touches, in first */
    long before = resident_pages();
    CHECK(((volatile unsigned char *)map)[3 * page] == 0x23);
    long after = resident_pages();
    CHECK(after - before == WINDOW_PAGES);
    /* The next window, from a fault in its middle. */
    CHECK(((volatile unsigned char *)map)[(WINDOW_PAGES + 9) * page] == 0x20 + WINDOW_PAGES + 9);
    CHECK(resident_pages() - after == WINDOW_PAGES);

    /* A write to a neighbour that fault-around mapped: a private copy in its place. */
    before = resident_pages();
    map[5 * page] = 0x99;
    CHECK(resident_pages() == before);
    CHECK(pread(fd, buf, 1, 5 * page) == 1 && buf[0] == 0x25);
    CHECK(mincore(map, PAGES * page, vec) == 0);
    for (long p = 0; p < PAGES; p++)
        CHECK(vec[p] & 1);

    /* A range with a hole: ENOMEM, as Linux. */
    CHECK(munmap(map + 40 * page, page) == 0);
    CHECK_ERR(mincore(map, PAGES * page, vec), ENOMEM);

    puts("fault_around_residency ok");
    return 0;
}
