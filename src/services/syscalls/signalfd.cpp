// signalfd, signalfd4

#include "services/abi/signalfd.h"
#include "services/fs/signal_file.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

Result<long> sys_signalfd4(Context& ctx, int fd, UserPtr<u64> mask_ptr, u64 sizemask, int flags)
{
    // signalfd4's order: the mask's size, the mask, the flags, then the descriptor.
    if (sizemask != abi::sigset_bytes)
        return Errno::einval;
    u64 mask = TRY(ctx.user().read(mask_ptr)) & ~unblockable_signals;
    u32 bits = static_cast<u32>(flags);
    if (bits & ~(abi::sfd_cloexec | abi::sfd_nonblock))
        return Errno::einval;
    if (fd == -1) {
        auto file = make_ref<SignalFile>(mask, o_rdwr | (bits & abi::sfd_nonblock));
        return TRY(ctx.files().install(file, bits & abi::sfd_cloexec, 0, ctx.process().rlimit(rlimit_nofile).cur));
    }
    auto file = TRY(ctx.files().get(fd));
    SignalFile* signal_file = file->as_signal();
    if (!signal_file)
        return Errno::einval;
    signal_file->set_mask(mask);
    return fd;
}

Result<long> sys_signalfd(Context& ctx, int fd, UserPtr<u64> mask, u64 sizemask) { return sys_signalfd4(ctx, fd, mask, sizemask, 0); }

} // namespace asterix::services
