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
    if (sig >= abi::sigrtmin && sig <= abi::signal_count)
        return "SIGRT";
    return nullptr;
}

DefaultAction default_action(int sig)
{
    switch (sig) {
    case sigquit: case sigill: case sigtrap: case sigabrt: case sigbus: case sigfpe: case sigsegv:
    case sigxcpu: case sigxfsz: case sigsys:
        return DefaultAction::core;
    case sigchld: case sigurg: case sigwinch:
        return DefaultAction::ignore;
    case sigcont:
        return DefaultAction::cont;
    case sigstop: case sigtstp: case sigttin: case sigttou:
        return DefaultAction::stop;
    default:
        return DefaultAction::terminate;
    }
}

bool dumps_core_by_default(int sig) { return default_action(sig) == DefaultAction::core; }

abi::SigInfo make_signal_info(abi::Signal sig, int code, i32 sender_pid, u32 sender_uid)
{
    abi::SigInfo info {};
    info.signo = sig;
    info.code = code;
    info.set_pid_uid(sender_pid, sender_uid);
    return info;
}

} // namespace asterix::services
