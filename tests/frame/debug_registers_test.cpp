#include <doctest/doctest.h>

#include "frame/user_mode.h"
#include "frame/vm_space.h"

using namespace asterix;
using frame::DebugRegisters;

namespace {
constexpr u64 dr7_write4_slot0 = 0x1 | (0xdull << 16);
constexpr u64 dr7_exec_slot1 = 0x4;
} // namespace

TEST_CASE("DebugRegisters checks what a tracer writes as Linux does")
{
    DebugRegisters debug;
    CHECK(debug.read(7) == 0);
    CHECK(debug.read(6) == 0xffff0ff0);
    CHECK(debug.write(4, 0).error() == Errno::eio);
    CHECK(debug.write(5, 0).error() == Errno::eio);
    CHECK(debug.write(8, 0).error() == Errno::eio);
    CHECK(debug.write(0, 0xffffffff81000000ull).error() == Errno::einval);
    CHECK(debug.write(0, 0x7ffffffff000ull).error() == Errno::einval);
    CHECK(debug.read(0) == 0);
    REQUIRE(!debug.write(0, 0x1000).is_error());
    // An I/O breakpoint and a long execute breakpoint are refused, and nothing changes.
    CHECK(debug.write(7, 0x1 | (0x2ull << 16)).error() == Errno::einval);
    CHECK(debug.write(7, 0x1 | (0xcull << 16)).error() == Errno::einval);
    CHECK(debug.read(7) == 0);
    REQUIRE(!debug.write(7, dr7_write4_slot0).is_error());
    CHECK(debug.read(7) == dr7_write4_slot0);
    // The slot is four bytes long now: a misaligned address is refused.
    CHECK(debug.write(0, 0x1002).error() == Errno::einval);
    CHECK(debug.read(0) == 0x1000);
}

TEST_CASE("DebugRegisters arms only enabled slots within guest user space")
{
    DebugRegisters debug;
    CHECK(debug.hardware() == DebugRegisters::Hardware {});
    REQUIRE(!debug.write(0, 0x1000).is_error());
    REQUIRE(!debug.write(1, frame::user_space_end).is_error()); // where the hosted stub lives
    REQUIRE(!debug.write(2, 0x2000).is_error());                // set but not enabled
    REQUIRE(!debug.write(7, dr7_write4_slot0 | dr7_exec_slot1).is_error());
    auto hardware = debug.hardware();
    CHECK(hardware.addresses[0] == 0x1000);
    CHECK(hardware.addresses[1] == 0);
    CHECK(hardware.addresses[2] == 0);
    CHECK(hardware.dr7 == dr7_write4_slot0);
    debug.record_exception(0x1 | 0x2000);
    CHECK(debug.read(6) == (0xffff0ff0 | 0x1));
}
