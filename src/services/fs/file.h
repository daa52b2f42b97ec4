#pragma once

#include "frame/file_stat.h"
#include "frame/ref.h"
#include "frame/result.h"
#include "frame/user_io.h"

namespace asterix::services {

class Context;

enum class Whence : u8 { set, cur, end };

/// An open file description: what a file descriptor refers to. Reads fill a UserWriter and
/// writes drain a UserReader, so guest memory is touched only as late as Linux touches it.
class File : public RefCounted<File> {
public:
    virtual ~File() = default;

    virtual Result<usize> read(frame::UserWriter& out) = 0;
    virtual Result<usize> write(frame::UserReader& in) = 0;
    virtual Result<frame::FileStat> stat() = 0;
    virtual Result<long> ioctl(Context& ctx, u32 request, u64 arg) { return Errno::enotty; }
    virtual Result<i64> seek(i64 offset, Whence whence) { return Errno::espipe; }

    /// open(2) status flags (O_ACCMODE bits, O_APPEND, O_NONBLOCK...).
    u32 status_flags() const { return m_status_flags; }
    void set_status_flags(u32 flags) { m_status_flags = flags; }
    bool is_readable() const { return (m_status_flags & 3) != 1; }
    bool is_writable() const { return (m_status_flags & 3) != 0; }

protected:
    explicit File(u32 status_flags) : m_status_flags(status_flags) {}

private:
    u32 m_status_flags;
};

} // namespace asterix::services
