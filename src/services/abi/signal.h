#pragma once

// Linux x86-64 signal ABI constants (asm-generic/siginfo.h), as guests see them in siginfo_t.

namespace asterix::services::abi {

/// si_code of SIGSEGV: no mapping at the address.
inline constexpr int segv_maperr = 1;
/// si_code of SIGSEGV: a mapping whose permissions forbid the access.
inline constexpr int segv_accerr = 2;
/// si_code of SIGBUS: an address with no backing (a file mapping past the end of its file).
inline constexpr int bus_adrerr = 2;

} // namespace asterix::services::abi
