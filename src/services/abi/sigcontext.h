#pragma once

// The x86-64 signal frame's ABI (uapi asm/ucontext.h, asm/sigcontext.h, asm/processor-flags.h,
// asm/segment.h): ucontext flags, the FXSAVE/XSAVE layout markers, and the flags and segment
// selectors a handler's frame carries.

#include "frame/types.h"

namespace asterix::services::abi {

// uc_flags.
inline constexpr u64 uc_fp_xstate = 0x1;
inline constexpr u64 uc_sigcontext_ss = 0x2;
inline constexpr u64 uc_strict_restore_ss = 0x4;

/// The psABI's red zone below rsp, which a signal frame must skip.
inline constexpr u64 redzone_bytes = 128;
/// The legacy FXSAVE area.
inline constexpr u64 fxsave_bytes = 512;
/// The legacy area and the XSAVE header: the smallest XSAVE image.
inline constexpr u64 xsave_min_bytes = 576;
inline constexpr u32 fp_xstate_magic1 = 0x46505853;
inline constexpr u32 fp_xstate_magic2 = 0x46505845;

// struct _sw_bytes, in the software-reserved end of a frame's FXSAVE area: it says that
// XSAVE data follows and how much (magic1, extended_size, xfeatures, xstate_size).
inline constexpr usize sw_magic1_offset = 464;
inline constexpr usize sw_extended_size_offset = 468;
inline constexpr usize sw_xfeatures_offset = 472;
inline constexpr usize sw_xstate_size_offset = 480;

// rflags bits.
inline constexpr u64 eflags_tf = 0x100;
inline constexpr u64 eflags_df = 0x400;
inline constexpr u64 eflags_rf = 0x10000;
/// The flags a signal handler may change through rt_sigreturn (Linux's FIX_EFLAGS, plus ID).
inline constexpr u64 eflags_user_mask = 0x40dd5 | 0x200000;

// The 64-bit user segment selectors (__USER_CS, __USER_DS).
inline constexpr u64 user_cs = 0x33;
inline constexpr u64 user_ss = 0x2b;

} // namespace asterix::services::abi
