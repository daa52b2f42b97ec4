// The pool of address-space processes made ahead of need. Forking asterix for every new
// address space costs about 250 us here: the host copies asterix's page tables, and the child
// then unmaps all of it again. Instead asterix forks, once, a template process that keeps only
// the stub's code and the spawner's two pages (spawner.S); the template clones itself on request,
// each clone maps its own pages from the memfd and waits until the kernel has seized it. The
// pool keeps address_space_pool_size of them requested ahead, so a fork or an exec finds one
// cloned (unpinned, the template has done it on another CPU meanwhile), seizes it and waits only
// for the stub's first batch.

#include "host_arch/address_space_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>

#include "frame/clock.h"
#include "frame/internal.h"
#include "frame/log.h"
#include "host_arch/host.h"
#include "host_arch/systrap.h"

extern "C" const char ax_stub_start[];
extern "C" const char ax_stub_end[];
extern "C" const char ax_stub_systrap_start[];
extern "C" const char ax_spawner_init[];
extern "C" const char ax_spawner_end[];

namespace asterix::frame::arch {

namespace {

// The fds of the template and its clones, and the spawner's data page layout (spawner.S).
constexpr int template_memfd = 3;
constexpr int template_ctl_fd = 4;
constexpr usize request_bytes = 256;
constexpr usize max_request_pages = 10;
constexpr usize reply_offset = 256;
constexpr usize ptrace_entry_offset = 264;
constexpr usize systrap_entry_offset = 272;
constexpr usize sigaction_offset = 288;
constexpr usize signals_offset = 320;
constexpr usize max_signals = 15;
constexpr usize fprog_offset = 336;
constexpr usize filter_offset = 512;
/// How long the template may take to answer a request before it counts as broken.
constexpr u64 template_timeout_ns = 5'000'000'000ull;

struct RequestPage {
    u64 addr;
    u64 offset;
    u64 prot;
};

/// A requested address-space process: cloned once the template has answered (pid), seized and
/// let go once started.
struct Pending {
    pid_t pid {0};
    bool is_started {false};
    u64 requested_ns {0};
    Frame stub_data;
    std::unique_ptr<SystrapSpace> systrap;
};

/// Killed address-space processes whose exit is still to collect: beyond this many, the
/// next one is waited for at once.
constexpr usize max_unreaped = 32;

struct Pool {
    /// Killed processes not yet reaped.
    std::vector<pid_t> unreaped;
    int ctl_fd {-1};
    pid_t template_pid {0};
    bool has_failed {false};
    /// In request order, which is the order the template answers in.
    std::deque<Pending> pending;
};

Pool& pool()
{
    static Pool instance;
    return instance;
}

void put(std::vector<u8>& page, usize offset, const void* bytes, usize len) { std::memcpy(page.data() + offset, bytes, len); }

/// The template's data page: the stubs' entries, the systrap handlers and the ptrace stub's
/// filter, which every clone inherits.
std::vector<u8> spawner_data_page()
{
    std::vector<u8> page(page_size, 0);
    u64 ptrace_entry = stub_code_addr;
    u64 systrap_entry = stub_symbol_addr(ax_stub_systrap_start);
    put(page, ptrace_entry_offset, &ptrace_entry, sizeof ptrace_entry);
    put(page, systrap_entry_offset, &systrap_entry, sizeof systrap_entry);
    HostSigaction action = systrap_handler_action();
    put(page, sigaction_offset, &action, sizeof action);
    auto signals = systrap_handled_signals();
    if (signals.size() > max_signals)
        panic("the spawner's page has no room for %zu systrap signals", signals.size());
    for (usize i = 0; i < signals.size(); ++i)
        page[signals_offset + i] = static_cast<u8>(signals[i]);
    const auto& filter = stub_filter();
    usize filter_bytes = filter.size() * sizeof(sock_filter);
    if (filter_offset + filter_bytes > page_size)
        panic("the stub's filter does not fit the spawner's page");
    sock_fprog program {static_cast<unsigned short>(filter.size()), nullptr};
    // SAFETY: the address the program has in the template and its clones, never dereferenced here.
    program.filter = reinterpret_cast<sock_filter*>(spawner_data_addr + filter_offset);
    put(page, fprog_offset, &program, sizeof program);
    put(page, filter_offset, filter.data(), filter_bytes);
    return page;
}

long raw_sigaction(int sig, u64 handler)
{
    HostSigaction action {handler, 0, 0, 0};
    return syscall(SYS_rt_sigaction, sig, &action, nullptr, 8);
}

/// Maps `bytes` at a fixed address of the template with protection `prot`.
bool map_copy(u64 addr, const void* bytes, usize len, int prot)
{
    // SAFETY: fixed addresses above guest user space, which nothing of asterix uses.
    void* at = mmap(reinterpret_cast<void*>(addr), page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (at == MAP_FAILED)
        return false;
    std::memcpy(at, bytes, len);
    return mprotect(at, page_size, prot) == 0;
}

/// Runs in the forked template: drops every host resource of asterix but the memfd and the
/// control socket, resets its signals (SIGCHLD ignored, so clones are reaped by the host),
/// installs the stub and the spawner and jumps to it, which unmaps everything else.
[[noreturn]] void template_main(int ctl_fd, pid_t kernel_pid, const std::vector<u8>& data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != kernel_pid)
        _exit(127);
    setsid();
    if (!unregister_rseq())
        _exit(127);
    // The clones are made with a raw clone and get no clear-tid word; the template drops
    // glibc's too (address_space.cpp's child_main says why).
    syscall(SYS_set_tid_address, nullptr);
    int ctl = fcntl(ctl_fd, F_DUPFD, 16);
    if (ctl < 0 || dup2(host::phys_mem_fd(), template_memfd) != template_memfd || dup2(ctl, template_ctl_fd) != template_ctl_fd)
        _exit(127);
    syscall(SYS_close_range, 0, template_memfd - 1, 0);
    syscall(SYS_close_range, template_ctl_fd + 1, ~0u, 0);
    for (int sig = 1; sig < 65; ++sig)
        raw_sigaction(sig, 0 /* SIG_DFL */);
    if (raw_sigaction(SIGCHLD, 1 /* SIG_IGN */) != 0)
        _exit(127);
    u64 none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, 8);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        _exit(127);
    if (!map_copy(stub_code_addr, ax_stub_start, static_cast<usize>(ax_stub_end - ax_stub_start), PROT_READ | PROT_EXEC)
        || !map_copy(spawner_code_addr, ax_spawner_init, static_cast<usize>(ax_spawner_end - ax_spawner_init), PROT_READ | PROT_EXEC)
        || !map_copy(spawner_data_addr, data.data(), data.size(), PROT_READ | PROT_WRITE))
        _exit(127);
    // SAFETY: the spawner needs no stack and never returns here.
    void* start = reinterpret_cast<void*>(spawner_code_addr);
    asm volatile("jmp *%0" ::"r"(start) : "memory");
    __builtin_unreachable();
}

bool start_template()
{
    auto& p = pool();
    if (static_cast<usize>(ax_spawner_end - ax_spawner_init) > page_size || static_cast<usize>(ax_stub_end - ax_stub_start) > page_size)
        return false;
    auto data = spawner_data_page();
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        return false;
    pid_t kernel_pid = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0)
        template_main(fds[1], kernel_pid, data);
    close(fds[1]);
    p.ctl_fd = fds[0];
    p.template_pid = pid;
    klog(Subsystem::vm, LogLevel::debug, "address-space template process %d started", pid);
    return true;
}

/// Whether a killed process's exit has been collected (or it is gone); waits for it when
/// `is_waiting`.
bool reap(pid_t pid, bool is_waiting)
{
    for (;;) {
        int status = 0;
        pid_t got = waitpid(pid, &status, __WALL | (is_waiting ? 0 : WNOHANG));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return true; // ECHILD: nothing left to collect
        if (got == 0)
            return false;
        if (WIFEXITED(status) || WIFSIGNALED(status))
            return true;
        // A stop that was pending when it was killed: the exit follows.
    }
}

void reap_unreaped()
{
    auto& list = pool().unreaped;
    std::erase_if(list, [](pid_t pid) { return reap(pid, false); });
}

/// Gives up the template (it died or answered wrongly): every pool process goes, and from now
/// on address spaces are forked from asterix.
void fail_template(const char* why)
{
    auto& p = pool();
    klog(Subsystem::vm, LogLevel::warn, "address-space template process %d: %s; forking address spaces instead", p.template_pid, why);
    p.has_failed = true;
    for (auto& entry : p.pending) {
        if (entry.pid <= 0)
            continue;
        kill(entry.pid, SIGKILL);
        // Only a seized one is asterix's to wait for; the template (or init) reaps the others.
        if (entry.is_started) {
            while (waitpid(entry.pid, nullptr, __WALL) < 0 && errno == EINTR) {
            }
        }
    }
    p.pending.clear();
    if (p.ctl_fd >= 0)
        close(p.ctl_fd);
    p.ctl_fd = -1;
    if (p.template_pid > 0) {
        kill(p.template_pid, SIGKILL);
        while (waitpid(p.template_pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    p.template_pid = 0;
}

/// Asks the template for one more process. False when out of memory or the template failed.
bool request_one()
{
    auto& p = pool();
    Pending entry;
    auto stub_data = Frame::alloc_zeroed();
    if (stub_data.is_error())
        return false;
    entry.stub_data = stub_data.release_value();
    bool is_systrap = host::platform() == host::Platform::systrap;
    if (is_systrap) {
        auto systrap = prepare_systrap_space();
        if (systrap.is_error())
            return false;
        entry.systrap = systrap.release_value();
    }
    // The first batch is the same for every process: it is in place before the clone can run.
    write_first_batch(frame::frame_direct_bytes(entry.stub_data), is_systrap);

    u64 request[request_bytes / sizeof(u64)] {};
    std::vector<RequestPage> pages {{stub_data_addr, entry.stub_data.pfn() * page_size,
        // The systrap mapping thread reads its requests from this page; the guest thread must
        // not be able to write one.
        static_cast<u64>(is_systrap ? PROT_READ : PROT_READ | PROT_WRITE)}};
    if (is_systrap) {
        for (const auto& page : systrap_child_pages(*entry.systrap))
            pages.push_back({page.addr, page.offset, page.prot});
    }
    if (pages.size() > max_request_pages)
        panic("an address-space process maps more pages than the spawner's request holds");
    request[0] = is_systrap ? 1 : 0;
    request[1] = pages.size();
    std::memcpy(&request[2], pages.data(), pages.size() * sizeof(RequestPage));
    if (send(p.ctl_fd, request, sizeof request, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof request)) {
        fail_template("cannot send a request");
        return false;
    }
    entry.requested_ns = monotonic_ns();
    p.pending.push_back(std::move(entry));
    return true;
}

/// Reads the template's answer for the oldest request that has none, waiting for it when
/// `is_waiting`. False when there is none (yet), or the template failed.
bool receive_one(bool is_waiting)
{
    auto& p = pool();
    auto it = std::find_if(p.pending.begin(), p.pending.end(), [](const Pending& e) { return e.pid == 0; });
    if (it == p.pending.end())
        return false;
    u64 deadline = monotonic_ns() + template_timeout_ns;
    i64 reply = 0;
    for (;;) {
        ssize_t got = recv(p.ctl_fd, &reply, sizeof reply, MSG_DONTWAIT);
        if (got == static_cast<ssize_t>(sizeof reply))
            break;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN) {
            if (!is_waiting)
                return false;
            u64 now = monotonic_ns();
            if (now >= deadline) {
                fail_template("no answer");
                return false;
            }
            pollfd fd {p.ctl_fd, POLLIN, 0};
            poll(&fd, 1, static_cast<int>((deadline - now) / 1'000'000 + 1));
            continue;
        }
        fail_template(got == 0 ? "it exited" : "its answer is broken");
        return false;
    }
    if (reply <= 0 || reply > INT32_MAX) {
        // The host refused the clone (no pid free, say): this request is given up.
        klog(Subsystem::vm, LogLevel::warn, "address-space template process: clone failed (%lld)", static_cast<long long>(reply));
        p.pending.erase(it);
        return true;
    }
    it->pid = static_cast<pid_t>(reply);
    return true;
}

/// Seizes a cloned process and lets it set up (it sleeps on its go word until then). False when
/// it cannot be seized; it is killed then.
bool start(Pending& entry)
{
    if (ptrace(PTRACE_SEIZE, entry.pid, 0, PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD) != 0) {
        klog(Subsystem::vm, LogLevel::warn, "cannot seize address-space process %d: %s", entry.pid, strerror(errno));
        kill(entry.pid, SIGKILL);
        return false;
    }
    entry.is_started = true;
    auto page = frame::frame_direct_bytes(entry.stub_data);
    // SAFETY: a 4-byte aligned word of a page of the direct map.
    u32* go = reinterpret_cast<u32*>(page.data() + stub_go_offset);
    __atomic_store_n(go, 1u, __ATOMIC_RELEASE);
    shared_futex_wake(go);
    return true;
}

/// Receives what answers have come and starts those processes, without waiting.
void start_answered()
{
    auto& p = pool();
    while (!p.has_failed && receive_one(false)) {
    }
    for (auto it = p.pending.begin(); it != p.pending.end();) {
        if (it->pid > 0 && !it->is_started && !start(*it)) {
            it = p.pending.erase(it);
            continue;
        }
        ++it;
    }
}

void refill()
{
    auto& p = pool();
    while (!p.has_failed && p.pending.size() < address_space_pool_size) {
        if (!request_one())
            return;
    }
}

/// Takes the oldest pooled process, waiting for the template and the process as needed.
std::optional<Result<AddressSpacePtr>> take_one()
{
    auto& p = pool();
    if (p.pending.empty() && !request_one())
        return std::nullopt;
    while (!p.has_failed && p.pending.front().pid == 0) {
        if (!receive_one(true))
            break;
    }
    if (p.has_failed || p.pending.empty() || p.pending.front().pid == 0)
        return std::nullopt;
    if (!p.pending.front().is_started && !start(p.pending.front())) {
        p.pending.pop_front();
        return std::nullopt;
    }
    Pending entry = std::move(p.pending.front());
    p.pending.pop_front();
    // The template clones the next ones while this one finishes its first batch.
    refill();
    return finish_address_space(entry.pid, std::move(entry.stub_data), std::move(entry.systrap), entry.requested_ns);
}

} // namespace

std::optional<Result<AddressSpacePtr>> take_pooled_address_space()
{
    auto& p = pool();
    reap_unreaped();
    if (p.has_failed)
        return std::nullopt;
    if (p.ctl_fd < 0 && !start_template()) {
        p.has_failed = true;
        klog(Subsystem::vm, LogLevel::warn, "cannot start the address-space template process; forking address spaces instead");
        return std::nullopt;
    }
    start_answered();
    auto space = take_one();
    if (space && space->is_error()) {
        // A pooled process died during its setup: one more try the slow way.
        klog(Subsystem::vm, LogLevel::warn, "a pooled address-space process failed its setup");
        space.reset();
    }
    start_answered();
    return space;
}

void prepare_pooled_address_spaces()
{
    reap_unreaped();
    if (pool().ctl_fd >= 0 && !pool().has_failed)
        start_answered();
}

void reap_later(pid_t pid)
{
    auto& list = pool().unreaped;
    if (reap(pid, false))
        return;
    if (list.size() >= max_unreaped) {
        reap(pid, true);
        return;
    }
    list.push_back(pid);
}

} // namespace asterix::frame::arch
