#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "services/fs/dentry.h"
#include "services/fs/dentry_file.h"
#include "services/fs/file.h"

namespace asterix::services {

/// Takes what a guest writes to a sysctl file (the whole write, as text).
using TextSetter = std::function<Result<void>(std::string_view)>;

/// An open generated file (procfs, sysfs): the text made when it was opened, and for a
/// writable sysctl what takes a write (EACCES without one).
class TextFile final : public DentryFile {
public:
    TextFile(Ref<Dentry> dentry, std::string text, u32 flags, TextSetter set = {})
        : DentryFile(std::move(dentry), flags), m_text(std::move(text)), m_set(std::move(set))
    {
    }

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> read_at(u64 offset, frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<i64> seek(i64 offset, Whence whence) override;

private:
    std::string m_text;
    TextSetter m_set;
    u64 m_offset {0};
};

} // namespace asterix::services
