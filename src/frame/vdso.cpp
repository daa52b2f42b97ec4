// The vDSO's frames: the image built from src/vdso (embedded by the build between
// ax_vdso_image_start and ax_vdso_image_end) copied once into frames that every process maps,
// and the data page the clock (timekeeping.cpp) publishes its parameters in.

#include "frame/vdso.h"

#include <algorithm>
#include <cstring>

#include "frame/internal.h"

extern "C" const asterix::u8 ax_vdso_image_start[];
extern "C" const asterix::u8 ax_vdso_image_end[];

namespace asterix::frame {

namespace {
/// The image's data page offset (src/vdso/vdso.lds puts ax_vvar one page below the image).
constexpr u64 data_pages = 1;

VdsoPages* g_pages = nullptr;
} // namespace

Result<VdsoPages> vdso_pages()
{
    if (g_pages)
        return *g_pages;
    // SAFETY: the two symbols bound the embedded image in the kernel's read-only data, a whole
    // number of pages (embed_vdso.cmake pads it).
    std::span<const u8> image(ax_vdso_image_start, ax_vdso_image_end);
    VdsoPages pages;
    for (u64 i = 0; i < data_pages; ++i)
        pages.data.push_back(TRY(Frame::alloc_zeroed()));
    for (u64 offset = 0; offset < image.size(); offset += page_size) {
        Frame frame = TRY(Frame::alloc_zeroed());
        auto bytes = image.subspan(offset, std::min<u64>(page_size, image.size() - offset));
        // SAFETY: a fresh frame no guest maps yet; frame_direct_bytes is its whole page.
        std::memcpy(frame_direct_bytes(frame).data(), bytes.data(), bytes.size());
        pages.image.push_back(std::move(frame));
    }
    // Kept for good: the clock writes the data page from now on, and every exec maps the same.
    g_pages = new VdsoPages(pages);
    publish_clock_in(frame_direct_bytes(g_pages->data.front()));
    return pages;
}

} // namespace asterix::frame
