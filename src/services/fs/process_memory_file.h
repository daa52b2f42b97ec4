#pragma once

#include "services/fs/dentry.h"
#include "services/fs/dentry_file.h"
#include "services/fs/file.h"
#include "services/fs/inode.h"
#include "services/process/process_table.h"

namespace asterix::services {

/// A /proc/PID file whose offsets are addresses in the process's memory (mem, pagemap). It
/// names the process by pid, so once the process is gone it finds no memory, and it seeks as
/// Linux's mem_lseek: any offset (addresses are unsigned), SEEK_SET and SEEK_CUR only.
class ProcessMemoryFile : public DentryFile {
public:
    ProcessMemoryFile(Ref<Dentry> dentry, u32 flags, i32 pid) : DentryFile(std::move(dentry), flags), m_pid(pid) {}

    Result<usize> read(frame::UserWriter& out) override
    {
        usize n = TRY(read_at(m_offset, out));
        m_offset += n;
        return n;
    }
    Result<i64> seek(i64 offset, Whence whence) override
    {
        if (whence == Whence::set)
            m_offset = static_cast<u64>(offset);
        else if (whence == Whence::cur)
            m_offset += static_cast<u64>(offset);
        else
            return Errno::einval;
        return static_cast<i64>(m_offset);
    }

protected:
    /// The process's memory, or null once it has exited.
    MemoryMap* memory() const
    {
        Process* process = ProcessTable::find(m_pid);
        return process && process->memory() ? process->memory().ptr() : nullptr;
    }
    /// Moves the file offset past what a write at it took.
    void advance(u64 bytes) { m_offset += bytes; }
    u64 offset() const { return m_offset; }

private:
    i32 m_pid;
    u64 m_offset {0};
};

} // namespace asterix::services
