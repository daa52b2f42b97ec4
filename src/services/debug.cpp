// Entry points for debuggers (tools/asterix.gdb): guest processes, memory maps and descriptors
// printed from kernel state while asterix is stopped. They only read.

#include <cinttypes>
#include <string>

#include "frame/debug.h"
#include "frame/format.h"
#include "services/process/process_table.h"

using namespace asterix;
using namespace asterix::services;

namespace {

Process* find_or_current(int pid)
{
    return pid > 0 ? ProcessTable::find(pid) : ProcessTable::current();
}

} // namespace

extern "C" {

/// Prints every guest process: pid, parent, group, session, state, threads, command.
__attribute__((used, noinline)) void ax_debug_processes()
{
    frame::debug_print("    pid   ppid   pgid    sid  state    threads  comm\n");
    for (auto& [pid, process] : ProcessTable::all()) {
        const char* state = process->has_exited() ? "zombie" : process->is_stopped() ? "stopped" : "live";
        frame::debug_print(frame::format("%7d %6d %6d %6d  %-8s %7zu  %s\n", pid, process->ppid(), process->pgid(), process->sid(),
            state, process->threads().size(), process->comm().c_str()));
    }
}

/// Prints the memory map of a process (the current one for pid 0), like /proc/PID/maps.
__attribute__((used, noinline)) void ax_debug_maps(int pid)
{
    Process* process = find_or_current(pid);
    if (!process || !process->memory()) {
        frame::debug_print("no such process, or it has no memory\n");
        return;
    }
    for (const auto& [start, area] : process->memory()->areas()) {
        std::string perms = "---p";
        if (area.prot & frame::perm_read)
            perms[0] = 'r';
        if (area.prot & frame::perm_write)
            perms[1] = 'w';
        if (area.prot & frame::perm_exec)
            perms[2] = 'x';
        if (area.is_shared)
            perms[3] = 's';
        frame::debug_print(frame::format("%012" PRIx64 "-%012" PRIx64 " %s %08" PRIx64 " %s\n", area.start, area.end, perms.c_str(),
            area.file_offset, area.name.c_str()));
    }
    frame::debug_print(frame::format("%zu pages resident\n", process->vm().mapped_pages()));
}

/// Prints the open file descriptors of a process (the current one for pid 0).
__attribute__((used, noinline)) void ax_debug_fds(int pid)
{
    Process* process = find_or_current(pid);
    if (!process || !process->files()) {
        frame::debug_print("no such process, or it has no descriptors\n");
        return;
    }
    for (int fd = 0; fd < 1024; ++fd) {
        auto file = process->files()->get(fd);
        if (file.is_error())
            continue;
        frame::debug_print(frame::format("%4d %s flags %#o%s\n", fd, file.value()->description().c_str(), file.value()->status_flags(),
            process->files()->is_cloexec(fd) ? " cloexec" : ""));
    }
}

} // extern "C"
