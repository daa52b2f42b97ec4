#pragma once

#include <optional>
#include <string>
#include <vector>

#include "frame/result.h"
#include "services/process/process.h"

namespace asterix::services {

/// Why an exec failed, for the command line's one-line message.
struct ExecError {
    Errno error;
    std::string reason;
};

/// Finds `program` as a shell would: a name with a slash is a path (relative to `cwd`), a bare
/// name is searched in the PATH of `envp`. Returns the absolute guest path.
Result<std::string> resolve_program(const std::string& program, const std::string& cwd,
    const std::vector<std::string>& envp);

/// Replaces the thread's process image with the ELF program at `path` (absolute): a new
/// address space, the segments, a stack with argv, envp and auxv, and registers at the entry.
std::optional<ExecError> exec_program(Thread& thread, const std::string& path, const std::vector<std::string>& argv,
    const std::vector<std::string>& envp);

} // namespace asterix::services
