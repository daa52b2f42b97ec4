#pragma once

// Making address-space processes: forked from asterix (address_space.cpp), or, the fast way,
// cloned ahead of need by a tiny template process (address_space_pool.cpp, spawner.S).

#include <linux/filter.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "host_arch/address_space.h"

namespace asterix::frame::arch {

/// How many address-space processes the pool keeps made ahead of need. Each is a host process
/// (counted by host::pool_host_processes in the instance's process budget) and holds a few
/// memfd frames; two cover a fork followed at once by an exec.
inline constexpr usize address_space_pool_size = 2;

/// Where the template process keeps its loop and its data, in the range above guest user space
/// that the stub's first batch unmaps in every address-space process (spawner.S).
inline constexpr u64 spawner_code_addr = user_space_end + 0x80000;
inline constexpr u64 spawner_data_addr = user_space_end + 0x81000;
/// The word of the stub data page a pooled process sleeps on until the kernel has seized it.
inline constexpr usize stub_go_offset = 16;

/// A new address space from the pool, or nothing when the template process cannot run (the
/// caller then forks one itself).
std::optional<Result<AddressSpacePtr>> take_pooled_address_space();
/// Starts the pooled processes whose clones the template has reported (seize and let them
/// set up), so that a later take finds them ready, and reaps killed ones; never blocks. For
/// idle moments.
void prepare_pooled_address_spaces();

/// Collects the exit of a killed address-space process later (it is never signalled again).
void reap_later(pid_t pid);

// Shared by both ways of making a process (address_space.cpp).
/// A stub symbol's address in the address-space process.
u64 stub_symbol_addr(const char* symbol);
/// The stub's seccomp filter for the ptrace platform, as BPF.
const std::vector<sock_filter>& stub_filter();
/// Writes the first batch (unmap everything outside the stub's pages) into a stub data page.
void write_first_batch(std::span<u8> page, bool is_systrap);
/// In a child forked from asterix: unregisters glibc's rseq area, which is about to go.
bool unregister_rseq();
/// Forks an address-space process from asterix (the slow way).
Result<AddressSpacePtr> fork_address_space();
/// Waits for a seized process's first stop at the end of the stub's first batch and makes
/// the AddressSpace (for systrap, after the guest thread's first trap).
Result<AddressSpacePtr> finish_address_space(pid_t pid, Frame stub_data, std::unique_ptr<SystrapSpace> systrap, u64 started_ns);

} // namespace asterix::frame::arch
