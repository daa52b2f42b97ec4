#pragma once

#include "frame/types.h"

namespace asterix::arch_x86_64 {

/// The exception that last brought a guest back from ring 3.
struct UserException {
    u64 vector;
    u64 error_code;
    u64 address; ///< CR2, for page faults
};
extern UserException g_user_exception;

/// Runs a small ring-3 program through execute_user (syscalls, demand paging, a bad write);
/// true when everything came back as Linux would have it.
bool check_user_mode();

} // namespace asterix::arch_x86_64
