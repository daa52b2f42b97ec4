// The bare-metal kernel's C++ entry, reached from boot.S in long mode with the first GiB
// identity-mapped. For now it brings up the serial console, reads the boot memory map, reports
// and powers off: the rest of the backend (frame allocator, page tables behind VmSpace,
// syscall entry, timer, initramfs) and the services come next.

#include "arch_x86_64/serial.h"

namespace {

using namespace asterix;
using namespace asterix::arch_x86_64;

constexpr u32 multiboot_magic = 0x2BADB002;

/// The start of the multiboot information structure (flags, mem_lower, mem_upper in KiB).
struct MultibootInfo {
    u32 flags;
    u32 mem_lower_kib;
    u32 mem_upper_kib;
};

} // namespace

extern "C" [[noreturn]] void kernel_main(u32 magic, u32 info_address)
{
    serial_init();
    serial_write("Asterix: bare-metal boot on x86-64\n");
    if (magic != multiboot_magic) {
        serial_write("Asterix: not started by a multiboot loader, stopping\n");
        power_off(3);
    }
    // SAFETY: the loader passes the physical address of its information block, identity-mapped.
    const auto* info = reinterpret_cast<const MultibootInfo*>(static_cast<u64>(info_address));
    if (!(info->flags & 1)) {
        serial_write("Asterix: the loader gave no memory size, stopping\n");
        power_off(4);
    }
    u64 memory_mib = (u64 {info->mem_upper_kib} + 1024) / 1024;
    serial_write("Asterix: memory ");
    serial_write_number(memory_mib);
    serial_write(" MiB\n");
    constexpr u64 minimum_mib = 16;
    if (memory_mib < minimum_mib) {
        serial_write("Asterix: less memory than the kernel needs (16 MiB), stopping\n");
        power_off(5);
    }
    serial_write("Asterix: services are not linked into the bare-metal kernel yet; powering off\n");
    power_off(0);
}
