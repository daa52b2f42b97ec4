#include "host_arch/address_space.h"
#include "host_arch/address_space_pool.h"

#include <elf.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <linux/futex.h>
#include <sys/rseq.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <span>
#include <vector>

#include "frame/clock.h"
#include "frame/internal.h"
#include "frame/log.h"
#include "frame/user_mode.h"
#include "host_arch/host.h"
#include "host_arch/systrap.h"

extern "C" const char ax_stub_start[];
extern "C" const char ax_stub_end[];
extern "C" const char ax_stub_trap[];
extern "C" const char ax_stub_systrap_start[];
extern "C" const char ax_stub_systrap_trap[];

namespace asterix::frame::arch {

u64 stub_symbol_addr(const char* symbol) { return stub_code_addr + static_cast<u64>(symbol - ax_stub_start); }

namespace {

/// The fd number the memfd gets inside every address-space process.
constexpr int child_memfd = 3;

int to_host_prot(u8 perms)
{
    return ((perms & perm_read) ? PROT_READ : 0) | ((perms & perm_write) ? PROT_WRITE : 0)
        | ((perms & perm_exec) ? PROT_EXEC : 0);
}

/// Writes a batch into the stub's data page. The page is the guest's too (it is mapped in its
/// address space), so everything the stub reads is written anew here: the header area whole,
/// and every op with its result cleared.
void write_ops(std::span<u8> page, const StubOp* ops, usize count)
{
    // Bytes 8..15 are left alone: there the systrap mapping thread's request sequence word
    // lives, which must only ever move forward.
    std::memset(page.data() + 16, 0, stub_ops_offset - 16);
    u64 header = count;
    std::memcpy(page.data(), &header, sizeof header);
    for (usize i = 0; i < count; ++i) {
        StubOp op = ops[i];
        op.result = 0;
        std::memcpy(page.data() + stub_ops_offset + i * sizeof(StubOp), &op, sizeof op);
    }
}

} // namespace

void write_first_batch(std::span<u8> page, bool is_systrap)
{
    u64 end = is_systrap ? systrap_stub_end_addr : stub_end_addr;
    StubOp first[2] = {
        {SYS_munmap, {0, stub_code_addr, 0, 0, 0, 0}, 0},
        {SYS_munmap, {end, host_user_top - end, 0, 0, 0, 0}, 0},
    };
    write_ops(page, first, 2);
}

namespace {

/// Where the stub's closing int3 leaves rip: the instruction after it.
u64 stub_trap_return_addr() { return stub_symbol_addr(ax_stub_trap) + 1; }

/// The stub's own register set: 64-bit user code and stack selectors, only IF set (never TF,
/// never the guest's flags), null data selectors and bases (the stub addresses nothing through
/// them), and a stack pointer into the otherwise unused part of the data page's header (the
/// stub pushes nothing; no signal is ever delivered to it).
user_regs_struct stub_regs()
{
    user_regs_struct regs {};
    regs.rip = stub_code_addr;
    regs.rsp = stub_data_addr + stub_ops_offset;
    regs.eflags = 0x202;
    regs.cs = 0x33;
    regs.ss = 0x2b;
    regs.orig_rax = ~0ull; // not in a syscall: no restart logic may move rip
    return regs;
}

/// A stop while the stub runs that is not the batch's end but may be passed over: an interrupt
/// the timer asked for just as the guest stopped (PTRACE_INTERRUPT left pending), or a host
/// signal that is no fault. A fault or a trap anywhere else means the stub did not run as the
/// kernel set it up.
bool is_harmless_stub_stop(int status)
{
    if ((status >> 16) == PTRACE_EVENT_STOP)
        return true;
    switch (WSTOPSIG(status)) {
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
    case SIGSYS:
        return false;
    default:
        return true;
    }
}

/// Whether a finished op's result is what the host gives on success: the address asked for by
/// a fixed mmap, 0 for munmap and mprotect.
bool is_expected_result(const StubOp& op)
{
    return op.nr == SYS_mmap ? static_cast<u64>(op.result) == op.args[0] : op.result == 0;
}

[[noreturn]] void die_in_child() { _exit(127); }

} // namespace

bool unregister_rseq()
{
    // glibc registered rseq for this thread; its area is about to be unmapped, and the host
    // would then fault the process on every preemption.
    // The registered length may be sizeof(struct rseq) even where __rseq_size says less.
    if (__rseq_size > 0) {
        void* area = static_cast<char*>(__builtin_thread_pointer()) + __rseq_offset;
        if (syscall(SYS_rseq, area, __rseq_size, 1 /* RSEQ_FLAG_UNREGISTER */, RSEQ_SIG) != 0
            && syscall(SYS_rseq, area, sizeof(struct rseq), 1, RSEQ_SIG) != 0)
            return false;
    }
    return true;
}

/// The stub's seccomp filter as BPF, built once by libseccomp in the kernel: only the stub's own
/// calls may reach the host; anything else kills the process. (Building it in every child cost
/// as much as the fork itself.)
const std::vector<sock_filter>& stub_filter()
{
    static std::vector<sock_filter> program = [] {
        std::vector<sock_filter> bpf;
        scmp_filter_ctx filter = seccomp_init(SCMP_ACT_KILL_PROCESS);
        if (!filter)
            panic("libseccomp: cannot create a filter");
        for (int nr : {SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(exit), SCMP_SYS(exit_group)}) {
            if (seccomp_rule_add(filter, SCMP_ACT_ALLOW, nr, 0) != 0)
                panic("libseccomp: cannot add a rule");
        }
        // The host emulates a call into the legacy vsyscall page as one of these three and asks
        // this filter first (SYSEMU never sees it). The stub never makes them, so a trap here is
        // such a call: SIGSYS tells the tracer, which gives the guest vsyscall=none's SIGSEGV
        // (execute_user) instead of the process being killed.
        for (int nr : {SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(getcpu)}) {
            if (seccomp_rule_add(filter, SCMP_ACT_TRAP, nr, 0) != 0)
                panic("libseccomp: cannot add a rule");
        }
        int fd = memfd_create("asterix-stub-filter", MFD_CLOEXEC);
        if (fd < 0 || seccomp_export_bpf(filter, fd) != 0)
            panic("libseccomp: cannot export the filter");
        off_t size = lseek(fd, 0, SEEK_END);
        bpf.resize(static_cast<usize>(size) / sizeof(sock_filter));
        if (pread(fd, bpf.data(), bpf.size() * sizeof(sock_filter), 0) != static_cast<ssize_t>(bpf.size() * sizeof(sock_filter)))
            panic("libseccomp: cannot read the filter back");
        close(fd);
        seccomp_release(filter);
        return bpf;
    }();
    return program;
}

namespace {

/// Runs in the freshly forked child: becomes a clean address-space process. It waits until the
/// kernel has seized it, drops every host resource, installs the stub and the seccomp filter,
/// and jumps to the stub, which unmaps everything else and stops.
[[noreturn]] void child_main(int sync_fd, u64 stub_data_offset, pid_t kernel_pid, const std::vector<sock_filter>& filter,
    const SystrapSpace* systrap)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != kernel_pid)
        die_in_child();
    setsid();
    char byte;
    if (read(sync_fd, &byte, 1) != 1)
        die_in_child();

    if (!unregister_rseq())
        die_in_child();
    // glibc's fork left a clear-tid word (in asterix's TLS, at an address a guest page may take
    // later): the host would write it when the process dies, perhaps after its frames went to
    // someone else.
    syscall(SYS_set_tid_address, nullptr);

    if (dup2(host::phys_mem_fd(), child_memfd) != child_memfd)
        die_in_child();
    syscall(SYS_close_range, 0, child_memfd - 1, 0);
    syscall(SYS_close_range, child_memfd + 1, ~0u, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);

    // SAFETY: fixed addresses above guest user space, reserved for the stub in every process.
    void* code = mmap(reinterpret_cast<void*>(stub_code_addr), page_size, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    void* data = mmap(reinterpret_cast<void*>(stub_data_addr), page_size, PROT_READ | PROT_WRITE,
        MAP_SHARED | MAP_FIXED, child_memfd, stub_data_offset);
    if (code == MAP_FAILED || data == MAP_FAILED)
        die_in_child();
    std::memcpy(code, ax_stub_start, ax_stub_end - ax_stub_start);
    if (mprotect(code, page_size, PROT_READ | PROT_EXEC) != 0)
        die_in_child();

    write_first_batch({static_cast<u8*>(data), page_size}, systrap != nullptr);

    if (systrap) {
        // The mapping thread reads its requests from this page; the guest thread must not be
        // able to write one. It then clones the guest thread and installs the filters itself
        // (stub.S): a filter installed here would be inherited by the guest thread.
        if (mprotect(data, page_size, PROT_READ) != 0 || !install_systrap_in_child(child_memfd, *systrap)
            || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            die_in_child();
        // SAFETY: the stub needs no stack and never returns here.
        void* start = reinterpret_cast<void*>(stub_symbol_addr(ax_stub_systrap_start));
        asm volatile("jmp *%0" ::"r"(start) : "memory");
        __builtin_unreachable();
    }

    // Defence in depth: guest syscalls are emulated (PTRACE_SYSEMU stops before seccomp), so
    // only the stub's own calls can reach the host; anything else kills the process.
    sock_fprog program {static_cast<unsigned short>(filter.size()), const_cast<sock_filter*>(filter.data())};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0)
        die_in_child();

    // SAFETY: the stub needs no stack and never returns here.
    asm volatile("jmp *%0" ::"r"(code) : "memory");
    __builtin_unreachable();
}

} // namespace

usize xstate_bytes(pid_t pid)
{
    static usize bytes = 0;
    if (!bytes) {
        std::vector<u8> probe(64 * 1024);
        iovec iov {probe.data(), probe.size()};
        bytes = ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) == 0 ? iov.iov_len : 512;
    }
    return bytes;
}

void shared_futex_wait(const u32* word, u32 value, u64 timeout_ns)
{
    timespec timeout {static_cast<time_t>(timeout_ns / 1'000'000'000), static_cast<long>(timeout_ns % 1'000'000'000)};
    // Not FUTEX_PRIVATE_FLAG: the word is in a memfd page the address-space process maps too.
    syscall(SYS_futex, word, FUTEX_WAIT, value, &timeout, nullptr, 0);
}

void shared_futex_wake(const u32* word) { syscall(SYS_futex, word, FUTEX_WAKE, 1, nullptr, nullptr, 0); }

int wait_for_stop(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, __WALL) < 0) {
        if (errno != EINTR)
            panic("waitpid(%d) failed: %s", pid, strerror(errno));
    }
    return status;
}

Result<AddressSpacePtr> finish_address_space(pid_t pid, Frame stub_data, std::unique_ptr<SystrapSpace> systrap, u64 started_ns)
{
    for (;;) {
        int status = wait_for_stop(pid);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            klog(Subsystem::vm, LogLevel::error, "address-space process %d died during setup (status %#x)", pid, status);
            return Errno::eagain;
        }
        if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0)
            break;
        ptrace(PTRACE_CONT, pid, 0, 0);
    }
    xstate_bytes(pid); // probed while the process is stopped, for both platforms
    bool is_systrap = systrap != nullptr;
    auto space = AddressSpacePtr(new AddressSpace(pid, std::move(stub_data), std::move(systrap)));
    if (is_systrap) {
        user_regs_struct regs {};
        if (ptrace(PTRACE_GETREGS, pid, 0, &regs) != 0 || regs.rip != stub_symbol_addr(ax_stub_systrap_trap) + 1) {
            klog(Subsystem::vm, LogLevel::error, "address-space process %d: the systrap stub stopped outside its setup trap", pid);
            return Errno::eagain;
        }
        if (ptrace(PTRACE_CONT, pid, 0, 0) != 0 || !wait_for_first_trap(*space))
            return Errno::eagain;
    }
    klog(Subsystem::vm, LogLevel::debug, "address-space process %d ready in %llu us", pid,
        static_cast<unsigned long long>((monotonic_ns() - started_ns) / 1000));
    return space;
}

Result<AddressSpacePtr> create_address_space()
{
    if (auto pooled = take_pooled_address_space())
        return std::move(*pooled);
    return fork_address_space();
}

Result<AddressSpacePtr> fork_address_space()
{
    u64 started = monotonic_ns();
    auto stub_data = TRY(Frame::alloc_zeroed());
    const auto& filter = stub_filter();
    std::unique_ptr<SystrapSpace> systrap;
    if (host::platform() == host::Platform::systrap)
        systrap = TRY(prepare_systrap_space());
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) != 0)
        return Errno::eagain;
    pid_t kernel_pid = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(sync[0]);
        close(sync[1]);
        return Errno::eagain;
    }
    if (pid == 0)
        child_main(sync[0], stub_data.pfn() * page_size, kernel_pid, filter, systrap.get());

    close(sync[0]);
    bool is_seized = ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD) == 0;
    if (is_seized && write(sync[1], "go", 1) != 1)
        is_seized = false;
    close(sync[1]);
    if (!is_seized) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, __WALL);
        return Errno::eagain;
    }
    return finish_address_space(pid, std::move(stub_data), std::move(systrap), started);
}

void AddressSpaceDeleter::operator()(AddressSpace* space) const { delete space; }

AddressSpace::~AddressSpace()
{
    if (loaded_context)
        loaded_context->loaded_in = nullptr;
    if (m_is_reaped)
        return;
    kill(m_pid, SIGKILL);
    // The process dies on its own; waiting for it here would put its teardown (20-45 us) on
    // the path of the exit or exec that gave the space up. Its frames may go to someone else
    // before it is gone: a killed process never runs its code again, and the host writes none
    // of its memory on the way out (it has no robust futex list, rseq area or clear-tid word).
    reap_later(m_pid);
}

void AddressSpace::queue(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    m_pending.push_back({nr, {a0, a1, a2, a3, a4, a5}, 0});
}

void AddressSpace::flush()
{
    if (m_pending.empty() || !m_is_alive) {
        m_pending.clear();
        return;
    }
    for (usize first = 0; first < m_pending.size() && m_is_alive; first += stub_max_ops)
        run_batch(first, std::min(stub_max_ops, m_pending.size() - first));
    m_pending.clear();
}

void AddressSpace::run_batch(usize first, usize count)
{
    auto page = frame::frame_direct_bytes(m_stub_data);
    write_ops(page, m_pending.data() + first, count);
    if (m_systrap) {
        if (!run_systrap_batch(count))
            return;
        check_results(page, first, count);
        return;
    }
    // The stub runs with its own registers, never the guest's (whose trap flag would
    // single-step it, whose code segment may be 32-bit): execute_user loads the guest's
    // registers again before the guest runs, so they need no saving here.
    user_regs_struct regs = stub_regs();
    if (ptrace(PTRACE_SETREGS, m_pid, 0, &regs) != 0 || ptrace(PTRACE_CONT, m_pid, 0, 0) != 0) {
        lose("cannot start the stub");
        return;
    }
    constexpr int max_harmless_stops = 16;
    for (int harmless = 0;; ++harmless) {
        int status = wait_for_stop(m_pid);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            klog(Subsystem::vm, LogLevel::error, "address-space process %d died in the stub (status %#x)", m_pid, status);
            mark_reaped();
            return;
        }
        if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0) {
            // Only the closing int3 ends a batch: check where the trap came from.
            if (ptrace(PTRACE_GETREGS, m_pid, 0, &regs) == 0 && regs.rip == stub_trap_return_addr())
                break;
            lose("the stub trapped outside its closing int3", status, regs.rip);
            return;
        }
        if (!is_harmless_stub_stop(status) || harmless >= max_harmless_stops) {
            ptrace(PTRACE_GETREGS, m_pid, 0, &regs);
            lose("unexpected stop in the stub", status, regs.rip);
            return;
        }
        ptrace(PTRACE_CONT, m_pid, 0, 0);
    }
    check_results(page, first, count);
}

void AddressSpace::check_results(std::span<u8> page, usize first, usize count)
{
    for (usize i = 0; i < count; ++i) {
        StubOp op;
        std::memcpy(&op, page.data() + stub_ops_offset + i * sizeof(StubOp), sizeof op);
        if (m_systrap) {
            // The mapping thread cannot write its request page: its results are in the
            // message page.
            auto results = frame::frame_direct_bytes(m_systrap->sysmsg);
            std::memcpy(&op.result, results.data() + systrap_results_offset + i * sizeof(u64), sizeof op.result);
        }
        // What was read back is only the result; the request is the kernel's own copy.
        const StubOp& asked = m_pending[first + i];
        op.nr = asked.nr;
        std::copy(std::begin(asked.args), std::end(asked.args), std::begin(op.args));
        if (op.result < 0 && op.result > -4096)
            panic("stub syscall %llu(%#llx, %#llx) failed in address-space process %d: %s",
                static_cast<unsigned long long>(op.nr), static_cast<unsigned long long>(op.args[0]),
                static_cast<unsigned long long>(op.args[1]), m_pid, strerror(static_cast<int>(-op.result)));
        if (!is_expected_result(op)) {
            lose("a stub call returned an impossible result", 0, static_cast<u64>(op.result));
            break;
        }
    }
    // The batch held memfd offsets of guest memory; the guest can read this page, so leave
    // nothing of it there (nor whatever the guest wrote: the page reads as zero between runs).
    // The systrap mapping thread's sequence word stays: it tells a new request from a served one.
    if (m_systrap)
        std::fill(page.begin() + stub_ops_offset, page.end(), u8 {0});
    else
        std::fill(page.begin(), page.end(), u8 {0});
}

namespace {

/// A host thread's state for a log line: /proc/TID/stat's state letter and /proc/TID/wchan,
/// enough to tell a sleeper from a thread that never got the CPU.
void describe_host_thread(pid_t tid, std::span<char> out)
{
    std::snprintf(out.data(), out.size(), "unknown");
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", tid);
    char stat[512] {};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t got = read(fd, stat, sizeof stat - 1);
    close(fd);
    const char* paren = got > 0 ? std::strrchr(stat, ')') : nullptr;
    if (!paren || paren[1] != ' ')
        return;
    char wchan[64] {};
    std::snprintf(path, sizeof path, "/proc/%d/wchan", tid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, wchan, sizeof wchan - 1);
        wchan[n > 0 ? n : 0] = 0;
        close(fd);
    }
    std::snprintf(out.data(), out.size(), "%c (%s)", paren[2], wchan[0] ? wchan : "-");
}

} // namespace

bool AddressSpace::run_systrap_batch(usize count)
{
    auto page = frame::frame_direct_bytes(m_stub_data);
    auto message = frame::frame_direct_bytes(m_systrap->sysmsg);
    // write_ops cleared the header; the mapping thread has served request_seq so far.
    u32 seq = ++m_systrap->request_seq;
    if (seq == 0)
        seq = ++m_systrap->request_seq; // 0 is the setup batch's
    std::fill(message.begin() + systrap_results_offset, message.begin() + systrap_results_offset + stub_max_ops * sizeof(u64), u8 {0});
    // SAFETY: both words are 4-byte aligned in pages of the direct map.
    u32* request_word = reinterpret_cast<u32*>(page.data() + systrap_request_seq_offset);
    u32* done_word = reinterpret_cast<u32*>(message.data() + systrap_done_offset);
    __atomic_store_n(done_word, seq - 1, __ATOMIC_RELAXED);
    __atomic_store_n(request_word, seq, __ATOMIC_RELEASE);
    shared_futex_wake(request_word);
    u64 deadline = monotonic_ns() + systrap_batch_timeout_ns;
    bool was_woken_again = false;
    for (;;) {
        u32 done = __atomic_load_n(done_word, __ATOMIC_ACQUIRE);
        if (done == seq)
            return true;
        shared_futex_wait(done_word, done, 20'000'000);
        if (__atomic_load_n(done_word, __ATOMIC_ACQUIRE) == seq)
            return true;
        if (!check_alive())
            return false;
        if (monotonic_ns() > deadline) {
            char state[64];
            describe_host_thread(m_pid, state);
            klog(Subsystem::vm, LogLevel::error, "address-space process %d: the mapping thread is %s on the host, request %u, done %u",
                m_pid, state, seq, __atomic_load_n(done_word, __ATOMIC_ACQUIRE));
            lose("the mapping thread did not answer");
            return false;
        }
        // Slow, whether from load or a lost wake-up: wake it again, which costs nothing if it
        // is running, and say so once, so that a log shows which it was.
        if (!was_woken_again && __atomic_load_n(request_word, __ATOMIC_ACQUIRE) == seq) {
            was_woken_again = true;
            klog(Subsystem::vm, LogLevel::debug, "address-space process %d: request %u not served within 20 ms, waking again", m_pid, seq);
        }
        shared_futex_wake(request_word);
    }
}

bool AddressSpace::check_alive()
{
    if (!m_is_alive)
        return false;
    for (int harmless = 0; harmless < 16; ++harmless) {
        int status = 0;
        pid_t got = waitpid(m_pid, &status, __WALL | WNOHANG);
        if (got == 0)
            return true;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            mark_reaped();
            return false;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            klog(Subsystem::vm, LogLevel::error, "address-space process %d died (status %#x)", m_pid, status);
            mark_reaped();
            return false;
        }
        if (!is_harmless_stub_stop(status)) {
            lose("unexpected stop of the mapping thread", status);
            return false;
        }
        ptrace(PTRACE_CONT, m_pid, 0, 0);
    }
    return m_is_alive;
}

void AddressSpace::lose(const char* why, int status, u64 rip)
{
    klog(Subsystem::vm, LogLevel::error, "address-space process %d: %s (status %#x, rip %#llx): killing its processes",
        m_pid, why, status, static_cast<unsigned long long>(rip));
    if (!m_is_reaped)
        kill(m_pid, SIGKILL);
    m_is_alive = false;
}

void tlb_map(AddressSpace& space, u64 va, u64 pfn, u64 pages, u8 perms)
{
    space.host_mappings.map(va, va + pages * page_size);
    space.queue(SYS_mmap, va, pages * page_size, to_host_prot(perms), MAP_SHARED | MAP_FIXED, child_memfd,
        pfn * page_size);
}

namespace {

/// Under systrap, a change that takes access away takes effect at once. The kernel cannot
/// prove that the guest thread is parked while it runs (the handoff word is the guest's to
/// write: a guest can pass for trapped and run on), so a frame the page table gives up, or a
/// page it makes read-only for copy-on-write, must be out of the host mappings before the
/// kernel goes on and hands the frame to someone else. Under ptrace the process is stopped
/// whenever the kernel runs, and the change waits for the next batch.
void flush_if_guest_may_run(AddressSpace& space)
{
    if (space.systrap() && space.batch_depth == 0)
        space.flush();
}

} // namespace

void tlb_unmap(AddressSpace& space, u64 va, u64 len)
{
    space.host_mappings.unmap(va, va + len);
    space.queue(SYS_munmap, va, len, 0);
    flush_if_guest_may_run(space);
}

void tlb_protect(AddressSpace& space, u64 va, u64 len, u8 perms)
{
    space.host_mappings.protect(va, va + len);
    space.queue(SYS_mprotect, va, len, to_host_prot(perms));
    flush_if_guest_may_run(space);
}

bool tlb_has_room(AddressSpace& space, usize changes)
{
    return space.host_mappings.count() + changes * HostMappings::max_growth_per_change <= HostMappings::budget();
}

void tlb_begin_batch(AddressSpace& space) { ++space.batch_depth; }

void tlb_end_batch(AddressSpace& space)
{
    if (space.batch_depth > 0 && --space.batch_depth == 0)
        flush_if_guest_may_run(space);
}

void tlb_unmap_all(AddressSpace& space)
{
    // One munmap over the whole guest range covers every guest mapping wholly, so it splits
    // none and cannot fail; the stub lives above the range.
    space.host_mappings.clear();
    space.queue(SYS_munmap, 0, user_space_end, 0);
    flush_if_guest_may_run(space);
}

} // namespace asterix::frame::arch
