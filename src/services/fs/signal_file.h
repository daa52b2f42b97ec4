#pragma once

#include "services/abi/signal.h"
#include "services/abi/signalfd.h"
#include "services/fs/file.h"

namespace asterix::services {

class Thread;

/// A signalfd (signalfd(2)): reads take the pending signals in its mask from the reading
/// thread and its process, as 128-byte signalfd_siginfo records, instead of their delivery.
/// Readiness, too, is the polling thread's: a signalfd shared with a child reads the child's.
class SignalFile final : public File {
public:
    SignalFile(u64 mask, u32 status_flags) : File(status_flags), m_mask(mask) {}

    Result<usize> read(frame::UserWriter& out) override;
    Result<usize> write(frame::UserReader&) override { return Errno::einval; }
    Result<frame::FileStat> stat() override;
    u32 poll_events() override;
    PollQueue* poll_queue() override;
    std::string description() override;
    SignalFile* as_signal() override { return this; }

    /// signalfd on an existing signalfd: the new mask (without SIGKILL and SIGSTOP).
    void set_mask(u64 mask);

private:
    /// The signals of the mask pending for `thread` (its own or its process's).
    u64 pending_for(Thread& thread) const;

    u64 m_mask;
};

/// Told whenever a signal is made pending anywhere, so that signalfd pollers and readers look.
PollQueue& signalfd_watchers();

/// The signalfd_siginfo record of a signal (signalfd_copyinfo's choice of fields by layout).
abi::SignalfdSiginfo signalfd_record(const abi::SigInfo& info);

} // namespace asterix::services
