#pragma once

// Linux's signal ABI (uapi asm/signal.h, asm-generic/signal-defs.h, asm-generic/siginfo.h):
// signal numbers and sets, sigaction flags and special handlers, si_code values, sigaltstack,
// and the structures guests exchange with rt_sigaction, sigaltstack and their handlers.

#include <array>
#include <optional>

#include "frame/types.h"

namespace asterix::services::abi {

/// _NSIG: signals are numbered 1 to 64.
inline constexpr int signal_count = 64;
/// sizeof the kernel's sigset_t; rt_sig* calls reject any other sigsetsize.
inline constexpr u64 sigset_bytes = 8;

/// Whether `sig` names a signal (1..64); 0 is the "does the target exist" probe of kill(2).
constexpr bool is_valid_signal(int sig) { return sig >= 1 && sig <= signal_count; }

/// A signal number, 1 to 64. A guest's int becomes one only through from_number (EINVAL at
/// the syscall boundary otherwise), so the interfaces that take a Signal never see 0 or 65.
/// It reads as its number wherever an int is wanted (tables, siginfo, arithmetic).
class Signal {
public:
    /// The guest's number as a signal; nothing outside 1..64.
    static constexpr std::optional<Signal> from_number(int number)
    {
        if (!is_valid_signal(number))
            return std::nullopt;
        return Signal(number);
    }
    /// A number the kernel has already checked (a siginfo it queued, a loop over 1..64).
    static constexpr Signal from_valid(int number) { return Signal(number); }
    /// The names below; a number outside 1..64 does not compile.
    static consteval Signal constant(int number)
    {
        if (!is_valid_signal(number))
            invalid_signal_constant();
        return Signal(number);
    }

    constexpr int number() const { return m_number; }
    constexpr operator int() const { return m_number; }
    constexpr bool is_realtime() const { return m_number >= 32; }

private:
    constexpr explicit Signal(int number)
        : m_number(number)
    {
    }
    static void invalid_signal_constant();
    int m_number;
};

inline constexpr Signal sighup = Signal::constant(1);
inline constexpr Signal sigint = Signal::constant(2);
inline constexpr Signal sigquit = Signal::constant(3);
inline constexpr Signal sigill = Signal::constant(4);
inline constexpr Signal sigtrap = Signal::constant(5);
inline constexpr Signal sigabrt = Signal::constant(6);
inline constexpr Signal sigbus = Signal::constant(7);
inline constexpr Signal sigfpe = Signal::constant(8);
inline constexpr Signal sigkill = Signal::constant(9);
inline constexpr Signal sigusr1 = Signal::constant(10);
inline constexpr Signal sigsegv = Signal::constant(11);
inline constexpr Signal sigusr2 = Signal::constant(12);
inline constexpr Signal sigpipe = Signal::constant(13);
inline constexpr Signal sigalrm = Signal::constant(14);
inline constexpr Signal sigterm = Signal::constant(15);
inline constexpr Signal sigstkflt = Signal::constant(16);
inline constexpr Signal sigchld = Signal::constant(17);
inline constexpr Signal sigcont = Signal::constant(18);
inline constexpr Signal sigstop = Signal::constant(19);
inline constexpr Signal sigtstp = Signal::constant(20);
inline constexpr Signal sigttin = Signal::constant(21);
inline constexpr Signal sigttou = Signal::constant(22);
inline constexpr Signal sigurg = Signal::constant(23);
inline constexpr Signal sigxcpu = Signal::constant(24);
inline constexpr Signal sigxfsz = Signal::constant(25);
inline constexpr Signal sigvtalrm = Signal::constant(26);
inline constexpr Signal sigprof = Signal::constant(27);
inline constexpr Signal sigwinch = Signal::constant(28);
inline constexpr Signal sigio = Signal::constant(29);
inline constexpr Signal sigpwr = Signal::constant(30);
inline constexpr Signal sigsys = Signal::constant(31);
/// The first real-time signal as the kernel numbers them (glibc reserves a few above it).
inline constexpr Signal sigrtmin = Signal::constant(32);

/// The bit of a signal in a sigset_t: bit (sig - 1).
constexpr u64 sig_bit(int sig) { return 1ull << (sig - 1); }

/// A set of signals, laid out as the kernel's sigset_t (bit sig - 1 for signal sig), so that it
/// converts to and from guest memory by its bits.
class SigSet {
public:
    constexpr SigSet() = default;
    static constexpr SigSet from_bits(u64 bits) { return SigSet {bits}; }
    constexpr u64 bits() const { return m_bits; }

    constexpr bool has(Signal sig) const { return (m_bits & sig_bit(sig)) != 0; }
    constexpr void add(Signal sig) { m_bits |= sig_bit(sig); }
    constexpr void remove(Signal sig) { m_bits &= ~sig_bit(sig); }
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
inline constexpr int cld_trapped = 4;
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
