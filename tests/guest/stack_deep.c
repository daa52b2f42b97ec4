// The stack grows on demand: 2 MiB of locals, touched from the top down, through recursion.
#include "check.h"

static long depth_sum(int depth)
{
    volatile char frame[64 * 1024];
    for (size_t i = sizeof frame; i > 0; i -= 4096)
        frame[i - 1] = (char)depth;
    frame[0] = (char)depth;
    long below = depth > 1 ? depth_sum(depth - 1) : 0;
    CHECK(frame[0] == (char)depth && frame[sizeof frame - 1] == (char)depth);
    return below + frame[0];
}

int main(void)
{
    CHECK(depth_sum(32) == 32 * 33 / 2); /* 32 frames of 64 KiB */
    printf("stack_deep: ok\n");
    return 0;
}
