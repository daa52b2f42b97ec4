#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "frame/result.h"
#include "services/kernel_memory.h"

namespace asterix::services {

/// How setxattr(2) may change an attribute (XATTR_CREATE, XATTR_REPLACE, or either).
enum class XattrMode : u8 { create_or_replace, create_only, replace_only };

/// The extended attributes of one in-memory inode (tmpfs's simple_xattrs), by full name
/// ("user.mime_type"). Names and values are charged to the instance's kernel memory, and one
/// inode's attributes together may hold at most `max_bytes` (ENOSPC past it).
class XattrStore {
public:
    static constexpr usize max_bytes = 128 * 1024;

    /// ENODATA when there is no such attribute.
    Result<std::vector<u8>> get(const std::string& name) const;
    /// EEXIST for create_only on an existing attribute, ENODATA for replace_only on a missing one.
    Result<void> set(const std::string& name, std::vector<u8> value, XattrMode mode);
    Result<void> remove(const std::string& name);
    std::vector<std::string> names() const;

private:
    static usize cost(const std::string& name, usize value_bytes) { return name.size() + value_bytes + 32; }
    std::map<std::string, std::vector<u8>> m_attributes;
    usize m_bytes {0};
    KernelCharge m_charge;
};

} // namespace asterix::services
