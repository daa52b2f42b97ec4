#include "services/fs/fifo.h"

#include <map>

#include "services/fs/pipe.h"
#include "services/process/signals.h"

namespace asterix::services {

namespace {
/// The buffers of FIFOs that are open, by device and inode.
std::map<std::pair<u64, u64>, PipeBuffer*>& open_fifos()
{
    static std::map<std::pair<u64, u64>, PipeBuffer*> fifos;
    return fifos;
}
} // namespace

Result<Ref<File>> open_fifo(const Ref<Dentry>& dentry, u64 dev, u64 ino, u32 flags)
{
    auto& fifos = open_fifos();
    Ref<PipeBuffer> buffer;
    if (auto it = fifos.find({dev, ino}); it != fifos.end()) {
        buffer = Ref<PipeBuffer>(it->second);
    } else {
        buffer = make_ref<PipeBuffer>();
        buffer->on_last_close = [key = std::pair {dev, ino}] { open_fifos().erase(key); };
        fifos[{dev, ino}] = buffer.ptr();
    }
    u32 access = flags & o_accmode;
    u32 status = flags & (o_accmode | o_nonblock);
    std::string path = dentry->path();
    if (access == o_rdwr) {
        // Linux opens both ends at once (fifo(7): undefined by POSIX).
        auto file = make_ref<PipeFile>(buffer, PipeFile::End::read_write, status, path);
        buffer->opened.wake_all();
        return Ref<File>(file);
    }
    if (access == o_rdonly) {
        auto file = make_ref<PipeFile>(buffer, PipeFile::End::read, status, path);
        buffer->opened.wake_all();
        if (!(flags & o_nonblock)) {
            while (buffer->writers == 0 && buffer->writes_seen == 0)
                TRY(wait_interruptible(buffer->opened, ~0ull, "fifo open"));
        }
        return Ref<File>(file);
    }
    if (buffer->readers == 0 && (flags & o_nonblock))
        return Errno::enxio;
    auto file = make_ref<PipeFile>(buffer, PipeFile::End::write, status, path);
    buffer->opened.wake_all();
    while (buffer->readers == 0)
        TRY(wait_interruptible(buffer->opened, ~0ull, "fifo open"));
    return Ref<File>(file);
}

} // namespace asterix::services
