// The debug registers a tracer sets through PEEKUSER/POKEUSER, checked as Linux checks them
// (arch/x86/kernel/ptrace.c and hw_breakpoint.c), for whichever backend arms them.

#include "frame/user_mode.h"

namespace asterix::frame {

namespace {

/// Linux's TASK_SIZE_MAX: a breakpoint range must end below it.
constexpr u64 task_size_max = (1ull << 47) - page_size;
/// DR6's reserved bits read as ones: Linux keeps the status in positive polarity and flips it
/// back for ptrace.
constexpr u64 dr6_reserved = 0xffff0ff0;
/// DR7 bits Linux ignores on a write (reserved, GD and the like).
constexpr u64 dr7_ignored = 0xfc00;
constexpr usize dr6_index = 6;
constexpr usize dr7_index = 7;
constexpr u8 type_execute = 0;
constexpr u8 type_io = 2;

/// DR7's two-bit length field, as a byte count (10 is eight bytes, in long mode).
constexpr u8 decode_length(u64 bits) { return bits == 0 ? 1 : bits == 1 ? 2 : bits == 3 ? 4 : 8; }
constexpr u64 encode_length(u8 length) { return length == 1 ? 0 : length == 2 ? 1 : length == 4 ? 3 : 2; }

bool is_enabled(u64 dr7, usize slot) { return ((dr7 >> (2 * slot)) & 3) != 0; }
u64 control_field(u64 dr7, usize slot) { return (dr7 >> (16 + 4 * slot)) & 0xf; }

} // namespace

Result<void> DebugRegisters::check(u64 address, u8 length)
{
    if (address >= task_size_max || address + length - 1 >= task_size_max)
        return Errno::einval;
    if (address & (length - 1))
        return Errno::einval;
    return {};
}

u64 DebugRegisters::read(usize index) const
{
    if (index < slots)
        return m_slots[index].address;
    if (index == dr6_index)
        return m_status ^ dr6_reserved;
    if (index == dr7_index)
        return m_dr7;
    return 0;
}

Result<void> DebugRegisters::write(usize index, u64 value)
{
    if (index < slots) {
        Slot& slot = m_slots[index];
        // A slot not used before is checked as a disabled one-byte breakpoint, as Linux
        // registers it.
        TRY(check(value, slot.exists ? slot.length : 1));
        slot.exists = true;
        slot.address = value;
        return {};
    }
    if (index == dr6_index) {
        m_status = value ^ dr6_reserved;
        return {};
    }
    if (index != dr7_index)
        return Errno::eio;
    u64 control = value & ~dr7_ignored;
    auto updated = m_slots;
    for (usize i = 0; i < slots; ++i) {
        Slot& slot = updated[i];
        bool enabled = is_enabled(control, i);
        if (!slot.exists && !enabled)
            continue;
        u64 field = control_field(control, i);
        u8 type = static_cast<u8>(field & 3);
        u64 length_bits = field >> 2;
        if (type == type_io || (type == type_execute && length_bits != 0))
            return Errno::einval;
        u8 length = decode_length(length_bits);
        TRY(check(slot.address, length));
        slot.exists = true;
        slot.length = length;
        slot.type = type;
    }
    m_slots = updated;
    m_dr7 = value;
    return {};
}

DebugRegisters::Hardware DebugRegisters::hardware() const
{
    Hardware hardware;
    for (usize i = 0; i < slots; ++i) {
        const Slot& slot = m_slots[i];
        if (!slot.exists || !is_enabled(m_dr7, i) || slot.address + slot.length > user_space_end)
            continue;
        hardware.addresses[i] = slot.address;
        hardware.dr7 |= (1ull << (2 * i)) | ((slot.type | (encode_length(slot.length) << 2)) << (16 + 4 * i));
    }
    return hardware;
}

void DebugRegisters::record_exception(u64 status) { m_status = status & (status_hits | status_step); }

} // namespace asterix::frame
