// malloc 64 MiB, write every page, read every page back: demand-zero memory at scale.
// asterix-args: --mem 256M
#include "check.h"
#include <stdint.h>

#define SIZE (64UL << 20)
#define PAGE 4096UL

int main(void)
{
    unsigned char *p = malloc(SIZE);
    CHECK(p != NULL);
    for (size_t off = 0; off < SIZE; off += PAGE) {
        uint64_t v = off * 0x9e3779b97f4a7c15ULL;
        memcpy(p + off, &v, sizeof v);
        p[off + PAGE - 1] = (unsigned char)(off >> 12);
    }
    for (size_t off = 0; off < SIZE; off += PAGE) {
        uint64_t v;
        memcpy(&v, p + off, sizeof v);
        CHECK(v == off * 0x9e3779b97f4a7c15ULL);
        CHECK(p[off + PAGE - 1] == (unsigned char)(off >> 12));
        CHECK(p[off + 8] == 0); /* untouched bytes of a touched page are still zero */
    }
    free(p);
    printf("touch_many_pages: %lu pages ok\n", SIZE / PAGE);
    return 0;
}
