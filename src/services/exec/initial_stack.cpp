#include "services/exec/initial_stack.h"

#include <span>

namespace asterix::services {

namespace {

/// Builds the stack downwards from `top` in a byte vector that mirrors [top - size, top).
class StackBuilder {
public:
    explicit StackBuilder(u64 top) : m_top(top) {}

    u64 push_bytes(std::span<const u8> bytes)
    {
        m_low.insert(m_low.begin(), bytes.begin(), bytes.end());
        return address();
    }
    u64 push_string(const std::string& text)
    {
        std::vector<u8> bytes(text.begin(), text.end());
        bytes.push_back(0);
        return push_bytes(bytes);
    }
    void align_down(u64 alignment)
    {
        u64 pad = address() % alignment;
        m_low.insert(m_low.begin(), pad, 0);
    }
    u64 address() const { return m_top - m_low.size(); }
    std::vector<u8> take() { return std::move(m_low); }

private:
    u64 m_top;
    std::vector<u8> m_low;
};

void put_u64(std::vector<u8>& bytes, usize offset, u64 value)
{
    for (usize i = 0; i < 8; ++i)
        bytes[offset + i] = static_cast<u8>(value >> (8 * i));
}

} // namespace

Result<StackImage> build_initial_stack(u64 top, const std::vector<std::string>& argv,
    const std::vector<std::string>& envp, const std::string& execfn, const std::array<u8, 16>& random,
    std::vector<AuxEntry> auxv, u64 max_string_bytes)
{
    u64 string_bytes = execfn.size() + 1;
    for (const auto& s : argv)
        string_bytes += s.size() + 1;
    for (const auto& s : envp)
        string_bytes += s.size() + 1;
    if (string_bytes > max_string_bytes)
        return Errno::e2big;

    StackBuilder builder(top);
    builder.push_bytes(std::array<u8, 8> {}); // an end marker, as Linux leaves
    u64 execfn_addr = builder.push_string(execfn);
    std::vector<u64> env_addrs, arg_addrs;
    for (auto it = envp.rbegin(); it != envp.rend(); ++it)
        env_addrs.insert(env_addrs.begin(), builder.push_string(*it));
    for (auto it = argv.rbegin(); it != argv.rend(); ++it)
        arg_addrs.insert(arg_addrs.begin(), builder.push_string(*it));
    u64 platform_addr = builder.push_string("x86_64");
    builder.align_down(16);
    u64 random_addr = builder.push_bytes(random);

    auxv.push_back({at_random, random_addr});
    auxv.push_back({at_platform, platform_addr});
    auxv.push_back({at_execfn, execfn_addr});
    auxv.push_back({at_null, 0});

    // argc, argv[], NULL, envp[], NULL, auxv pairs: sp must be 16-byte aligned at argc.
    u64 words = 1 + arg_addrs.size() + 1 + env_addrs.size() + 1 + 2 * auxv.size();
    u64 sp = (builder.address() - words * 8) & ~u64 {15};
    u64 table_bytes = builder.address() - sp;
    std::vector<u8> table(table_bytes, 0);
    usize at = 0;
    auto put = [&](u64 value) {
        put_u64(table, at, value);
        at += 8;
    };
    put(arg_addrs.size());
    for (u64 addr : arg_addrs)
        put(addr);
    put(0);
    for (u64 addr : env_addrs)
        put(addr);
    put(0);
    for (const auto& entry : auxv) {
        put(entry.type);
        put(entry.value);
    }
    builder.push_bytes(table);
    return StackImage {sp, builder.take()};
}

} // namespace asterix::services
