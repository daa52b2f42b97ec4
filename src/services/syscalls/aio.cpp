// Linux native AIO: io_setup(2), io_destroy(2), io_submit(2), io_getevents(2), io_pgetevents,
// io_cancel(2). Requests on files finish while io_submit takes them (as Linux's do on files
// without O_DIRECT, mostly); their completions wait in the context for io_getevents.

#include <algorithm>

#include "frame/clock.h"
#include "services/abi/mman.h"
#include "services/fs/event_file.h"
#include "services/process/signals.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {

/// Linux's ioctx_alloc: the ring holds twice the events asked for (and at least 4 per CPU),
/// and all of it must fit in 0x10000000 bytes of events.
constexpr u64 max_ring_events = 0x10000000u / sizeof(abi::IoEvent);

Result<Ref<AioContext>> find_context(Context& ctx, u64 id)
{
    auto& contexts = ctx.process().aio_contexts();
    auto it = contexts.find(id);
    if (it == contexts.end())
        return Errno::einval;
    return it->second;
}

/// The result of one request, or the error io_submit fails with (a bad descriptor, a file
/// not open in the right mode, bad fields). Errors of the transfer itself go to the event.
Result<i64> run_request(Context& ctx, const abi::Iocb& iocb)
{
    auto file = TRY(ctx.files().get(static_cast<int>(iocb.aio_fildes)));
    if (file->is_path_only())
        return Errno::ebadf;
    int fd = static_cast<int>(iocb.aio_fildes);
    auto event_result = [](Result<long> result) -> Result<i64> {
        if (result.is_error()) {
            if (result.error() == Errno::ebadf)
                return Errno::ebadf;
            return -static_cast<i64>(result.error());
        }
        return result.value();
    };
    switch (iocb.aio_lio_opcode) {
    case abi::iocb_cmd_pread:
    case abi::iocb_cmd_pwrite:
    case abi::iocb_cmd_preadv:
    case abi::iocb_cmd_pwritev: {
        if (iocb.aio_rw_flags & ~abi::rwf_supported)
            return Errno::enotsup;
        if (iocb.aio_offset < 0)
            return Errno::einval;
        switch (iocb.aio_lio_opcode) {
        case abi::iocb_cmd_pread:
            return event_result(sys_pread64(ctx, fd, UserPtr<u8>(iocb.aio_buf), iocb.aio_nbytes, iocb.aio_offset));
        case abi::iocb_cmd_pwrite:
            return event_result(sys_pwrite64(ctx, fd, UserPtr<u8>(iocb.aio_buf), iocb.aio_nbytes, iocb.aio_offset));
        case abi::iocb_cmd_preadv:
            return event_result(sys_preadv(ctx, fd, UserPtr<abi::IoVec>(iocb.aio_buf), static_cast<int>(iocb.aio_nbytes), iocb.aio_offset));
        default:
            return event_result(sys_pwritev(ctx, fd, UserPtr<abi::IoVec>(iocb.aio_buf), static_cast<int>(iocb.aio_nbytes), iocb.aio_offset));
        }
    }
    case abi::iocb_cmd_fsync:
    case abi::iocb_cmd_fdsync:
        // aio_fsync: a sync request carries no buffer, offset, length or flags.
        if (iocb.aio_buf || iocb.aio_offset || iocb.aio_nbytes || iocb.aio_rw_flags)
            return Errno::einval;
        return event_result(iocb.aio_lio_opcode == abi::iocb_cmd_fsync ? sys_fsync(ctx, fd) : sys_fdatasync(ctx, fd));
    default:
        return Errno::einval;
    }
}

Result<long> get_events(Context& ctx, u64 ctx_id, i64 min_nr, i64 nr, UserPtr<abi::IoEvent> events, u64 deadline)
{
    auto context = TRY(find_context(ctx, ctx_id));
    if (min_nr < 0 || min_nr > nr)
        return Errno::einval;
    // Linux's read_events: wait for min_nr events, then take up to nr of those there are.
    while (static_cast<i64>(context->completed.size()) < min_nr && !context->is_destroyed) {
        auto waited = wait_interruptible(context->completed_event, deadline, "io_getevents");
        if (waited.is_error()) {
            if (waited.error() == Errno::etimedout)
                break;
            if (context->completed.empty())
                return Errno::eintr;
            break;
        }
    }
    i64 taken = 0;
    while (taken < nr && !context->completed.empty()) {
        TRY(ctx.user().write(UserPtr<abi::IoEvent>(events.addr() + static_cast<u64>(taken) * sizeof(abi::IoEvent)), context->completed.front()));
        context->completed.pop_front();
        ++taken;
    }
    return taken;
}

Result<u64> deadline_of(Context& ctx, UserPtr<abi::Timespec> timeout)
{
    if (timeout.is_null())
        return ~0ull;
    auto ts = TRY(ctx.user().read(timeout));
    // Linux does not check the timespec here: a negative one is an immediate timeout.
    if (ts.sec < 0 || ts.nsec < 0)
        return frame::monotonic_ns();
    u64 ns = static_cast<u64>(ts.sec) > ~0ull / 2'000'000'000 ? ~0ull / 2 : static_cast<u64>(ts.sec) * 1'000'000'000 + static_cast<u64>(ts.nsec);
    return frame::monotonic_ns() + ns;
}

} // namespace

Result<long> sys_io_setup(Context& ctx, u32 nr_events, UserPtr<u64> ctxp)
{
    u64 current = TRY(ctx.user().read(ctxp));
    if (current != 0 || nr_events == 0)
        return Errno::einval;
    u64 ring_events = std::max<u64>(nr_events, 4) * 2;
    if (ring_events > max_ring_events)
        return Errno::einval;
    if (nr_events > abi::aio_max_nr || AioContext::events_in_use() + nr_events > abi::aio_max_nr)
        return Errno::eagain;
    // The context's id is the address of its ring, a page of the process as in Linux. The
    // page stays zero: libaio sees no ring magic there and asks the kernel for events.
    u64 ring = TRY(ctx.memory().map_anonymous(0, page_size, abi::prot_read, Placement::anywhere, "[aio]"));
    auto written = ctx.user().write(ctxp, ring);
    if (written.is_error()) {
        static_cast<void>(ctx.memory().unmap(ring, page_size));
        return written.error();
    }
    ctx.process().aio_contexts().emplace(ring, make_ref<AioContext>(nr_events));
    return 0;
}

Result<long> sys_io_destroy(Context& ctx, u64 ctx_id)
{
    auto context = TRY(find_context(ctx, ctx_id));
    context->is_destroyed = true;
    context->completed_event.wake_all();
    ctx.process().aio_contexts().erase(ctx_id);
    static_cast<void>(ctx.memory().unmap(ctx_id, page_size));
    return 0;
}

Result<long> sys_io_submit(Context& ctx, u64 ctx_id, i64 nr, UserPtr<u64> iocbpp)
{
    if (nr < 0)
        return Errno::einval;
    auto context = TRY(find_context(ctx, ctx_id));
    nr = std::min<i64>(nr, context->max_events);
    i64 done = 0;
    Errno failure = Errno::einval;
    for (; done < nr; ++done) {
        auto pointer = ctx.user().read(UserPtr<u64>(iocbpp.addr() + static_cast<u64>(done) * sizeof(u64)));
        if (pointer.is_error()) {
            failure = pointer.error();
            break;
        }
        UserPtr<abi::Iocb> user_iocb(pointer.value());
        auto iocb = ctx.user().read(user_iocb);
        if (iocb.is_error()) {
            failure = iocb.error();
            break;
        }
        if (iocb.value().aio_reserved2 != 0 || static_cast<i64>(iocb.value().aio_nbytes) < 0) {
            failure = Errno::einval;
            break;
        }
        if (context->completed.size() >= context->max_events) {
            failure = Errno::eagain;
            break;
        }
        // IOCB_FLAG_RESFD: an eventfd told of the completion (EBADF, or EINVAL for another
        // kind of file, as Linux's eventfd_ctx_fdget).
        Ref<File> resfd;
        if (iocb.value().aio_flags & abi::iocb_flag_resfd) {
            auto file = ctx.files().get(static_cast<int>(iocb.value().aio_resfd));
            if (file.is_error() || !file.value()->as_eventfd()) {
                failure = file.is_error() ? file.error() : Errno::einval;
                break;
            }
            resfd = file.value();
        }
        auto key = ctx.user().write(UserPtr<u32>(user_iocb.addr() + offsetof(abi::Iocb, aio_key)), abi::kiocb_key);
        if (key.is_error()) {
            failure = key.error();
            break;
        }
        auto result = run_request(ctx, iocb.value());
        if (result.is_error()) {
            failure = result.error();
            break;
        }
        context->completed.push_back({iocb.value().aio_data, user_iocb.addr(), result.value(), 0});
        context->completed_event.wake_all();
        if (resfd)
            resfd->as_eventfd()->signal();
    }
    if (done > 0)
        return done;
    return nr == 0 ? 0 : Result<long>(failure);
}

Result<long> sys_io_getevents(Context& ctx, u64 ctx_id, i64 min_nr, i64 nr, UserPtr<abi::IoEvent> events, UserPtr<abi::Timespec> timeout)
{
    u64 deadline = TRY(deadline_of(ctx, timeout));
    return get_events(ctx, ctx_id, min_nr, nr, events, deadline);
}

Result<long> sys_io_pgetevents(Context& ctx, u64 ctx_id, i64 min_nr, i64 nr, UserPtr<abi::IoEvent> events, UserPtr<abi::Timespec> timeout, UserPtr<abi::AioSigset> usig)
{
    u64 deadline = TRY(deadline_of(ctx, timeout));
    if (!usig.is_null()) {
        auto sig = TRY(ctx.user().read(usig));
        if (sig.sigmask != 0) {
            u64 mask = TRY(ctx.user().read(UserPtr<u64>(sig.sigmask)));
            auto installed = set_temporary_sig_mask(ctx.thread(), mask, sig.sigsetsize);
            if (installed.is_error())
                return installed.error();
        }
    }
    return get_events(ctx, ctx_id, min_nr, nr, events, deadline);
}

Result<long> sys_io_cancel(Context& ctx, u64 ctx_id, UserPtr<abi::Iocb> iocb, [[maybe_unused]] UserPtr<abi::IoEvent> result)
{
    u32 key = TRY(ctx.user().read(UserPtr<u32>(iocb.addr() + offsetof(abi::Iocb, aio_key))));
    if (key != abi::kiocb_key)
        return Errno::einval;
    TRY(find_context(ctx, ctx_id));
    // Only requests still in flight can be cancelled; every request here has finished, and
    // Linux answers EINVAL for one it does not find among the active ones.
    return Errno::einval;
}

} // namespace asterix::services
