// Entry points for debuggers: tools/asterix.gdb calls these while asterix is stopped, to list
// kernel tasks and find a switched-out task's stack. They only read kernel state.

#include <cstdio>

#include "frame/arch.h"
#include "frame/debug.h"
#include "frame/task.h"
#include "frame/user_mode.h"

namespace asterix::frame {

void debug_print(std::string_view text) { arch::log_write(text); }

} // namespace asterix::frame

using namespace asterix;

extern "C" {

/// Prints every kernel task: id, name, state, guest tid, what it waits for, its saved context.
__attribute__((used, noinline)) void ax_debug_tasks()
{
    frame::Task* current = frame::current_task_or_null();
    frame::debug_print("  id  state     guest-tid  name             waits-on          saved-context\n");
    frame::for_each_task([&](const frame::Task& task) {
        const char* state = &task == current ? "running" : task.state() == frame::Task::State::runnable ? "runnable" : "blocked";
        char line[256];
        int len = std::snprintf(line, sizeof line, "%4llu  %-8s  %9llu  %-15s  %-16s  %p\n",
            static_cast<unsigned long long>(task.id()), state, static_cast<unsigned long long>(task.tag),
            task.name().c_str(), task.wait_reason ? task.wait_reason : "-", task.saved_context());
        frame::debug_print({line, static_cast<usize>(len)});
    });
}

/// The saved context (stack pointer of the switch) of a task that is not running, or null.
__attribute__((used, noinline)) void* ax_debug_task_context(u64 id)
{
    void* found = nullptr;
    frame::Task* current = frame::current_task_or_null();
    frame::for_each_task([&](const frame::Task& task) {
        if (task.id() == id && &task != current)
            found = task.saved_context();
    });
    return found;
}

} // extern "C"
