#pragma once

#include "frame/task.h"
#include "services/abi.h"
#include "services/process/process.h"

namespace asterix::services {

inline constexpr int sighup = 1;
inline constexpr int sigint = 2;
inline constexpr int sigquit = 3;
inline constexpr int sigill = 4;
inline constexpr int sigtrap = 5;
inline constexpr int sigabrt = 6;
inline constexpr int sigbus = 7;
inline constexpr int sigfpe = 8;
inline constexpr int sigkill = 9;
inline constexpr int sigsegv = 11;
inline constexpr int sigpipe = 13;
inline constexpr int sigalrm = 14;
inline constexpr int sigterm = 15;
inline constexpr int sigchld = 17;
inline constexpr int sigcont = 18;
inline constexpr int sigstop = 19;
inline constexpr int sigtstp = 20;
inline constexpr int sigttin = 21;
inline constexpr int sigttou = 22;
inline constexpr int sigsys = 31;

// si_code values.
inline constexpr int si_user = 0;
inline constexpr int si_kernel = 0x80;
inline constexpr int si_queue = -1;
inline constexpr int si_tkill = -6;
inline constexpr int cld_exited = 1;
inline constexpr int cld_killed = 2;
inline constexpr int cld_dumped = 3;
inline constexpr int cld_stopped = 5;
inline constexpr int cld_continued = 6;

// sigaction flags and special handlers.
inline constexpr u64 sig_dfl = 0;
inline constexpr u64 sig_ign = 1;
inline constexpr u64 sa_nocldstop = 1;
inline constexpr u64 sa_nocldwait = 2;
inline constexpr u64 sa_siginfo = 4;
inline constexpr u64 sa_restorer = 0x04000000;
inline constexpr u64 sa_onstack = 0x08000000;
inline constexpr u64 sa_restart = 0x10000000;
inline constexpr u64 sa_nodefer = 0x40000000;
inline constexpr u64 sa_resethand = 0x80000000;

constexpr u64 sig_bit(int sig) { return 1ull << (sig - 1); }
/// SIGKILL and SIGSTOP can be neither blocked, caught nor ignored.
inline constexpr u64 unblockable_signals = sig_bit(sigkill) | sig_bit(sigstop);

enum class DefaultAction : u8 { terminate, core, ignore, stop, cont };
DefaultAction default_action(int sig);

/// "SIGSEGV" for 11; nullptr for a number that is not a signal.
const char* signal_name(int sig);
bool dumps_core_by_default(int sig);

/// A siginfo for a signal sent by a process (kill, tkill) or the kernel.
abi::SigInfo make_signal_info(int sig, int code, i32 sender_pid = 0, u32 sender_uid = 0);

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
