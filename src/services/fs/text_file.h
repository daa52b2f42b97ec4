#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "services/fs/dentry.h"
#include "services/fs/file.h"

namespace asterix::services {

/// Takes what a guest writes to a sysctl file (the whole write, as text).
using TextSetter = std::function<Result<void>(std::string_view)>;

/// An open generated file (procfs, sysfs): the text made when it was opened, and for a
/// writable sysctl what takes a write (EACCES without one).
class TextFile final : public File {
public:
    TextFile(Ref<Dentry> dentry, std::string text, u32 flags, TextSetter set = {})
        : File(flags), m_dentry(std::move(dentry)), m_text(std::move(text)), m_set(std::move(set))
    {
    }

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> read_at(u64 offset, frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader& in) override;
    Result<i64> seek(i64 offset, Whence whence) override;
    Result<frame::FileStat> stat() override { return m_dentry->inode().stat(); }
    Dentry* dentry() override { return m_dentry.ptr(); }
    Inode* inode() override { return &m_dentry->inode(); }
    std::string description() override { return m_dentry->path(); }

private:
    Ref<Dentry> m_dentry;
    std::string m_text;
    TextSetter m_set;
    u64 m_offset {0};
};

} // namespace asterix::services
