#pragma once

#include <string>

#include "services/process/process.h"

namespace asterix::services {

/// The state letter proc(5) shows for a thread (R, S, D, T, Z, X): `thread` null stands for the
/// process as a whole, which Linux shows by its leader (the first thread left here).
char task_state(Process& process, Thread* thread);
/// The long form /proc/PID/status shows ("S (sleeping)").
const char* task_state_name(char state);
/// What the thread waits in, named after the Linux function that waits there (/proc/PID/wchan);
/// "0" when it is not waiting.
std::string wait_channel(Process& process, Thread* thread);

} // namespace asterix::services
