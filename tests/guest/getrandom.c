// getrandom: fills what was asked, the bytes look random, bad flags and pointers fail.
#include "check.h"
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int main(void)
{
    unsigned char a[256], b[256];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    /* Up to 256 bytes are never short. */
    CHECK(syscall(SYS_getrandom, a, sizeof a, 0) == (long)sizeof a);
    CHECK(syscall(SYS_getrandom, b, sizeof b, GRND_NONBLOCK) == (long)sizeof b);
    CHECK(!all_zero(a, sizeof a) && !all_zero(b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    /* Not a constant byte either: count distinct values among 256 bytes. */
    int seen[256] = {0}, distinct = 0;
    for (size_t i = 0; i < sizeof a; i++)
        if (!seen[a[i]]++)
            distinct++;
    CHECK(distinct > 64);

    /* Only the asked range is written. */
    unsigned char c[32];
    memset(c, 0xee, sizeof c);
    CHECK(syscall(SYS_getrandom, c + 8, 16, 0) == 16);
    for (int i = 0; i < 8; i++)
        CHECK(c[i] == 0xee && c[24 + i] == 0xee);

    CHECK(syscall(SYS_getrandom, a, 0, 0) == 0);
    CHECK(syscall(SYS_getrandom, a, 7, GRND_RANDOM) == 7);
    static unsigned char big[65536];
    long n = syscall(SYS_getrandom, big, sizeof big, 0);
    CHECK(n > 0 && n <= (long)sizeof big);
    CHECK(getrandom(a, 16, 0) == 16); /* glibc wrapper */

    CHECK_ERR(syscall(SYS_getrandom, a, 16, 0x100), EINVAL);
    CHECK_ERR(syscall(SYS_getrandom, a, 16, -1), EINVAL);
    CHECK_ERR(syscall(SYS_getrandom, a, 16, GRND_RANDOM | GRND_INSECURE), EINVAL);
    CHECK_ERR(syscall(SYS_getrandom, BAD_PTR, 16, 0), EFAULT);
    printf("getrandom: ok\n");
    return 0;
}
