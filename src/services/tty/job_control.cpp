#include "services/tty/job_control.h"

#include <algorithm>
#include <map>
#include <vector>

#include "services/abi/termios.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/context.h"

namespace asterix::services {

namespace {
/// Every terminal's job control, so that a session leader's exit finds its terminal and
/// TIOCSCTTY can see whether the session already has one. The entries do not own.
std::vector<JobControl*>& all_job_controls()
{
    static std::vector<JobControl*> all;
    return all;
}

void signal_group(i32 pgrp, Signal sig)
{
    if (pgrp == 0)
        return;
    // A copy: a signal may end a process, which leaves the table.
    for (auto& [pid, process] : std::map<i32, Process*>(ProcessTable::all())) {
        if (process->pgid() == pgrp && !process->has_exited())
            send_signal(*process, make_signal_info(sig, si_kernel));
    }
}

bool is_group_orphaned(i32 pgrp)
{
    std::vector<JobMember> members;
    for (auto& [pid, process] : ProcessTable::all()) {
        Process* parent = process->parent();
        members.push_back({process->pgid(), process->sid(), process->has_exited(), parent != nullptr,
            parent ? parent->pgid() : 0, parent ? parent->sid() : 0});
    }
    return is_orphaned_group(pgrp, members);
}
} // namespace

bool is_orphaned_group(i32 pgid, std::span<const JobMember> processes)
{
    return std::none_of(processes.begin(), processes.end(), [&](const JobMember& member) {
        return member.pgid == pgid && !member.has_exited && member.has_parent && member.parent_pgid != pgid
            && member.parent_sid == member.sid;
    });
}

JobControl::JobControl() { all_job_controls().push_back(this); }

JobControl::~JobControl() { std::erase(all_job_controls(), this); }

void JobControl::attach(i32 session, i32 pgrp)
{
    m_session = session;
    m_foreground_pgrp = pgrp;
}

JobAccess JobControl::access(const JobCaller& caller, int sig) const
{
    if (m_session == 0 || caller.sid != m_session || m_foreground_pgrp == 0 || caller.pgid == m_foreground_pgrp)
        return JobAccess::allow;
    if (caller.is_signal_ignored)
        return sig == sigttin ? JobAccess::fail : JobAccess::allow;
    if (caller.is_group_orphaned)
        return JobAccess::fail;
    return JobAccess::stop_group;
}

bool JobControl::is_caller_in_background() const
{
    Thread* thread = ProcessTable::current_thread();
    if (!thread)
        return false;
    const Process& process = thread->process();
    return access({process.sid(), process.pgid(), false, false}, sigttou) != JobAccess::allow;
}

Result<void> JobControl::check(Signal sig) const
{
    Thread* thread = ProcessTable::current_thread();
    if (!thread)
        return {};
    Process& process = thread->process();
    // The common case, a foreground process or one of another session, stops here, before the
    // orphan check walks the process table.
    JobCaller caller {process.sid(), process.pgid(), false, false};
    if (access(caller, sig) == JobAccess::allow)
        return {};
    caller.is_signal_ignored = is_ignored(process, sig) || (thread->sig_mask() & sig_bit(sig));
    caller.is_group_orphaned = !caller.is_signal_ignored && is_group_orphaned(process.pgid());
    switch (access(caller, sig)) {
    case JobAccess::allow:
        return {};
    case JobAccess::fail:
        return Errno::eio;
    case JobAccess::stop_group:
        signal_group(process.pgid(), sig);
        return Errno::erestartsys;
    }
    return {};
}

Result<void> JobControl::check_read() const { return check(sigttin); }

Result<void> JobControl::check_change() const { return check(sigttou); }

void signal_process_group(i32 pgrp, u64 signals)
{
    for (int sig = 1; sig < 64; ++sig) {
        if (signals & (1ull << sig))
            signal_group(pgrp, Signal::from_valid(sig)); // 1..63
    }
}

void JobControl::signal_foreground(u64 signals) const { signal_process_group(m_foreground_pgrp, signals); }

void JobControl::hang_up()
{
    signal_group(m_foreground_pgrp, sighup);
    signal_group(m_foreground_pgrp, sigcont);
    m_session = 0;
    m_foreground_pgrp = 0;
}

void JobControl::hang_up_session()
{
    if (m_session != 0) {
        if (Process* leader = ProcessTable::find(m_session); leader && !leader->has_exited()) {
            send_signal(*leader, make_signal_info(sighup, si_kernel));
            send_signal(*leader, make_signal_info(sigcont, si_kernel));
        }
    }
    m_session = 0;
    m_foreground_pgrp = 0;
}

void JobControl::on_session_leader_exit(i32 sid)
{
    for (JobControl* terminal : all_job_controls()) {
        if (terminal->m_session == sid)
            terminal->hang_up();
    }
}

bool JobControl::is_job_ioctl(u32 request)
{
    using namespace abi;
    return request == tiocsctty || request == tiocnotty || request == tiocgpgrp || request == tiocspgrp
        || request == tiocgsid;
}

Result<long> JobControl::ioctl(Context& ctx, u32 request, u64 arg)
{
    Process& caller = ctx.process();
    switch (request) {
    case abi::tiocgpgrp:
    case abi::tiocgsid:
        if (m_session == 0 || m_session != caller.sid())
            return Errno::enotty;
        TRY(ctx.user().write(UserPtr<i32>(arg), request == abi::tiocgpgrp ? m_foreground_pgrp : m_session));
        return 0;
    case abi::tiocspgrp: {
        // A background caller is stopped first (SIGTTOU), as for any change of the terminal;
        // one whose group is orphaned is told the terminal is not its own.
        if (auto checked = check_change(); checked.is_error())
            return checked.error() == Errno::eio ? Errno::enotty : checked.error();
        if (m_session == 0 || m_session != caller.sid())
            return Errno::enotty;
        i32 pgrp = TRY(ctx.user().read(UserPtr<i32>(arg)));
        if (pgrp < 0)
            return Errno::einval;
        bool is_group_in_session = false;
        for (auto& [pid, process] : ProcessTable::all())
            is_group_in_session |= process->pgid() == pgrp && process->sid() == caller.sid(); // zombies count
        if (!is_group_in_session)
            return Errno::eperm;
        m_foreground_pgrp = pgrp;
        return 0;
    }
    case abi::tiocsctty: {
        if (caller.sid() != caller.pid())
            return Errno::eperm;
        if (m_session == caller.sid())
            return 0;
        auto& all = all_job_controls();
        bool has_terminal = std::any_of(all.begin(), all.end(), [&](JobControl* other) { return other->m_session == caller.sid(); });
        if (has_terminal)
            return Errno::eperm;
        // Stealing another live session's terminal takes CAP_SYS_ADMIN and an argument of 1.
        if (m_session != 0 && ProcessTable::find(m_session) && !(arg == 1 && ctx.thread().credentials().has_capability(abi::Capability::sys_admin)))
            return Errno::eperm;
        attach(caller.sid(), caller.pgid());
        return 0;
    }
    case abi::tiocnotty:
        if (m_session == 0 || m_session != caller.sid())
            return Errno::enotty;
        if (caller.sid() == caller.pid())
            hang_up();
        return 0;
    default:
        return Errno::enotty;
    }
}

} // namespace asterix::services
