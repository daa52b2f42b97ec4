// A kernel panic on bare metal: the message on the serial console, then power off with 70.

#include <cstdarg>

#include "arch_x86_64/serial.h"
#include "frame/assert.h"

namespace asterix::frame {

void panic(const char* fmt, ...)
{
    using namespace arch_x86_64;
    // FIXME: no formatter yet on bare metal: the format string is printed as it is.
    serial_write("Asterix: kernel panic: ");
    serial_write(fmt);
    serial_write("\n");
    power_off(70);
}

} // namespace asterix::frame
