#pragma once

// --strace for the syscalls whose arguments strace decodes as structures or by one another:
// statx's flags and struct, uname and sysinfo's structs, prctl by option, clone's named
// arguments and clone3's struct (strace 6.1's statx.c, uname.c, sysinfo.c, prctl.c, clone.c).

#include <string>

#include "services/abi/stat.h"
#include "services/abi/utsname.h"
#include "services/syscalls/strace_args.h"
#include "services/syscalls/syscall_table.h"

namespace asterix::services::strace {

/// "AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW": the sync type, then the AT_* flags.
std::string statx_flags_text(u64 value);
/// "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=3, ...}".
std::string statx_text(const abi::Statx& statx);
/// "{sysname="Linux", nodename="box", ...}".
std::string utsname_text(const abi::Utsname& names);
/// Every field of struct sysinfo, as strace prints them.
std::string sysinfo_text(const abi::SysInfo& info);

/// A call's argument list laid out as strace does (`layout` is not CallLayout::arguments), the
/// note strace adds after a result ("SUID_DUMP_USER" for PR_GET_DUMPABLE's 1), if any, and
/// whether a successful result is shown in hex (fcntl's F_GETFL).
struct CallText {
    std::string args;
    std::string result_note;
    bool is_result_hex {false};
};
CallText call_text(Context& ctx, CallLayout layout, const SyscallArgs& args, long result, usize string_limit_bytes);

} // namespace asterix::services::strace
