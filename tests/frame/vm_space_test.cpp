#include <doctest/doctest.h>

#include <array>
#include <numeric>
#include <vector>

#include "frame/vm_space.h"
#include "frame/internal.h"

using namespace asterix;
using frame::Frame;
using frame::VmSpace;

namespace {
constexpr u64 base = 0x10000000;

Ref<VmSpace> new_space()
{
    auto vm = VmSpace::create();
    REQUIRE(!vm.is_error());
    return vm.release_value();
}
} // namespace

TEST_CASE("page table: map, query, protect and unmap")
{
    auto vm = new_space();
    auto frame = MUST(Frame::alloc_zeroed());
    u64 pfn = frame.pfn();
    vm->map(base, frame, frame::perm_read | frame::perm_write);
    CHECK(frame.share_count() == 2); // this handle and the page table

    auto mapping = vm->query(base);
    REQUIRE(mapping);
    CHECK(mapping->frame.pfn() == pfn);
    CHECK(mapping->perms == (frame::perm_read | frame::perm_write));
    CHECK(!vm->query(base + page_size));
    CHECK(!vm->query(base - page_size));

    vm->protect(base, page_size, frame::perm_read);
    CHECK(vm->query(base)->perms == frame::perm_read);

    mapping.reset();
    vm->unmap(base, page_size);
    CHECK(!vm->query(base));
    CHECK(frame.share_count() == 1);
}

TEST_CASE("soft-dirty: every page until the first clear, then the pages written since")
{
    auto vm = new_space();
    vm->map(base, MUST(Frame::alloc_zeroed()), frame::perm_read | frame::perm_write);
    vm->map(base + page_size, MUST(Frame::alloc_zeroed()), frame::perm_read | frame::perm_write);
    CHECK(vm->query(base)->is_soft_dirty);
    vm->clear_soft_dirty(base, 2 * page_size);
    CHECK(!vm->query(base)->is_soft_dirty);
    CHECK(!vm->query(base + page_size)->is_soft_dirty);
    // A kernel write on the guest's behalf marks the page; a read does not.
    std::array<u8, 4> bytes {1, 2, 3, 4};
    CHECK(!vm->write_bytes(base + page_size, bytes).is_error());
    CHECK(!vm->read_bytes(base, bytes).is_error());
    CHECK(!vm->query(base)->is_soft_dirty);
    CHECK(vm->query(base + page_size)->is_soft_dirty);
    // The first write fault on a clean page in the backend marks it and is retried.
    CHECK(vm->fill_tlb(base));
    CHECK(!vm->query(base)->is_soft_dirty);
    CHECK(vm->fill_tlb(base));
    CHECK(vm->query(base)->is_soft_dirty);
    CHECK(!vm->fill_tlb(base));
    // From the first clear on, a new page starts clean.
    vm->map(base + 2 * page_size, MUST(Frame::alloc_zeroed()), frame::perm_read | frame::perm_write);
    CHECK(!vm->query(base + 2 * page_size)->is_soft_dirty);
}

TEST_CASE("page table: unmap of a range removes only the pages inside it")
{
    auto vm = new_space();
    for (u64 i = 0; i < 8; ++i)
        vm->map(base + i * page_size, MUST(Frame::alloc_zeroed()), frame::perm_read);
    vm->unmap(base + 2 * page_size, 3 * page_size);
    for (u64 i = 0; i < 8; ++i)
        CHECK(vm->query(base + i * page_size).has_value() == (i < 2 || i >= 5));
    CHECK(vm->mapped_pages() == 5);
}

TEST_CASE("user copy crosses page boundaries through the direct map")
{
    auto vm = new_space();
    auto first = MUST(Frame::alloc_zeroed());
    auto second = MUST(Frame::alloc_zeroed());
    vm->map(base, first, frame::perm_read | frame::perm_write);
    vm->map(base + page_size, second, frame::perm_read | frame::perm_write);

    std::vector<u8> data(100);
    std::iota(data.begin(), data.end(), u8 {1});
    u64 at = base + page_size - 40; // 40 bytes in the first page, 60 in the second
    REQUIRE(!vm->write_bytes(at, data).is_error());
    CHECK(frame::frame_direct_bytes(first)[page_size - 40] == 1);
    CHECK(frame::frame_direct_bytes(second)[0] == 41);
    CHECK(frame::frame_direct_bytes(second)[59] == 100);

    std::vector<u8> back(100);
    REQUIRE(!vm->read_bytes(at, back).is_error());
    CHECK(back == data);

    // Bytes 37..40 end the first page and 41..44 start the second: one little-endian u64.
    auto value = vm->read(UserPtr<u64>(base + page_size - 4));
    REQUIRE(!value.is_error());
    CHECK(value.value() == 0x2c2b2a2928272625ull);
}

TEST_CASE("user copy into or out of unmapped pages fails with EFAULT")
{
    auto vm = new_space();
    vm->map(base, MUST(Frame::alloc_zeroed()), frame::perm_read | frame::perm_write);
    std::array<u8, 16> buffer {};
    CHECK(vm->read_bytes(base + page_size, buffer).error() == Errno::efault);
    // Straddling the end of the mapped page fails as a whole.
    CHECK(vm->write_bytes(base + page_size - 8, buffer).error() == Errno::efault);
    CHECK(vm->read_bytes(0, buffer).error() == Errno::efault);
    CHECK(vm->read_bytes(frame::user_space_end - 8, buffer).error() == Errno::efault);
    CHECK(vm->read_bytes(~0ull - 4, buffer).error() == Errno::efault);
    // Zero bytes touch nothing, even at a wild address.
    CHECK(!vm->read_bytes(0xdead0000, std::span<u8>()).is_error());
}

TEST_CASE("user copy honours page permissions")
{
    auto vm = new_space();
    vm->map(base, MUST(Frame::alloc_zeroed()), frame::perm_read);
    std::array<u8, 8> buffer {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(vm->write_bytes(base, buffer).error() == Errno::efault);
    CHECK(!vm->read_bytes(base, buffer).is_error());
    CHECK(buffer[0] == 0);
}

TEST_CASE("user copy calls the fault handler for missing pages")
{
    auto vm = new_space();
    int calls = 0;
    vm->set_fault_handler([&](VmSpace& space, const frame::PageFault& fault) {
        ++calls;
        if (fault.addr >= base + 4 * page_size)
            return frame::FaultOutcome::no_mapping;
        space.map(page_round_down(fault.addr), MUST(Frame::alloc_zeroed()), frame::perm_read | frame::perm_write);
        return frame::FaultOutcome::handled;
    });
    std::vector<u8> data(3 * page_size, 7);
    REQUIRE(!vm->write_bytes(base + 10, data).is_error());
    CHECK(calls == 4);
    CHECK(vm->mapped_pages() == 4);
    CHECK(vm->write_bytes(base + 3 * page_size, data).error() == Errno::efault);
}

TEST_CASE("every outcome but handled fails a user copy with EFAULT, and none outlives its fault")
{
    auto vm = new_space();
    auto outcome = frame::FaultOutcome::no_backing;
    vm->set_fault_handler([&](VmSpace& space, const frame::PageFault& fault) {
        if (outcome == frame::FaultOutcome::handled)
            space.map(page_round_down(fault.addr), MUST(Frame::alloc_zeroed()), frame::perm_read | frame::perm_write);
        return outcome;
    });
    std::array<u8, 8> buffer {};
    for (auto failing : {frame::FaultOutcome::no_mapping, frame::FaultOutcome::access_denied,
             frame::FaultOutcome::no_backing, frame::FaultOutcome::out_of_memory}) {
        outcome = failing;
        CHECK(vm->read_bytes(base, buffer).error() == Errno::efault);
        CHECK(vm->handle_fault({base, frame::Access::read}) == failing);
    }
    // The next fault is answered afresh: the earlier failures left nothing behind.
    outcome = frame::FaultOutcome::handled;
    CHECK(!vm->read_bytes(base, buffer).is_error());
    // Beyond user space no handler is asked.
    CHECK(vm->handle_fault({frame::user_space_end, frame::Access::read}) == frame::FaultOutcome::no_mapping);
}

TEST_CASE("read_cstring stops at NUL, across pages, and bounds the length")
{
    auto vm = new_space();
    auto first = MUST(Frame::alloc_zeroed());
    auto second = MUST(Frame::alloc_zeroed());
    vm->map(base, first, frame::perm_read);
    vm->map(base + page_size, second, frame::perm_read);
    // "hel" ends the first page, "lo" and the NUL start the second.
    frame::frame_direct_bytes(first)[page_size - 3] = 'h';
    frame::frame_direct_bytes(first)[page_size - 2] = 'e';
    frame::frame_direct_bytes(first)[page_size - 1] = 'l';
    frame::frame_direct_bytes(second)[0] = 'l';
    frame::frame_direct_bytes(second)[1] = 'o';
    auto read = vm->read_cstring(base + page_size - 3, 100);
    REQUIRE(!read.is_error());
    CHECK(read.value() == "hello");
    CHECK(vm->read_cstring(base + page_size - 3, 5).value() == "hello");
    CHECK(vm->read_cstring(base + page_size - 3, 4).error() == Errno::enametoolong);
    CHECK(vm->read_cstring(base + 2 * page_size, 100).error() == Errno::efault);
    // A string that runs into an unmapped page is EFAULT.
    frame::frame_direct_bytes(second)[2] = 'x';
    std::fill(frame::frame_direct_bytes(second).begin(), frame::frame_direct_bytes(second).end(), u8 {'x'});
    CHECK(vm->read_cstring(base + page_size - 3, 100000).error() == Errno::efault);
}

TEST_CASE("code patching: a private copy, undone when the page becomes writable")
{
    auto vm = new_space();
    auto file_page = MUST(Frame::alloc_zeroed());
    const std::array<u8, 7> original {0xb8, 39, 0, 0, 0, 0x0f, 0x05};
    const std::array<u8, 7> jump {0xff, 0x24, 0x25, 0x20, 0x00, 0x06, 0x00};
    auto file_bytes = frame::frame_direct_bytes(file_page);
    std::copy(original.begin(), original.end(), file_bytes.begin() + 100);
    u8 rx = frame::perm_read | frame::perm_exec;
    vm->map(base, file_page, rx);

    // Bytes that differ, a writable page, a site across pages: nothing happens.
    CHECK(!vm->patch_code(base + 101, original, jump));
    CHECK(!vm->patch_code(base + page_size - 3, original, jump));
    REQUIRE(vm->patch_code(base + 100, original, jump));
    // The page now maps a private copy; the file's frame keeps its bytes.
    auto mapping = vm->query(base);
    REQUIRE(mapping);
    CHECK(mapping->frame.pfn() != file_page.pfn());
    CHECK(std::equal(original.begin(), original.end(), file_bytes.begin() + 100));
    std::array<u8, 7> seen {};
    REQUIRE(!vm->read_bytes(base + 100, seen).is_error());
    CHECK(seen == jump);
    CHECK(vm->patched_site_at(base + 105) == base + 100);
    CHECK(!vm->patched_site_at(base + 107));

    // A second site in the same page is patched in place, in the same copy.
    std::copy(original.begin(), original.end(), frame::frame_direct_bytes(mapping->frame).begin() + 200);
    u64 copy_pfn = mapping->frame.pfn();
    mapping.reset();
    REQUIRE(vm->patch_code(base + 200, original, jump));
    CHECK(vm->query(base)->frame.pfn() == copy_pfn);

    // Writable: both sites go back to their bytes.
    vm->protect(base, page_size, rx | frame::perm_write);
    REQUIRE(!vm->read_bytes(base + 100, seen).is_error());
    CHECK(seen == original);
    REQUIRE(!vm->read_bytes(base + 200, seen).is_error());
    CHECK(seen == original);
    CHECK(!vm->patched_site_at(base + 105));
    CHECK(!vm->patch_code(base + 100, original, jump));
}

TEST_CASE("code patching: forbidden for good once a tracer attaches, which undoes the patches")
{
    auto vm = new_space();
    auto page = MUST(Frame::alloc_zeroed());
    const std::array<u8, 7> original {0xb8, 39, 0, 0, 0, 0x0f, 0x05};
    const std::array<u8, 7> jump {0xff, 0x24, 0x25, 0x20, 0x00, 0x06, 0x00};
    std::copy(original.begin(), original.end(), frame::frame_direct_bytes(page).begin());
    vm->map(base, page, frame::perm_read | frame::perm_exec);
    REQUIRE(vm->patch_code(base, original, jump));
    vm->forbid_code_patching();
    std::array<u8, 7> seen {};
    REQUIRE(!vm->read_bytes(base, seen).is_error());
    CHECK(seen == original);
    CHECK(!vm->is_code_patching_allowed());
    CHECK(!vm->patch_code(base, original, jump));

    // Another frame replacing a patched page drops its record.
    auto vm2 = new_space();
    vm2->map(base, page, frame::perm_read | frame::perm_exec);
    REQUIRE(vm2->patch_code(base, original, jump));
    vm2->map(base, page, frame::perm_read | frame::perm_exec);
    CHECK(!vm2->patched_site_at(base));
}
