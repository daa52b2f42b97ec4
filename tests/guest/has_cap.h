/* Whether the calling process has a capability in its effective set (from /proc/self/status,
 * so natively and under asterix alike). */
#pragma once

#include <linux/capability.h>
#include <stdio.h>

#include "check.h"

static inline int has_cap(int cap)
{
    FILE *f = fopen("/proc/self/status", "r");
    CHECK(f != NULL);
    char line[256];
    unsigned long long eff = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "CapEff: %llx", &eff) == 1)
            break;
    fclose(f);
    return (eff >> cap) & 1;
}
