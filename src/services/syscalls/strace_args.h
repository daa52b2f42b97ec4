#pragma once

// How --strace shows a syscall: a typed description per syscall (the kind of each argument and
// of the result), checked at compile time against the syscall table (strace_table.cpp). Flag
// sets and named values are tables written once and shared by every syscall that takes them.

#include <array>
#include <initializer_list>
#include <span>
#include <string_view>

#include "frame/types.h"

namespace asterix::services::strace {

/// One bit of a flag set and its name ({0x20, "MAP_ANONYMOUS"}).
struct FlagName {
    u64 bit;
    std::string_view name;
};

/// A flag set: names OR-ed together, leftover bits in hex, `zero` for no bit at all.
struct FlagSet {
    std::span<const FlagName> names;
    std::string_view zero;
};

/// One value of an enumeration and its name ({1, "CLOCK_MONOTONIC"}).
struct ValueName {
    u64 value;
    std::string_view name;
};

/// An enumeration shown by name, in decimal when the value has none.
struct ValueSet {
    std::span<const ValueName> names;
};

enum class ArgKind : u8 {
    integer,          ///< an int, in decimal
    long_integer,     ///< a signed 64-bit value (offsets, lengths), in decimal
    unsigned_integer, ///< an unsigned 64-bit value (sizes, counts), in decimal
    hex,              ///< bits Asterix does not name yet
    octal,            ///< modes and access masks
    pointer,          ///< an address, NULL for 0
    fd,               ///< a file descriptor
    dirfd,            ///< a directory descriptor or AT_FDCWD
    path,             ///< a NUL-terminated path the call reads
    string,           ///< any other NUL-terminated string the call reads (xattr names)
    input_buffer,     ///< bytes the call reads; their count is in argument `length_arg`
    output_buffer,    ///< bytes the call writes; their count is the result
    flag_set,         ///< bits named by `flags`
    named_value,      ///< a value named by `values`
    open_flags,       ///< O_RDONLY/O_WRONLY/O_RDWR, then the open flag set
    clone_flags,      ///< the clone flag set, then the exit signal in the low byte
    stat_out,         ///< a struct stat the call fills
    signal,           ///< a signal number
    string_array,     ///< a NULL-terminated array of strings the call reads (execve's argv)
    env_array,        ///< the same, shown as strace does an environment: address and count
    open_mode,        ///< the mode after open flags: shown only with O_CREAT or O_TMPFILE
    wait_status_out,  ///< an int wait status the call fills (wait4)
    fd_pair_out,      ///< two fds the call fills (pipe2, socketpair)
    sigaction_in,     ///< a struct sigaction the call reads
    sigaction_out,    ///< a struct sigaction the call fills
    sigset_in,        ///< a signal set the call reads
    sigset_out,       ///< a signal set the call fills
    rlimit_in,        ///< a struct rlimit64 the call reads
    rlimit_out,       ///< a struct rlimit64 the call fills
    string_out,       ///< a NUL-terminated string the call fills (getcwd)
    socket_type,      ///< SOCK_STREAM and the like, then SOCK_CLOEXEC|SOCK_NONBLOCK
    socket_protocol,  ///< a protocol, named as the family in argument `length_arg` names it
    gid_array_in,     ///< group ids the call reads; their count is in argument `length_arg`
    gid_array_out,    ///< group ids the call fills; their count is the result
    epoll_event_in,   ///< a struct epoll_event the call reads
    epoll_events_out, ///< struct epoll_events the call fills; their count is the result
    sockaddr_in,      ///< a socket address the call reads; its length is in `length_arg`
    statx_flags,      ///< statx's sync type (AT_STATX_SYNC_AS_STAT...), then its AT_* flags
    statx_out,        ///< a struct statx the call fills
    utsname_out,      ///< a struct utsname the call fills
    sysinfo_out,      ///< a struct sysinfo the call fills
};

/// How the argument list is laid out: one text per argument, or as strace decodes a call whose
/// arguments depend on each other (prctl's per option, clone's named ones, clone3's struct,
/// futex's and fcntl's per operation).
enum class CallLayout : u8 {
    arguments,
    prctl,
    clone,
    clone3,
    futex,
    fcntl,
    poll,
    ioctl,
};

/// How one argument is shown: its kind and what that kind needs.
struct ArgSpec {
    ArgKind kind {ArgKind::hex};
    u8 length_arg {0};
    const FlagSet* flags {nullptr};
    const ValueSet* values {nullptr};

    constexpr ArgSpec() = default;
    constexpr ArgSpec(ArgKind kind) : kind(kind) {}
};

/// Whether the argument is read from guest memory before the call runs: after it, the memory
/// may be gone (execve) or changed.
constexpr bool is_read_before_call(const ArgSpec& spec)
{
    return spec.kind == ArgKind::path || spec.kind == ArgKind::string || spec.kind == ArgKind::input_buffer
        || spec.kind == ArgKind::string_array || spec.kind == ArgKind::env_array || spec.kind == ArgKind::sigaction_in
        || spec.kind == ArgKind::sigset_in || spec.kind == ArgKind::rlimit_in || spec.kind == ArgKind::sockaddr_in
        || spec.kind == ArgKind::gid_array_in || spec.kind == ArgKind::epoll_event_in;
}

constexpr usize max_syscall_args = 6;

/// The arguments of one syscall, at most six.
class ArgList {
public:
    constexpr ArgList() = default;
    constexpr ArgList(std::initializer_list<ArgSpec> specs)
    {
        for (const ArgSpec& spec : specs) {
            if (m_count == max_syscall_args)
                too_many_arguments(); // not constexpr: a seventh argument fails to compile
            m_specs[m_count++] = spec;
        }
    }

    constexpr usize size() const { return m_count; }
    constexpr const ArgSpec& operator[](usize index) const { return m_specs[index]; }
    constexpr std::span<const ArgSpec> specs() const { return std::span(m_specs).first(m_count); }

private:
    static void too_many_arguments() {}

    std::array<ArgSpec, max_syscall_args> m_specs {};
    usize m_count {0};
};

/// How the result is shown when it is not an error.
enum class ResultKind : u8 {
    decimal,
    address, ///< mmap, brk: in hex
};

struct SyscallDescription {
    std::string_view name;
    ArgList args;
    ResultKind result {ResultKind::decimal};
    CallLayout layout {CallLayout::arguments};
};

/// The description of an implemented syscall, or nullptr for a number Asterix does not implement.
const SyscallDescription* describe_syscall(u64 number);

} // namespace asterix::services::strace
