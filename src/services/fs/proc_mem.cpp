#include "services/fs/proc_mem.h"

#include <algorithm>
#include <vector>

#include "services/fs/process_memory_file.h"
#include "services/mm/forced_write.h"

namespace asterix::services {

namespace {

/// A read or write moves at most this much at once (Linux's mem_rw goes page by page too).
constexpr u64 max_chunk_bytes = 64 * 1024;

class ProcMemFile final : public ProcessMemoryFile {
public:
    using ProcessMemoryFile::ProcessMemoryFile;

    Result<usize> write(frame::UserReader& in) override
    {
        usize n = TRY(write_at(offset(), in));
        advance(n);
        return n;
    }
    Result<usize> read_at(u64 offset, frame::UserWriter& out) override
    {
        MemoryMap* memory = TRY(memory_of());
        u64 done = 0;
        std::vector<u8> bytes;
        while (out.remaining() > 0) {
            // Page by page, so that what could be read before a hole is returned.
            u64 at = offset + done;
            u64 len = std::min({out.remaining(), max_chunk_bytes, page_size - (at & (page_size - 1))});
            bytes.resize(len);
            if (memory->vm().read_bytes(at, bytes).is_error())
                break;
            usize wrote = TRY(out.write(bytes));
            done += wrote;
            if (wrote < len)
                break;
        }
        if (done == 0 && out.remaining() > 0)
            return Errno::eio;
        return done;
    }
    Result<usize> write_at(u64 offset, frame::UserReader& in) override
    {
        MemoryMap* memory = TRY(memory_of());
        u64 done = 0;
        std::vector<u8> bytes;
        while (in.remaining() > 0) {
            u64 at = offset + done;
            u64 len = std::min({in.remaining(), max_chunk_bytes, page_size - (at & (page_size - 1))});
            bytes.resize(len);
            usize got = TRY(in.read(bytes));
            bytes.resize(got);
            if (write_forced(*memory, at, bytes).is_error()) {
                in.unread(got);
                break;
            }
            done += got;
        }
        if (done == 0 && in.remaining() > 0)
            return Errno::eio;
        return done;
    }

private:
    Result<MemoryMap*> memory_of() const
    {
        MemoryMap* memory = ProcessMemoryFile::memory();
        if (!memory)
            return Errno::esrch;
        return memory;
    }
};

} // namespace

Ref<File> open_proc_mem(Ref<Dentry> dentry, u32 flags, i32 pid)
{
    return Ref<File>(make_ref<ProcMemFile>(std::move(dentry), flags, pid));
}

} // namespace asterix::services
