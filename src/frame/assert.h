#pragma once

namespace asterix::frame {

/// Stops the kernel with a message, the current task and a backtrace. Never returns.
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace asterix::frame

/// Checks a kernel invariant (never guest input: that is validated and gets an errno).
#define AX_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) [[unlikely]]                                                                  \
            ::asterix::frame::panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);  \
    } while (0)
