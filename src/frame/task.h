#pragma once

#include <deque>
#include <functional>
#include <string>

#include "frame/types.h"

namespace asterix::frame {

class UserContext;
class WaitQueue;

/// Which class of the scheduler a task belongs to. A runnable real-time task always runs
/// before every fair task, the highest priority first, and keeps the CPU until it blocks,
/// yields, is preempted by a higher priority, or (with a time slice) has run its slice, after
/// which it goes behind the others of its priority. Fair tasks share what is left by weight.
struct SchedulingClass {
    enum class Kind : u8 { fair, realtime };
    /// The most urgent real-time priority; services keep it for their own tasks that stand in
    /// for interrupt handlers (timers), so no guest thread can starve them.
    static constexpr u8 max_priority = 255;

    Kind kind {Kind::fair};
    /// Real-time only: a higher value runs first.
    u8 priority {0};
    /// Real-time only: how long the task runs before it yields to its equals; 0 for no limit.
    u64 time_slice_ns {0};

    static constexpr SchedulingClass fair() { return {}; }
    static constexpr SchedulingClass realtime(u8 priority, u64 time_slice_ns) { return {Kind::realtime, priority, time_slice_ns}; }
    bool is_realtime() const { return kind == Kind::realtime; }
    bool operator==(const SchedulingClass&) const = default;
};

/// A kernel task: a function running on its own kernel stack. A guest thread is one task that
/// loops over execute_user(). Tasks are scheduled cooperatively; a guest is preempted by the
/// timer, and its task then reaches preempt_point().
class Task {
public:
    enum class State : u8 { runnable, blocked, dead };
    static constexpr u32 default_weight = 1024;

    u64 id() const { return m_id; }
    const std::string& name() const { return m_name; }
    State state() const { return m_state; }
    /// Whether the task is blocked in a wait that Task::interrupt() can end (a signal wakes it):
    /// Linux's TASK_INTERRUPTIBLE, "S" in /proc; a blocked task that is not is "D".
    bool is_blocked_interruptibly() const { return m_state == State::blocked && m_is_interruptible; }
    /// Where the task's registers were saved when it last switched away (for debuggers).
    void* saved_context() const { return m_context; }
    /// Time the task has spent blocked or waiting to run (for CPU-time accounting).
    u64 off_cpu_ns() const { return m_off_cpu_ns; }
    /// Opaque tag services attach (e.g. the guest tid) so debuggers and logs can show it.
    u64 tag {0};
    /// The guest registers this task last ran (set by execute_user), for panics and debuggers.
    const UserContext* user_context {nullptr};
    /// What the task waits for, for debuggers ("pipe read", "wait4"...); empty when runnable.
    const char* wait_reason {nullptr};

    /// The task's share of the CPU against the other runnable tasks: a task of weight 2048
    /// runs twice as long as one of 1024 (the default, Linux's nice 0) while both want to.
    /// Precondition: weight > 0.
    void set_weight(u32 weight);
    u32 weight() const { return m_weight; }

    /// Moves the task to another scheduling class; it takes effect at the next scheduling
    /// decision (a task that gains a higher priority than the running one preempts it at the
    /// next preemption point).
    void set_scheduling_class(SchedulingClass scheduling_class);
    SchedulingClass scheduling_class() const { return m_class; }

    /// Wakes the task from an interruptible wait (a signal arrived); its wait returns
    /// WaitResult::interrupted. No effect when it is not in one.
    void interrupt();

private:
    friend class Scheduler;
    friend class WaitQueue;
    Task(u64 id, std::string name, std::function<void()> entry);

    u64 m_id;
    std::string m_name;
    std::function<void()> m_entry;
    State m_state {State::runnable};
    void* m_context {nullptr};
    void* m_stack {nullptr};
    u64 m_wake_deadline_ns {0};
    u64 m_off_cpu_ns {0};
    u32 m_weight {default_weight};
    /// CPU time run, scaled by default_weight / weight: the scheduler runs the runnable task
    /// whose virtual runtime is least (Linux's CFS).
    u64 m_vruntime_ns {0};
    SchedulingClass m_class {};
    /// A real-time task's CPU time since its time slice last began.
    u64 m_slice_used_ns {0};
    bool m_was_woken {false};
    bool m_was_interrupted {false};
    bool m_is_interruptible {false};
    WaitQueue* m_waiting_on {nullptr};
};

/// Starts a new task; it runs when the scheduler picks it.
Task& spawn_task(std::string name, std::function<void()> entry);
/// Whether a new task can get its kernel stack now (with room for a few more); the services
/// refuse a new thread (EAGAIN) rather than let a spawn find no memory.
bool can_spawn_task();
/// The task that is running.
Task& current_task();
/// The running task, or nullptr on the scheduler's own context (boot, idle).
Task* current_task_or_null();
/// Calls `fn` for every task that is not dead (debuggers, panics).
void for_each_task(const std::function<void(const Task&)>& fn);
/// Lets other runnable tasks run; returns when this task is scheduled again.
void yield();
/// Sleeps until the monotonic clock reaches `deadline_ns`.
void sleep_until(u64 deadline_ns);
/// Sleeps like sleep_until, but Task::interrupt() ends it early (returns false then).
bool sleep_until_interruptible(u64 deadline_ns);
/// Called by a guest thread's loop at safe points: runs due timers and yields if the timer
/// asked for a reschedule.
void preempt_point();
/// Number of tasks that are not dead.
usize live_task_count();

enum class WaitResult : u8 { woken, timed_out, interrupted };
enum class Interruptible : u8 { no, yes };

/// Tasks blocked until another task wakes them.
class WaitQueue {
public:
    WaitQueue() = default;
    WaitQueue(const WaitQueue&) = delete;
    ~WaitQueue();

    /// Blocks the current task until woken.
    void wait();
    /// Blocks until woken or until `deadline_ns` (monotonic); returns true when woken.
    bool wait_until(u64 deadline_ns);
    /// Blocks until woken, the deadline (~0 for none), or, when interruptible, Task::interrupt().
    WaitResult wait_until(u64 deadline_ns, Interruptible interruptible);
    void wake_one();
    void wake_all();
    bool is_empty() const { return m_waiters.empty(); }

private:
    friend class Scheduler;
    std::deque<Task*> m_waiters;
};

} // namespace asterix::frame
