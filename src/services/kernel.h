#pragma once

#include "frame/boot.h"

namespace asterix::services {

/// The services' entry: runs the first guest program as pid 1; its exit powers off.
void kernel_main(const frame::BootParams& params);

} // namespace asterix::services
