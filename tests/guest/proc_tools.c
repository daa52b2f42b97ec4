// The /proc files tools read: /proc/self/statm (seven page counts, the resident set within
// the size), /proc/self/limits (Linux's header and a row that matches getrlimit), and
// /proc/self/mountinfo (a line per mount with ids, a device, the mount point and " - ").
#include "check.h"
#include <sys/resource.h>

static char text[16384];

static void slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    CHECK(n > 0);
}

int main(void)
{
    slurp("/proc/self/statm");
    unsigned long v[7];
    CHECK(sscanf(text, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) == 7);
    CHECK(v[0] > 0 && v[1] > 0 && v[1] <= v[0]);

    slurp("/proc/self/limits");
    CHECK(strncmp(text, "Limit                     Soft Limit           Hard Limit           Units     \n", 79) == 0);
    struct rlimit nofile;
    CHECK(getrlimit(RLIMIT_NOFILE, &nofile) == 0);
    char want[128];
    snprintf(want, sizeof want, "\nMax open files            %-20lu %-20lu files     \n", (unsigned long)nofile.rlim_cur,
             (unsigned long)nofile.rlim_max);
    CHECK(strstr(text, want) != NULL);
    CHECK(strstr(text, "\nMax nice priority         ") != NULL);

    slurp("/proc/self/mountinfo");
    int id, parent;
    unsigned major, minor;
    char root[256], point[256];
    CHECK(sscanf(text, "%d %d %u:%u %255s %255s", &id, &parent, &major, &minor, root, point) == 6);
    CHECK(strstr(text, " - ") != NULL);
    puts("proc_tools ok");
    return 0;
}
