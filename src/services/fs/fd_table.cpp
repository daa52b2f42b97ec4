#include "services/fs/fd_table.h"

#include <algorithm>

#include "services/fs/record_lock.h"

namespace asterix::services {

FdTable::~FdTable()
{
    // The last user of the table is gone (the process exited): its POSIX locks go with it.
    // flush() is not called here: the table may go while another process runs, so the closer
    // is unknown; what flush does at exit is done by the exit path itself (mqueue_exit).
    for (auto& [fd, entry] : m_entries)
        release_record_locks(*entry.file, this);
}

Result<Ref<FdTable>> FdTable::clone() const
{
    auto copy = make_ref<FdTable>();
    TRY(copy->m_charge.grow(m_entries.size() * entry_bytes));
    copy->m_entries = m_entries;
    return copy;
}

Result<Ref<File>> FdTable::get(int fd) const
{
    auto it = m_entries.find(fd);
    if (it == m_entries.end())
        return Errno::ebadf;
    return it->second.file;
}

bool FdTable::is_cloexec(int fd) const
{
    auto it = m_entries.find(fd);
    return it != m_entries.end() && it->second.is_cloexec;
}

Result<void> FdTable::set_cloexec(int fd, bool is_cloexec)
{
    auto it = m_entries.find(fd);
    if (it == m_entries.end())
        return Errno::ebadf;
    it->second.is_cloexec = is_cloexec;
    return {};
}

Result<int> FdTable::install(Ref<File> file, bool is_cloexec, int min_fd, u64 limit)
{
    if (min_fd < 0)
        return Errno::einval;
    // The lowest free number: the first gap in the run of open numbers from min_fd.
    int start = std::max(min_fd, m_first_maybe_free);
    u64 fd = static_cast<u64>(start);
    for (auto it = m_entries.lower_bound(start); it != m_entries.end() && static_cast<u64>(it->first) == fd; ++it)
        ++fd;
    if (fd >= limit)
        return Errno::emfile;
    TRY(m_charge.grow(entry_bytes));
    m_entries.emplace(static_cast<int>(fd), Entry {std::move(file), is_cloexec});
    if (min_fd <= m_first_maybe_free)
        m_first_maybe_free = static_cast<int>(fd) + 1;
    return static_cast<int>(fd);
}

Result<void> FdTable::install_at(int fd, Ref<File> file, bool is_cloexec, u64 limit)
{
    if (fd < 0 || static_cast<u64>(fd) >= limit)
        return Errno::ebadf;
    auto it = m_entries.find(fd);
    if (it == m_entries.end()) {
        TRY(m_charge.grow(entry_bytes));
        m_entries.emplace(fd, Entry {std::move(file), is_cloexec});
    } else {
        // The old description goes only after the entry holds the new one, as dup2(2) says.
        release_record_locks(*it->second.file, this);
        it->second.file->flush();
        Entry old = std::exchange(it->second, Entry {std::move(file), is_cloexec});
    }
    return {};
}

void FdTable::close_on_exec()
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->second.is_cloexec) {
            release_record_locks(*it->second.file, this);
            it->second.file->flush();
            m_first_maybe_free = std::min(m_first_maybe_free, it->first);
            it = m_entries.erase(it);
            m_charge.shrink(entry_bytes);
        } else {
            ++it;
        }
    }
}

Result<void> FdTable::close(int fd)
{
    auto it = m_entries.find(fd);
    if (it == m_entries.end())
        return Errno::ebadf;
    // The file's last reference may run code that looks at this table: drop it after the entry.
    Ref<File> file = std::move(it->second.file);
    m_entries.erase(it);
    // Closing any descriptor of a file drops the process's POSIX locks on it (fcntl(2)).
    release_record_locks(*file, this);
    file->flush();
    m_charge.shrink(entry_bytes);
    m_first_maybe_free = std::min(m_first_maybe_free, fd);
    return {};
}

} // namespace asterix::services
