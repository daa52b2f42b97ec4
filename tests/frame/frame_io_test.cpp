#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <optional>
#include <vector>

#include "frame/frame_io.h"

using namespace asterix;
using frame::Frame;
using frame::FrameReader;
using frame::FrameWriter;

TEST_CASE("frame io: what is written at an offset reads back, and the rest of the page stays zero")
{
    auto page = MUST(Frame::alloc_zeroed());
    std::array<u8, 5> data {1, 2, 3, 4, 5};
    CHECK(!FrameWriter(page).write(page_size - 5, data).is_error());
    std::array<u8, 7> back {};
    CHECK(!FrameReader(page).read(page_size - 7, back).is_error());
    CHECK(back == std::array<u8, 7> {0, 0, 1, 2, 3, 4, 5});
}

TEST_CASE("frame io: a range that leaves the page is EINVAL and touches nothing")
{
    auto page = MUST(Frame::alloc_zeroed());
    std::array<u8, 2> two {9, 9};
    CHECK(FrameWriter(page).write(page_size - 1, two).error() == Errno::einval);
    CHECK(FrameWriter(page).write(page_size + 1, std::span<const u8>()).error() == Errno::einval);
    CHECK(FrameWriter(page).fill(1, page_size, 7).error() == Errno::einval);
    CHECK(FrameWriter(page).zero(~0ull, 2).error() == Errno::einval); // offset + len wraps
    std::array<u8, 2> out {};
    CHECK(FrameReader(page).read(page_size - 1, out).error() == Errno::einval);
    // An empty range at the very end is inside the page.
    CHECK(!FrameReader(page).read(page_size, std::span<u8>()).is_error());
    std::vector<u8> all(page_size);
    MUST(FrameReader(page).read(0, all));
    CHECK(std::all_of(all.begin(), all.end(), [](u8 b) { return b == 0; }));
}

TEST_CASE("frame io: a null handle is EINVAL, not a crash")
{
    std::array<u8, 1> one {};
    CHECK(FrameReader(Frame()).read(0, one).error() == Errno::einval);
    CHECK(FrameWriter(Frame()).write(0, one).error() == Errno::einval);
    auto page = MUST(Frame::alloc_zeroed());
    CHECK(FrameWriter(page).copy_from(Frame()).error() == Errno::einval);
}

TEST_CASE("frame io: fill, zero and copy_from")
{
    auto a = MUST(Frame::alloc_zeroed());
    auto b = MUST(Frame::alloc_zeroed());
    MUST(FrameWriter(a).fill(0, page_size, 0xab));
    MUST(FrameWriter(a).zero(100, 10));
    MUST(FrameWriter(b).copy_from(a));
    std::vector<u8> got(page_size);
    MUST(FrameReader(b).read(0, got));
    CHECK(got[99] == 0xab);
    CHECK(got[100] == 0);
    CHECK(got[109] == 0);
    CHECK(got[110] == 0xab);
    CHECK(got[page_size - 1] == 0xab);
    // The copy is its own: changing the source afterwards does not reach it.
    MUST(FrameWriter(a).zero(0, page_size));
    MUST(FrameReader(b).read(0, got));
    CHECK(got[0] == 0xab);
}

TEST_CASE("frame io: read_to copies into a writer and stops where the writer ends")
{
    auto page = MUST(Frame::alloc_zeroed());
    std::vector<u8> data(page_size);
    std::iota(data.begin(), data.end(), u8 {0});
    MUST(FrameWriter(page).write(0, data));
    std::array<u8, 8> small {};
    auto out = frame::UserWriter::for_kernel(small);
    CHECK(MUST(FrameReader(page).read_to(250, 100, out)) == 8);
    CHECK(small == std::array<u8, 8> {250, 251, 252, 253, 254, 255, 0, 1});
    auto again = frame::UserWriter::for_kernel(small);
    CHECK(FrameReader(page).read_to(page_size - 4, 8, again).error() == Errno::einval);
}

TEST_CASE("frame io: a reader keeps its frame alive after the caller's handle goes")
{
    u64 free_before = frame::free_frames();
    std::optional<FrameReader> reader;
    {
        auto page = MUST(Frame::alloc_zeroed());
        MUST(FrameWriter(page).fill(0, 1, 42));
        reader.emplace(page);
    }
    CHECK(frame::free_frames() == free_before - 1);
    std::array<u8, 1> one {};
    MUST(reader->read(0, one));
    CHECK(one[0] == 42);
    reader.reset();
    CHECK(frame::free_frames() == free_before);
}
