#pragma once

#include <string>

#include "services/fs/dentry.h"
#include "services/fs/file.h"
#include "services/fs/inode.h"

namespace asterix::services {

/// A file opened at a name in the tree, which answers fstat, its dentry, its inode and its
/// /proc/PID/fd name from that name: the part every such kind of file shares.
class DentryFile : public File {
public:
    Result<frame::FileStat> stat() override { return m_dentry->inode().stat(); }
    Dentry* dentry() override { return m_dentry.ptr(); }
    Inode* inode() override { return &m_dentry->inode(); }
    std::string description() override { return m_dentry->path(); }

protected:
    DentryFile(Ref<Dentry> dentry, u32 flags) : File(flags), m_dentry(std::move(dentry)) {}

    Ref<Dentry> m_dentry;
};

} // namespace asterix::services
