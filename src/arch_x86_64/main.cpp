// The bare-metal kernel's C++ entry, reached from boot.S in long mode with the first GiB
// mapped at kernel_base. It brings up the serial console, reads the boot memory map, runs the frame's
// own frame allocator on that memory, installs the interrupt vectors and starts the timer, sets
// up the syscall instruction and runs a ring-3 program through the frame's VmSpace and
// execute_user; then it powers off. Tasks, the initramfs and the services come next.

#include <string>
#include <vector>

#include "arch_x86_64/boot_info.h"
#include "arch_x86_64/clock.h"
#include "arch_x86_64/cpu.h"
#include "arch_x86_64/interrupts.h"
#include "arch_x86_64/serial.h"
#include "arch_x86_64/task_stack.h"
#include "arch_x86_64/user_mode.h"
#include "frame/arch.h"
#include "frame/internal.h"
#include "frame/boot.h"
#include "frame/freestanding/heap.h"
#include "frame/phys_mem.h"
#include "services/kernel.h"

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace {

using namespace asterix;
using namespace asterix::arch_x86_64;

constexpr u32 multiboot_magic = 0x2BADB002;
constexpr u64 minimum_mib = 120;

/// The start of the multiboot information structure.
struct MultibootInfo {
    u32 flags;
    u32 mem_lower_kib;
    u32 mem_upper_kib;
    u32 boot_device;
    u32 cmdline;
    u32 mods_count;
    u32 mods_addr;
    u32 symbols[4];
    u32 mmap_length;
    u32 mmap_addr;
};
constexpr u32 info_has_memory = 1u << 0;
constexpr u32 info_has_cmdline = 1u << 2;
constexpr u32 info_has_modules = 1u << 3;
constexpr u32 info_has_memory_map = 1u << 6;

/// One entry of the multiboot memory map; `size` counts the bytes after itself.
struct __attribute__((packed)) MultibootMemoryEntry {
    u32 size;
    u64 base, length;
    u32 type;
};
constexpr u32 memory_available = 1;

/// Hands the usable RAM of the loader's memory map to the frame allocator's backend.
void read_memory_map(const MultibootInfo& info)
{
    if (!(info.flags & info_has_memory_map)) { // what mem_upper says, from 1 MiB
        add_ram_range(1ull << 20, g_memory_top);
        return;
    }
    for (u32 at = 0; at + sizeof(MultibootMemoryEntry) <= info.mmap_length;) {
        const auto& entry = *from_physical<const MultibootMemoryEntry>(info.mmap_addr + at);
        if (entry.type == memory_available)
            add_ram_range(entry.base, entry.base + entry.length);
        at += entry.size + sizeof(u32);
    }
}

struct MultibootModule {
    u32 start, end, string, reserved;
};

/// Splits a command line into words: blanks separate, '...' and "..." quote, \ escapes.
std::vector<std::string> split_words(const char* text)
{
    std::vector<std::string> words;
    std::string word;
    bool is_in_word = false;
    char quote = 0;
    for (const char* p = text; *p; ++p) {
        char c = *p;
        if (quote) {
            if (c == quote)
                quote = 0;
            else
                word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            is_in_word = true;
        } else if (c == '\\' && p[1]) {
            word += *++p;
            is_in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (is_in_word)
                words.push_back(std::move(word));
            word.clear();
            is_in_word = false;
        } else {
            word += c;
            is_in_word = true;
        }
    }
    if (is_in_word)
        words.push_back(std::move(word));
    return words;
}

/// Makes RAM write-back cacheable: a loader may leave the MTRRs' default type at uncacheable,
/// and then every access past the ranges it set up goes to memory (KVM honours that).
void enable_write_back_memory()
{
    constexpr u32 cpuid_mtrr = 1u << 12;
    if (!(cpuid(1).edx & cpuid_mtrr))
        return;
    constexpr u32 mtrr_def_type = 0x2ff;
    constexpr u32 mtrr_enable = 1u << 11;
    constexpr u32 type_write_back = 6;
    asm volatile("wrmsr" ::"c"(mtrr_def_type), "a"(mtrr_enable | type_write_back), "d"(0));
}

/// The frame's allocator on bare metal: frames come zeroed, are recycled, and run out cleanly.
void check_frame_allocator()
{
    u64 total = frame::total_frames();
    serial_write("Asterix: frame allocator: ");
    serial_write_number(total);
    serial_write(" frames of physical memory\n");
    std::vector<frame::Frame> held;
    for (int i = 0; i < 256; ++i) {
        auto frame = frame::Frame::alloc_zeroed();
        if (frame.is_error())
            break;
        auto bytes = frame::frame_direct_bytes(frame.value());
        for (u8 byte : bytes) {
            if (byte != 0) {
                serial_write("Asterix: a new frame was not zero\n");
                power_off(7);
            }
        }
        bytes[0] = 0xab;
        held.push_back(frame.release_value());
    }
    u64 in_use = total - frame::free_frames();
    held.clear();
    auto again = frame::Frame::alloc_zeroed();
    bool is_recycled_zero = !again.is_error() && frame::frame_direct_bytes(again.value())[0] == 0;
    serial_write("Asterix: frame allocator: ");
    serial_write_number(in_use);
    serial_write(" frames allocated and freed, ");
    serial_write(is_recycled_zero ? "recycled frames come back zeroed\n" : "a recycled frame was dirty\n");
    if (!is_recycled_zero)
        power_off(7);
}

/// The frame window maps every frame to its own RAM: the first and the last frame hold
/// different patterns written through the window, and read back what was written.
void check_frame_window()
{
    u64 total = frame::total_frames();
    if (total < 2)
        return;
    u64 last_physical = frame_physical(total - 1);
    u8* first = frame_window_address(frame_physical(0));
    u8* last = frame_window_address(last_physical);
    first[0] = 0x5a;
    last[page_size - 1] = 0xa5;
    bool is_sound = first[0] == 0x5a && last[page_size - 1] == 0xa5 && first != last;
    first[0] = last[page_size - 1] = 0;
    serial_write("Asterix: frame window: ");
    serial_write_number(total * page_size >> 20);
    serial_write(" MiB in ");
    serial_write_number(frame_window_ranges());
    serial_write(is_sound ? " runs of RAM, the last frame at physical " : " runs of RAM, a frame did not read back at ");
    serial_write_number(last_physical >> 20);
    serial_write(" MiB\n");
    if (!is_sound)
        power_off(7);
}

/// "32M", "512K", "2G" or bytes; 0 when it is not a size.
u64 parse_size(const std::string& text)
{
    u64 value = 0;
    usize i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
        value = value * 10 + static_cast<u64>(text[i] - '0');
    if (i == 0 || i + 1 < text.size())
        return 0;
    if (i == text.size())
        return value;
    switch (text[i]) {
    case 'K': return value << 10;
    case 'M': return value << 20;
    case 'G': return value << 30;
    default: return 0;
    }
}

struct KernelOptions {
    u64 mem_bytes = ~0ull;
    bool is_stack_overflow_test = false;
};

/// Takes the kernel's own options off the front of the command line, as `asterix run` has them:
/// `--mem SIZE` limits the guest's memory (the frames); `--overflow-kernel-stack` is a test of
/// the guard pages (a kernel task recurses until it faults); `--` ends the options.
KernelOptions take_kernel_options(std::vector<std::string>& argv)
{
    KernelOptions options;
    while (!argv.empty() && argv[0].starts_with("--")) {
        std::string option = argv[0];
        argv.erase(argv.begin());
        if (option == "--")
            break;
        if (option == "--mem" && !argv.empty() && parse_size(argv[0]) >= (4ull << 20)) {
            options.mem_bytes = parse_size(argv[0]);
            argv.erase(argv.begin());
            continue;
        }
        if (option == "--overflow-kernel-stack") {
            options.is_stack_overflow_test = true;
            continue;
        }
        serial_write("Asterix: bad kernel option '");
        serial_write(option.c_str());
        serial_write("' (the kernel takes --mem SIZE of at least 4M and --overflow-kernel-stack, then the init and its arguments)\n");
        power_off(2);
    }
    return options;
}

volatile bool g_keep_recursing = true;

[[gnu::noinline]] u64 recurse(u64 depth)
{
    volatile u8 frame[512];
    frame[0] = static_cast<u8>(depth);
    return g_keep_recursing ? recurse(depth + 1) + frame[0] : depth;
}

/// Runs a kernel task stack into its guard page: the boot ends with the overflow reported.
[[noreturn]] void overflow_a_task_stack()
{
    constexpr usize bytes = 256 * 1024;
    void* stack = frame::arch::alloc_task_stack(bytes);
    void* context = frame::arch::make_task_context(stack, bytes, [](void*) { recurse(0); });
    void* boot_context;
    frame::arch::switch_task_context(&boot_context, context, nullptr);
    serial_write("Asterix: the task came back from its stack overflow\n");
    power_off(9);
}

/// Runs the constructors of global objects (kernel.ld collects them in .init_array).
void run_global_constructors()
{
    for (auto* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
        (*constructor)();
}

} // namespace

extern "C" [[noreturn]] void kernel_main(u32 magic, u32 info_address)
{
    enable_write_back_memory();
    serial_init();
    run_global_constructors();
    serial_write("Asterix: bare-metal boot on x86-64\n");
    if (magic != multiboot_magic) {
        serial_write("Asterix: not started by a multiboot loader, stopping\n");
        power_off(3);
    }
    // The loader passes the physical address of its information block.
    const auto* info = from_physical<const MultibootInfo>(info_address);
    if (!(info->flags & 1)) {
        serial_write("Asterix: the loader gave no memory size, stopping\n");
        power_off(4);
    }
    // The kernel's own memory (image, heap, boot modules) is in the RAM from 1 MiB up, which
    // mem_upper measures; the frames come from all RAM in the memory map.
    g_memory_top = (1ull << 20) + u64 {info->mem_upper_kib} * 1024;
    read_memory_map(*info);
    serial_write("Asterix: memory ");
    serial_write_number(ram_bytes() >> 20);
    serial_write(" MiB\n");
    if ((g_memory_top >> 20) < minimum_mib || kernel_end() + (4ull << 20) > g_memory_top) {
        serial_write("Asterix: less memory than the kernel needs (120 MiB), stopping\n");
        power_off(5);
    }

    // The command line (after the loader's kernel name) is the kernel's options and the init's
    // argv; the first boot module is the initramfs. Both are read before the frame allocator
    // takes the memory after the kernel, where the loader put them.
    std::vector<std::string> argv;
    if (info->flags & info_has_cmdline) {
        argv = split_words(from_physical<const char>(info->cmdline)); // NUL-terminated
        if (!argv.empty())
            argv.erase(argv.begin());
    }
    std::span<const u8> initramfs;
    g_reserved_end = kernel_end();
    if ((info->flags & info_has_modules) && info->mods_count > 0) {
        const auto* module = from_physical<const MultibootModule>(info->mods_addr);
        for (u32 i = 0; i < info->mods_count; ++i) {
            if (module[i].end < module[i].start || module[i].end > std::min(g_memory_top, direct_map_bytes)) {
                serial_write("Asterix: a boot module lies outside the first GiB of memory, stopping\n");
                power_off(6);
            }
            g_reserved_end = std::max<u64>(g_reserved_end, module[i].end);
        }
        initramfs = {from_physical<const u8>(module->start), module->end - module->start};
    }

    KernelOptions options = take_kernel_options(argv);
    frame::init_phys_mem(options.mem_bytes);
    check_frame_allocator();
    check_frame_window();

    init_interrupts();
    asm volatile("ud2"); // the #UD handler steps over it
    serial_write(invalid_opcodes_seen() == 1 ? "Asterix: interrupts: invalid-opcode exception handled\n"
                                             : "Asterix: interrupts: the exception was not seen\n");
    start_timer(100);
    while (timer_ticks() < 1)
        asm volatile("hlt");
    u64 tsc_first_tick = tsc_now();
    while (timer_ticks() < 11)
        asm volatile("hlt");
    calibrate_clock(tsc_first_tick, tsc_now(), 100'000);
    serial_write("Asterix: timer: 10 ticks at 100 Hz\n");
    init_cpu();
    init_task_stacks();
    if (options.is_stack_overflow_test)
        overflow_a_task_stack();
    if (!check_user_mode())
        power_off(8);
    serial_write("Asterix: kernel heap: ");
    serial_write_number(frame::heap_used_bytes());
    serial_write(" bytes in use\n");

    if (initramfs.empty()) {
        serial_write("Asterix: no initramfs: boot with a cpio newc archive as the first module (-initrd)\n");
        power_off(6);
    }
    frame::BootParams params;
    params.argv = argv.empty() ? std::vector<std::string> {"/bin/sh"} : argv;
    params.program = params.argv[0];
    params.envp = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "TERM=vt100"};
    params.initramfs = initramfs;
    params.mem_bytes = frame::total_frames() * page_size;
    serial_write("Asterix: starting the services with init ");
    serial_write(params.program.c_str());
    serial_write("\n");
    int status = frame::boot(params, services::kernel_main);
    serial_write("Asterix: powering off with status ");
    serial_write_number(static_cast<u64>(status));
    serial_write("\n");
    power_off(static_cast<u8>(status));
}
