#pragma once

#include <vector>

#include "frame/phys_mem.h"
#include "frame/result.h"

namespace asterix::frame {

/// The vDSO's pages, the same frames for every process. `data` is the page the kernel keeps
/// the clock parameters in ([vvar]: map it read-only); `image` is the vDSO's ELF image
/// ([vdso]: map it read and execute; its first byte is AT_SYSINFO_EHDR). The image finds the
/// data at a fixed distance below itself: map them next to each other, data first.
struct VdsoPages {
    std::vector<Frame> data;
    std::vector<Frame> image;
};

/// The vDSO's frames, made on the first call; ENOMEM when physical memory is exhausted then.
Result<VdsoPages> vdso_pages();

} // namespace asterix::frame
