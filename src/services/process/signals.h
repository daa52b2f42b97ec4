#pragma once

#include "frame/task.h"
#include "services/abi/signal.h"
#include "services/process/process.h"

namespace asterix::services {

// The signal ABI lives in services/abi/signal.h; these names were this header's before it and
// stay visible here for its users.
using abi::sighup, abi::sigint, abi::sigquit, abi::sigill, abi::sigtrap, abi::sigabrt, abi::sigbus,
    abi::sigfpe, abi::sigkill, abi::sigusr1, abi::sigsegv, abi::sigusr2, abi::sigpipe, abi::sigalrm,
    abi::sigterm, abi::sigstkflt, abi::sigchld, abi::sigcont, abi::sigstop, abi::sigtstp, abi::sigttin,
    abi::sigttou, abi::sigurg, abi::sigxcpu, abi::sigxfsz, abi::sigvtalrm, abi::sigprof, abi::sigwinch,
    abi::sigio, abi::sigpwr, abi::sigsys, abi::sigrtmin;
using abi::Signal;
using abi::si_user, abi::si_kernel, abi::si_queue, abi::si_tkill, abi::cld_exited, abi::cld_killed,
    abi::cld_dumped, abi::cld_stopped, abi::cld_continued;
using abi::sig_dfl, abi::sig_ign, abi::sa_nocldstop, abi::sa_nocldwait, abi::sa_siginfo, abi::sa_restorer,
    abi::sa_onstack, abi::sa_restart, abi::sa_nodefer, abi::sa_resethand, abi::sig_bit;

/// SIGKILL and SIGSTOP can be neither blocked, caught nor ignored.
inline constexpr u64 unblockable_signals = sig_bit(sigkill) | sig_bit(sigstop);

enum class DefaultAction : u8 { terminate, core, ignore, stop, cont };
DefaultAction default_action(int sig);

/// "SIGSEGV" for 11; nullptr for a number that is not a signal.
const char* signal_name(int sig);
bool dumps_core_by_default(int sig);

/// A siginfo for a signal sent by a process (kill, tkill) or the kernel.
abi::SigInfo make_signal_info(abi::Signal sig, int code, i32 sender_pid = 0, u32 sender_uid = 0);

/// Sends a signal to a process: a thread that does not block it is woken to take it.
void send_signal(Process& target, const abi::SigInfo& info);
/// Sends a signal to one thread (tgkill, faults).
void send_signal(Thread& target, const abi::SigInfo& info);
/// A synchronous fault signal: it cannot be blocked or ignored (the default action then runs).
void force_signal(Thread& target, const abi::SigInfo& info);

/// Whether the thread has a signal it does not block waiting.
bool has_pending_signal(Thread& thread);

/// Runs before the thread returns to user mode: takes pending signals, runs default actions or
/// builds a signal frame for the handler, and restarts or fails an interrupted syscall.
void deliver_signals(Thread& thread);

/// Blocks the calling thread on `queue` until woken; ERESTARTSYS when a signal comes first,
/// ETIMEDOUT at `deadline_ns` (monotonic).
Result<void> wait_interruptible(frame::WaitQueue& queue, u64 deadline_ns = ~0ull, const char* reason = "wait");

/// Installs a temporary signal mask (sigsuspend, ppoll, pselect6) that deliver_signals() puts
/// back once a signal has been taken. EINVAL for a size other than 8.
Result<void> set_temporary_sig_mask(Thread& thread, u64 mask, u64 sigsetsize);

/// rt_sigreturn: restores the registers, mask and FPU state saved in the signal frame.
Result<long> restore_signal_frame(Thread& thread);

/// The process group or session machinery asks whether anyone could still handle the signal.
bool is_ignored(Process& process, int sig);

} // namespace asterix::services
