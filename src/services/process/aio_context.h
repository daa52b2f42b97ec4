#pragma once

#include <deque>

#include "frame/ref.h"
#include "frame/task.h"
#include "services/abi/aio_abi.h"

namespace asterix::services {

/// One io_setup context: the completions not yet reaped. Requests finish as io_submit takes
/// them (files here have no asynchronous path), so nothing is ever in flight. Threads of
/// io_getevents wait on `completed_event`; io_destroy and the process's exit or exec drop it.
struct AioContext : RefCounted<AioContext> {
    explicit AioContext(u32 max_events) : max_events(max_events) { events_in_use() += max_events; }
    ~AioContext() { events_in_use() -= max_events; }
    AioContext(const AioContext&) = delete;
    AioContext& operator=(const AioContext&) = delete;

    /// What all contexts of the instance asked for, against aio-max-nr.
    static u64& events_in_use()
    {
        static u64 total = 0;
        return total;
    }

    u32 max_events;
    std::deque<abi::IoEvent> completed;
    bool is_destroyed {false};
    frame::WaitQueue completed_event;
};

} // namespace asterix::services
