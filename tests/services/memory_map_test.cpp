#include <doctest/doctest.h>

#include <array>

#include "frame/phys_mem.h"
#include "services/fs/ram_fs.h"
#include "services/mm/memory_map.h"

using namespace asterix;
using namespace asterix::services;

namespace {
constexpr u8 rw = frame::perm_read | frame::perm_write;

MemoryMap new_map() { return MemoryMap(MUST(frame::VmSpace::create())); }
} // namespace

TEST_CASE("anonymous mappings go top down below mmap_top and never overlap")
{
    auto map = new_map();
    u64 a = MUST(map.map_anonymous(0, 3 * page_size, rw, Placement::anywhere));
    u64 b = MUST(map.map_anonymous(0, page_size + 1, rw, Placement::anywhere));
    CHECK(a == mmap_top - 3 * page_size);
    CHECK(b == a - 2 * page_size);
    // Adjacent private anonymous memory with the same protection is one area, as on Linux.
    REQUIRE(map.areas().size() == 1);
    CHECK(map.areas().begin()->second.end == mmap_top);
    u64 c = MUST(map.map_anonymous(0, page_size, frame::perm_read, Placement::anywhere));
    CHECK(c == b - page_size);
    CHECK(map.areas().size() == 2); // another protection: an area of its own
    MUST(map.protect(c, page_size, rw));
    CHECK(map.areas().size() == 1); // the same again: merged
}

TEST_CASE("a process has at most max_map_count areas; splits past it get ENOMEM")
{
    auto map = new_map();
    u64 start = 0x10000000;
    u64 count = 0;
    for (;; ++count) {
        auto placed = map.map_anonymous(start + 2 * count * page_size, page_size, rw, Placement::fixed);
        if (placed.is_error()) {
            CHECK(placed.error() == Errno::enomem);
            break;
        }
    }
    CHECK(count == max_map_count);
    CHECK(map.areas().size() == max_map_count);
    MUST(map.unmap(start, page_size)); // one area fewer: room for one more
    u64 big = MUST(map.map_anonymous(0, 4 * page_size, rw, Placement::anywhere));
    CHECK(map.areas().size() == max_map_count);
    // Protecting the middle of an area splits it in three: past the limit.
    CHECK(map.protect(big + page_size, page_size, frame::perm_read).error() == Errno::enomem);
    CHECK(map.unmap(big + page_size, page_size).error() == Errno::enomem);
    MUST(map.protect(big, 4 * page_size, frame::perm_read)); // the whole area: no split
}

TEST_CASE("a fixed mapping replaces what was there and splits the areas around it")
{
    auto map = new_map();
    u64 start = 0x10000000;
    MUST(map.map_anonymous(start, 8 * page_size, rw, Placement::fixed));
    MUST(map.map_anonymous(start + 2 * page_size, 2 * page_size, frame::perm_read, Placement::fixed));
    REQUIRE(map.areas().size() == 3);
    CHECK(map.areas().at(start).end == start + 2 * page_size);
    CHECK(map.areas().at(start + 2 * page_size).prot == frame::perm_read);
    CHECK(map.areas().at(start + 4 * page_size).end == start + 8 * page_size);
    CHECK(map.map_anonymous(start, page_size, rw, Placement::fixed_noreplace).error() == Errno::eexist);
    CHECK(map.map_anonymous(start + 1, page_size, rw, Placement::fixed).error() == Errno::einval);
}

TEST_CASE("munmap splits areas and frees their pages; mprotect needs the whole range mapped")
{
    auto map = new_map();
    u64 start = 0x20000000;
    MUST(map.map_anonymous(start, 4 * page_size, rw, Placement::fixed));
    REQUIRE(!map.vm().write_bytes(start, std::vector<u8>(4 * page_size, 1)).is_error());
    CHECK(map.vm().mapped_pages() == 4);
    MUST(map.unmap(start + page_size, page_size));
    CHECK(map.areas().size() == 2);
    CHECK(map.vm().mapped_pages() == 3);
    CHECK(map.protect(start, 4 * page_size, frame::perm_read).error() == Errno::enomem);
    MUST(map.protect(start + 2 * page_size, 2 * page_size, frame::perm_read));
    CHECK(map.vm().query(start + 3 * page_size)->perms == frame::perm_read);
    CHECK(map.unmap(start + 1, page_size).error() == Errno::einval);
}

TEST_CASE("faults fill zero pages only inside areas that allow the access")
{
    auto map = new_map();
    u64 start = 0x30000000;
    MUST(map.map_anonymous(start, 64 * page_size, frame::perm_read, Placement::fixed));
    CHECK(map.handle_fault({start + 5 * page_size, frame::Access::read}) == frame::FaultOutcome::handled);
    auto page = map.vm().query(start + 5 * page_size);
    REQUIRE(page);
    CHECK(page->perms == frame::perm_read);
    CHECK(map.vm().mapped_pages() == 16); // one aligned block of fault-around
    CHECK(map.handle_fault({start + 40 * page_size, frame::Access::write}) == frame::FaultOutcome::access_denied);
    CHECK(map.handle_fault({start - page_size, frame::Access::read}) == frame::FaultOutcome::no_mapping);
}

TEST_CASE("a fault's outcome follows Linux's rule: no area is MAPERR, an area that forbids is ACCERR")
{
    auto map = new_map();
    u64 start = 0x38000000;
    MUST(map.map_anonymous(start, 4 * page_size, frame::perm_read, Placement::fixed));
    MUST(map.map_anonymous(start + 4 * page_size, page_size, frame::perm_none, Placement::fixed));
    // Untouched or present, a write to a read-only page is refused by its area.
    CHECK(map.handle_fault({start, frame::Access::write}) == frame::FaultOutcome::access_denied);
    CHECK(map.handle_fault({start, frame::Access::read}) == frame::FaultOutcome::handled);
    CHECK(map.handle_fault({start, frame::Access::write}) == frame::FaultOutcome::access_denied);
    CHECK(map.handle_fault({start + 4 * page_size, frame::Access::read}) == frame::FaultOutcome::access_denied);
    CHECK(map.handle_fault({start, frame::Access::exec}) == frame::FaultOutcome::access_denied);
    CHECK(map.handle_fault({start + 5 * page_size, frame::Access::read}) == frame::FaultOutcome::no_mapping);
    CHECK(map.handle_fault({0, frame::Access::read}) == frame::FaultOutcome::no_mapping);
}

TEST_CASE("past the end of a mapped file a fault has no backing, and the next fault does not inherit it")
{
    auto map = new_map();
    auto file = MUST(RamFs::make_shared_anonymous(page_size)); // one page of file
    u64 shared = MUST(map.map_file(0, 2 * page_size, rw, Placement::anywhere, file, 0, true));
    u64 priv = MUST(map.map_file(0, 2 * page_size, rw, Placement::anywhere, file, 0, false));
    u64 anon = MUST(map.map_anonymous(0, page_size, frame::perm_read, Placement::anywhere));
    CHECK(map.handle_fault({shared + page_size, frame::Access::read}) == frame::FaultOutcome::no_backing);
    CHECK(map.handle_fault({priv + page_size + 8, frame::Access::write}) == frame::FaultOutcome::no_backing);
    // What a user copy from there gets: EFAULT, and nothing that lasts.
    std::array<u8, 16> buffer {};
    CHECK(map.vm().read_bytes(priv + page_size, buffer).error() == Errno::efault);
    CHECK(map.handle_fault({0x1000, frame::Access::read}) == frame::FaultOutcome::no_mapping);
    CHECK(map.handle_fault({anon, frame::Access::write}) == frame::FaultOutcome::access_denied);
    // The page the file has is there to read and (privately) to write.
    CHECK(map.handle_fault({priv, frame::Access::write}) == frame::FaultOutcome::handled);
    CHECK(map.handle_fault({shared, frame::Access::read}) == frame::FaultOutcome::handled);
}

TEST_CASE("brk grows and shrinks the heap and refuses what it cannot do")
{
    auto map = new_map();
    u64 start = 0x600123;
    map.set_brk_start(start);
    CHECK(map.brk(0) == start);
    CHECK(map.brk(start + 100000) == start + 100000);
    CHECK(map.areas().at(page_round_up(start)).name == "[heap]");
    CHECK(map.brk(start - 1) == start + 100000);
    CHECK(map.brk(~0ull - 10) == start + 100000);
    CHECK(map.brk(start + 10) == start + 10);
    // Too big for physical memory: the break stays.
    CHECK(map.brk(start + (frame::total_frames() + 1) * page_size) == start + 10);
}

TEST_CASE("brk over a sealed heap: shrinking stays, growth is a new unsealed area")
{
    auto map = new_map();
    u64 start = 0x600000;
    map.set_brk_start(start);
    CHECK(map.brk(start + 4 * page_size) == start + 4 * page_size);
    MUST(map.seal(start, 4 * page_size));
    // Unmapping sealed pages is refused, so the break stays; within its page it moves.
    CHECK(map.brk(start + 2 * page_size) == start + 4 * page_size);
    CHECK(map.areas().at(start).end == start + 4 * page_size);
    CHECK(map.brk(start + 4 * page_size - 100) == start + 4 * page_size - 100);
    CHECK(map.brk(start + 4 * page_size) == start + 4 * page_size);
    // Growth does not extend the sealed area: its pages may go again.
    CHECK(map.brk(start + 6 * page_size) == start + 6 * page_size);
    const Area& grown = map.areas().at(start + 4 * page_size);
    CHECK(grown.name == "[heap]");
    CHECK(!grown.is_sealed);
    CHECK(grown.end == start + 6 * page_size);
    CHECK(map.areas().at(start).is_sealed);
    CHECK(map.brk(start + 4 * page_size) == start + 4 * page_size);
    CHECK(map.areas().count(start + 4 * page_size) == 0);
}

TEST_CASE("brk grows the top heap area in place, even after a split below it")
{
    auto map = new_map();
    u64 start = 0x600000;
    map.set_brk_start(start);
    CHECK(map.brk(start + 4 * page_size) == start + 4 * page_size);
    MUST(map.protect(start, page_size, frame::perm_read));
    CHECK(map.brk(start + 8 * page_size) == start + 8 * page_size);
    CHECK(map.areas().at(start).end == start + page_size);
    CHECK(map.areas().at(start + page_size).end == start + 8 * page_size);
}

TEST_CASE("the vDSO: [vvar] read-only below [vdso]; special areas never split, grow or take writes")
{
    auto map = new_map();
    frame::VdsoPages pages;
    pages.data.push_back(MUST(frame::Frame::alloc_zeroed()));
    for (int i = 0; i < 2; ++i)
        pages.image.push_back(MUST(frame::Frame::alloc_zeroed()));
    u64 image = MUST(map.map_vdso(pages));
    u64 data = image - page_size;
    const Area* vvar = map.area_at(data);
    REQUIRE(vvar);
    CHECK(vvar->name == "[vvar]");
    CHECK(vvar->prot == frame::perm_read);
    const Area* vdso = map.area_at(image);
    REQUIRE(vdso);
    CHECK(vdso->name == "[vdso]");
    CHECK(vdso->start == image);
    CHECK(vdso->end == image + 2 * page_size);
    // Mapped at once, with the very frames every process shares.
    CHECK(map.vm().query(image)->frame.pfn() == pages.image[0].pfn());
    CHECK(map.vm().query(data)->frame.pfn() == pages.data[0].pfn());

    CHECK(map.protect(data, page_size, rw).error() == Errno::eacces);
    CHECK(map.protect(data, page_size, frame::perm_read | frame::perm_exec).error() == Errno::eacces);
    CHECK(map.protect(image, page_size, frame::perm_read).error() == Errno::einval); // half of [vdso]
    CHECK(map.unmap(image + page_size, page_size).error() == Errno::einval);
    CHECK(map.remap(image, 2 * page_size, 3 * page_size, {.may_move = true}).error() == Errno::efault);
    CHECK(map.remap(image, 2 * page_size, page_size, {.may_move = true}).error() == Errno::einval);
    CHECK(map.map_anonymous(image + page_size, 2 * page_size, rw, Placement::fixed).error() == Errno::einval);
    CHECK(map.handle_fault({data, frame::Access::write}) == frame::FaultOutcome::access_denied);

    // A writable image (a debugger's breakpoint) copies the page it writes; the shared one stays.
    MUST(map.protect(image, 2 * page_size, rw | frame::perm_exec));
    CHECK(map.handle_fault({image, frame::Access::write}) == frame::FaultOutcome::handled);
    CHECK(map.vm().query(image)->frame.pfn() != pages.image[0].pfn());

    // Dropped pages come back as the same frames, not as zeroes.
    MUST(map.discard(data, page_size));
    CHECK(!map.vm().query(data));
    CHECK(map.handle_fault({data, frame::Access::read}) == frame::FaultOutcome::handled);
    CHECK(map.vm().query(data)->frame.pfn() == pages.data[0].pfn());

    auto child = MUST(map.fork());
    CHECK(child->vm().query(data)->frame.pfn() == pages.data[0].pfn());
    CHECK(child->area_at(image)->name == "[vdso]");

    MUST(map.unmap(data, 3 * page_size)); // munmap of the whole is allowed
    CHECK(!map.area_at(image));
    CHECK(!map.area_at(data));
}
