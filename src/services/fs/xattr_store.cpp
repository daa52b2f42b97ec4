#include "services/fs/xattr_store.h"

namespace asterix::services {

Result<std::vector<u8>> XattrStore::get(const std::string& name)
{
    auto it = m_attributes.find(name);
    if (it == m_attributes.end())
        return Errno::enodata;
    return it->second;
}

Result<void> XattrStore::set(const std::string& name, std::vector<u8> value, XattrMode mode)
{
    auto it = m_attributes.find(name);
    if (it != m_attributes.end() && mode == XattrMode::create_only)
        return Errno::eexist;
    if (it == m_attributes.end() && mode == XattrMode::replace_only)
        return Errno::enodata;
    usize old_cost = it == m_attributes.end() ? 0 : cost(name, it->second.size());
    usize new_cost = cost(name, value.size());
    if (m_bytes - old_cost + new_cost > max_bytes)
        return Errno::enospc;
    if (new_cost > old_cost)
        TRY(m_charge.grow(new_cost - old_cost));
    else
        m_charge.shrink(old_cost - new_cost);
    m_bytes = m_bytes - old_cost + new_cost;
    m_attributes[name] = std::move(value);
    return {};
}

Result<void> XattrStore::remove(const std::string& name)
{
    auto it = m_attributes.find(name);
    if (it == m_attributes.end())
        return Errno::enodata;
    usize old_cost = cost(name, it->second.size());
    m_charge.shrink(old_cost);
    m_bytes -= old_cost;
    m_attributes.erase(it);
    return {};
}

Result<std::vector<std::string>> XattrStore::names()
{
    std::vector<std::string> names;
    for (const auto& [name, value] : m_attributes)
        names.push_back(name);
    return names;
}

} // namespace asterix::services
