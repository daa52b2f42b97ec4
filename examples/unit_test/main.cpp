// The example's test runner: the frame's physical memory first (every service allocates from
// it), then doctest, as tests/unit_main.cpp does for the project's own unit tests.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "frame/phys_mem.h"

int main(int argc, char** argv)
{
    asterix::frame::init_phys_mem(16ull << 20);
    doctest::Context context(argc, argv);
    return context.run();
}
