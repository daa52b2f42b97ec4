#include "frame/format.h"

#include <cstdio>

#include "frame/types.h"

namespace asterix::frame {

std::string format(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    std::string text = vformat(fmt, args);
    va_end(args);
    return text;
}

std::string vformat(const char* fmt, va_list args)
{
    // Most texts fit the stack buffer; a longer one is measured there and formatted again into
    // a string of its exact size, so it is never truncated.
    char small[256];
    va_list again;
    va_copy(again, args);
    int length = std::vsnprintf(small, sizeof small, fmt, args);
    std::string text;
    if (length >= 0 && static_cast<usize>(length) < sizeof small) {
        text.assign(small, static_cast<usize>(length));
    } else if (length > 0) {
        text.resize(static_cast<usize>(length));
        // The string owns size() + 1 bytes: vsnprintf's terminating NUL lands on its own.
        std::vsnprintf(text.data(), text.size() + 1, fmt, again);
    }
    va_end(again);
    return text;
}

} // namespace asterix::frame
