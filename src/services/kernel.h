#pragma once

#include "frame/boot.h"

namespace asterix::services {

/// The services' entry: starts the kernel's init as pid 1 (unless --pid1) and runs the guest
/// program as pid 2 (1 with --pid1); the program's exit powers off.
void kernel_main(const frame::BootParams& params);

} // namespace asterix::services
