#include "services/fs/poll_waiters.h"

namespace asterix::services {

frame::WaitQueue& poll_waiters()
{
    static frame::WaitQueue* queue = new frame::WaitQueue();
    return *queue;
}

} // namespace asterix::services
