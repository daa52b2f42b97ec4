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

/// Finds `program` as a shell would: a name with a slash is a path, a bare name is searched in
/// the PATH of `envp`. Returns the path to exec.
Result<std::string> resolve_program(Process& process, const std::string& program, const std::vector<std::string>& envp);

/// Replaces the thread's process image with the program at `path` (resolved from the process's
/// working directory): an ELF executable, static or with its dynamic loader, or a "#!" script.
/// Builds a new address space, a stack with argv, envp and auxv, and sets the registers.
std::optional<ExecError> exec_program(Thread& thread, const std::string& path, std::vector<std::string> argv,
    const std::vector<std::string>& envp);

} // namespace asterix::services
