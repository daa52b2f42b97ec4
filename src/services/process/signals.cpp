#include "services/process/signals.h"

#include <iterator>

namespace asterix::services {

namespace {
constexpr const char* signal_names[] = {nullptr, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
    "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
}

const char* signal_name(int sig)
{
    if (sig > 0 && static_cast<usize>(sig) < std::size(signal_names))
        return signal_names[sig];
    if (sig >= 32 && sig <= 64)
        return "SIGRT";
    return nullptr;
}

bool dumps_core_by_default(int sig)
{
    switch (sig) {
    case 3: case 4: case 5: case 6: case 7: case 8: case 11: case 24: case 25: case 31:
        return true;
    default:
        return false;
    }
}

} // namespace asterix::services
