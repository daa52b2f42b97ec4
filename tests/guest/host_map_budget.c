// Patterns that fragment a large area into more pieces than a host process may have mappings
// (vm.max_map_count, 65530 by default): MADV_DONTNEED on every other page of 520 MiB (Linux
// allows it: it splits no area), then mprotect on every other page (Linux stops it with ENOMEM
// at the limit on areas). Asterix's host mappings are only a cache of the page table, so
// neither may fail where Linux does not, and the memory must read back what was written.
#include "check.h"

#include <sys/mman.h>

#define AREA_BYTES (520ul << 20)
#define PAGE 4096ul
#define PAGES (AREA_BYTES / PAGE)

int main(void)
{
    unsigned char *area = mmap(NULL, AREA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    for (unsigned long i = 0; i < PAGES; i++)
        area[i * PAGE] = (unsigned char)(i | 1);

    /* 66,560 pieces left mapped: more than a host process may hold. */
    for (unsigned long i = 0; i < PAGES; i += 2)
        CHECK(madvise(area + i * PAGE, PAGE, MADV_DONTNEED) == 0);
    for (unsigned long i = 1; i < PAGES; i += 2)
        CHECK(area[i * PAGE] == (unsigned char)(i | 1));
    for (unsigned long i = 0; i < PAGES; i += 1024)
        CHECK(area[i * PAGE] == 0);

    unsigned long protected_pages = 0;
    for (unsigned long i = 1; i < PAGES; i += 2) {
        if (mprotect(area + i * PAGE, PAGE, PROT_READ) != 0) {
            CHECK(errno == ENOMEM); /* vm.max_map_count, natively and under asterix */
            break;
        }
        protected_pages++;
    }
    CHECK(protected_pages > 20000);
    for (unsigned long i = 1; i < PAGES; i += 2)
        CHECK(area[i * PAGE] == (unsigned char)(i | 1));
    for (unsigned long i = 0; i < PAGES; i += 1024)
        area[i * PAGE] = 7; /* the pages between stay writable */
    CHECK(munmap(area, AREA_BYTES) == 0);
    printf("host_map_budget: ok (%lu pages protected)\n", protected_pages);
    return 0;
}
