#pragma once

#include <string_view>

namespace asterix::frame {

/// Prints text for a debugger session (the kernel log's output), with no prefix.
void debug_print(std::string_view text);

} // namespace asterix::frame
