// The systrap platform's setup: the pages an address-space process shares with the kernel,
// the seccomp filters of its two threads, and the guest thread's signal handlers.

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <vector>

#include "frame/internal.h"
#include "frame/log.h"
#include "host_arch/host.h"
#include "host_arch/systrap.h"

extern "C" const char ax_stub_start[];
extern "C" const char ax_stub_handler[];
extern "C" const char ax_stub_restorer[];

namespace asterix::frame::arch {

namespace {

/// A seccomp program built by libseccomp, as BPF.
std::vector<sock_filter> export_bpf(scmp_filter_ctx filter)
{
    std::vector<sock_filter> bpf;
    int fd = memfd_create("asterix-systrap-filter", MFD_CLOEXEC);
    if (fd < 0 || seccomp_export_bpf(filter, fd) != 0)
        panic("libseccomp: cannot export a filter");
    off_t size = lseek(fd, 0, SEEK_END);
    bpf.resize(static_cast<usize>(size) / sizeof(sock_filter));
    if (pread(fd, bpf.data(), bpf.size() * sizeof(sock_filter), 0) != static_cast<ssize_t>(bpf.size() * sizeof(sock_filter)))
        panic("libseccomp: cannot read a filter back");
    close(fd);
    seccomp_release(filter);
    return bpf;
}

void add_rule(scmp_filter_ctx filter, u32 action, int nr, unsigned count = 0, scmp_arg_cmp a = {}, scmp_arg_cmp b = {})
{
    int rc = count == 0 ? seccomp_rule_add(filter, action, nr, 0) : seccomp_rule_add(filter, action, nr, count, a, b);
    if (rc != 0)
        panic("libseccomp: cannot add a rule (%d)", rc);
}

/// The mapping thread's filter: it runs only the stub's batches, so the host mapping calls,
/// its two futex calls on its own words, and exit; anything else kills the process.
const std::vector<sock_filter>& mapping_filter()
{
    static std::vector<sock_filter> program = [] {
        scmp_filter_ctx filter = seccomp_init(SCMP_ACT_KILL_PROCESS);
        if (!filter)
            panic("libseccomp: cannot create a filter");
        for (int nr : {SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(exit), SCMP_SYS(exit_group)})
            add_rule(filter, SCMP_ACT_ALLOW, nr);
        add_rule(filter, SCMP_ACT_ALLOW, SCMP_SYS(futex), 2, SCMP_A0(SCMP_CMP_EQ, stub_data_addr + systrap_request_seq_offset),
            SCMP_A1(SCMP_CMP_EQ, FUTEX_WAIT));
        add_rule(filter, SCMP_ACT_ALLOW, SCMP_SYS(futex), 2, SCMP_A0(SCMP_CMP_EQ, sysmsg_addr + systrap_done_offset),
            SCMP_A1(SCMP_CMP_EQ, FUTEX_WAKE));
        return export_bpf(filter);
    }();
    return program;
}

/// The guest thread's filter: every syscall, of every architecture, traps (SIGSYS to the
/// stub's handler), but the handoff's own calls with their arguments pinned: futex wait and
/// wake on the message page's state word, and rt_sigreturn with the stub's two key arguments
/// (which rt_sigreturn ignores: they only keep the guest's ordinary rt_sigreturn, meant for
/// Asterix, from reaching the host). An instruction-pointer check would not do: guest code can
/// jump to the stub's syscall instructions with registers of its choice. These calls can do
/// nothing with them but wait, wake the kernel, or load the thread's own registers, signal mask
/// and alternate stack from a frame of its making, which can only hurt the guest itself: the
/// kernel checks every frame it is handed and gives up an address space that traps wrongly.
const std::vector<sock_filter>& guest_filter()
{
    static std::vector<sock_filter> program = [] {
        scmp_filter_ctx filter = seccomp_init(SCMP_ACT_TRAP);
        if (!filter || seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP) != 0)
            panic("libseccomp: cannot create a filter");
        add_rule(filter, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 2, SCMP_A0(SCMP_CMP_EQ, sigreturn_key0), SCMP_A1(SCMP_CMP_EQ, sigreturn_key1));
        for (u64 op : {FUTEX_WAIT, FUTEX_WAKE})
            add_rule(filter, SCMP_ACT_ALLOW, SCMP_SYS(futex), 2, SCMP_A0(SCMP_CMP_EQ, sysmsg_addr + state_offset), SCMP_A1(SCMP_CMP_EQ, op));
        return export_bpf(filter);
    }();
    return program;
}

/// sock_fprog as the host reads it from the setup page.
struct FilterHeader {
    u16 len;
    u8 pad[6];
    u64 filter;
};

void put_u64(std::span<u8> page, usize offset, u64 value) { std::memcpy(page.data() + offset, &value, sizeof value); }

} // namespace

Result<std::unique_ptr<SystrapSpace>> prepare_systrap_space()
{
    auto sys = std::make_unique<SystrapSpace>();
    sys->sysmsg = TRY(Frame::alloc_zeroed());
    sys->setup = TRY(Frame::alloc_zeroed());
    for (auto& page : sys->altstack)
        page = TRY(Frame::alloc_zeroed());

    auto setup = frame::frame_direct_bytes(sys->setup);
    const auto& mapping = mapping_filter();
    const auto& guest = guest_filter();
    usize mapping_offset = 64;
    usize guest_offset = mapping_offset + mapping.size() * sizeof(sock_filter);
    if (guest_offset + guest.size() * sizeof(sock_filter) > page_size)
        panic("the systrap filters do not fit their setup page");
    FilterHeader headers[2] = {
        {static_cast<u16>(mapping.size()), {}, systrap_setup_addr + mapping_offset},
        {static_cast<u16>(guest.size()), {}, systrap_setup_addr + guest_offset},
    };
    std::memcpy(setup.data(), headers, sizeof headers);
    std::memcpy(setup.data() + mapping_offset, mapping.data(), mapping.size() * sizeof(sock_filter));
    std::memcpy(setup.data() + guest_offset, guest.data(), guest.size() * sizeof(sock_filter));

    // The guest thread's stack_t: ss_sp, ss_flags, ss_size.
    auto message = frame::frame_direct_bytes(sys->sysmsg);
    put_u64(message, altstack_desc_offset, altstack_addr);
    put_u64(message, altstack_desc_offset + 8, 0);
    put_u64(message, altstack_desc_offset + 16, altstack_pages * page_size);
    return sys;
}

std::vector<SystrapChildPage> systrap_child_pages(const SystrapSpace& sys)
{
    std::vector<SystrapChildPage> pages {
        {sysmsg_addr, sys.sysmsg.pfn() * page_size, PROT_READ | PROT_WRITE},
        {systrap_setup_addr, sys.setup.pfn() * page_size, PROT_READ},
    };
    for (usize i = 0; i < altstack_pages; ++i)
        pages.push_back({altstack_addr + i * page_size, sys.altstack[i].pfn() * page_size, PROT_READ | PROT_WRITE});
    return pages;
}

HostSigaction systrap_handler_action()
{
    // The handler and restorer are the stub's, every signal is blocked while the handler
    // runs, and it runs on the alternate stack.
    return {stub_code_addr + static_cast<u64>(ax_stub_handler - ax_stub_start), SA_SIGINFO | SA_ONSTACK | 0x04000000 /* SA_RESTORER */,
        stub_code_addr + static_cast<u64>(ax_stub_restorer - ax_stub_start), ~0ull};
}

std::span<const int> systrap_handled_signals()
{
    static constexpr int signals[] = {SIGSYS, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, host::preempt_signal};
    return signals;
}

bool install_systrap_in_child(int memfd, const SystrapSpace& sys)
{
    for (const auto& page : systrap_child_pages(sys)) {
        // SAFETY: fixed addresses in the stub's range above guest user space.
        if (mmap(reinterpret_cast<void*>(page.addr), page_size, page.prot, MAP_SHARED | MAP_FIXED, memfd, static_cast<off_t>(page.offset))
            == MAP_FAILED)
            return false;
    }
    HostSigaction action = systrap_handler_action();
    for (int sig : systrap_handled_signals()) {
        if (syscall(SYS_rt_sigaction, sig, &action, nullptr, 8) != 0)
            return false;
    }
    return true;
}

} // namespace asterix::frame::arch
