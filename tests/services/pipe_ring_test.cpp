#include <doctest/doctest.h>

#include <numeric>
#include <vector>

#include "frame/phys_mem.h"
#include "services/fs/pipe_ring.h"

using namespace asterix;
using services::PipeRing;

TEST_CASE("a pipe ring keeps bytes in order across pages and gives its frames back when drained")
{
    u64 free_before = frame::free_frames();
    PipeRing ring;
    std::vector<u8> data(10000);
    std::iota(data.begin(), data.end(), u8 {0});
    CHECK(MUST(ring.append(data)) == data.size());
    CHECK(ring.size() == data.size());
    CHECK(frame::free_frames() == free_before - 3); // 10000 bytes: three pages

    std::vector<u8> front(5000);
    CHECK(ring.peek(front) == 5000);
    CHECK(std::equal(front.begin(), front.end(), data.begin()));
    ring.drop(5000);
    CHECK(frame::free_frames() == free_before - 2); // the first page is read

    CHECK(MUST(ring.append(std::span(data).first(3000))) == 3000);
    std::vector<u8> rest(8000);
    CHECK(ring.peek(rest) == 8000);
    CHECK(std::equal(rest.begin(), rest.begin() + 5000, data.begin() + 5000));
    CHECK(std::equal(rest.begin() + 5000, rest.end(), data.begin()));
    ring.drop(8000);
    CHECK(ring.empty());
    CHECK(frame::free_frames() == free_before);
}
