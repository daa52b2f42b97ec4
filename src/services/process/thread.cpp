#include "frame/boot.h"
#include "frame/log.h"
#include "frame/phys_mem.h"
#include "services/process/process.h"
#include "services/process/process_table.h"
#include "services/process/signals.h"
#include "services/syscalls/strace.h"
#include "services/syscalls/syscall_table.h"

namespace asterix::services {

namespace {

const char* describe(frame::ExceptionKind kind)
{
    switch (kind) {
    case frame::ExceptionKind::page_fault: return "page fault";
    case frame::ExceptionKind::general_protection: return "general protection fault";
    case frame::ExceptionKind::invalid_opcode: return "invalid opcode";
    case frame::ExceptionKind::divide_error: return "arithmetic exception";
    case frame::ExceptionKind::breakpoint: return "breakpoint trap";
    case frame::ExceptionKind::bus_error: return "bus error";
    case frame::ExceptionKind::address_space_lost: return "loss of its address space";
    }
    return "exception";
}

int signal_for(frame::ExceptionKind kind)
{
    switch (kind) {
    case frame::ExceptionKind::page_fault:
    case frame::ExceptionKind::general_protection: return sigsegv;
    case frame::ExceptionKind::invalid_opcode: return sigill;
    case frame::ExceptionKind::divide_error: return sigfpe;
    case frame::ExceptionKind::breakpoint: return sigtrap;
    case frame::ExceptionKind::bus_error: return sigbus;
    case frame::ExceptionKind::address_space_lost: return sigkill;
    }
    return sigsegv;
}

/// Kills the process the way the signal's default action would.
void kill_by_signal(Process& process, int sig)
{
    exit_process(process, sig | (dumps_core_by_default(sig) ? 0x80 : 0));
}

void handle_exception(Thread& thread, const frame::ExceptionInfo& info)
{
    Process& process = thread.process();
    if (process.memory->is_out_of_memory)
        return; // the OOM kill below reports it
    int sig = signal_for(info.kind);
    // FIXME: signal delivery to guest handlers comes with the signals issue; until then every
    // fault takes the default action.
    frame::klog(frame::LogLevel::warn, "pid %d (%s) killed by %s: %s at %#llx, ip %#llx", thread.tid(),
        process.comm.c_str(), signal_name(sig), describe(info.kind), static_cast<unsigned long long>(info.addr),
        static_cast<unsigned long long>(thread.context.regs.rip));
    kill_by_signal(process, sig);
}

} // namespace

std::array<abi::Rlimit, rlimit_count> default_rlimits()
{
    std::array<abi::Rlimit, rlimit_count> limits;
    limits.fill({abi::rlim_infinity, abi::rlim_infinity});
    limits[rlimit_stack] = {stack_max_bytes, abi::rlim_infinity};
    limits[rlimit_nofile] = {1024, 4096};
    limits[4] = {0, abi::rlim_infinity};          // RLIMIT_CORE
    limits[8] = {8 * 1024 * 1024, 8 * 1024 * 1024}; // RLIMIT_MEMLOCK
    limits[14] = {0, 0};                            // RLIMIT_RTPRIO
    return limits;
}

void run_thread(Thread& thread)
{
    Process& process = thread.process();
    while (!thread.is_exiting && !process.has_exited && !frame::is_powering_off()) {
        auto reason = frame::execute_user(process.vm(), thread.context);
        ProcessTable::set_current(&process);
        switch (reason.kind) {
        case frame::ReturnReason::Kind::syscall:
            dispatch_syscall(thread);
            break;
        case frame::ReturnReason::Kind::exception:
            handle_exception(thread, reason.exception);
            break;
        case frame::ReturnReason::Kind::interrupted:
            rseq_preempted(thread);
            break;
        }
        if (process.memory->is_out_of_memory && !process.has_exited) {
            frame::klog(frame::LogLevel::error, "out of guest memory (%llu MiB): pid %d (%s) killed",
                static_cast<unsigned long long>(frame::total_frames() * page_size >> 20), thread.tid(),
                process.comm.c_str());
            kill_by_signal(process, sigkill);
        }
        frame::preempt_point();
    }
    if (process.has_exited && is_strace_on())
        trace_process_end(process.pid(), process.wait_status);
}

void exit_process(Process& process, int wait_status)
{
    if (process.has_exited)
        return;
    process.has_exited = true;
    process.wait_status = wait_status;
    // Shared file mappings reach their files when the process ends.
    if (process.memory)
        process.memory->sync_all();
    process.files = {};
    if (process.pid() == 1) {
        int sig = wait_status & 0x7f;
        frame::power_off(sig ? 128 + sig : (wait_status >> 8) & 0xff);
    }
}

} // namespace asterix::services
