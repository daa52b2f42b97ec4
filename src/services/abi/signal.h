#pragma once

// Linux's signal ABI (uapi asm/signal.h, asm-generic/signal-defs.h, asm-generic/siginfo.h):
// signal numbers and sets, sigaction flags and special handlers, si_code values, sigaltstack,
// and the structures guests exchange with rt_sigaction, sigaltstack and their handlers.

#include <array>

#include "frame/types.h"

namespace asterix::services::abi {

/// _NSIG: signals are numbered 1 to 64.
inline constexpr int signal_count = 64;
/// sizeof the kernel's sigset_t; rt_sig* calls reject any other sigsetsize.
inline constexpr u64 sigset_bytes = 8;

inline constexpr int sighup = 1;
inline constexpr int sigint = 2;
inline constexpr int sigquit = 3;
inline constexpr int sigill = 4;
inline constexpr int sigtrap = 5;
inline constexpr int sigabrt = 6;
inline constexpr int sigbus = 7;
inline constexpr int sigfpe = 8;
inline constexpr int sigkill = 9;
inline constexpr int sigusr1 = 10;
inline constexpr int sigsegv = 11;
inline constexpr int sigusr2 = 12;
inline constexpr int sigpipe = 13;
inline constexpr int sigalrm = 14;
inline constexpr int sigterm = 15;
inline constexpr int sigstkflt = 16;
inline constexpr int sigchld = 17;
inline constexpr int sigcont = 18;
inline constexpr int sigstop = 19;
inline constexpr int sigtstp = 20;
inline constexpr int sigttin = 21;
inline constexpr int sigttou = 22;
inline constexpr int sigurg = 23;
inline constexpr int sigxcpu = 24;
inline constexpr int sigxfsz = 25;
inline constexpr int sigvtalrm = 26;
inline constexpr int sigprof = 27;
inline constexpr int sigwinch = 28;
inline constexpr int sigio = 29;
inline constexpr int sigpwr = 30;
inline constexpr int sigsys = 31;
/// The first real-time signal as the kernel numbers them (glibc reserves a few above it).
inline constexpr int sigrtmin = 32;

/// Whether `sig` names a signal (1..64); 0 is the "does the target exist" probe of kill(2).
constexpr bool is_valid_signal(int sig) { return sig >= 1 && sig <= signal_count; }

/// The bit of a signal in a sigset_t: bit (sig - 1).
constexpr u64 sig_bit(int sig) { return 1ull << (sig - 1); }

/// A set of signals, laid out as the kernel's sigset_t (bit sig - 1 for signal sig), so that it
/// converts to and from guest memory by its bits.
class SigSet {
public:
    constexpr SigSet() = default;
    static constexpr SigSet from_bits(u64 bits) { return SigSet {bits}; }
    constexpr u64 bits() const { return m_bits; }

    constexpr bool has(int sig) const { return (m_bits & sig_bit(sig)) != 0; }
    constexpr void add(int sig) { m_bits |= sig_bit(sig); }
    constexpr void remove(int sig) { m_bits &= ~sig_bit(sig); }
    constexpr bool is_empty() const { return m_bits == 0; }
    /// This set without the signals of `other`.
    constexpr SigSet without(SigSet other) const { return SigSet {m_bits & ~other.m_bits}; }

    friend constexpr SigSet operator|(SigSet a, SigSet b) { return SigSet {a.m_bits | b.m_bits}; }
    friend constexpr SigSet operator&(SigSet a, SigSet b) { return SigSet {a.m_bits & b.m_bits}; }
    friend constexpr bool operator==(SigSet a, SigSet b) = default;

private:
    constexpr explicit SigSet(u64 bits)
        : m_bits(bits)
    {
    }
    u64 m_bits {0};
};

// si_code values (asm-generic/siginfo.h).
inline constexpr int si_user = 0;
inline constexpr int si_kernel = 0x80;
inline constexpr int si_queue = -1;
inline constexpr int si_timer = -2;
inline constexpr int si_mesgq = -3;
inline constexpr int si_tkill = -6;
inline constexpr int ill_illopn = 2;
inline constexpr int fpe_intdiv = 1;
inline constexpr int segv_maperr = 1;
inline constexpr int segv_accerr = 2;
inline constexpr int bus_adrerr = 2;
inline constexpr int cld_exited = 1;
inline constexpr int cld_killed = 2;
inline constexpr int cld_dumped = 3;
inline constexpr int cld_stopped = 5;
inline constexpr int cld_continued = 6;

// sigaction handlers and flags.
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

// rt_sigprocmask's `how`.
inline constexpr int sig_block = 0;
inline constexpr int sig_unblock = 1;
inline constexpr int sig_setmask = 2;

// sigaltstack flags and the smallest stack it accepts.
inline constexpr i32 ss_onstack = 1;
inline constexpr i32 ss_disable = 2;
inline constexpr i32 ss_autodisarm = 1 << 31;
inline constexpr u64 minsigstksz = 2048;

/// The kernel's struct sigaction (not libc's): handler, flags, restorer, mask.
struct KSigAction {
    u64 handler;
    u64 flags;
    u64 restorer;
    u64 mask;
};

/// stack_t, as sigaltstack(2) reads and writes it.
struct StackT {
    u64 sp;
    i32 flags;
    i32 pad;
    u64 size;
};

/// siginfo_t: 128 bytes; the union's layout depends on the signal.
struct SigInfo {
    i32 signo;
    i32 errno_value;
    i32 code;
    i32 pad;
    /// The union: kill/sigqueue: pid, uid (then value); SIGCHLD: pid, uid, status, utime,
    /// stime; faults: addr.
    std::array<u64, 14> fields;

    void set_pid_uid(i32 pid, u32 uid) { fields[0] = static_cast<u32>(pid) | (u64 {uid} << 32); }
    void set_addr(u64 addr) { fields[0] = addr; }
    void set_status(i32 status) { fields[1] = static_cast<u32>(status); }
    void set_value(u64 value) { fields[1] = value; }
};
static_assert(sizeof(SigInfo) == 128);

} // namespace asterix::services::abi
