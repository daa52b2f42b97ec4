// A process has at most vm.max_map_count (65530) mappings: mmaps that cannot merge (every
// other one read-only) fail with ENOMEM once the areas reach it, quickly (the search for room
// does not walk every area); an mprotect that would split one more gets ENOMEM; areas that
// become alike again merge, as /proc/self/maps shows on Linux.
#include "check.h"

#include <sys/mman.h>

static int count_maps(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    CHECK(maps);
    int lines = 0, c;
    while ((c = fgetc(maps)) != EOF)
        lines += c == '\n';
    fclose(maps);
    return lines;
}

int main(void)
{
    /* Protecting the middle page of a mapping splits it in three; protecting it back joins them. */
    int before = count_maps();
    char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    int one = count_maps() - before;
    CHECK(one == 1 || one == 0); /* 0: it joined a neighbour that was there */
    CHECK(mprotect(a + 4096, 4096, PROT_READ) == 0);
    CHECK(count_maps() - before == one + 2);
    CHECK(mprotect(a + 4096, 4096, PROT_READ | PROT_WRITE) == 0);
    CHECK(count_maps() - before == one);
    a[4096] = 1;

    long mapped = 0;
    for (;; mapped++) {
        void *p = mmap(NULL, 4096, (mapped & 1) ? PROT_READ : PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            CHECK(errno == ENOMEM);
            break;
        }
        CHECK(mapped < 70000);
    }
    CHECK(mapped > 65000);
    int areas = count_maps();
    CHECK(areas >= 65525 && areas <= 65532); /* Linux also lists [vsyscall], which is not counted */
    /* Full: splitting an area (the middle page of the mapping made first) fails. */
    CHECK(mprotect(a + 4096, 4096, PROT_READ) == -1 && errno == ENOMEM);
    printf("map_count: ok (%ld mappings, %d areas)\n", mapped, areas);
    return 0;
}
