#include "arch_x86_64/cpu.h"

extern "C" void ax_syscall_entry();

namespace asterix::arch_x86_64 {

namespace {

struct __attribute__((packed)) Tss {
    u32 reserved0;
    u64 rsp0, rsp1, rsp2;
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 io_map_base;
};
static_assert(sizeof(Tss) == 104);


constexpr u32 msr_efer = 0xc0000080;
constexpr u32 msr_star = 0xc0000081;
constexpr u32 msr_lstar = 0xc0000082;
constexpr u32 msr_sfmask = 0xc0000084;
constexpr u64 efer_sce = 1ull << 0;
constexpr u64 efer_nxe = 1ull << 11;
constexpr u16 tss_selector = 0x28;
constexpr u64 cr0_mp = 1ull << 1;
constexpr u64 cr0_em = 1ull << 2;
constexpr u64 cr0_ts = 1ull << 3;
constexpr u64 cr4_osfxsr = 1ull << 9;
constexpr u64 cr4_osxmmexcpt = 1ull << 10;
constexpr u64 cr4_osxsave = 1ull << 18;
constexpr u32 cpuid1_ecx_xsave = 1u << 26;
constexpr usize fxsave_bytes = 512;
// x87, SSE, AVX; AVX-512's opmask, ZMM_Hi256 and Hi16_ZMM go together or not at all.
constexpr u64 xfeatures_avx = 0x7;
constexpr u64 xfeatures_avx512 = 0xe0;

u64 g_xsave_features = 0;
usize g_fp_image_bytes = fxsave_bytes;

/// XSAVE for guests: CR4.OSXSAVE and XCR0 with what the CPU supports of x87, SSE, AVX and
/// AVX-512 (guests see OSXSAVE and the features in CPUID, and glibc picks its AVX code).
void enable_xsave()
{
    if (!(cpuid(1).ecx & cpuid1_ecx_xsave))
        return;
    u64 cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" ::"r"(cr4 | cr4_osxsave));
    auto leaf = cpuid(0xd, 0);
    u64 supported = (u64 {leaf.edx} << 32) | leaf.eax;
    u64 features = supported & xfeatures_avx;
    if ((supported & xfeatures_avx512) == xfeatures_avx512 && (features & 0x4))
        features |= xfeatures_avx512;
    asm volatile("xsetbv" ::"c"(0), "a"(static_cast<u32>(features)), "d"(static_cast<u32>(features >> 32)));
    g_xsave_features = features;
    g_fp_image_bytes = cpuid(0xd, 0).ebx; // for the components now in XCR0
}

alignas(16) u8 g_interrupt_stack[32 * 1024];
alignas(16) u8 g_double_fault_stack[16 * 1024]; // IST 1: a double fault may come from a dead stack
Tss g_tss;
// Null, kernel code (0x08), kernel data (0x10), user data (0x18), user code (0x20), TSS (0x28).
u64 g_gdt[7] = {
    0,
    0x00AF9A000000FFFFull,
    0x00CF92000000FFFFull,
    0x00CFF2000000FFFFull,
    0x00AFFA000000FFFFull,
    0,
    0,
};

} // namespace

void init_cpu()
{
    // SAFETY: the TSS and its stack are static; their addresses go into the descriptors.
    g_tss.rsp0 = reinterpret_cast<u64>(g_interrupt_stack + sizeof g_interrupt_stack);
    g_tss.ist[0] = reinterpret_cast<u64>(g_double_fault_stack + sizeof g_double_fault_stack);
    g_tss.io_map_base = sizeof(Tss);
    u64 base = reinterpret_cast<u64>(&g_tss);
    u64 limit = sizeof(Tss) - 1;
    g_gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48)
        | (((base >> 24) & 0xff) << 56);
    g_gdt[6] = base >> 32;
    DescriptorTablePointer pointer {sizeof g_gdt - 1, reinterpret_cast<u64>(&g_gdt)};
    asm volatile("lgdt %0" ::"m"(pointer));
    asm volatile("ltr %0" ::"r"(tss_selector));

    // The FPU and SSE for guests: CR0.MP on, EM and TS off; CR4.OSFXSR (fxsave/fxrstor and SSE)
    // and OSXMMEXCPT (SIMD exceptions as #XM).
    u64 cr0, cr4;
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 | cr0_mp) & ~(cr0_em | cr0_ts);
    asm volatile("mov %0, %%cr0" ::"r"(cr0));
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    asm volatile("mov %0, %%cr4" ::"r"(cr4 | cr4_osfxsr | cr4_osxmmexcpt));
    enable_xsave();

    write_msr(msr_efer, read_msr(msr_efer) | efer_sce | efer_nxe);
    // syscall: kernel CS 0x08 (SS 0x10); sysret: user SS 0x18|3, CS 0x20|3.
    write_msr(msr_star, (0x10ull << 48) | (0x08ull << 32));
    write_msr(msr_lstar, reinterpret_cast<u64>(&ax_syscall_entry));
    // Clear IF, TF, DF, AC and NT on entry.
    write_msr(msr_sfmask, 0x200 | 0x100 | 0x400 | 0x40000 | 0x4000);
}

u64 xsave_features() { return g_xsave_features; }
usize fp_image_bytes() { return g_fp_image_bytes; }

} // namespace asterix::arch_x86_64
