// getrandom

#include <array>

#include "frame/clock.h"
#include "services/abi/random.h"
#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
/// Linux returns at most this much from one call (INT_MAX >> 6).
constexpr u64 max_getrandom_bytes = 33554431;
} // namespace

Result<long> sys_getrandom(Context& ctx, UserPtr<u8> buf, u64 len, u32 flags)
{
    if (flags & ~(abi::grnd_nonblock | abi::grnd_random | abi::grnd_insecure))
        return Errno::einval;
    if ((flags & abi::grnd_insecure) && (flags & abi::grnd_random))
        return Errno::einval;
    len = std::min(len, max_getrandom_bytes);
    auto writer = TRY(frame::UserWriter::create(ctx.user(), buf.addr(), len));
    std::array<u8, 256> chunk;
    while (writer.remaining() > 0) {
        frame::random_bytes(chunk);
        auto n = writer.write(chunk);
        if (n.is_error())
            return writer.written() ? Result<long>(static_cast<long>(writer.written())) : n.error();
    }
    return static_cast<long>(writer.written());
}

} // namespace asterix::services
