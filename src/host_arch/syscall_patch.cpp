// Patched syscall sites: the trampoline table, shared by every process, and the patching
// itself (the stub's fast handoff is in stub.S, its kernel side in systrap.cpp). What is
// checked before a site is patched follows gVisor's pkg/sentry/platform/systrap/usertrap.

#include "host_arch/syscall_patch.h"

#include <cstring>
#include <map>
#include <utility>

#include "frame/internal.h"
#include "frame/log.h"
#include "frame/patch_table.h"
#include "host_arch/address_space.h"
#include "host_arch/host.h"

extern "C" const char ax_stub_start[];
extern "C" const char ax_stub_fast_entry[];

namespace asterix::frame::arch {

namespace {

constexpr u64 trap_flag = 0x100;
constexpr u64 restart_syscall_nr = 219;
constexpr usize site_bytes = 7;
constexpr usize entry_count = patch_table_page_count * page_size / patch_entry_bytes;

/// The table: one set of frames for every process (an entry depends only on its site's return
/// address and syscall number, so a fork child and every later process can share it), filled
/// append-only by the kernel. Entries are never reused, so a thread anywhere in one stays right.
struct PatchTable {
    std::vector<Frame> pages;
    std::map<std::pair<u64, u32>, u32> index; ///< (return address, number) -> entry
    std::vector<std::pair<u64, u32>> entries;
    bool is_broken {false};
};

PatchTable& table()
{
    static PatchTable t;
    return t;
}

u64 fast_entry_addr() { return stub_code_addr + static_cast<u64>(ax_stub_fast_entry - ax_stub_start); }

void put_bytes(std::span<u8> page, usize offset, u64 value, usize len) { std::memcpy(page.data() + offset, &value, len); }

/// Makes the table on first use: entry 0's slot holds the stub's fast entry, which every
/// other entry jumps through.
bool ensure_table()
{
    PatchTable& t = table();
    if (!t.pages.empty() || t.is_broken)
        return !t.is_broken;
    std::vector<Frame> pages;
    for (usize i = 0; i < patch_table_page_count; ++i) {
        auto page = Frame::alloc_zeroed();
        if (page.is_error()) {
            t.is_broken = true;
            return false;
        }
        auto bytes = frame::frame_direct_bytes(page.value());
        std::fill(bytes.begin(), bytes.end(), u8 {0xcc}); // int3 wherever no entry is
        pages.push_back(page.release_value());
    }
    put_bytes(frame::frame_direct_bytes(pages[0]), 0, fast_entry_addr(), 8);
    t.pages = std::move(pages);
    t.entries.push_back({0, 0}); // entry 0: the fast entry's slot
    return true;
}

/// The entry for a site returning to `ret` with syscall `nr`, made when new; nothing when the
/// table is full.
std::optional<u32> entry_for(u64 ret, u32 nr)
{
    PatchTable& t = table();
    auto found = t.index.find({ret, nr});
    if (found != t.index.end())
        return found->second;
    if (t.entries.size() >= entry_count)
        return std::nullopt;
    u32 entry = static_cast<u32>(t.entries.size());
    usize offset = entry * patch_entry_bytes;
    auto page = frame::frame_direct_bytes(t.pages[offset / page_size]);
    usize at = offset % page_size;
    u8 code[patch_entry_bytes];
    std::memset(code, 0xcc, sizeof code);
    u64 slot_target = patch_table_addr + offset + 8;
    std::memcpy(code, &slot_target, 8);
    code[8] = 0x48, code[9] = 0xb9; // movabs $ret, %rcx
    std::memcpy(code + 10, &ret, 8);
    code[18] = 0xb8; // mov $nr, %eax
    std::memcpy(code + 19, &nr, 4);
    code[23] = 0xff, code[24] = 0x24, code[25] = 0x25; // jmp *patch_table_addr
    u32 slot0 = static_cast<u32>(patch_table_addr);
    std::memcpy(code + 26, &slot0, 4);
    // The code first, the slot that leads to it last (no site jumps here yet anyway).
    std::memcpy(page.data() + at + 8, code + 8, sizeof code - 8);
    std::memcpy(page.data() + at, code, 8);
    t.entries.push_back({ret, nr});
    t.index.emplace(std::pair {ret, nr}, entry);
    return entry;
}

/// Whether this process maps the table where the patched code expects it (the guest may have
/// unmapped it, or put something else there).
bool maps_table(VmSpace& vm, u64 addr)
{
    PatchTable& t = table();
    u64 page = page_round_down(addr);
    if (page < patch_table_addr || page >= patch_table_end || t.pages.empty())
        return false;
    auto mapping = vm.query(page);
    return mapping && mapping->frame.pfn() == t.pages[(page - patch_table_addr) / page_size].pfn() && (mapping->perms & perm_exec);
}

/// May this process's sites be patched: not when patching is off, not once a tracer
/// attached (VmSpace::forbid_code_patching), not with the trap flag set (the guest
/// single-steps: it must see its own instructions).
bool may_patch(VmSpace& vm, const GeneralRegs& regs)
{
    return host::is_syscall_patching_on() && vm.is_code_patching_allowed() && !(regs.eflags & trap_flag);
}

} // namespace

void patch_syscall_site(VmSpace& vm, const GeneralRegs& regs)
{
    if (!may_patch(vm, regs) || regs.rip < site_bytes || regs.rip > user_space_end || !ensure_table())
        return;
    u64 site = regs.rip - site_bytes;
    u8 bytes[site_bytes];
    if (vm.read_bytes(site, bytes).is_error())
        return;
    // gVisor's check: `mov $N, %eax` (b8 imm32) right before the syscall (0f 05), N the number
    // that trapped. Anything else (the generic syscall() wrapper moves the number from a
    // register) stays as it is.
    u32 imm;
    std::memcpy(&imm, bytes + 1, sizeof imm);
    if (bytes[0] != 0xb8 || bytes[5] != 0x0f || bytes[6] != 0x05 || imm != regs.rax)
        return;
    if (!maps_table(vm, patch_table_addr))
        return;
    auto entry = entry_for(regs.rip, imm);
    if (!entry)
        return;
    u64 slot = patch_table_addr + u64 {*entry} * patch_entry_bytes;
    if (!maps_table(vm, slot))
        return;
    u8 jump[site_bytes] = {0xff, 0x24, 0x25};
    u32 slot32 = static_cast<u32>(slot);
    std::memcpy(jump + 3, &slot32, sizeof slot32);
    if (vm.patch_code(site, bytes, jump))
        klog(Subsystem::vm, LogLevel::debug, "patched the syscall %u site at %#llx", imm, static_cast<unsigned long long>(site));
}

bool restart_patched_site(VmSpace& vm, GeneralRegs& regs, bool& is_syscall)
{
    is_syscall = false;
    if (regs.rip < 5)
        return false;
    u64 site = regs.rip - 5;
    auto patched = vm.patched_site_at(regs.rip);
    if (!patched || *patched != site)
        return false;
    u8 bytes[site_bytes];
    if (vm.read_bytes(site, bytes).is_error() || bytes[0] != 0xff || bytes[1] != 0x24 || bytes[2] != 0x25)
        return false;
    if (regs.rax == restart_syscall_nr) {
        // The kernel rewound a syscall to restart_syscall (rax) at the old syscall
        // instruction: make that call from there, as gVisor does.
        regs.rip = site + site_bytes;
        regs.rcx = regs.rip;
        regs.r11 = regs.eflags;
        is_syscall = true;
        return true;
    }
    regs.rip = site; // the jump loads the number again
    return true;
}

bool take_call_in_patch_path(VmSpace& vm, GeneralRegs& regs)
{
    PatchTable& t = table();
    if (regs.rip == fast_entry_addr()) {
        // The trampoline set rax and rcx as the syscall instruction would have.
        regs.rip = regs.rcx;
        regs.r11 = regs.eflags;
        return true;
    }
    if (regs.rip < patch_table_addr + patch_entry_bytes || regs.rip >= patch_table_end || !maps_table(vm, regs.rip))
        return false;
    u64 entry = (regs.rip - patch_table_addr) / patch_entry_bytes;
    if (entry >= t.entries.size())
        return false;
    auto [ret, nr] = t.entries[entry];
    regs.rax = nr;
    regs.rip = ret;
    regs.rcx = ret;
    regs.r11 = regs.eflags;
    return true;
}

} // namespace asterix::frame::arch

namespace asterix::frame {

std::optional<PatchTablePages> patch_table_pages()
{
    if (host::platform() != host::Platform::systrap || !host::is_syscall_patching_on() || !arch::ensure_table())
        return std::nullopt;
    return PatchTablePages {arch::patch_table_addr, arch::table().pages};
}

} // namespace asterix::frame
