#pragma once

#include "frame/types.h"

namespace asterix::services {

inline constexpr int sigill = 4;
inline constexpr int sigtrap = 5;
inline constexpr int sigabrt = 6;
inline constexpr int sigbus = 7;
inline constexpr int sigfpe = 8;
inline constexpr int sigkill = 9;
inline constexpr int sigsegv = 11;
inline constexpr int sigstop = 19;
inline constexpr int sigsys = 31;

/// "SIGSEGV" for 11; nullptr for a number that is not a signal.
const char* signal_name(int sig);
/// Whether the signal's default action dumps core (the 0x80 bit of the wait status).
bool dumps_core_by_default(int sig);

} // namespace asterix::services
