// Process and thread states as /proc shows them: where the kernel task blocks, and whether a
// signal can end that wait, decide between R, S and D; job control and exit add T and Z.

#include "services/fs/proc_task_state.h"

#include <array>
#include <string_view>
#include <utility>

namespace asterix::services {

namespace {

/// The thread whose state stands for `process`: Linux shows the leader's, and once the leader
/// is gone here the first thread left.
Thread* representative(Process& process, Thread* thread) { return thread ? thread : process.main_thread(); }

} // namespace

char task_state(Process& process, Thread* thread)
{
    if (process.has_exited())
        return 'Z';
    // A stop applies to every thread of the group; they wait for SIGCONT in the signal path.
    if (process.is_stopped())
        return 'T';
    Thread* shown = representative(process, thread);
    if (!shown || !shown->task())
        return process.is_exiting() ? 'X' : 'R';
    const frame::Task& task = *shown->task();
    switch (task.state()) {
    case frame::Task::State::runnable:
        return 'R';
    case frame::Task::State::dead:
        return 'X';
    case frame::Task::State::blocked:
        return task.is_blocked_interruptibly() ? 'S' : 'D';
    }
    return 'R';
}

const char* task_state_name(char state)
{
    switch (state) {
    case 'R':
        return "R (running)";
    case 'S':
        return "S (sleeping)";
    case 'D':
        return "D (disk sleep)";
    case 'T':
        return "T (stopped)";
    case 't':
        return "t (tracing stop)";
    case 'Z':
        return "Z (zombie)";
    case 'X':
        return "X (dead)";
    default:
        return "R (running)";
    }
}

std::string wait_channel(Process& process, Thread* thread)
{
    if (process.has_exited())
        return "0";
    if (process.is_stopped())
        return "do_signal_stop";
    Thread* shown = representative(process, thread);
    if (!shown || !shown->task() || shown->task()->state() != frame::Task::State::blocked)
        return "0";
    const char* reason = shown->task()->wait_reason;
    if (!reason)
        return "0";
    // The services name their waits in words; tools that read wchan expect the name of the
    // Linux function that blocks there, so the common ones are translated.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> linux_names {{
        {"pipe read", "pipe_read"},
        {"pipe write", "pipe_write"},
        {"fifo open", "wait_for_partner"},
        {"futex", "futex_wait_queue"},
        {"wait for a child", "do_wait"},
        {"sleep", "hrtimer_nanosleep"},
        {"poll", "do_sys_poll"},
        {"pause", "sys_pause"},
        {"sigtimedwait", "do_sigtimedwait"},
        {"console read", "n_tty_read"},
        {"console output stopped", "n_tty_write"},
    }};
    std::string_view name(reason);
    for (const auto& [words, function] : linux_names) {
        if (words == name)
            return std::string(function);
    }
    std::string out(name);
    for (char& c : out) {
        if (c == ' ')
            c = '_';
    }
    return out;
}

} // namespace asterix::services
