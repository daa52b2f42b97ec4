#include "services/net/ping_group_range.h"

#include <algorithm>

#include "frame/format.h"
#include "services/process/credentials.h"

namespace asterix::services {

namespace {

/// The largest group ID a range may name (GID_T_MAX - 1: (gid_t)-1 is no group).
constexpr u64 largest_group = 0xfffffffe;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

} // namespace

bool PingGroupRange::admits(const Credentials& credentials) const
{
    auto contains = [this](u32 group) { return low <= group && group <= high; };
    return contains(credentials.egid) || std::any_of(credentials.groups.begin(), credentials.groups.end(), contains);
}

std::string PingGroupRange::text() const { return frame::format("%u\t%u\n", low, high); }

Result<PingGroupRange> PingGroupRange::written(std::string_view text) const
{
    if (text.empty())
        return *this;
    u64 values[2] = {low, high};
    usize i = 0;
    for (usize n = 0; n < 2; ++n) {
        while (i < text.size() && is_space(text[i]))
            ++i;
        if (n == 1 && i == text.size())
            break;
        u64 value = 0;
        usize digits = 0;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
            value = value * 10 + static_cast<u64>(text[i] - '0');
            if (value > largest_group)
                return Errno::einval;
        }
        if (digits == 0)
            return Errno::einval;
        values[n] = value;
    }
    if (values[1] < values[0])
        return PingGroupRange {};
    return PingGroupRange {static_cast<u32>(values[0]), static_cast<u32>(values[1])};
}

PingGroupRange& ping_group_range()
{
    static PingGroupRange range;
    return range;
}

} // namespace asterix::services
