#include "services/fs/dentry_file.h"
#include "services/fs/proc_clear_refs.h"

#include <array>
#include <string_view>

#include "services/fs/dentry.h"
#include "services/fs/inode.h"
#include "services/mm/memory_map.h"
#include "services/process/process_table.h"

namespace asterix::services {

namespace {

/// The values of Linux's enum clear_refs_types.
enum class ClearRefs : u8 { all = 1, anonymous = 2, mapped = 3, soft_dirty = 4, peak_rss = 5 };

/// Linux's clear_refs_write reads at most this many bytes (PROC_NUMBUF - 1) of the value.
constexpr usize max_value_bytes = 12;

/// kstrtoint on the stripped text: a decimal int, with an optional sign.
Result<i64> parse_value(std::string_view text)
{
    // The value is a C string in a zeroed buffer: it ends at the first NUL.
    text = text.substr(0, text.find('\0'));
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    bool is_negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        is_negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text.empty())
        return Errno::einval;
    i64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return Errno::einval;
        value = value * 10 + (c - '0');
        if (value > (i64 {1} << 31))
            return Errno::erange;
    }
    value = is_negative ? -value : value;
    if (value > 0x7fffffff || value < -(i64 {1} << 31))
        return Errno::erange;
    return value;
}

class ClearRefsFile final : public DentryFile {
public:
    ClearRefsFile(Ref<Dentry> dentry, u32 flags, i32 pid) : DentryFile(std::move(dentry), flags), m_pid(pid) {}

    Result<usize> read(frame::UserWriter&) override { return Errno::einval; }
    Result<usize> write(frame::UserReader& in) override
    {
        std::array<u8, max_value_bytes> bytes {};
        usize count = std::min<u64>(in.remaining(), bytes.size());
        TRY(in.read(std::span<u8>(bytes).first(count)));
        std::string text;
        for (usize i = 0; i < count; ++i)
            text.push_back(static_cast<char>(bytes[i]));
        i64 value = TRY(parse_value(text));
        if (value < static_cast<i64>(ClearRefs::all) || value > static_cast<i64>(ClearRefs::peak_rss))
            return Errno::einval;
        Process* process = ProcessTable::find(m_pid);
        if (process && process->memory() && static_cast<ClearRefs>(value) == ClearRefs::soft_dirty)
            process->memory()->clear_soft_dirty();
        return count;
    }

private:
    i32 m_pid;
};

} // namespace

Ref<File> open_clear_refs(Ref<Dentry> dentry, u32 flags, i32 pid)
{
    return Ref<File>(make_ref<ClearRefsFile>(std::move(dentry), flags, pid));
}

} // namespace asterix::services
