#pragma once

#include "frame/types.h"

namespace asterix::frame {

/// The CPU feature words the guest's auxiliary vector reports (AT_HWCAP, AT_HWCAP2).
u64 cpu_hwcap();
u64 cpu_hwcap2();

} // namespace asterix::frame
