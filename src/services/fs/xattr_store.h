#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "frame/result.h"
#include "services/fs/xattrs.h"
#include "services/kernel_memory.h"

namespace asterix::services {

/// The extended attributes of one in-memory inode (tmpfs's simple_xattrs), by full name
/// ("user.mime_type"). Names and values are charged to the instance's kernel memory, and one
/// inode's attributes together may hold at most `max_bytes` (ENOSPC past it).
class XattrStore final : public Xattrs {
public:
    static constexpr usize max_bytes = 128 * 1024;

    Result<std::vector<u8>> get(const std::string& name) override;
    Result<void> set(const std::string& name, std::vector<u8> value, XattrMode mode) override;
    Result<void> remove(const std::string& name) override;
    Result<std::vector<std::string>> names() override;

private:
    static usize cost(const std::string& name, usize value_bytes) { return name.size() + value_bytes + 32; }
    std::map<std::string, std::vector<u8>> m_attributes;
    usize m_bytes {0};
    KernelCharge m_charge;
};

} // namespace asterix::services
