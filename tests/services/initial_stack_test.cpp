#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "services/exec/initial_stack.h"

using namespace asterix;
using namespace asterix::services;

namespace {
constexpr u64 top = 0x7ffff000;

struct Stack {
    StackImage image;
    u64 word(u64 addr) const
    {
        u64 value = 0;
        for (int i = 7; i >= 0; --i)
            value = (value << 8) | image.bytes.at(addr - image.sp + i);
        return value;
    }
    std::string string(u64 addr) const
    {
        std::string out;
        for (u64 at = addr - image.sp; image.bytes.at(at) != 0; ++at)
            out += static_cast<char>(image.bytes[at]);
        return out;
    }
};
} // namespace

TEST_CASE("the initial stack holds argc, argv, envp and auxv as the ABI lays them out")
{
    std::array<u8, 16> random;
    for (usize i = 0; i < random.size(); ++i)
        random[i] = static_cast<u8>(i + 1);
    auto built = build_initial_stack(top, {"prog", "-x", "arg"}, {"A=1", "PATH=/bin"}, "/bin/prog", random,
        {{at_pagesz, 4096}, {at_entry, 0x401000}}, 1 << 20);
    REQUIRE(!built.is_error());
    Stack stack {built.release_value()};
    u64 sp = stack.image.sp;
    CHECK(sp % 16 == 0);
    CHECK(sp + stack.image.bytes.size() == top);

    CHECK(stack.word(sp) == 3);
    CHECK(stack.string(stack.word(sp + 8)) == "prog");
    CHECK(stack.string(stack.word(sp + 16)) == "-x");
    CHECK(stack.string(stack.word(sp + 24)) == "arg");
    CHECK(stack.word(sp + 32) == 0);
    CHECK(stack.string(stack.word(sp + 40)) == "A=1");
    CHECK(stack.string(stack.word(sp + 48)) == "PATH=/bin");
    CHECK(stack.word(sp + 56) == 0);

    std::map<u64, u64> auxv;
    u64 at = sp + 64;
    for (;; at += 16) {
        u64 type = stack.word(at);
        auxv[type] = stack.word(at + 8);
        if (type == at_null)
            break;
    }
    CHECK(auxv.at(at_pagesz) == 4096);
    CHECK(auxv.at(at_entry) == 0x401000);
    CHECK(stack.string(auxv.at(at_execfn)) == "/bin/prog");
    CHECK(stack.string(auxv.at(at_platform)) == "x86_64");
    u64 random_addr = auxv.at(at_random);
    for (usize i = 0; i < 16; ++i)
        CHECK(stack.image.bytes.at(random_addr - sp + i) == i + 1);
    // Every pointer lies inside the image.
    for (auto [type, value] : auxv) {
        if (type == at_execfn || type == at_platform || type == at_random)
            CHECK((value >= sp && value < top));
    }
}

TEST_CASE("too many argument bytes give E2BIG")
{
    std::vector<std::string> argv(100, std::string(100, 'a'));
    auto built = build_initial_stack(top, argv, {}, "/p", {}, {}, 5000);
    CHECK(built.is_error());
    CHECK(built.error() == Errno::e2big);
}
