#include "services/syscalls/syscall_table.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "frame/log.h"
#include "services/process/ptrace.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/strace.h"
#include "services/syscalls/syscall_names.h"

namespace asterix::services {

namespace {

template<typename T>
struct ArgConverter {
    static T from(u64 raw)
    {
        static_assert(std::is_integral_v<T>, "syscall arguments are integers or UserPtr");
        // Linux truncates int arguments to their width; so does this.
        return static_cast<T>(raw);
    }
};

template<typename T>
struct ArgConverter<UserPtr<T>> {
    static UserPtr<T> from(u64 raw) { return UserPtr<T>(raw); }
};

/// Calls a typed handler with the raw register arguments converted to its parameter types.
template<typename... Args>
Result<long> invoke(Result<long> (*handler)(Context&, Args...), Context& ctx, const SyscallArgs& raw)
{
    return [&]<usize... I>(std::index_sequence<I...>) {
        return handler(ctx, ArgConverter<std::remove_cvref_t<Args>>::from(raw[I])...);
    }(std::index_sequence_for<Args...> {});
}

constexpr usize table_size = 512;

constexpr std::array<SyscallEntry, table_size> make_table()
{
    std::array<SyscallEntry, table_size> table {};
#define AX_SYSCALL(number, name)                                                                   \
    table[number] = SyscallEntry {#name,                                                           \
        [](Context& ctx, const SyscallArgs& args) { return invoke(&sys_##name, ctx, args); }};
#include "services/syscalls/syscall_list.h"
#undef AX_SYSCALL
    return table;
}

constexpr auto syscall_table = make_table();

bool g_is_panic_on_enosys = false;

/// Unknown numbers are logged once each, but a guest can call billions of them: the numbers
/// that could be real syscalls (below 1024) are remembered in a bitmap, and a few others in a
/// small ring, so the memory stays fixed; the log's rate limit bounds the rest.
class ReportedUnknown {
public:
    /// True the first time a number is seen (as far as this memory reaches).
    bool insert(u64 number)
    {
        if (number < low_numbers) {
            bool is_new = !m_low[number];
            m_low[number] = true;
            if (m_low_counts[number] < ~0u)
                ++m_low_counts[number];
            return is_new;
        }
        ++m_high_calls;
        if (std::find(m_high.begin(), m_high.end(), number) != m_high.end())
            return false;
        m_high[m_next_high] = number;
        m_next_high = (m_next_high + 1) % m_high.size();
        return true;
    }

    /// Calls of each number below 1024, for the summary at exit.
    template<typename Visit>
    void for_each_low(Visit visit) const
    {
        for (u64 number = 0; number < low_numbers; ++number) {
            if (m_low_counts[number])
                visit(number, m_low_counts[number]);
        }
    }
    u64 high_calls() const { return m_high_calls; }

private:
    static constexpr u64 low_numbers = 1024;
    std::bitset<low_numbers> m_low;
    std::array<u32, low_numbers> m_low_counts {};
    u64 m_high_calls {0};
    std::array<u64, 32> m_high {}; // 0 is a real syscall, so never a high number
    usize m_next_high {0};
};

ReportedUnknown& reported_unknown()
{
    static ReportedUnknown numbers;
    return numbers;
}

} // namespace

void set_panic_on_enosys(bool is_on) { g_is_panic_on_enosys = is_on; }

void report_unimplemented_syscalls()
{
    if (!frame::log_enabled(frame::Subsystem::syscall, frame::LogLevel::info))
        return;
    reported_unknown().for_each_low([](u64 number, u32 calls) {
        const char* name = syscall_name(number);
        frame::klog(frame::Subsystem::syscall, frame::LogLevel::info, "ENOSYS summary: %4llu %-24s %u calls",
            static_cast<unsigned long long>(number), name ? name : "(unknown)", calls);
    });
    if (u64 calls = reported_unknown().high_calls())
        frame::klog(frame::Subsystem::syscall, frame::LogLevel::info, "ENOSYS summary: numbers >= 1024: %llu calls",
            static_cast<unsigned long long>(calls));
}

const SyscallEntry* find_syscall(u64 number)
{
    if (number >= table_size || !syscall_table[number].handler)
        return nullptr;
    return &syscall_table[number];
}

void dispatch_syscall(Thread& thread)
{
    Context ctx(thread);
    auto& regs = thread.context();
    // A tracee resumed with PTRACE_SYSCALL stops first; its tracer may change the number and
    // arguments, or skip the call (SYSEMU, or the number -1: rax stays as the tracer left it).
    if (thread.ptrace_link() && (ptrace_syscall_entry(thread) || static_cast<u32>(regs.syscall_number()) == ~0u)) {
        ptrace_syscall_exit(thread);
        return;
    }
    if (thread.is_exiting() || thread.process().is_exiting())
        return;
    // Linux takes the number as an int: the upper half of rax is ignored (do_syscall_64).
    u64 number = static_cast<u32>(regs.syscall_number());
    SyscallArgs args = regs.syscall_args();
    const SyscallEntry* entry = find_syscall(number);

    Result<long> result = Errno::enosys;
    std::array<std::string, 6> trace_arguments;
    if (is_strace_on())
        trace_arguments = trace_inputs(ctx, number, entry, args);
    if (entry) {
        result = entry->handler(ctx, args);
    } else if (g_is_panic_on_enosys) {
        const char* name = syscall_name(number);
        frame::panic("unimplemented syscall %llu (%s) called by pid %d tid %d", static_cast<unsigned long long>(number),
            name ? name : "unknown", thread.process().pid(), thread.tid());
    } else if (reported_unknown().insert(number)) {
        const char* name = syscall_name(number);
        // Info, not a warning: a program probing for a syscall (and falling back) is normal, and
        // the user's terminal is the guest's. --log=syscall:info shows them and a summary.
        frame::klog(frame::Subsystem::syscall, frame::LogLevel::info, "unimplemented syscall %llu (%s), returning ENOSYS",
            static_cast<unsigned long long>(number), name ? name : "unknown");
    }
    long value = result.is_error() ? -static_cast<long>(result.error()) : result.value();
    if (result.is_error()) {
        Errno error = result.error();
        if (error == Errno::erestartsys || error == Errno::erestartnointr || error == Errno::erestartnohand
            || error == Errno::erestart_restartblock) {
            // deliver_signals() restarts it or turns it into EINTR.
            thread.note_interrupted_syscall(number);
        }
    }
    if (is_strace_on())
        trace_syscall(ctx, number, entry, args, trace_arguments, value);
    if (is_recording_syscalls())
        record_syscall(thread.process().pid(), thread.tid(), number, entry, args, value);
    regs.set_syscall_return(value);
    if (!thread.is_exiting() && !thread.process().is_exiting())
        ptrace_syscall_exit(thread);
}

} // namespace asterix::services
