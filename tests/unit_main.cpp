// The unit-test runner: sets up the frame's physical memory once, then runs doctest.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

#include "frame/phys_mem.h"

int main(int argc, char** argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    asterix::frame::init_phys_mem(64ull << 20);
    doctest::Context context(argc, argv);
    return context.run();
}
