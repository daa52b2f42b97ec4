#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// Loads the kernel's GDT (kernel and user segments, a TSS whose rsp0 is the stack interrupts
/// from user mode land on) and sets up the syscall instruction (EFER.SCE, STAR, LSTAR, SFMASK).
/// Also turns on no-execute pages (EFER.NXE) and the FPU/SSE (and XSAVE with AVX and AVX-512,
/// where the CPU has them) for guests.
void init_cpu();

/// The operand of lgdt and lidt.
struct __attribute__((packed)) DescriptorTablePointer {
    u16 limit;
    u64 base;
};

/// CPUID leaf `leaf`, subleaf `subleaf`.
struct CpuidResult {
    u32 eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(u32 leaf, u32 subleaf = 0)
{
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

/// The state components XSAVE switches for guests (XCR0: x87, SSE, AVX and AVX-512 where the
/// CPU has them), or 0 when the CPU has no XSAVE and FXSAVE does it (init_cpu decides).
u64 xsave_features();
/// The size of the XSAVE standard-format image of those components (512 without XSAVE).
usize fp_image_bytes();

inline void write_msr(u32 msr, u64 value)
{
    asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<u32>(value)), "d"(static_cast<u32>(value >> 32)));
}

inline u64 read_msr(u32 msr)
{
    u32 low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return (u64 {high} << 32) | low;
}

} // namespace asterix::arch_x86_64
