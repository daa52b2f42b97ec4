#pragma once

#include <sys/types.h>

#include <array>
#include <span>
#include <memory>
#include <vector>

#include "frame/arch.h"
#include "frame/phys_mem.h"
#include "host_arch/host_mappings.h"
#include "host_arch/systrap_spin.h"

namespace asterix::frame::arch {

/// Where the stub lives in every address-space process, just above guest user space.
inline constexpr u64 stub_code_addr = user_space_end;
inline constexpr u64 stub_data_addr = user_space_end + 0x1000;
inline constexpr u64 stub_end_addr = user_space_end + 0x2000;
/// The systrap platform's pages (stub.S documents their layout): the message page the guest
/// thread's handler and the mapping thread answer through, the setup page (seccomp programs),
/// and the guest thread's alternate signal stack, where its signal frames are.
inline constexpr u64 sysmsg_addr = user_space_end + 0x2000;
inline constexpr u64 systrap_setup_addr = user_space_end + 0x3000;
inline constexpr u64 altstack_addr = user_space_end + 0x4000;
inline constexpr usize altstack_pages = 4;
inline constexpr u64 systrap_stub_end_addr = altstack_addr + altstack_pages * page_size;
/// The top of a host process's user address space.
inline constexpr u64 host_user_top = 0x7ffffffff000ull;

struct StubOp {
    u64 nr;
    u64 args[6];
    i64 result;
};
inline constexpr usize stub_ops_offset = 64;
inline constexpr usize stub_max_ops = (page_size - stub_ops_offset) / sizeof(StubOp);
/// Systrap: the request sequence word in the request page, and in the message page the
/// finished sequence word and the batch results (stub.S).
inline constexpr usize systrap_request_seq_offset = 8;
inline constexpr usize systrap_done_offset = 4;
inline constexpr usize systrap_results_offset = 64;
/// How long a batch or a handoff may take before the address space counts as stuck.
inline constexpr u64 systrap_batch_timeout_ns = 10'000'000'000ull;

/// The systrap platform's part of an address space: the pages it shares with the kernel
/// (memfd frames the kernel reaches through its direct map), the guest thread, and where the
/// guest thread's current signal frame is (checked when the guest thread reported it).
struct SystrapSpace {
    Frame sysmsg;
    Frame setup;
    std::array<Frame, altstack_pages> altstack;
    pid_t guest_tid {0};
    u32 request_seq {0};
    /// The signal frame of the last trap, as validated addresses in the alternate stack.
    u64 ucontext_addr {0};
    u64 siginfo_addr {0};
    u64 fpstate_addr {0};
    /// How many bytes of XSAVE state that frame holds (the host's signal-frame size, which
    /// leaves out AMX tile data a thread has no permission for; at most xstate_bytes).
    usize fpstate_bytes {0};
    /// The guest thread waits in the fast handoff of a patched syscall site (stub.S), not in
    /// its signal handler: there is no signal frame to write until it is converted.
    bool is_fast_parked {false};
    /// Who spins at the next handoffs (systrap_spin.h).
    HandoffTiming timing;

    SystrapSpace() = default;
    SystrapSpace(const SystrapSpace&) = delete;
    SystrapSpace& operator=(const SystrapSpace&) = delete;
    /// Forgets the space if its stub was the last one allowed to spin (systrap.cpp).
    ~SystrapSpace();
};

/// A guest address space on the host: an address-space process (pid) that holds only the
/// stub, whose mappings of the physical-memory memfd are the TLB of the software page table.
class AddressSpace {
public:
    AddressSpace(pid_t pid, Frame stub_data, std::unique_ptr<SystrapSpace> systrap = nullptr)
        : m_pid(pid), m_stub_data(std::move(stub_data)), m_systrap(std::move(systrap))
    {
    }
    ~AddressSpace();

    pid_t pid() const { return m_pid; }
    bool is_alive() const { return m_is_alive; }
    void mark_dead() { m_is_alive = false; }
    /// waitpid has collected the process's exit: its pid may now belong to any other host
    /// process, so nothing may signal or wait for it again.
    void mark_reaped()
    {
        m_is_alive = false;
        m_is_reaped = true;
    }

    /// Queues one host syscall for the stub.
    void queue(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3 = 0, u64 a4 = 0, u64 a5 = 0);
    /// Runs the queued syscalls in the address-space process (one round trip per batch).
    void flush();

    /// The systrap platform's state, or null when the process runs under ptrace.
    SystrapSpace* systrap() const { return m_systrap.get(); }
    /// Gives up the address space after the stub misbehaved: the process is killed, and every
    /// guest thread that runs in it next gets address_space_lost (SIGKILL for its process).
    void lose(const char* why, int status = 0, u64 rip = 0);
    /// Whether the process still lives; reaps it and resumes harmless stops of the mapping
    /// thread (systrap, which waits on futexes rather than on waitpid).
    bool check_alive();

    /// The guest context whose FPU state the process holds.
    UserContext* loaded_context {nullptr};
    /// The debug registers the process's guest thread holds: none at first, since every
    /// address-space process is a new fork or clone (Linux gives those none).
    DebugRegisters::Hardware loaded_debug {};
    /// The host mappings the queued and past changes leave in the guest range (a bound).
    HostMappings host_mappings;

private:
    void run_batch(usize first, usize count);
    /// run_batch for the systrap platform: the mapping thread runs it, woken through a futex.
    bool run_systrap_batch(usize count);
    /// Checks the results of a batch the stub ran (a failure is a kernel bug or a lost space).
    void check_results(std::span<u8> page, usize first, usize count);

    pid_t m_pid;
    Frame m_stub_data;
    std::unique_ptr<SystrapSpace> m_systrap;
    std::vector<StubOp> m_pending;
    bool m_is_alive {true};
    bool m_is_reaped {false};
};

static_assert(ArchAddressSpace<AddressSpace>);

/// Waits for a stop of `pid`, retrying on EINTR; returns the wait status.
int wait_for_stop(pid_t pid);

/// The size of the host's XSAVE state (PTRACE_GETREGSET NT_X86_XSTATE); the first call must
/// name a process stopped under ptrace.
usize xstate_bytes(pid_t pid);

/// Sleeps on a futex word shared with an address-space process (a memfd page) while it holds
/// `value`, at most `timeout_ns`; returns early on a wake-up or a host signal.
void shared_futex_wait(const u32* word, u32 value, u64 timeout_ns);
void shared_futex_wake(const u32* word);

} // namespace asterix::frame::arch
