#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "frame/phys_mem.h"
#include "frame/internal.h"

using namespace asterix;
using frame::Frame;

TEST_CASE("a new frame is zero-filled and counted as used until its last handle goes")
{
    u64 free_before = frame::free_frames();
    {
        auto frame = Frame::alloc_zeroed();
        REQUIRE(!frame.is_error());
        auto bytes = frame::frame_direct_bytes(frame.value());
        CHECK(bytes.size() == page_size);
        CHECK(std::all_of(bytes.begin(), bytes.end(), [](u8 b) { return b == 0; }));
        CHECK(frame::free_frames() == free_before - 1);
        Frame copy = frame.value();
        CHECK(copy.share_count() == 2);
        CHECK(copy.pfn() == frame.value().pfn());
    }
    CHECK(frame::free_frames() == free_before);
}

TEST_CASE("a recycled frame comes back zeroed")
{
    u64 pfn;
    {
        auto frame = MUST(Frame::alloc_zeroed());
        pfn = frame.pfn();
        std::fill(frame::frame_direct_bytes(frame).begin(), frame::frame_direct_bytes(frame).end(), u8 {0xab});
    }
    auto again = MUST(Frame::alloc_zeroed());
    CHECK(again.pfn() == pfn); // the free list is LIFO
    CHECK(std::all_of(frame::frame_direct_bytes(again).begin(), frame::frame_direct_bytes(again).end(), [](u8 b) { return b == 0; }));
}

TEST_CASE("allocation fails with ENOMEM when physical memory is exhausted, and recovers")
{
    std::vector<Frame> held;
    for (;;) {
        auto frame = Frame::alloc_zeroed();
        if (frame.is_error()) {
            CHECK(frame.error() == Errno::enomem);
            break;
        }
        held.push_back(frame.release_value());
    }
    CHECK(frame::free_frames() == 0);
    CHECK(held.size() <= frame::total_frames());
    held.pop_back();
    CHECK(!Frame::alloc_zeroed().is_error());
    held.clear();
    CHECK(frame::free_frames() > 0);
}

TEST_CASE("moving a frame handle transfers it without changing the share count")
{
    auto frame = MUST(Frame::alloc_zeroed());
    Frame moved = std::move(frame);
    CHECK(frame.is_null());
    CHECK(moved.share_count() == 1);
}
