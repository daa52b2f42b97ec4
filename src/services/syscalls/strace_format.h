#pragma once

// The text --strace prints for values, as the real strace prints them. These functions only
// format: reading guest memory (strings, buffers, structs) is strace.cpp's part.

#include <span>
#include <string>

#include "services/abi/fcntl.h"
#include "services/abi/stat.h"
#include "services/syscalls/strace_args.h"

namespace asterix::services::strace {

/// How many bytes of a string or buffer are shown (strace's default -s 32).
constexpr usize max_string_bytes = 32;

/// "0x1f", or "0" for zero, as printf's %#x.
std::string hex(u64 value);
/// "MAP_PRIVATE|MAP_ANONYMOUS", with leftover bits in hex and the set's zero name for 0.
std::string flags_text(u64 value, const FlagSet& set);
/// The value's name, or the value as an int in decimal.
std::string value_text(u64 value, const ValueSet& set);
/// "O_RDONLY|O_CLOEXEC": the access mode, then the open flags.
std::string open_flags_text(u64 value);
/// socket(2)'s type: SOCK_STREAM|SOCK_CLOEXEC.
std::string socket_type_text(u64 value);
/// A socket's protocol as strace names it for the address family: IPPROTO_TCP for AF_INET,
/// NETLINK_ROUTE for AF_NETLINK, a number for the others.
std::string socket_protocol_text(u64 family, u64 protocol);
/// "CLONE_VM|CLONE_VFORK|SIGCHLD": the clone flags, then the exit signal.
std::string clone_flags_text(u64 value);
/// "SIGCHLD", or the number in decimal.
std::string signal_text(int signal);
/// A quoted C string with C escapes ("a\n\1"), and "..." after it when `is_cut` (bytes not shown).
std::string quoted(std::span<const u8> shown, bool is_cut);
/// "{st_mode=S_IFREG|0644, st_size=3, ...}".
std::string stat_text(const abi::Stat& stat);
/// An argument of a kind that needs no guest memory; a kind that needs it is shown as its
/// address, as when that memory cannot be read.
std::string scalar_text(const ArgSpec& spec, u64 value);
/// "-1 ENOENT (No such file or directory)" for an error, else the result as `description` says
/// (decimal when there is none).
std::string result_text(const SyscallDescription* description, long result);

} // namespace asterix::services::strace
