// wait4, waitid

#include <limits>
#include <optional>

#include "services/abi/wait.h"
#include "services/fs/pid_file.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

/// Which children a wait is about: all (-1), one pid, or a process group.
struct Selector {
    abi::WaitIdType kind;
    i32 id;
};

bool matches(const Process& parent, const Process& child, const Selector& selector, int options)
{
    // wait(2): without __WALL, plain waits see "normal" children (exit signal SIGCHLD) and
    // __WCLONE waits the others.
    if (!(options & abi::wall)) {
        bool is_clone_child = child.exit_signal() != sigchld;
        if (is_clone_child != ((options & abi::wclone) != 0))
            return false;
    }
    switch (selector.kind) {
    case abi::WaitIdType::pid:
        return child.pid() == selector.id;
    case abi::WaitIdType::pgid:
        return child.pgid() == (selector.id ? selector.id : parent.pgid());
    default:
        return true;
    }
}

bool tracee_matches(const Process& tracer, const PtraceLink& link, const Selector& selector)
{
    switch (selector.kind) {
    case abi::WaitIdType::pid:
        return link.tid() == selector.id;
    case abi::WaitIdType::pgid: {
        Process* tracee = ProcessTable::find(link.tgid());
        return tracee && tracee->pgid() == (selector.id ? selector.id : tracer.pgid());
    }
    default:
        return true;
    }
}

struct WaitOutcome {
    i32 pid;
    int status;     ///< wait4 status word
    int code;       ///< CLD_* for waitid
    int value;      ///< exit code or signal for waitid
    u32 uid;
};

abi::Rusage rusage_of(const Process& child)
{
    abi::Rusage usage {};
    u64 user = child.cpu_times().user_ns + child.cpu_times().children_user_ns;
    u64 system = child.cpu_times().system_ns + child.cpu_times().children_system_ns;
    usage.utime = {static_cast<i64>(user / 1'000'000'000), static_cast<i64>(user % 1'000'000'000 / 1000)};
    usage.stime = {static_cast<i64>(system / 1'000'000'000), static_cast<i64>(system % 1'000'000'000 / 1000)};
    return usage;
}

/// One pass over the children: a state change to report, none yet (nullopt), or ECHILD.
Result<std::optional<WaitOutcome>> find_change(Process& parent, const Selector& selector, int options, abi::Rusage* usage)
{
    bool has_match = false;
    for (auto& child_ref : std::vector<Ref<Process>>(parent.children())) {
        Process& child = *child_ref;
        if (!matches(parent, child, selector, options))
            continue;
        has_match = true;
        // Its tracer hears of its end first, and of its traced threads' ends (ptrace.cpp).
        if (child.has_exited() && (child.is_exit_held_by_tracer() || child.has_unreaped_traced_threads()))
            continue;
        // The parent that traces its child hears of its stops as tracer only (Linux's
        // wait_consider_task).
        bool is_traced_by_parent = !child.has_exited() && is_traced_by(child, parent);
        if (child.has_exited() && (options & abi::wexited)) {
            int sig = child.wait_status() & 0x7f;
            WaitOutcome outcome {child.pid(), child.wait_status(), sig ? ((child.wait_status() & 0x80) ? cld_dumped : cld_killed) : cld_exited,
                sig ? sig : (child.wait_status() >> 8) & 0xff, child.credentials().uid};
            if (usage)
                *usage = rusage_of(child);
            if (!(options & abi::wnowait))
                reap(parent, child);
            return std::optional(outcome);
        }
        if (child.has_stop_to_report() && (options & abi::wuntraced) && !child.has_exited() && !is_traced_by_parent) {
            if (!(options & abi::wnowait))
                child.take_stop_report();
            return std::optional(WaitOutcome {child.pid(), (child.stop_signal() << 8) | 0x7f, cld_stopped, child.stop_signal(), child.credentials().uid});
        }
        if (child.has_continue_to_report() && (options & abi::wcontinued) && !child.has_exited()) {
            if (!(options & abi::wnowait))
                child.take_continue_report();
            return std::optional(WaitOutcome {child.pid(), 0xffff, cld_continued, sigcont, child.credentials().uid});
        }
    }
    // The tracees: their ptrace stops whatever the options, their ends; all of them, whether
    // clones or not (Linux's eligible_child for a tracer).
    for (auto& link_ref : std::vector<Ref<PtraceLink>>(parent.tracees())) {
        PtraceLink& link = *link_ref;
        if (!tracee_matches(parent, link, selector))
            continue;
        has_match = true;
        if (link.has_exited()) {
            if (!(options & abi::wexited))
                continue;
            int status = link.exit_status();
            int sig = status & 0x7f;
            WaitOutcome outcome {link.tid(), status, sig ? ((status & 0x80) ? cld_dumped : cld_killed) : cld_exited,
                sig ? sig : (status >> 8) & 0xff, 0};
            if (!(options & abi::wnowait))
                ptrace_reap(parent, link);
            return std::optional(outcome);
        }
        if (link.has_stop_to_report()) {
            if (!(options & abi::wnowait))
                link.take_stop_report();
            Thread* tracee = link.tracee();
            u32 uid = tracee ? tracee->credentials().uid : 0;
            return std::optional(WaitOutcome {link.tid(), link.stop_status(), abi::cld_trapped, link.stop_status() >> 8, uid});
        }
    }
    if (!has_match)
        return Errno::echild;
    return std::optional<WaitOutcome>();
}

Result<WaitOutcome> wait_for_child(Context& ctx, const Selector& selector, int options, abi::Rusage* usage)
{
    Process& parent = ctx.process();
    for (;;) {
        auto found = TRY(find_change(parent, selector, options, usage));
        if (found)
            return *found;
        if (options & abi::wnohang)
            return WaitOutcome {0, 0, 0, 0, 0};
        auto waited = wait_interruptible(parent.child_event(), ~0ull, "wait for a child");
        if (waited.is_error()) {
            // A child's end both wakes the wait and sends SIGCHLD: as Linux's do_wait, the
            // children are looked at before the signal interrupts the call.
            if (auto found = TRY(find_change(parent, selector, options, usage)))
                return *found;
            return waited.error();
        }
    }
}
} // namespace

Result<long> sys_wait4(Context& ctx, i32 pid, UserPtr<i32> status, int options, UserPtr<abi::Rusage> rusage)
{
    if (options & ~(abi::wnohang | abi::wuntraced | abi::wcontinued | abi::wnothread | abi::wall | abi::wclone))
        return Errno::einval;
    if (pid == std::numeric_limits<i32>::min())
        return Errno::esrch;
    Selector selector {abi::WaitIdType::all, 0};
    if (pid > 0)
        selector = {abi::WaitIdType::pid, pid};
    else if (pid == 0)
        selector = {abi::WaitIdType::pgid, 0};
    else if (pid < -1)
        selector = {abi::WaitIdType::pgid, -pid};
    abi::Rusage usage {};
    auto outcome = TRY(wait_for_child(ctx, selector, options | abi::wexited, &usage));
    if (outcome.pid > 0) {
        if (!status.is_null())
            TRY(ctx.user().write(status, outcome.status));
        if (!rusage.is_null())
            TRY(ctx.user().write(rusage, usage));
    }
    return outcome.pid;
}

Result<long> sys_waitid(Context& ctx, int idtype, i32 id, UserPtr<abi::SigInfo> infop, int options, UserPtr<abi::Rusage> rusage)
{
    if (options
        & ~(abi::wnohang | abi::wuntraced | abi::wexited | abi::wcontinued | abi::wnowait | abi::wnothread | abi::wall
            | abi::wclone))
        return Errno::einval;
    if (!(options & (abi::wuntraced | abi::wexited | abi::wcontinued)))
        return Errno::einval;
    Selector selector {abi::WaitIdType::all, 0};
    bool is_nonblocking_pidfd = false;
    if (idtype == static_cast<int>(abi::WaitIdType::pid)) {
        if (id <= 0)
            return Errno::einval;
        selector = {abi::WaitIdType::pid, id};
    } else if (idtype == static_cast<int>(abi::WaitIdType::pgid)) {
        if (id < 0)
            return Errno::einval;
        selector = {abi::WaitIdType::pgid, id};
    } else if (idtype == static_cast<int>(abi::WaitIdType::pidfd)) {
        if (id < 0)
            return Errno::einval;
        auto file = TRY(ctx.files().get(id));
        PidFile* pid_file = file->as_pidfd();
        if (!pid_file)
            return Errno::ebadf;
        // A thread pidfd waits for the task it names: a leader's is its process, any other
        // thread is nobody's child (ECHILD), as Linux's do_wait_pid finds it.
        selector = {abi::WaitIdType::pid, pid_file->id()};
        // A non-blocking pidfd makes the wait non-blocking: EAGAIN while the child runs.
        is_nonblocking_pidfd = file->is_nonblocking() && !(options & abi::wnohang);
        if (is_nonblocking_pidfd)
            options |= abi::wnohang;
    } else if (idtype != static_cast<int>(abi::WaitIdType::all)) {
        return Errno::einval;
    }
    abi::Rusage usage {};
    auto outcome = TRY(wait_for_child(ctx, selector, options, &usage));
    if (is_nonblocking_pidfd && outcome.pid == 0)
        return Errno::eagain;
    if (!infop.is_null()) {
        abi::SigInfo info {};
        if (outcome.pid > 0) {
            info = make_signal_info(sigchld, outcome.code, outcome.pid, outcome.uid);
            info.set_status(outcome.value);
        }
        TRY(ctx.user().write(infop, info));
    }
    if (!rusage.is_null())
        TRY(ctx.user().write(rusage, usage));
    return 0;
}

} // namespace asterix::services
