#include "host_arch/host_limits.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace asterix::host {

namespace {

constexpr u64 unbounded = ~0ull;

/// The first line of a small host file, or empty.
std::string first_line(const std::string& path)
{
    std::ifstream file(path);
    std::string line;
    std::getline(file, line);
    return line;
}

/// A number from a /proc or /sys file; `fallback` when it is missing or not a number ("max").
u64 number_in(const std::string& path, u64 fallback)
{
    std::string text = first_line(path);
    char* end = nullptr;
    unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    return end == text.c_str() ? fallback : value;
}

/// Host tasks (threads) that exist now: the denominator of /proc/loadavg's fourth field.
u64 host_task_count()
{
    std::string text = first_line("/proc/loadavg");
    auto slash = text.find('/');
    return slash == std::string::npos ? 0 : std::strtoull(text.c_str() + slash + 1, nullptr, 10);
}

/// Free room under the pids controller of asterix's cgroup (v2, or v1's pids hierarchy).
u64 cgroup_pids_free()
{
    std::ifstream file("/proc/self/cgroup");
    std::string line;
    while (std::getline(file, line)) {
        std::string dir;
        if (line.starts_with("0::"))
            dir = "/sys/fs/cgroup" + line.substr(3);
        else if (auto at = line.find(":pids:"); at != std::string::npos)
            dir = "/sys/fs/cgroup/pids" + line.substr(at + 6);
        else
            continue;
        u64 max = number_in(dir + "/pids.max", unbounded);
        if (max == unbounded)
            continue;
        u64 current = number_in(dir + "/pids.current", 0);
        return max > current ? max - current : 0;
    }
    return unbounded;
}

/// Tasks of the real user now, as RLIMIT_NPROC counts them: a /proc/PID/task directory's
/// link count is two plus the process's threads.
u64 user_task_count(uid_t uid)
{
    DIR* proc = opendir("/proc");
    if (!proc)
        return 0;
    u64 count = 0;
    while (dirent* entry = readdir(proc)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        std::string dir = std::string("/proc/") + entry->d_name;
        struct stat st {};
        if (stat(dir.c_str(), &st) != 0 || st.st_uid != uid)
            continue;
        struct stat task {};
        count += stat((dir + "/task").c_str(), &task) == 0 && task.st_nlink > 2 ? task.st_nlink - 2 : 1;
    }
    closedir(proc);
    return count;
}

/// Free room under RLIMIT_NPROC (which does not bind root).
u64 nproc_free()
{
    rlimit limit {};
    if (getuid() == 0 || getrlimit(RLIMIT_NPROC, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return unbounded;
    u64 used = user_task_count(getuid());
    return limit.rlim_cur > used ? limit.rlim_cur - used : 0;
}

/// Mappings asterix holds now.
u64 own_mapping_count()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    u64 count = 0;
    while (std::getline(maps, line))
        ++count;
    return count;
}

} // namespace

u64 thread_budget()
{
    constexpr u64 mappings_per_stack = 2;
    u64 max_map_count = number_in("/proc/sys/vm/max_map_count", 65530);
    // A quarter stays for the kernel's heap, libraries, host files and what it maps later.
    u64 for_stacks = max_map_count - max_map_count / 4;
    u64 used = own_mapping_count();
    u64 budget = for_stacks > used ? (for_stacks - used) / mappings_per_stack : 0;
    return std::max<u64>(budget, 1);
}

std::array<u32, 2> ping_group_range()
{
    // "LOW\tHIGH\n", both within 0..2^32-2.
    std::string text = first_line("/proc/sys/net/ipv4/ping_group_range");
    char* end = nullptr;
    unsigned long long low = std::strtoull(text.c_str(), &end, 10);
    if (end == text.c_str())
        return {1, 0};
    const char* high_text = end;
    unsigned long long high = std::strtoull(high_text, &end, 10);
    if (end == high_text || low > 0xfffffffeull || high > 0xfffffffeull)
        return {1, 0};
    return {static_cast<u32>(low), static_cast<u32>(high)};
}

u64 process_budget()
{
    u64 host_limit = std::min(number_in("/proc/sys/kernel/threads-max", unbounded), number_in("/proc/sys/kernel/pid_max", unbounded));
    u64 host_free = unbounded;
    if (host_limit != unbounded) {
        u64 used = host_task_count();
        host_free = host_limit > used ? host_limit - used : 0;
    }
    u64 free = std::min({host_free, cgroup_pids_free(), nproc_free()});
    if (free == unbounded)
        return 0; // nothing on the host bounds it
    // At least the program itself and a child, even on a host that is nearly full.
    return std::max<u64>(free / 2, 2);
}

} // namespace asterix::host
