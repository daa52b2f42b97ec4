#include "frame/task.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
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
/// Real-time tasks together may use at most this much of each period, so a real-time task
/// that spins cannot lock out the shell that would stop it (Linux's sched_rt_runtime_us and
/// sched_rt_period_us defaults). The rest goes to fair tasks when they want it.
constexpr u64 realtime_period_ns = 1'000'000'000;
constexpr u64 realtime_runtime_ns = 950'000'000;

/// Where a task goes back in the run queue among the real-time tasks of its priority.
enum class Placement : u8 { head, tail };

bool runs_before(const Task& task, const Task& other)
{
    return task.scheduling_class().is_realtime()
        && (!other.scheduling_class().is_realtime() || task.scheduling_class().priority > other.scheduling_class().priority);
}
} // namespace

/// The one scheduler of the one (virtual) CPU. Every switch goes through the scheduler's own
/// context: task -> scheduler -> next task. A runnable real-time task goes first, the highest
/// priority and then the queue's order (Linux's SCHED_FIFO and SCHED_RR). Otherwise it picks
/// the fair task that has run least, in CPU time scaled by its weight, so fair tasks share the
/// CPU in proportion to their weights; among equals it keeps the queue's order, which makes
/// equal tasks take turns.
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

    /// Lets the others run first (sched_yield, and the kernel's own waits that poll). For a
    /// fair task the next pick passes over it when another fair task is runnable; a real-time
    /// task goes behind the others of its priority and runs again at once when it has none, so
    /// tasks of lower priority never see its yield (sched_yield on SCHED_FIFO).
    void yield()
    {
        if (!m_current->m_class.is_realtime())
            m_yielded = m_current;
        m_run_queue.push_back(m_current);
        switch_to_scheduler();
    }

    /// The task goes back to the queue and the scheduler picks again, which may pick it. A
    /// real-time task that was only preempted keeps its place at the head of its priority.
    void preempt(Placement placement)
    {
        if (placement == Placement::head)
            m_run_queue.push_front(m_current);
        else
            m_run_queue.push_back(m_current);
        switch_to_scheduler();
    }

    void set_weight(Task& task, u32 weight)
    {
        AX_ASSERT(weight > 0);
        task.m_weight = weight;
    }

    /// Linux's rules for a priority change (sched(7)): a runnable task whose priority rises
    /// goes to the tail of its new priority, one whose priority falls to the head, and the
    /// running task is reconsidered at the next preemption point.
    void set_scheduling_class(Task& task, SchedulingClass scheduling_class)
    {
        SchedulingClass old = task.m_class;
        if (old == scheduling_class)
            return;
        task.m_class = scheduling_class;
        task.m_slice_used_ns = 0;
        // Time spent real-time is not fair time: the task comes back among the fair ones as
        // one that just woke, neither owed nor owing.
        if (old.is_realtime() && !scheduling_class.is_realtime())
            task.m_vruntime_ns = std::max(task.m_vruntime_ns, m_min_vruntime_ns);
        if (&task == m_current) {
            m_needs_resched = true;
            return;
        }
        auto queued = std::find(m_run_queue.begin(), m_run_queue.end(), &task);
        if (queued == m_run_queue.end())
            return;
        m_run_queue.erase(queued);
        bool is_lowered = old.is_realtime() && (!scheduling_class.is_realtime() || scheduling_class.priority < old.priority);
        if (is_lowered)
            m_run_queue.push_front(&task);
        else
            m_run_queue.push_back(&task);
        note_runnable(task);
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

    /// Runs due work on a timer tick; then, on a tick or when a task that should run before
    /// this one became runnable, lets the scheduler pick again if this task should give way.
    void preempt_point()
    {
        bool has_ticked = take_tick();
        if (has_ticked) {
            deliver_console_signals();
            run_due_timers();
            poll_console();
            poll_net_device();
        }
        if (!has_ticked && !m_needs_resched)
            return;
        m_needs_resched = false;
        account_current();
        if (auto placement = preemption())
            preempt(*placement);
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
            m_needs_resched = false;
            m_run_started_ns = monotonic_ns();
            arch::switch_task_context(&m_scheduler_context, next->m_context, next);
            account_current();
            m_current = nullptr;
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
        note_runnable(task);
    }

    /// A task that should run before the running one became runnable: the running one
    /// gives way at its next preemption point, not only at the next tick.
    void note_runnable(const Task& task)
    {
        if (m_current && runs_before(task, *m_current))
            m_needs_resched = true;
    }

    /// Charges the running task for the CPU time since it was last charged: virtual runtime
    /// for a fair task, its time slice and the real-time budget for a real-time one.
    void account_current()
    {
        u64 now = monotonic_ns();
        u64 ran_ns = now - m_run_started_ns;
        m_run_started_ns = now;
        Task& task = *m_current;
        if (!task.m_class.is_realtime()) {
            task.m_vruntime_ns += ran_ns * Task::default_weight / task.m_weight;
            return;
        }
        task.m_slice_used_ns += ran_ns;
        roll_realtime_period(now);
        m_realtime_used_ns += ran_ns;
    }

    void roll_realtime_period(u64 now)
    {
        if (now - m_realtime_period_start_ns < realtime_period_ns)
            return;
        m_realtime_period_start_ns = now - (now - m_realtime_period_start_ns) % realtime_period_ns;
        m_realtime_used_ns = 0;
    }

    /// Whether real-time tasks have used their budget of this period while a fair task waits.
    bool is_realtime_throttled()
    {
        roll_realtime_period(monotonic_ns());
        return m_realtime_used_ns >= realtime_runtime_ns
            && std::any_of(m_run_queue.begin(), m_run_queue.end(), [](const Task* task) { return !task->m_class.is_realtime(); });
    }

    /// Whether the running task should give way now, and where it goes back in the queue.
    std::optional<Placement> preemption()
    {
        if (m_run_queue.empty())
            return std::nullopt;
        Task& task = *m_current;
        auto first = std::max_element(m_run_queue.begin(), m_run_queue.end(),
            [](const Task* a, const Task* b) { return runs_before(*b, *a); });
        if (!task.m_class.is_realtime())
            return Placement::tail;
        if (runs_before(**first, task) || is_realtime_throttled())
            return Placement::head;
        // SCHED_RR: a used-up slice begins again, behind the equals if any (task_tick_rt).
        u64 slice_ns = task.m_class.time_slice_ns;
        if (slice_ns == 0 || task.m_slice_used_ns < slice_ns)
            return std::nullopt;
        task.m_slice_used_ns = 0;
        bool has_equal = (*first)->m_class.is_realtime() && (*first)->m_class.priority == task.m_class.priority;
        return has_equal ? std::optional(Placement::tail) : std::nullopt;
    }

    /// Takes the next task off the queue: the first real-time task of the highest priority,
    /// unless real-time tasks are throttled; else the fair task with the least virtual runtime
    /// (the first of equals), a task that just yielded only when no other fair task is runnable.
    Task* pick_next()
    {
        Task* yielded = std::exchange(m_yielded, nullptr);
        auto best = m_run_queue.end();
        if (!is_realtime_throttled()) {
            for (auto it = m_run_queue.begin(); it != m_run_queue.end(); ++it) {
                if ((*it)->m_class.is_realtime() && (best == m_run_queue.end() || runs_before(**it, **best)))
                    best = it;
            }
        }
        if (best == m_run_queue.end()) {
            auto fair_count = std::count_if(m_run_queue.begin(), m_run_queue.end(),
                [](const Task* task) { return !task->m_class.is_realtime(); });
            for (auto it = m_run_queue.begin(); it != m_run_queue.end(); ++it) {
                if ((*it)->m_class.is_realtime() || (*it == yielded && fair_count > 1))
                    continue;
                if (best == m_run_queue.end() || (*it)->m_vruntime_ns < (*best)->m_vruntime_ns)
                    best = it;
            }
            AX_ASSERT(best != m_run_queue.end());
            m_min_vruntime_ns = std::max(m_min_vruntime_ns, (*best)->m_vruntime_ns);
        }
        Task* next = *best;
        m_run_queue.erase(best);
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
    /// A task that should run before the running one became runnable.
    bool m_needs_resched {false};
    /// When the running task was last charged for its CPU time.
    u64 m_run_started_ns {0};
    u64 m_realtime_period_start_ns {0};
    u64 m_realtime_used_ns {0};
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
void Task::set_scheduling_class(SchedulingClass scheduling_class) { scheduler().set_scheduling_class(*this, scheduling_class); }

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
