#pragma once

#include <string>
#include <vector>

#include "frame/result.h"
#include "frame/types.h"

namespace asterix::services {

/// How setxattr(2) may change an attribute (XATTR_CREATE, XATTR_REPLACE, or either).
enum class XattrMode : u8 { create_or_replace, create_only, replace_only };

/// Where a file system keeps the extended attributes of one inode (tmpfs in kernel memory,
/// hostfs on the host file). Names are full ("user.mime_type"); the xattr syscalls have
/// already checked the caller's permission, the namespace and the sizes.
class Xattrs {
public:
    /// ENODATA when there is no such attribute.
    virtual Result<std::vector<u8>> get(const std::string& name) = 0;
    /// EEXIST for create_only on an existing attribute, ENODATA for replace_only on a missing one.
    virtual Result<void> set(const std::string& name, std::vector<u8> value, XattrMode mode) = 0;
    /// ENODATA when there is no such attribute.
    virtual Result<void> remove(const std::string& name) = 0;
    virtual Result<std::vector<std::string>> names() = 0;

protected:
    ~Xattrs() = default;
};

} // namespace asterix::services
