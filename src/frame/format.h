#pragma once

#include <cstdarg>
#include <string>

namespace asterix::frame {

/// printf-style formatting into a string that grows to fit, so no text is ever cut off.
/// Precondition: `fmt` and the arguments agree (the compiler checks it, as for printf). The same
/// conversions work hosted and bare metal (see frame/freestanding/format.cpp).
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
/// The same with a va_list, for other variadic functions; `args` is consumed.
std::string vformat(const char* fmt, va_list args) __attribute__((format(printf, 1, 0)));

} // namespace asterix::frame
