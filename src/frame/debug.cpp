// Output for debugger entry points (src/services/debug.cpp), which tools/asterix.gdb calls while
// asterix is stopped. The kernel-task commands of the gdb script read kernel memory directly.

#include <algorithm>

#include "frame/arch.h"
#include "frame/debug.h"

// The output of the debugger call in progress, kept in memory as well as logged: under QEMU's
// gdbstub the log is the serial line, QEMU's terminal and not gdb's, so tools/asterix.gdb resets
// the length before each call and prints the text from here afterwards. What does not fit is
// only logged.
extern "C" {
__attribute__((used)) char ax_debug_output[32768];
__attribute__((used)) unsigned long ax_debug_output_len;
}

namespace asterix::frame {

void debug_print(std::string_view text)
{
    arch::log_write(text);
    unsigned long room = sizeof ax_debug_output - std::min<unsigned long>(ax_debug_output_len, sizeof ax_debug_output);
    unsigned long count = std::min<unsigned long>(room, text.size());
    std::copy_n(text.data(), count, ax_debug_output + ax_debug_output_len);
    ax_debug_output_len += count;
}

} // namespace asterix::frame
