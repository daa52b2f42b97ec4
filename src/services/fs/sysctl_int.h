#pragma once

#include <string_view>

#include "frame/result.h"
#include "frame/types.h"

namespace asterix::services {

/// One integer written to a sysctl, read as Linux's proc_dointvec_minmax and
/// proc_doulongvec_minmax read it: white space first, then a number in C notation (strtoul with
/// base 0, so "0x10" and "010" are 16 and 8) with an optional '-', then white space or the end.
/// Anything after the first number and its white space is ignored, as Linux ignores the rest of
/// a one-value vector. EINVAL for no number, a bad character after it, overflow, or a value
/// outside [min, max]. An int sysctl takes a '-' (then the range decides: "-0" is 0), an
/// unsigned long sysctl never does.
enum class SysctlKind { int_value, ulong_value };
Result<i64> parse_sysctl_int(std::string_view text, i64 min, i64 max, SysctlKind kind);

} // namespace asterix::services
