#include "frame/task.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "frame/arch.h"
#include "frame/assert.h"
#include "frame/boot.h"
#include "frame/clock.h"
#include "frame/console.h"
#include "frame/internal.h"

namespace asterix::frame {

namespace {

/// Takes a pending timer tick, and brings the clock up to date on it.
bool take_tick()
{
    if (!arch::take_timer_tick())
        return false;
    clock_tick();
    return true;
}

constexpr usize task_stack_bytes = 256 * 1024;
/// How far behind the others a task that slept may start when it wakes: enough that a task
/// which mostly waits (a shell, an editor) runs before the CPU-bound ones, too little for it
/// to keep the CPU long (Linux's place_entity gives half a latency period, 3 ms).
constexpr u64 wake_credit_ns = 3'000'000;
} // namespace

/// The one scheduler of the one (virtual) CPU. Every switch goes through the scheduler's own
/// context: task -> scheduler -> next task. It picks the runnable task that has run least,
/// in CPU time scaled by its weight, so tasks share the CPU in proportion to their weights;
/// among equals it keeps the queue's order, which makes equal tasks take turns.
class Scheduler {
public:
    Task& spawn(std::string name, std::function<void()> entry)
    {
        auto task = std::unique_ptr<Task>(new Task(++m_next_id, std::move(name), std::move(entry)));
        task->m_stack = arch::alloc_task_stack(task_stack_bytes);
        task->m_context = arch::make_task_context(task->m_stack, task_stack_bytes, &Scheduler::trampoline);
        Task& ref = *task;
        // A new task starts a wake credit behind its creator (CFS's START_DEBIT), so the
        // creator goes on first, as Linux's parent does after fork, and a task cannot win time
        // by spawning tasks.
        u64 creator = m_current ? std::max(m_current->m_vruntime_ns, m_min_vruntime_ns) : m_min_vruntime_ns;
        ref.m_vruntime_ns = creator + wake_credit_ns;
        m_tasks.push_back(std::move(task));
        m_run_queue.push_back(&ref);
        return ref;
    }

    Task& current()
    {
        AX_ASSERT(m_current);
        return *m_current;
    }
    Task* current_or_null() { return m_current; }
    void for_each(const std::function<void(const Task&)>& fn)
    {
        for (const auto& task : m_tasks) {
            if (task->m_state != Task::State::dead)
                fn(*task);
        }
    }

    /// Lets the others run first: the next pick passes over this task when another is
    /// runnable (sched_yield, and the kernel's own waits that poll).
    void yield()
    {
        m_yielded = m_current;
        m_run_queue.push_back(m_current);
        switch_to_scheduler();
    }

    /// The timer's preemption: the task goes back to the queue and the one with the least
    /// virtual runtime runs, which may be itself.
    void preempt()
    {
        m_run_queue.push_back(m_current);
        switch_to_scheduler();
    }

    void set_weight(Task& task, u32 weight)
    {
        AX_ASSERT(weight > 0);
        task.m_weight = weight;
    }

    void block() { switch_to_scheduler(); }

    void make_runnable(Task& task)
    {
        if (task.m_state != Task::State::blocked)
            return;
        task.m_state = Task::State::runnable;
        task.m_was_woken = true;
        cancel_timer(task);
        enqueue_woken(task);
    }

    void interrupt(Task& task)
    {
        if (task.m_state != Task::State::blocked || !task.m_is_interruptible)
            return;
        remove_waiter(task);
        task.m_state = Task::State::runnable;
        task.m_was_interrupted = true;
        cancel_timer(task);
        enqueue_woken(task);
    }

    void block_until(u64 deadline_ns)
    {
        Task& task = current();
        task.m_state = Task::State::blocked;
        task.m_was_woken = false;
        task.m_was_interrupted = false;
        if (deadline_ns != ~0ull) {
            task.m_wake_deadline_ns = deadline_ns;
            m_timers.emplace(deadline_ns, &task);
        }
        switch_to_scheduler();
    }

    void preempt_point()
    {
        if (take_tick()) {
            deliver_console_signals();
            run_due_timers();
            poll_console();
            poll_net_device();
            if (!m_run_queue.empty())
                preempt();
        }
    }

    /// The scheduler loop, on the boot context. Returns at power-off or when no task is left.
    void run()
    {
        while (!is_powering_off() && live_count() > 0) {
            deliver_console_signals();
            run_due_timers();
            poll_console();
            poll_net_device();
            if (m_run_queue.empty()) {
                arch::idle_wait(next_deadline(), !console_input_waiters().is_empty());
                take_tick();
                continue;
            }
            Task* next = pick_next();
            m_current = next;
            u64 started = monotonic_ns();
            arch::switch_task_context(&m_scheduler_context, next->m_context, next);
            m_current = nullptr;
            next->m_vruntime_ns += (monotonic_ns() - started) * Task::default_weight / next->m_weight;
            reap_dead();
        }
    }

    usize live_count() const
    {
        return std::count_if(m_tasks.begin(), m_tasks.end(),
            [](const auto& task) { return task->m_state != Task::State::dead; });
    }

    void remove_waiter(Task& task)
    {
        if (!task.m_waiting_on)
            return;
        auto& waiters = task.m_waiting_on->m_waiters;
        waiters.erase(std::remove(waiters.begin(), waiters.end(), &task), waiters.end());
        task.m_waiting_on = nullptr;
    }

private:
    static void trampoline(void* arg)
    {
        Task* task = static_cast<Task*>(arg);
        task->m_entry();
        task->m_entry = nullptr;
        task->m_state = Task::State::dead;
        s_instance->switch_to_scheduler();
        AX_ASSERT(false);
    }

    void switch_to_scheduler()
    {
        Task* task = m_current;
        u64 left = monotonic_ns();
        arch::switch_task_context(&task->m_context, m_scheduler_context, nullptr);
        task->m_off_cpu_ns += monotonic_ns() - left;
    }

    void run_due_timers()
    {
        u64 now = monotonic_ns();
        while (!m_timers.empty() && m_timers.begin()->first <= now) {
            Task* task = m_timers.begin()->second;
            m_timers.erase(m_timers.begin());
            if (task->m_state != Task::State::blocked)
                continue;
            remove_waiter(*task);
            task->m_state = Task::State::runnable;
            task->m_was_woken = false;
            enqueue_woken(*task);
        }
    }

    /// A task that slept comes back no further behind than the wake credit, so a long sleep
    /// does not buy it a long run.
    void enqueue_woken(Task& task)
    {
        u64 floor = m_min_vruntime_ns > wake_credit_ns ? m_min_vruntime_ns - wake_credit_ns : 0;
        task.m_vruntime_ns = std::max(task.m_vruntime_ns, floor);
        m_run_queue.push_back(&task);
    }

    /// Takes the runnable task with the least virtual runtime off the queue (the first of
    /// equals); a task that just yielded only when no other is runnable.
    Task* pick_next()
    {
        Task* yielded = std::exchange(m_yielded, nullptr);
        auto best = m_run_queue.end();
        for (auto it = m_run_queue.begin(); it != m_run_queue.end(); ++it) {
            if (*it == yielded && m_run_queue.size() > 1)
                continue;
            if (best == m_run_queue.end() || (*it)->m_vruntime_ns < (*best)->m_vruntime_ns)
                best = it;
        }
        Task* next = *best;
        m_run_queue.erase(best);
        m_min_vruntime_ns = std::max(m_min_vruntime_ns, next->m_vruntime_ns);
        return next;
    }

    void cancel_timer(Task& task)
    {
        auto range = m_timers.equal_range(task.m_wake_deadline_ns);
        for (auto it = range.first; it != range.second; ++it) {
            if (it->second == &task) {
                m_timers.erase(it);
                return;
            }
        }
    }

    void deliver_console_signals()
    {
        u64 signals = arch::take_console_signals();
        if (signals && g_console_signal_hook)
            g_console_signal_hook(signals);
        u64 forwarded = arch::take_forwarded_signals();
        if (forwarded && g_forwarded_signal_hook)
            g_forwarded_signal_hook(forwarded);
        // The program had its chance to end after a forwarded SIGTERM: end the instance as a
        // SIGKILL would (docker stop's status).
        constexpr int killed_status = 128 + 9;
        if (arch::is_stop_deadline_passed() && !is_powering_off())
            power_off(killed_status);
        if (g_console_input_hook && arch::console_input_ready())
            g_console_input_hook();
    }

public:
    static void (*g_console_signal_hook)(u64);
    static void (*g_forwarded_signal_hook)(u64);
    static void (*g_console_input_hook)();

private:
    u64 next_deadline() const { return m_timers.empty() ? ~0ull : m_timers.begin()->first; }

    void poll_console()
    {
        if (!console_input_waiters().is_empty() && arch::console_input_ready())
            console_input_waiters().wake_all();
    }

    void reap_dead()
    {
        std::erase_if(m_tasks, [](const std::unique_ptr<Task>& task) {
            if (task->m_state != Task::State::dead)
                return false;
            arch::free_task_stack(task->m_stack, task_stack_bytes);
            return true;
        });
    }

public:
    static Scheduler* s_instance;

private:
    std::vector<std::unique_ptr<Task>> m_tasks;
    std::deque<Task*> m_run_queue;
    std::multimap<u64, Task*> m_timers;
    Task* m_current {nullptr};
    Task* m_yielded {nullptr};
    /// The least virtual runtime of a task picked to run; it never goes back.
    u64 m_min_vruntime_ns {0};
    void* m_scheduler_context {nullptr};
    u64 m_next_id {0};
};

Scheduler* Scheduler::s_instance = nullptr;
void (*Scheduler::g_console_signal_hook)(u64) = nullptr;
void (*Scheduler::g_forwarded_signal_hook)(u64) = nullptr;
void (*Scheduler::g_console_input_hook)() = nullptr;

void console::set_signal_hook(void (*hook)(u64 signals)) { Scheduler::g_console_signal_hook = hook; }
void console::set_forwarded_signal_hook(void (*hook)(u64 signals)) { Scheduler::g_forwarded_signal_hook = hook; }
void console::set_input_hook(void (*hook)()) { Scheduler::g_console_input_hook = hook; }

namespace {
Scheduler& scheduler()
{
    if (!Scheduler::s_instance)
        Scheduler::s_instance = new Scheduler();
    return *Scheduler::s_instance;
}
} // namespace

Task::Task(u64 id, std::string name, std::function<void()> entry)
    : m_id(id), m_name(std::move(name)), m_entry(std::move(entry))
{
}

Task& spawn_task(std::string name, std::function<void()> entry) { return scheduler().spawn(std::move(name), std::move(entry)); }

bool can_spawn_task()
{
    constexpr usize margin = 4; // tasks a clone may still need before it spawns (itimers)
    return arch::can_alloc_task_stacks(margin, task_stack_bytes);
}
Task& current_task() { return scheduler().current(); }
Task* current_task_or_null() { return Scheduler::s_instance ? scheduler().current_or_null() : nullptr; }
void for_each_task(const std::function<void(const Task&)>& fn) { scheduler().for_each(fn); }
void yield() { scheduler().yield(); }
void sleep_until(u64 deadline_ns) { scheduler().block_until(deadline_ns); }

bool sleep_until_interruptible(u64 deadline_ns)
{
    WaitQueue never_woken;
    current_task().wait_reason = "sleep";
    bool is_done = never_woken.wait_until(deadline_ns, Interruptible::yes) != WaitResult::interrupted;
    current_task().wait_reason = nullptr;
    return is_done;
}
void preempt_point() { scheduler().preempt_point(); }
usize live_task_count() { return scheduler().live_count(); }

void run_scheduler() { scheduler().run(); }

WaitQueue::~WaitQueue() { AX_ASSERT(m_waiters.empty()); }

void Task::interrupt() { scheduler().interrupt(*this); }
void Task::set_weight(u32 weight) { scheduler().set_weight(*this, weight); }

void WaitQueue::wait() { wait_until(~0ull, Interruptible::no); }

bool WaitQueue::wait_until(u64 deadline_ns) { return wait_until(deadline_ns, Interruptible::no) == WaitResult::woken; }

WaitResult WaitQueue::wait_until(u64 deadline_ns, Interruptible interruptible)
{
    Task& task = current_task();
    m_waiters.push_back(&task);
    task.m_waiting_on = this;
    task.m_is_interruptible = interruptible == Interruptible::yes;
    scheduler().block_until(deadline_ns);
    task.m_is_interruptible = false;
    scheduler().remove_waiter(task);
    if (task.m_was_interrupted)
        return WaitResult::interrupted;
    return task.m_was_woken ? WaitResult::woken : WaitResult::timed_out;
}

void WaitQueue::wake_one()
{
    if (m_waiters.empty())
        return;
    Task* task = m_waiters.front();
    m_waiters.pop_front();
    task->m_waiting_on = nullptr;
    scheduler().make_runnable(*task);
}

void WaitQueue::wake_all()
{
    while (!m_waiters.empty())
        wake_one();
}

} // namespace asterix::frame
