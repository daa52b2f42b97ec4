#include "services/fs/file_size_limit.h"

#include "services/abi/resource.h"
#include "services/abi/signal.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {
/// The caller's RLIMIT_FSIZE; no limit when no guest thread is calling (the kernel's own
/// writes, such as the initramfs unpacker).
u64 file_size_limit()
{
    Process* process = ProcessTable::current();
    if (!process)
        return abi::rlim_infinity;
    return process->rlimit(abi::rlimit_fsize).cur;
}

Errno file_too_big()
{
    if (Thread* thread = ProcessTable::current_thread())
        send_signal(*thread, make_signal_info(abi::sigxfsz, abi::si_kernel));
    return Errno::efbig;
}
} // namespace

Result<void> limit_write_to_file_size(u64 offset, frame::UserReader& in)
{
    u64 limit = file_size_limit();
    if (limit == abi::rlim_infinity || in.remaining() == 0)
        return {};
    if (offset >= limit)
        return file_too_big();
    in.limit(limit - offset);
    return {};
}

Result<void> check_file_size_limit(u64 new_size)
{
    u64 limit = file_size_limit();
    if (limit != abi::rlim_infinity && new_size > limit)
        return file_too_big();
    return {};
}

} // namespace asterix::services
