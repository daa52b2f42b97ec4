// Interrupts on the host: a periodic SIGALRM is the timer; idle sleeps in ppoll.

#include <poll.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>

#include "frame/arch.h"
#include "frame/clock.h"
#include "host_arch/address_space_pool.h"
#include "host_arch/host.h"
#include "host_arch/systrap_spin.h"

namespace asterix {

volatile std::sig_atomic_t host::g_running_pid = 0;
volatile std::sig_atomic_t host::g_running_tid = 0;
volatile std::sig_atomic_t host::g_preempt_signals = 0;

namespace {
volatile std::sig_atomic_t g_tick_pending = 0;

/// Makes the running guest thread come back to the kernel: a seized ptrace tracee stops with
/// PTRACE_EVENT_STOP; a systrap guest thread takes preempt_signal in the stub's handler.
void interrupt_running_guest()
{
    pid_t pid = host::g_running_pid;
    pid_t tid = host::g_running_tid;
    if (pid && tid) {
        host::g_preempt_signals = host::g_preempt_signals + 1;
        syscall(SYS_tgkill, pid, tid, host::preempt_signal);
    } else if (pid) {
        ptrace(PTRACE_INTERRUPT, pid, 0, 0);
    }
}
volatile std::sig_atomic_t g_console_signals = 0;

void on_console_signal(int sig)
{
    int saved_errno = errno;
    g_console_signals = g_console_signals | (1 << sig);
    g_tick_pending = 1;
    interrupt_running_guest();
    errno = saved_errno;
}

volatile std::sig_atomic_t g_forwarded_signals = 0;
u64 g_stop_timeout_ns = 10'000'000'000;
/// When the stop timeout of a forwarded SIGTERM runs out (0: no SIGTERM forwarded yet).
volatile u64 g_stop_deadline_ns = 0;

/// CLOCK_MONOTONIC, async-signal-safe.
u64 host_monotonic_ns()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<u64>(now.tv_sec) * 1'000'000'000 + static_cast<u64>(now.tv_nsec);
}

/// Whether a process sent the signal (kill, sigqueue, tgkill) rather than the host kernel
/// (the terminal's ^C, a hangup).
bool is_sent_by_process(const siginfo_t& info)
{
    return info.si_code == SI_USER || info.si_code == SI_QUEUE || info.si_code == SI_TKILL;
}

/// SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2: a process's kill goes to the program
/// (docker and runsc forward them so); the terminal's ^C and ^\ go to the foreground group,
/// and a hangup or a kernel's SIGTERM ends asterix as before.
void on_host_signal(int sig, siginfo_t* info, void*)
{
    int saved_errno = errno;
    if (is_sent_by_process(*info)) {
        g_forwarded_signals = g_forwarded_signals | (1 << sig);
        // Only SIGTERM has a grace period, as docker stop's: docker and runsc forward SIGINT,
        // SIGHUP and SIGQUIT with no deadline, and a program may handle them and go on (a
        // SIGHUP that reloads a daemon's configuration, a ^C that a REPL catches).
        if (sig == SIGTERM && g_stop_timeout_ns && !g_stop_deadline_ns)
            g_stop_deadline_ns = host_monotonic_ns() + g_stop_timeout_ns;
    } else if (sig == SIGINT || sig == SIGQUIT) {
        g_console_signals = g_console_signals | (1 << sig);
    } else if (sig == SIGTERM || sig == SIGHUP) {
        host::die_of_signal(sig);
    } else {
        errno = saved_errno;
        return;
    }
    g_tick_pending = 1;
    pid_t pid = host::g_running_pid;
    if (pid)
        ptrace(PTRACE_INTERRUPT, pid, 0, 0);
    errno = saved_errno;
}

void on_timer_signal(int)
{
    int saved_errno = errno;
    g_tick_pending = 1;
    // Stop the running guest so that its task reaches the scheduler. Everything else happens
    // at safe points, not here.
    interrupt_running_guest();
    errno = saved_errno;
}
} // namespace

void host::signal_device_interrupt()
{
    g_tick_pending = 1;
    interrupt_running_guest();
}

void frame::arch::start_timer(u64 period_ns)
{
    struct sigaction action {};
    action.sa_handler = on_timer_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, nullptr);
    itimerval timer {};
    timer.it_interval.tv_sec = static_cast<time_t>(period_ns / 1'000'000'000);
    timer.it_interval.tv_usec = static_cast<suseconds_t>(period_ns % 1'000'000'000 / 1000);
    timer.it_value = timer.it_interval;
    setitimer(ITIMER_REAL, &timer, nullptr);

    // The terminal's signals belong to the guest: they are forwarded at safe points.
    struct sigaction console {};
    console.sa_handler = on_console_signal;
    console.sa_flags = SA_RESTART;
    sigemptyset(&console.sa_mask);
    for (int sig : {SIGTSTP, SIGWINCH})
        sigaction(sig, &console, nullptr);
    struct sigaction forwarded {};
    forwarded.sa_sigaction = on_host_signal;
    forwarded.sa_flags = SA_RESTART | SA_SIGINFO;
    sigemptyset(&forwarded.sa_mask);
    for (int sig : {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2})
        sigaction(sig, &forwarded, nullptr);
}

u64 frame::arch::take_forwarded_signals()
{
    if (!g_forwarded_signals)
        return 0;
    u64 signals = static_cast<u64>(g_forwarded_signals);
    g_forwarded_signals = 0;
    return signals;
}

bool frame::arch::is_stop_deadline_passed()
{
    u64 deadline = g_stop_deadline_ns;
    return deadline && host_monotonic_ns() >= deadline;
}

void host::set_stop_timeout_ns(u64 timeout_ns) { g_stop_timeout_ns = timeout_ns; }

u64 frame::arch::take_console_signals()
{
    if (!g_console_signals)
        return 0;
    u64 signals = static_cast<u64>(g_console_signals);
    g_console_signals = 0;
    return signals;
}

bool frame::arch::take_timer_tick()
{
    if (!g_tick_pending)
        return false;
    g_tick_pending = 0;
    return true;
}

bool frame::arch::console_input_ready()
{
    pollfd fd {0, POLLIN, 0};
    return poll(&fd, 1, 0) > 0;
}

void frame::arch::idle_wait(u64 deadline_ns, bool watch_input)
{
    if (g_tick_pending)
        return;
    // No answer comes while the kernel sleeps: a stub spinning for one sleeps too.
    frame::arch::systrap_kernel_idles();
    // Idle: the address-space pool's chores go now rather than on a fork's path.
    frame::arch::prepare_pooled_address_spaces();
    timespec timeout {};
    timespec* timeout_ptr = nullptr;
    if (deadline_ns != ~0ull) {
        u64 now = monotonic_ns();
        u64 wait = deadline_ns > now ? deadline_ns - now : 0;
        timeout.tv_sec = static_cast<time_t>(wait / 1'000'000'000);
        timeout.tv_nsec = static_cast<long>(wait % 1'000'000'000);
        timeout_ptr = &timeout;
    }
    // The console when a task waits for it, and the network device always: its frames are
    // taken (or dropped) whoever waits.
    pollfd fds[2];
    nfds_t count = 0;
    if (watch_input)
        fds[count++] = pollfd {0, POLLIN, 0};
    if (host::net_device_fd() >= 0)
        fds[count++] = pollfd {host::net_device_fd(), POLLIN, 0};
    ppoll(fds, count, timeout_ptr, nullptr);
    if (count && fds[count - 1].fd == host::net_device_fd() && (fds[count - 1].revents & POLLIN))
        host::note_device_input();
}

} // namespace asterix
