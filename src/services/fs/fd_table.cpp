#include "services/fs/fd_table.h"

namespace asterix::services {

Ref<FdTable> FdTable::clone() const
{
    auto copy = make_ref<FdTable>();
    copy->m_entries = m_entries;
    return copy;
}

Result<Ref<File>> FdTable::get(int fd) const
{
    if (fd < 0 || static_cast<usize>(fd) >= m_entries.size() || !m_entries[fd].file)
        return Errno::ebadf;
    return m_entries[fd].file;
}

bool FdTable::is_cloexec(int fd) const
{
    return fd >= 0 && static_cast<usize>(fd) < m_entries.size() && m_entries[fd].is_cloexec;
}

Result<void> FdTable::set_cloexec(int fd, bool is_cloexec)
{
    TRY(get(fd));
    m_entries[fd].is_cloexec = is_cloexec;
    return {};
}

Result<int> FdTable::install(Ref<File> file, bool is_cloexec, int min_fd, u64 limit)
{
    if (min_fd < 0)
        return Errno::einval;
    for (usize fd = min_fd; fd < limit; ++fd) {
        if (fd >= m_entries.size())
            m_entries.resize(fd + 1);
        if (!m_entries[fd].file) {
            m_entries[fd] = {std::move(file), is_cloexec};
            return static_cast<int>(fd);
        }
    }
    return Errno::emfile;
}

Result<void> FdTable::install_at(int fd, Ref<File> file, bool is_cloexec, u64 limit)
{
    if (fd < 0 || static_cast<u64>(fd) >= limit)
        return Errno::ebadf;
    if (static_cast<usize>(fd) >= m_entries.size())
        m_entries.resize(fd + 1);
    m_entries[fd] = {std::move(file), is_cloexec};
    return {};
}

void FdTable::close_on_exec()
{
    for (auto& entry : m_entries) {
        if (entry.is_cloexec)
            entry = {};
    }
    while (!m_entries.empty() && !m_entries.back().file)
        m_entries.pop_back();
}

Result<void> FdTable::close(int fd)
{
    TRY(get(fd));
    m_entries[fd] = {};
    while (!m_entries.empty() && !m_entries.back().file)
        m_entries.pop_back();
    return {};
}

} // namespace asterix::services
