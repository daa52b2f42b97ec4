#include "services/kernel.h"

#include "frame/console.h"
#include "frame/log.h"
#include "services/exec/exec.h"
#include "services/fs/console_file.h"
#include "services/syscalls/strace.h"

namespace asterix::services {

namespace {
constexpr int exit_not_found = 127;
constexpr int exit_cannot_execute = 126;
} // namespace

void kernel_main(const frame::BootParams& params)
{
    set_strace_on(params.is_strace_on);
    auto process = make_ref<Process>(1, 0);
    process->cwd = params.cwd;
    process->uid = params.uid;
    process->gid = params.gid;
    process->rlimits = default_rlimits();
    for (int stream = 0; stream < 3; ++stream) {
        if (frame::console::is_open(stream)) {
            auto file = make_ref<ConsoleFile>(stream, frame::console::status_flags(stream));
            MUST(process->files.install_at(stream, file, false, process->rlimits[rlimit_nofile].cur));
        }
    }

    auto path = resolve_program(params.program, params.cwd, params.envp);
    if (path.is_error()) {
        bool is_missing = path.error() == Errno::enoent;
        frame::klog(frame::LogLevel::error, "%s: %s", params.program.c_str(),
            is_missing ? "program not found" : errno_message(path.error()));
        frame::power_off(is_missing ? exit_not_found : exit_cannot_execute);
        return;
    }
    Thread thread(1, process);
    if (auto error = exec_program(thread, path.value(), params.argv, params.envp)) {
        frame::klog(frame::LogLevel::error, "%s: %s", params.program.c_str(), error->reason.c_str());
        frame::power_off(error->error == Errno::enoent ? exit_not_found : exit_cannot_execute);
        return;
    }
    run_thread(thread);
}

} // namespace asterix::services
