#include "services/fs/signal_file.h"

#include <array>
#include <bit>

#include "services/fs/anon_file.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

PollQueue& signalfd_watchers()
{
    static PollQueue* queue = new PollQueue();
    return *queue;
}

abi::SignalfdSiginfo signalfd_record(const abi::SigInfo& info)
{
    abi::SignalfdSiginfo record {};
    record.signo = static_cast<u32>(info.signo);
    record.errno_value = info.errno_value;
    record.code = info.code;
    // The union's words: 0 is pid and uid (or a fault's address, or a timer's id and overrun),
    // 1 is the sigval (or a child's status), 2 and 3 a child's user and system time.
    u64 first = info.fields[0];
    u32 low = static_cast<u32>(first);
    u32 high = static_cast<u32>(first >> 32);
    int sig = info.signo;
    bool is_fault = sig == sigsegv || sig == sigbus || sig == sigill || sig == sigfpe || sig == sigtrap;
    if (info.code == abi::si_timer) {
        record.tid = low;
        record.overrun = high;
        record.ptr = info.fields[1];
        record.int_value = static_cast<i32>(info.fields[1]);
    } else if (info.code < 0) {
        record.pid = low;
        record.uid = high;
        record.ptr = info.fields[1];
        record.int_value = static_cast<i32>(info.fields[1]);
    } else if (info.code == si_user || info.code == si_kernel) {
        record.pid = low;
        record.uid = high;
    } else if (sig == sigchld) {
        record.pid = low;
        record.uid = high;
        record.status = static_cast<i32>(info.fields[1]);
        record.utime = info.fields[2];
        record.stime = info.fields[3];
    } else if (is_fault) {
        record.addr = first;
    } else if (sig == sigio) {
        record.band = low;
        record.fd = static_cast<i32>(info.fields[1]);
    } else {
        record.pid = low;
        record.uid = high;
    }
    return record;
}

u64 SignalFile::pending_for(Thread& thread) const
{
    return (thread.pending().mask | thread.process().shared_pending().mask).bits() & m_mask;
}

void SignalFile::set_mask(u64 mask)
{
    m_mask = mask & ~unblockable_signals;
    signalfd_watchers().notify();
}

Result<usize> SignalFile::read(frame::UserWriter& out)
{
    constexpr usize record_bytes = sizeof(abi::SignalfdSiginfo);
    if (out.remaining() < record_bytes)
        return Errno::einval;
    Thread* thread = ProcessTable::current_thread();
    if (!thread)
        return Errno::eagain;
    // Waits on a queue of its own that hears every signal sent (signalfd_watchers).
    frame::WaitQueue woken;
    PollWatcher watcher([&woken](u32) { woken.wake_all(); });
    watcher.attach(signalfd_watchers());
    usize done = 0;
    while (out.remaining() >= record_bytes) {
        u64 own = thread->pending().mask.bits() & m_mask;
        u64 ready = own ? own : pending_for(*thread);
        if (!ready) {
            if (done)
                break;
            if (is_nonblocking())
                return Errno::eagain;
            TRY(wait_interruptible(woken, ~0ull, "signalfd read"));
            continue;
        }
        auto sig = abi::Signal::from_valid(__builtin_ctzll(ready) + 1); // a bit of a 64-bit set
        // The thread's own signals before its process's, as dequeue_signal takes them.
        abi::SigInfo info = own ? thread->pending().take(sig) : thread->process().shared_pending().take(sig);
        auto record = std::bit_cast<std::array<u8, record_bytes>>(signalfd_record(info));
        auto written = out.write(record);
        if (written.is_error())
            return done ? Result<usize>(done) : written.error();
        done += record_bytes;
    }
    return done;
}

u32 SignalFile::poll_events()
{
    Thread* thread = ProcessTable::current_thread();
    return thread && pending_for(*thread) ? u32 {abi::pollin} : 0u;
}

PollQueue* SignalFile::poll_queue() { return &signalfd_watchers(); }

Result<frame::FileStat> SignalFile::stat() { return anon_file_stat(); }

std::string SignalFile::description() { return anon_file_description("signalfd"); }

} // namespace asterix::services
