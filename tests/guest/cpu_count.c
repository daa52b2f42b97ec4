// The guest's CPU count agrees everywhere: sysconf(_SC_NPROCESSORS_ONLN) (glibc reads
// /sys/devices/system/cpu/online), the CPUs listed in that file and the "processor" lines of
// /proc/cpuinfo are the same number; present and possible list at least those CPUs, and
// _SC_NPROCESSORS_CONF (the cpuN directories of /sys) is at least the online count. Without a
// /sys, sysconf still agrees with /proc/cpuinfo.
#include "check.h"
#include <fcntl.h>
#include <unistd.h>

/* Counts the CPUs of a Linux CPU list such as "0-3,5\n". */
static long count_list(const char *text)
{
    long count = 0;
    const char *p = text;
    while (*p && *p != '\n') {
        char *end;
        long first = strtol(p, &end, 10);
        CHECK(end != p);
        long last = first;
        if (*end == '-') {
            p = end + 1;
            last = strtol(p, &end, 10);
            CHECK(end != p && last >= first);
        }
        count += last - first + 1;
        p = end;
        if (*p == ',')
            ++p;
    }
    return count;
}

static long count_file(const char *path)
{
    char text[4096] = {0};
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, text, sizeof text - 1);
    CHECK(n > 0 && text[n - 1] == '\n');
    close(fd);
    return count_list(text);
}

int main(void)
{
    FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
    CHECK(cpuinfo != NULL);
    char line[1024];
    long processors = 0;
    while (fgets(line, sizeof line, cpuinfo)) {
        if (strncmp(line, "processor", 9) == 0 && (line[9] == '\t' || line[9] == ' ' || line[9] == ':'))
            ++processors;
    }
    fclose(cpuinfo);
    CHECK(processors >= 1);

    CHECK(sysconf(_SC_NPROCESSORS_ONLN) == processors);
    // A root without a /sys directory (an initramfs that has none) gets no sysfs: glibc then
    // counts the cpuN lines of /proc/stat, which must agree too.
    if (access("/sys", F_OK) != 0) {
        CHECK(errno == ENOENT);
        printf("cpu_count: ok (%ld, no /sys)\n", processors);
        return 0;
    }
    long online = count_file("/sys/devices/system/cpu/online");
    CHECK(online == processors);
    CHECK(sysconf(_SC_NPROCESSORS_CONF) >= online);
    CHECK(count_file("/sys/devices/system/cpu/present") >= online);
    CHECK(count_file("/sys/devices/system/cpu/possible") >= count_file("/sys/devices/system/cpu/present"));
    CHECK(access("/sys/devices/system/cpu/cpu0", F_OK) == 0);
    printf("cpu_count: ok (%ld)\n", processors);
    return 0;
}
