#include <doctest/doctest.h>

#include <string>

#include "frame/format.h"

using namespace asterix;

TEST_CASE("frame::format formats like printf and never cuts a long text off")
{
    CHECK(frame::format("%d %s %#x %#o", -3, "ab", 255u, 8u) == "-3 ab 0xff 010");
    std::string long_text(5000, 'x');
    std::string formatted = frame::format("[%s]", long_text.c_str());
    CHECK(formatted.size() == 5002);
    CHECK(formatted == "[" + long_text + "]");
    CHECK(frame::format("%s", "").empty());
}
