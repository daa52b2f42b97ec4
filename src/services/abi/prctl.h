#pragma once

// prctl(2) options and their arguments (linux/prctl.h).

namespace asterix::services::abi {

inline constexpr int pr_get_keepcaps = 7;
inline constexpr int pr_set_keepcaps = 8;
inline constexpr int pr_capbset_read = 23;
inline constexpr int pr_capbset_drop = 24;
inline constexpr int pr_get_securebits = 27;
inline constexpr int pr_set_securebits = 28;
inline constexpr int pr_set_no_new_privs = 38;
inline constexpr int pr_get_no_new_privs = 39;
inline constexpr int pr_cap_ambient = 47;

/// PR_CAP_AMBIENT's operations.
inline constexpr int pr_cap_ambient_is_set = 1;
inline constexpr int pr_cap_ambient_raise = 2;
inline constexpr int pr_cap_ambient_lower = 3;
inline constexpr int pr_cap_ambient_clear_all = 4;

} // namespace asterix::services::abi
