// Host odds and ends: clocks, randomness, errno mapping, CPU pinning, log output, halting.

#include <cpuid.h>
#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <map>
#include <string>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "frame/arch.h"
#include "frame/clock.h"
#include "frame/cpu.h"
#include "frame/task.h"
#include "frame/user_mode.h"
#include "host_arch/host.h"

namespace asterix {

namespace {
int g_trace_fd = 2;
int g_log_fd = 2;

void write_all(int fd, std::string_view text)
{
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text.remove_prefix(static_cast<usize>(n));
    }
}
} // namespace

void frame::random_bytes(std::span<u8> out)
{
    usize done = 0;
    while (done < out.size()) {
        ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
        if (n > 0)
            done += static_cast<usize>(n);
        else if (errno != EINTR)
            panic("getrandom failed");
    }
}

u64 frame::cpu_hwcap() { return getauxval(AT_HWCAP); }
u64 frame::cpu_hwcap2() { return getauxval(AT_HWCAP2); }

Errno host::errno_from_host(int host_errno)
{
    // The host is Linux x86-64 too, so the numbers agree; only known values pass through.
    if (host_errno > 0 && host_errno < 134)
        return static_cast<Errno>(host_errno);
    return Errno::eio;
}

namespace {
host::Platform g_platform = host::Platform::ptrace;
bool g_is_syscall_patching_on = true;
}

host::Platform host::platform() { return g_platform; }
void host::set_platform(Platform platform) { g_platform = platform; }
bool host::is_syscall_patching_on() { return g_is_syscall_patching_on; }
void host::set_syscall_patching(bool is_on) { g_is_syscall_patching_on = is_on; }

const char* host::systrap_unsupported_reason()
{
    // The stub's handler saves and restores the guest's fs and gs bases with rdfsbase and
    // wrfsbase, which the host must allow in user mode.
    constexpr u64 hwcap2_fsgsbase = 1u << 1;
    if (!(getauxval(AT_HWCAP2) & hwcap2_fsgsbase))
        return "the host does not allow FSGSBASE instructions in user mode";
    // It reads its CPU number with rdtscp (TSC_AUX), to spin only across CPUs.
    unsigned eax, ebx, ecx, edx;
    constexpr unsigned rdtscp_bit = 1u << 27;
    if (!__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) || !(edx & rdtscp_bit))
        return "the host CPU has no rdtscp";
    return nullptr;
}

namespace {
u64 g_cpus_before_pinning = 0;
}

u64 host::cpus_before_pinning() { return g_cpus_before_pinning; }

void host::pin_to_current_cpu()
{
    int cpu = sched_getcpu();
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int i = 0; i < 64; ++i)
            g_cpus_before_pinning |= CPU_ISSET(i, &set) ? u64 {1} << i : 0;
    }
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

void frame::arch::log_write(std::string_view text) { write_all(g_log_fd, text); }
void frame::arch::report_write(std::string_view text) { write_all(STDERR_FILENO, text); }

bool frame::arch::open_log_sink(const char* path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    g_log_fd = fd;
    return true;
}
void frame::arch::trace_sink_write(std::string_view text) { write_all(g_trace_fd, text); }

namespace {
std::string g_trace_path;
bool g_is_trace_per_process = false;
/// --strace-ff's files by guest pid, opened on a process's first line.
std::map<i32, int> g_process_trace_fds;
}

void frame::arch::set_trace_per_process(bool is_on) { g_is_trace_per_process = is_on; }

void frame::arch::trace_sink_write_process(i32 pid, std::string_view text)
{
    if (!g_is_trace_per_process || g_trace_path.empty()) {
        write_all(g_trace_fd, text);
        return;
    }
    auto it = g_process_trace_fds.find(pid);
    if (it == g_process_trace_fds.end()) {
        std::string path = g_trace_path + "." + std::to_string(pid);
        // A pid used again (a later process) appends to the same file, as strace -ff does.
        int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        it = g_process_trace_fds.emplace(pid, fd < 0 ? g_trace_fd : fd).first;
    }
    write_all(it->second, text);
}

namespace {
int g_record_fd = -1;
}

void frame::arch::record_sink_write(std::string_view text)
{
    if (g_record_fd >= 0)
        write_all(g_record_fd, text);
}

bool frame::arch::open_record_sink(const char* path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    g_record_fd = fd;
    return true;
}

bool frame::arch::open_trace_sink(const char* path)
{
    g_trace_path = path;
    if (g_is_trace_per_process)
        return true; // only PATH.PID files, as strace -ff -o PATH
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    g_trace_fd = fd;
    return true;
}

void frame::arch::halt(int exit_code)
{
    host::restore_console();
    _exit(exit_code);
}

namespace {

/// One symbolized line per frame: function (demangled) and, from addr2line when the host has
/// it, file:line.
void print_symbolized_backtrace()
{
    void* frames[64];
    int count = backtrace(frames, 64);
    Dl_info self {};
    dladdr(reinterpret_cast<void*>(&print_symbolized_backtrace), &self);
    for (int i = 1; i < count; ++i) {
        Dl_info info {};
        const char* name = "??";
        char* demangled = nullptr;
        if (dladdr(frames[i], &info) && info.dli_sname) {
            int status = 0;
            demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
            name = status == 0 && demangled ? demangled : info.dli_sname;
        }
        char where[512] = "";
        if (info.dli_fname && info.dli_fbase == self.dli_fbase) {
            // SAFETY: both pointers lie in asterix's own text; the difference is a file offset.
            auto offset = reinterpret_cast<uintptr_t>(frames[i]) - reinterpret_cast<uintptr_t>(info.dli_fbase) - 1;
            char command[256];
            std::snprintf(command, sizeof command, "addr2line -e /proc/%d/exe %#lx 2>/dev/null", getpid(),
                static_cast<unsigned long>(offset));
            if (FILE* pipe = popen(command, "r")) {
                if (std::fgets(where, sizeof where, pipe))
                    where[std::strcspn(where, "\n")] = 0;
                pclose(pipe);
            }
        }
        char line[1024];
        int len = std::snprintf(line, sizeof line, "  #%-2d %p %s %s\n", i - 1, frames[i], name, where);
        write_all(g_log_fd, {line, static_cast<usize>(std::min(len, static_cast<int>(sizeof line) - 1))});
        std::free(demangled);
    }
}

} // namespace

void frame::arch::print_panic_state()
{
    write_all(g_log_fd, "kernel backtrace:\n");
    print_symbolized_backtrace();
    frame::Task* task = frame::current_task_or_null();
    char line[512];
    if (!task) {
        write_all(g_log_fd, "current task: none (scheduler context)\n");
        return;
    }
    int len = std::snprintf(line, sizeof line, "current task: %llu '%s' (guest tid %llu)\n",
        static_cast<unsigned long long>(task->id()), task->name().c_str(), static_cast<unsigned long long>(task->tag));
    write_all(g_log_fd, {line, static_cast<usize>(len)});
    if (const frame::UserContext* ctx = task->user_context) {
        const auto& r = ctx->regs;
        len = std::snprintf(line, sizeof line,
            "guest registers:\n  rip %016llx rsp %016llx rflags %08llx orig_rax %lld\n"
            "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
            "  rsi %016llx rdi %016llx rbp %016llx fs_base %016llx\n",
            static_cast<unsigned long long>(r.rip), static_cast<unsigned long long>(r.rsp),
            static_cast<unsigned long long>(r.eflags), static_cast<long long>(r.orig_rax),
            static_cast<unsigned long long>(r.rax), static_cast<unsigned long long>(r.rbx),
            static_cast<unsigned long long>(r.rcx), static_cast<unsigned long long>(r.rdx),
            static_cast<unsigned long long>(r.rsi), static_cast<unsigned long long>(r.rdi),
            static_cast<unsigned long long>(r.rbp), static_cast<unsigned long long>(r.fs_base));
        write_all(g_log_fd, {line, static_cast<usize>(std::min(len, static_cast<int>(sizeof line) - 1))});
    }
}

} // namespace asterix
