// Output for debugger entry points (src/services/debug.cpp), which tools/asterix.gdb calls while
// asterix is stopped. The kernel-task commands of the gdb script read kernel memory directly.

#include "frame/arch.h"
#include "frame/debug.h"

namespace asterix::frame {

void debug_print(std::string_view text) { arch::log_write(text); }

} // namespace asterix::frame
