#pragma once

#include <sys/types.h>

#include <vector>

#include "frame/arch.h"
#include "frame/phys_mem.h"
#include "host_arch/host_mappings.h"

namespace asterix::frame::arch {

/// Where the stub lives in every address-space process, just above guest user space.
inline constexpr u64 stub_code_addr = user_space_end;
inline constexpr u64 stub_data_addr = user_space_end + 0x1000;
inline constexpr u64 stub_end_addr = user_space_end + 0x2000;
/// The top of a host process's user address space.
inline constexpr u64 host_user_top = 0x7ffffffff000ull;

struct StubOp {
    u64 nr;
    u64 args[6];
    i64 result;
};
inline constexpr usize stub_ops_offset = 64;
inline constexpr usize stub_max_ops = (page_size - stub_ops_offset) / sizeof(StubOp);

/// A guest address space on the host: an address-space process (pid) that holds only the
/// stub, whose mappings of the physical-memory memfd are the TLB of the software page table.
class AddressSpace {
public:
    AddressSpace(pid_t pid, Frame stub_data) : m_pid(pid), m_stub_data(std::move(stub_data)) {}
    ~AddressSpace();

    pid_t pid() const { return m_pid; }
    bool is_alive() const { return m_is_alive; }
    void mark_dead() { m_is_alive = false; }

    /// Queues one host syscall for the stub.
    void queue(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3 = 0, u64 a4 = 0, u64 a5 = 0);
    /// Runs the queued syscalls in the address-space process (one round trip per batch).
    void flush();

    /// The guest context whose FPU state the process holds.
    UserContext* loaded_context {nullptr};
    /// The host mappings the queued and past changes leave in the guest range (a bound).
    HostMappings host_mappings;

private:
    void run_batch(usize first, usize count);
    /// Gives up the address space after the stub misbehaved: the process is killed, and every
    /// guest thread that runs in it next gets address_space_lost (SIGKILL for its process).
    void lose(const char* why, int status = 0, u64 rip = 0);

    pid_t m_pid;
    Frame m_stub_data;
    std::vector<StubOp> m_pending;
    bool m_is_alive {true};
};

static_assert(ArchAddressSpace<AddressSpace>);

/// Waits for a stop of `pid`, retrying on EINTR; returns the wait status.
int wait_for_stop(pid_t pid);

} // namespace asterix::frame::arch
