#pragma once

#include "frame/task.h"

namespace asterix::services {

/// Tasks in poll or select: woken whenever a pollable file changes state, they look again.
frame::WaitQueue& poll_waiters();

} // namespace asterix::services
