#include "services/fs/write_access.h"

#include <map>

namespace asterix::services {

namespace {
/// Linux's i_writecount, by file: positive, the number of descriptors open for writing;
/// negative, the number of process images that execute the file. Files at zero have no entry.
std::map<FileKey, long>& write_counts()
{
    static std::map<FileKey, long> counts;
    return counts;
}

Result<FileKey> key_of(Inode& inode)
{
    auto st = TRY(inode.stat());
    return FileKey {inode.fs().magic(), st.dev, st.ino};
}

void adjust(const FileKey& key, long delta)
{
    auto& counts = write_counts();
    long& count = counts[key];
    count += delta;
    if (count == 0)
        counts.erase(key);
}

long count_of(const FileKey& key)
{
    auto it = write_counts().find(key);
    return it == write_counts().end() ? 0 : it->second;
}
} // namespace

Result<WriteAccess> WriteAccess::take(Inode& inode)
{
    FileKey key = TRY(key_of(inode));
    if (count_of(key) < 0)
        return Errno::etxtbsy;
    adjust(key, 1);
    return WriteAccess(key);
}

WriteAccess& WriteAccess::operator=(WriteAccess&& other) noexcept
{
    if (this != &other) {
        release();
        m_key = other.m_key;
        m_is_held = other.m_is_held;
        other.m_is_held = false;
    }
    return *this;
}

void WriteAccess::release()
{
    if (m_is_held)
        adjust(m_key, -1);
    m_is_held = false;
}

Result<ExecHold> ExecHold::take(Inode& inode)
{
    FileKey key = TRY(key_of(inode));
    if (count_of(key) > 0)
        return Errno::etxtbsy;
    adjust(key, -1);
    return ExecHold(key);
}

ExecHold::ExecHold(const ExecHold& other) : m_key(other.m_key), m_is_held(other.m_is_held)
{
    if (m_is_held)
        adjust(m_key, -1);
}

ExecHold& ExecHold::operator=(ExecHold&& other) noexcept
{
    if (this != &other) {
        release();
        m_key = other.m_key;
        m_is_held = other.m_is_held;
        other.m_is_held = false;
    }
    return *this;
}

void ExecHold::release()
{
    if (m_is_held)
        adjust(m_key, 1);
    m_is_held = false;
}

Result<void> check_not_executing(Inode& inode)
{
    FileKey key = TRY(key_of(inode));
    if (count_of(key) < 0)
        return Errno::etxtbsy;
    return {};
}

} // namespace asterix::services
