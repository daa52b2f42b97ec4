// /proc/PID/smaps and smaps_rollup: every maps line is followed by Linux's fields in Linux's
// order, ending with VmFlags; an anonymous private mapping with some pages touched shows its
// Size, Rss, Pss, Private_Dirty and Anonymous in kB; after fork the child shares those pages
// (Shared_Dirty, half the Pss); smaps_rollup has one "[rollup]" line and sums Rss and
// Anonymous; a pid that does not exist is ENOENT.
#include "check.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char text[1 << 20];

static void read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, text + total, sizeof text - 1 - total)) > 0)
        total += (size_t)n;
    CHECK(n == 0);
    text[total] = '\0';
    close(fd);
}

/* The value in kB of field `name` in the smaps entry that starts at `addr`. */
static long field_of(unsigned long addr, const char *name)
{
    char header[32];
    snprintf(header, sizeof header, "%lx-", addr);
    char *entry = text;
    while (entry && strncmp(entry, header, strlen(header)) != 0) {
        entry = strchr(entry, '\n');
        entry = entry ? entry + 1 : NULL;
    }
    CHECK(entry != NULL);
    char *end = strstr(entry, "VmFlags:");
    CHECK(end != NULL);
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    char *at = strstr(entry, key);
    CHECK(at != NULL && at < end);
    return strtol(at + strlen(key), NULL, 10);
}

static long rollup_field(const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    char *at = strstr(text, key);
    CHECK(at != NULL);
    return strtol(at + strlen(key), NULL, 10);
}

/* Each maps line is followed by the same fields in order, the last one VmFlags. */
static void check_layout(void)
{
    static const char *const fields[] = {"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Shared_Clean",
        "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous", "Swap", "Locked", "VmFlags"};
    int entries = 0;
    char *line = text;
    while (*line) {
        char *eol = strchr(line, '\n');
        CHECK(eol != NULL);
        unsigned long start, end;
        CHECK(sscanf(line, "%lx-%lx ", &start, &end) == 2 && start < end);
        ++entries;
        line = eol + 1;
        size_t next = 0;
        for (;;) {
            eol = strchr(line, '\n');
            CHECK(eol != NULL);
            if (next < sizeof fields / sizeof fields[0] && strncmp(line, fields[next], strlen(fields[next])) == 0
                && line[strlen(fields[next])] == ':')
                ++next;
            int is_last = strncmp(line, "VmFlags:", 8) == 0;
            line = eol + 1;
            if (is_last)
                break;
        }
        CHECK(next == sizeof fields / sizeof fields[0]);
    }
    CHECK(entries > 3);
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *area = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    for (int i = 0; i < 4; ++i)
        area[i * page] = 1;
    unsigned long addr = (unsigned long)area;

    read_file("/proc/self/smaps");
    check_layout();
    CHECK(field_of(addr, "Size") == 16 * page / 1024);
    CHECK(field_of(addr, "KernelPageSize") == page / 1024);
    // A kernel may map pages around a fault ahead of use: the touched ones at least are in.
    long rss = field_of(addr, "Rss");
    CHECK(rss >= 4 * page / 1024 && rss <= 16 * page / 1024);
    CHECK(field_of(addr, "Pss") == rss);
    CHECK(field_of(addr, "Private_Dirty") == rss);
    CHECK(field_of(addr, "Private_Clean") == 0);
    CHECK(field_of(addr, "Shared_Dirty") == 0);
    CHECK(field_of(addr, "Anonymous") == rss);
    CHECK(field_of(addr, "Swap") == 0);

    read_file("/proc/self/smaps_rollup");
    CHECK(strstr(text, "[rollup]\n") != NULL && strstr(text, "[rollup]\n") == strchr(text, '\n') - 8);
    CHECK(rollup_field("Rss") >= 4 * page / 1024);
    CHECK(rollup_field("Anonymous") >= 4 * page / 1024);
    CHECK(rollup_field("Pss") <= rollup_field("Rss"));
    CHECK(rollup_field("Pss_Anon") >= 4 * page / 1024);

    int ready[2], done[2];
    CHECK(pipe(ready) == 0 && pipe(done) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        char byte;
        // The child reads the pages (so they are mapped here too) without writing them.
        volatile char sum = 0;
        for (int i = 0; i < 4; ++i)
            sum += area[i * page];
        read_file("/proc/self/smaps");
        long shared = field_of(addr, "Shared_Dirty");
        CHECK(shared >= 4 * page / 1024);
        CHECK(field_of(addr, "Rss") == shared + field_of(addr, "Private_Dirty"));
        CHECK(field_of(addr, "Pss") < field_of(addr, "Rss"));
        CHECK(write(ready[1], "r", 1) == 1);
        CHECK(read(done[0], &byte, 1) == 1);
        _exit(0);
    }
    char byte;
    CHECK(read(ready[0], &byte, 1) == 1);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/smaps", child);
    read_file(path);
    check_layout();
    CHECK(field_of(addr, "Shared_Dirty") >= 4 * page / 1024);
    CHECK(write(done[1], "d", 1) == 1);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    CHECK_ERR(open("/proc/999999999/smaps", O_RDONLY), ENOENT);
    printf("proc_smaps: ok\n");
    return 0;
}
