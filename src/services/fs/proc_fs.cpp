#include "services/abi/ipc.h"
#include "services/ipc/msg.h"
#include "services/ipc/sem.h"
#include "services/ipc/shm.h"
#include "services/ipc/message_queue.h"
#include "services/fs/proc_fs.h"

#include <array>
#include <cinttypes>
#include <functional>

#include "frame/bytes.h"
#include "frame/clock.h"
#include "frame/format.h"
#include "frame/phys_mem.h"
#include "services/abi/inotify.h"
#include "services/abi/magic.h"
#include "services/fs/inotify_file.h"
#include "services/fs/pid_file.h"
#include "services/fs/proc_clear_refs.h"
#include "services/fs/proc_maps.h"
#include "services/fs/proc_mem.h"
#include "services/fs/proc_pagemap.h"
#include "services/fs/proc_task_state.h"
#include "services/fs/ram_fs.h"
#include "services/fs/text_file.h"
#include "services/fs/record_lock.h"
#include "services/fs/sys_fs.h"
#include "services/fs/sysctl_int.h"
#include "services/fs/vfs.h"
#include "services/kernel_log.h"
#include "services/net/ping_group_range.h"
#include "services/net/proc_net.h"
#include "services/process/process_table.h"
#include "services/process/ptrace_access.h"
#include "services/tty/tty.h"

namespace asterix::services {

namespace {


Ref<RamFs>& proc_fs_instance()
{
    static Ref<RamFs> fs;
    return fs;
}

using TextGenerator = std::function<Result<std::string>()>;
using LinkGenerator = std::function<Result<std::string>()>;
using DirGenerator = std::function<std::vector<std::pair<std::string, Ref<Inode>>>()>;
using ChildLookup = std::function<Result<Ref<Inode>>(std::string_view)>;

Result<Process*> find_process(i32 pid);

/// The process a /proc/PID entry belongs to: the entry is owned by its dump owner (Linux's
/// task_dump_owner), and a guarded entry (environ, maps, fd, cwd, root, exe) may be reached
/// only by whom ptrace_may_access allows, else EACCES, as Linux's proc_mem_open and
/// proc_fd_access_allowed answer.
struct PidOwner {
    i32 pid {0};
    bool is_guarded {false};

    Result<frame::FileStat> patch(Result<frame::FileStat> st) const
    {
        if (st.is_error() || pid == 0)
            return st;
        if (Process* process = ProcessTable::find(pid)) {
            // A world-searchable directory (/proc/PID itself) keeps the effective owner even
            // when the process is not dumpable: stat(/proc/PID) is how tools learn its euid.
            const Credentials& creds = process->credentials();
            bool is_public_dir = st.value().mode == (s_ifdir | 0555);
            auto owner = is_public_dir ? DumpOwner {creds.euid, creds.egid} : dump_owner(*process);
            st.value().uid = owner.uid;
            st.value().gid = owner.gid;
        }
        return st;
    }

    Result<void> check() const
    {
        if (!is_guarded)
            return {};
        Process* target = TRY(find_process(pid));
        Thread* caller = ProcessTable::current_thread();
        if (!caller)
            return {}; // the kernel's own access
        if (ptrace_may_access(caller->credentials(), &caller->process(), *target, PtraceCreds::fs).is_error())
            return Errno::eacces;
        return {};
    }
};

class ProcFile final : public RamInode {
public:
    /// A read-only file, or with `set` a sysctl that root may write (mode 0644).
    ProcFile(TextGenerator generate, u32 mode = 0444, PidOwner owner = {}, TextSetter set = {})
        : RamInode(proc_fs_instance(), s_ifreg | (set ? 0644 : mode), 0, 0), m_generate(std::move(generate)),
          m_owner(owner), m_set(std::move(set))
    {
    }
    Result<frame::FileStat> stat() override
    {
        auto st = m_owner.patch(RamInode::stat());
        // procfs's block size is 1 KiB on Linux; stdio sizes its reads by it, so traces agree.
        constexpr i64 proc_block_size = 1024;
        if (!st.is_error())
            st.value().blksize = proc_block_size;
        return st;
    }
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        if ((flags & o_accmode) != o_rdonly) {
            // Only root writes a sysctl (Linux's sysctl_perm tests the owner's bits for euid 0).
            Thread* thread = ProcessTable::current_thread();
            if (!m_set || !thread || thread->credentials().euid != 0)
                return Errno::eacces;
        }
        TRY(m_owner.check());
        TextSetter set;
        if (m_set) {
            // Linux's proc_sys_call_handler asks sysctl_perm again at each write: a descriptor
            // root opened no longer writes once its holder is not root (EPERM).
            set = [inner = m_set](std::string_view text) -> Result<void> {
                Thread* thread = ProcessTable::current_thread();
                if (thread && thread->credentials().euid != 0)
                    return Errno::eperm;
                return inner(text);
            };
        }
        return Ref<File>(make_ref<TextFile>(dentry, TRY(m_generate()), flags, std::move(set)));
    }

private:
    TextGenerator m_generate;
    PidOwner m_owner;
    TextSetter m_set;
};

/// /proc/PID/pagemap: reached as /proc/PID/mem is (ptrace read access), and the page frame
/// numbers shown only to an opener with CAP_SYS_ADMIN, as Linux's pagemap_open decides.
class ProcPagemap final : public RamInode {
public:
    explicit ProcPagemap(i32 pid) : RamInode(proc_fs_instance(), s_ifreg | 0400, 0, 0), m_owner {pid, true} {}
    Result<frame::FileStat> stat() override { return m_owner.patch(RamInode::stat()); }
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        TRY(m_owner.check());
        Thread* thread = ProcessTable::current_thread();
        bool shows_pfn = !thread || thread->credentials().has_capability(abi::Capability::sys_admin);
        return open_pagemap(dentry, flags, m_owner.pid, shows_pfn);
    }

private:
    PidOwner m_owner;
};

/// /proc/PID/clear_refs: write-only for the process's owner (mode 0200), as Linux's.
class ProcClearRefs final : public RamInode {
public:
    explicit ProcClearRefs(i32 pid) : RamInode(proc_fs_instance(), s_ifreg | 0200, 0, 0), m_owner {pid, false} {}
    Result<frame::FileStat> stat() override { return m_owner.patch(RamInode::stat()); }
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        TRY(find_process(m_owner.pid));
        return open_clear_refs(dentry, flags, m_owner.pid);
    }

private:
    PidOwner m_owner;
};

/// /proc/PID/mem (and each thread's): open to whom ptrace_may_access allows, as Linux's
/// proc_mem_open, read and written at the offsets that are addresses.
class ProcMem final : public RamInode {
public:
    explicit ProcMem(i32 pid) : RamInode(proc_fs_instance(), s_ifreg | 0600, 0, 0), m_owner {pid, true} {}
    Result<frame::FileStat> stat() override { return m_owner.patch(RamInode::stat()); }
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        TRY(m_owner.check());
        return open_proc_mem(dentry, flags, m_owner.pid);
    }

private:
    PidOwner m_owner;
};

/// An unsigned decimal sysctl value, with surrounding white space (what `echo N >` writes).
Result<u64> parse_sysctl_number(std::string_view text)
{
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
    usize i = 0;
    while (i < text.size() && is_space(text[i]))
        ++i;
    u64 value = 0;
    usize digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
        if (value > (~0ull - 9) / 10)
            return Errno::einval;
        value = value * 10 + static_cast<u64>(text[i] - '0');
    }
    while (i < text.size() && is_space(text[i]))
        ++i;
    if (digits == 0 || i != text.size())
        return Errno::einval;
    return value;
}

class ProcLink final : public RamInode {
public:
    /// `magic`, when set, makes it a magic link that leads to a dentry directly.
    ProcLink(LinkGenerator target, std::function<Result<Ref<Dentry>>()> magic = {}, PidOwner owner = {})
        : RamInode(proc_fs_instance(), s_iflnk | 0777, 0, 0), m_target(std::move(target)), m_magic(std::move(magic)),
          m_owner(owner)
    {
    }
    Result<frame::FileStat> stat() override { return m_owner.patch(RamInode::stat()); }
    Result<std::string> read_link() override
    {
        TRY(m_owner.check());
        return m_target();
    }
    bool is_magic_link() override { return static_cast<bool>(m_magic); }
    Result<Ref<Dentry>> follow_magic_link() override
    {
        TRY(m_owner.check());
        return m_magic();
    }

private:
    LinkGenerator m_target;
    std::function<Result<Ref<Dentry>>()> m_magic;
    PidOwner m_owner;
};

class ProcDir final : public RamInode {
public:
    ProcDir(DirGenerator list, u32 mode = 0555, PidOwner owner = {})
        : RamInode(proc_fs_instance(), s_ifdir | mode, 0, 0), m_list(std::move(list)), m_owner(owner)
    {
    }
    Result<frame::FileStat> stat() override { return m_owner.patch(RamInode::stat()); }
    Result<Ref<Inode>> lookup(std::string_view name) override
    {
        for (auto& [entry_name, inode] : m_list()) {
            if (entry_name == name)
                return inode;
        }
        return Errno::enoent;
    }
    Result<std::vector<DirEntry>> read_dir() override
    {
        std::vector<DirEntry> entries;
        for (auto& [name, inode] : m_list()) {
            auto st = TRY(inode->stat());
            entries.push_back({st.ino, dirent_type(st.mode), name});
        }
        return entries;
    }

private:
    DirGenerator m_list;
    PidOwner m_owner;
};

/// An inode standing for an open file that has no name in the tree (a pipe, the console):
/// opening it through /proc/PID/fd/N gives that same file.
class OpenFileInode final : public RamInode {
public:
    explicit OpenFileInode(Ref<File> file) : RamInode(proc_fs_instance(), s_ififo | 0600, 0, 0), m_file(std::move(file)) {}
    Result<frame::FileStat> stat() override { return m_file->stat(); }
    Result<Ref<File>> open(const Ref<Dentry>&, u32) override { return m_file; }

private:
    Ref<File> m_file;
};

Result<Process*> find_process(i32 pid)
{
    Process* process = ProcessTable::find(pid);
    if (!process)
        return Errno::enoent;
    return process;
}

std::string join_nul(const std::vector<std::string>& strings)
{
    std::string out;
    for (const auto& s : strings) {
        out += s;
        out += '\0';
    }
    return out;
}

std::string mounts_text()
{
    std::string out;
    for (const auto& mount : Vfs::mounts()) {
        std::string at = mount.mount_point ? mount.mount_point->path() : "/";
        out += mount.source + " " + at + " " + mount.root->inode().fs().type() + " " + mount.options + " 0 0\n";
    }
    return out;
}

/// /proc/PID/mountinfo (proc(5)): one line a mount, with an id, its parent's id, a device
/// number, the root and the mount point, the per-mount and the file system's options.
std::string mountinfo_text()
{
    std::string out;
    constexpr int first_id = 20;
    int id = first_id;
    for (const auto& mount : Vfs::mounts()) {
        std::string at = mount.mount_point ? mount.mount_point->path() : "/";
        bool is_read_only = mount.options == "ro" || mount.options.starts_with("ro,");
        out += frame::format("%d %d 0:%d / %s %s - %s %s %s\n", id, id == first_id ? 1 : first_id, id, at.c_str(),
            is_read_only ? "ro" : "rw", mount.root->inode().fs().type().c_str(), mount.source.c_str(), mount.options.c_str());
        ++id;
    }
    return out;
}

/// /proc/PID/limits, laid out as Linux's proc_pid_limits.
std::string limits_text(const Process& p)
{
    struct Row {
        const char* name;
        const char* unit;
    };
    static constexpr std::array<Row, rlimit_count> rows {{{"Max cpu time", "seconds"}, {"Max file size", "bytes"},
        {"Max data size", "bytes"}, {"Max stack size", "bytes"}, {"Max core file size", "bytes"},
        {"Max resident set", "bytes"}, {"Max processes", "processes"}, {"Max open files", "files"},
        {"Max locked memory", "bytes"}, {"Max address space", "bytes"}, {"Max file locks", "locks"},
        {"Max pending signals", "signals"}, {"Max msgqueue size", "bytes"}, {"Max nice priority", nullptr},
        {"Max realtime priority", nullptr}, {"Max realtime timeout", "us"}}};
    auto value = [](u64 limit) {
        return limit == abi::rlim_infinity ? std::string("unlimited") : std::to_string(limit);
    };
    std::string out = frame::format("%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (usize i = 0; i < rows.size(); ++i) {
        out += frame::format("%-25s %-20s %-20s ", rows[i].name, value(p.rlimit(static_cast<int>(i)).cur).c_str(), value(p.rlimit(static_cast<int>(i)).max).c_str());
        if (rows[i].unit)
            out += frame::format("%-10s", rows[i].unit);
        out += "\n";
    }
    return out;
}

Ref<Inode> pid_dir(i32 pid);

Ref<Inode> fd_dir(i32 pid)
{
    return Ref<Inode>(make_ref<ProcDir>([pid] {
        std::vector<std::pair<std::string, Ref<Inode>>> entries;
        Process* process = ProcessTable::find(pid);
        if (!process || !process->files())
            return entries;
        for (int fd = 0; fd < 65536; ++fd) {
            auto file = process->files()->get(fd);
            if (file.is_error()) {
                if (fd > 1024)
                    break;
                continue;
            }
            Ref<File> open_file = file.value();
            entries.emplace_back(std::to_string(fd), Ref<Inode>(make_ref<ProcLink>(
                [open_file]() -> Result<std::string> { return open_file->description(); },
                [open_file]() -> Result<Ref<Dentry>> {
                    if (open_file->dentry())
                        return Ref<Dentry>(open_file->dentry());
                    return make_ref<Dentry>("fd", Ref<Dentry>(), Ref<Inode>(make_ref<OpenFileInode>(open_file)));
                },
                PidOwner {pid, true})));
        }
        return entries;
    }, 0500, PidOwner {pid, false}));
}

/// The lines a pidfd adds to its fdinfo (Linux's pidfd_show_fdinfo): the process's (or the
/// thread's) id, and in its (only) pid namespace the same; -1 once it is gone.
std::string pidfd_fdinfo(PidFile& pidfd)
{
    i32 id = pidfd.is_gone() ? -1 : pidfd.id();
    return frame::format("Pid:\t%d\nNSpid:\t%d\n", id, id);
}

Ref<Inode> fdinfo_dir(i32 pid)
{
    return Ref<Inode>(make_ref<ProcDir>([pid] {
        std::vector<std::pair<std::string, Ref<Inode>>> entries;
        Process* process = ProcessTable::find(pid);
        if (!process || !process->files())
            return entries;
        for (int fd = 0; fd <= 1024; ++fd) {
            auto file = process->files()->get(fd);
            if (file.is_error())
                continue;
            Ref<File> open_file = file.value();
            bool is_cloexec = process->files()->is_cloexec(fd);
            entries.emplace_back(std::to_string(fd), Ref<Inode>(make_ref<ProcFile>([open_file, is_cloexec]() -> Result<std::string> {
                u32 flags = open_file->status_flags() | (is_cloexec ? o_cloexec : 0);
                std::string out = frame::format("pos:\t0\nflags:\t0%o\nmnt_id:\t0\nino:\t%llu\n", flags,
                    static_cast<unsigned long long>(open_file->stat().is_error() ? 0 : open_file->stat().value().ino));
                if (PidFile* pidfd = open_file->as_pidfd())
                    out += pidfd_fdinfo(*pidfd);
                return out;
            }, 0444, PidOwner {pid, true})));
        }
        return entries;
    }, 0500, PidOwner {pid, false}));
}

u64 mapped_bytes(Process& p)
{
    u64 vsize = 0;
    if (p.memory()) {
        for (const auto& [start, area] : p.memory()->areas())
            vsize += area.end - area.start;
    }
    return vsize;
}

/// The nice value /proc shows: the thread's, or for a process its main thread's (Linux shows
/// the group leader's), 0 once no thread is left.
int shown_nice(Process& p, Thread* thread)
{
    if (thread)
        return thread->nice();
    for (const auto& other : p.threads()) {
        if (other->tid() == p.pid())
            return other->nice();
    }
    return p.threads().empty() ? 0 : p.threads().front()->nice();
}

/// /proc/PID/stat, or /proc/PID/task/TID/stat when `thread` is set. A zombie has no memory,
/// files or fs context left: its fields read as zero, as Linux's do.
std::string stat_text(Process& p, Thread* thread)
{
    auto ticks = [](u64 ns) { return ns / 10'000'000; };
    u64 rss_pages = p.memory() ? p.vm().mapped_pages() : 0;
    i32 id = thread ? thread->tid() : p.pid();
    // Fields of proc(5): state, ppid, pgrp, session, tty, tpgid, flags, faults, utime, stime,
    // cutime, cstime, priority, nice, threads, itrealvalue, starttime, vsize, rss, rsslim...
    char state = task_state(p, thread);
    u64 user_ns = thread ? thread->user_ns() : p.cpu_times().user_ns;
    u64 system_ns = thread ? thread->system_ns() : p.cpu_times().system_ns;
    int nice = shown_nice(p, thread);
    // The controlling terminal: its device number as stat's st_rdev encodes it, and its
    // foreground group; 0 and -1 without one.
    u64 tty_nr = 0;
    i32 tpgid = -1;
    if (Tty* tty = Tty::of_session(p.sid())) {
        auto st = tty->driver().stat();
        tty_nr = st.is_error() ? 0 : st.value().rdev;
        tpgid = tty->job_control().foreground_pgrp();
    }
    // minflt: the faults of the process's address space (FIXME: Linux counts them per thread
    // and keeps them across exec; cminflt and the major faults are 0).
    u64 faults = p.memory() ? p.vm().fault_count() : 0;
    return frame::format("%d (%s) %c %d %d %d %" PRIu64 " %d 4194560 %" PRIu64 " 0 0 0 ", id, p.comm().c_str(), state, p.ppid(), p.pgid(),
               p.sid(), tty_nr, tpgid, faults)
        + frame::format("%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %d %zu 0 %" PRIu64 " %" PRIu64 " %" PRIu64,
            ticks(user_ns), ticks(system_ns), ticks(p.cpu_times().children_user_ns), ticks(p.cpu_times().children_system_ns), 20 + nice, nice,
            p.threads().size(), ticks(p.start_time_ns()), mapped_bytes(p), rss_pages)
        + " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
}

std::string status_text(Process& p, Thread* thread)
{
    const Credentials& c = thread ? thread->credentials() : p.credentials();
    std::string groups;
    for (u32 group : c.groups)
        groups += frame::format("%u ", group);
    u32 umask = p.fs() ? p.fs()->umask : 0;
    i32 id = thread ? thread->tid() : p.pid();
    std::string out = frame::format("Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
                                    "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t%s\n",
        p.comm().c_str(), umask, task_state_name(task_state(p, thread)), p.pid(), id, p.ppid(), c.uid, c.euid, c.suid, c.fsuid, c.gid,
        c.egid, c.sgid, c.fsgid, groups.c_str());
    if (p.memory()) {
        out += frame::format(
            "VmSize:\t%8" PRIu64 " kB\nVmLck:\t%8" PRIu64 " kB\nVmRSS:\t%8" PRIu64 " kB\n", mapped_bytes(p) / 1024,
            p.memory()->locked_bytes() / 1024, p.vm().mapped_pages() * 4);
    }
    return out + frame::format("Threads:\t%zu\nSigQ:\t0/63459\n", p.threads().size())
        + frame::format("CapInh:\t%016" PRIx64 "\nCapPrm:\t%016" PRIx64 "\nCapEff:\t%016" PRIx64 "\nCapBnd:\t%016" PRIx64
                        "\nCapAmb:\t%016" PRIx64 "\n",
            c.inheritable.bits(), c.permitted.bits(), c.effective.bits(), c.bounding.bits(), c.ambient.bits());
}

/// Finds a thread of process `pid` by tid, for /proc/PID/task/TID.
Result<Thread*> find_thread_of(Process& process, i32 tid)
{
    for (const auto& thread : process.threads()) {
        if (thread->tid() == tid)
            return thread.get();
    }
    return Errno::enoent;
}

Ref<Inode> thread_dir(i32 pid, i32 tid)
{
    auto text = [pid, tid](std::function<std::string(Process&, Thread&)> make) {
        return Ref<Inode>(make_ref<ProcFile>([pid, tid, make]() -> Result<std::string> {
            Process& process = *TRY(find_process(pid));
            return make(process, *TRY(find_thread_of(process, tid)));
        }));
    };
    std::vector<std::pair<std::string, Ref<Inode>>> entries;
    entries.emplace_back("stat", text([](Process& p, Thread& t) { return stat_text(p, &t); }));
    entries.emplace_back("status", text([](Process& p, Thread& t) { return status_text(p, &t); }));
    entries.emplace_back("wchan", text([](Process& p, Thread& t) { return wait_channel(p, &t); }));
    entries.emplace_back("comm", text([](Process& p, Thread&) { return p.comm() + "\n"; }));
    entries.emplace_back("mem", Ref<Inode>(make_ref<ProcMem>(pid)));
    // The threads share one memory map: each shows the process's (debuggers read it per thread).
    entries.emplace_back("maps", Ref<Inode>(make_ref<ProcFile>(
        [pid]() -> Result<std::string> { return maps_text(*TRY(find_process(pid))); }, 0444, PidOwner {pid, true})));
    return Ref<Inode>(make_ref<ProcDir>([entries] { return entries; }));
}

/// /proc/PID/task: one directory per thread of the process.
Ref<Inode> task_dir(i32 pid)
{
    return Ref<Inode>(make_ref<ProcDir>([pid] {
        std::vector<std::pair<std::string, Ref<Inode>>> entries;
        Process* process = ProcessTable::find(pid);
        if (!process)
            return entries;
        for (const auto& thread : process->threads())
            entries.emplace_back(std::to_string(thread->tid()), thread_dir(pid, thread->tid()));
        return entries;
    }));
}

Ref<Inode> pid_dir(i32 pid)
{
    auto text = [pid](std::function<std::string(Process&)> make, u32 mode = 0444, bool is_guarded = false) {
        return Ref<Inode>(make_ref<ProcFile>([pid, make]() -> Result<std::string> { return make(*TRY(find_process(pid))); },
            mode, PidOwner {pid, is_guarded}));
    };
    auto dentry_link = [pid](std::function<Ref<Dentry>(Process&)> pick) {
        // A zombie has no root or working directory left.
        auto picked = [pid, pick]() -> Result<Ref<Dentry>> {
            Process* process = TRY(find_process(pid));
            Ref<Dentry> dentry = process->fs() ? pick(*process) : Ref<Dentry>();
            if (!dentry)
                return Errno::enoent;
            return dentry;
        };
        return Ref<Inode>(make_ref<ProcLink>(
            [picked]() -> Result<std::string> { return TRY(picked())->path(); }, picked, PidOwner {pid, true}));
    };
    std::vector<std::pair<std::string, Ref<Inode>>> entries;
    // exe is a magic link, as in Linux: it leads to the program itself, so openat2's
    // RESOLVE_NO_MAGICLINKS and RESOLVE_NO_XDEV see the jump out of procfs.
    // FIXME: the process should keep its program's dentry; a renamed program is not found.
    entries.emplace_back("exe", Ref<Inode>(make_ref<ProcLink>(
        [pid]() -> Result<std::string> { return TRY(find_process(pid))->exe_path(); },
        [pid]() -> Result<Ref<Dentry>> {
            std::string path = TRY(find_process(pid))->exe_path();
            return walk_path(Vfs::root(), Vfs::root(), path, Follow::follow);
        },
        PidOwner {pid, true})));
    entries.emplace_back("cwd", dentry_link([](Process& p) { return p.fs()->cwd; }));
    entries.emplace_back("root", dentry_link([](Process& p) { return p.fs()->root; }));
    entries.emplace_back("fd", fd_dir(pid));
    entries.emplace_back("fdinfo", fdinfo_dir(pid));
    // A zombie has freed its memory: its cmdline and environ read empty, as Linux's do.
    entries.emplace_back("cmdline", text([](Process& p) { return p.has_exited() ? std::string() : join_nul(p.argv()); }));
    entries.emplace_back("environ", text([](Process& p) { return p.has_exited() ? std::string() : join_nul(p.envp()); }, 0400, true));
    entries.emplace_back("comm", text([](Process& p) { return p.comm() + "\n"; }));
    entries.emplace_back("pagemap", Ref<Inode>(make_ref<ProcPagemap>(pid)));
    entries.emplace_back("clear_refs", Ref<Inode>(make_ref<ProcClearRefs>(pid)));
    entries.emplace_back("mem", Ref<Inode>(make_ref<ProcMem>(pid)));
    entries.emplace_back("auxv", text([](Process& p) { return p.has_exited() ? std::string() : p.saved_auxv(); }, 0400, true));
    entries.emplace_back("mounts", text([](Process&) { return mounts_text(); }));
    entries.emplace_back("maps", text(maps_text, 0444, true));
    entries.emplace_back("smaps", text(smaps_text, 0444, true));
    entries.emplace_back("smaps_rollup", text(smaps_rollup_text, 0444, true));
    entries.emplace_back("stat", text([](Process& p) { return stat_text(p, nullptr); }));
    entries.emplace_back("status", text([](Process& p) { return status_text(p, nullptr); }));
    entries.emplace_back("wchan", text([](Process& p) { return wait_channel(p, nullptr); }));
    entries.emplace_back("task", task_dir(pid));
    entries.emplace_back("mountinfo", text([](Process&) { return mountinfo_text(); }));
    entries.emplace_back("limits", text([](Process& p) { return limits_text(p); }));
    entries.emplace_back("statm", text([](Process& p) {
        // Pages: total, resident, shared, text, library (always 0), data, dirty (always 0).
        if (p.has_exited() || !p.memory())
            return std::string("0 0 0 0 0 0 0\n");
        u64 size = mapped_bytes(p) / 4096;
        return frame::format("%" PRIu64 " %" PRIu64 " 0 0 0 %" PRIu64 " 0\n", size, u64 {p.vm().mapped_pages()}, size);
    }));
    auto dir = make_ref<ProcDir>([entries] { return entries; }, 0555, PidOwner {pid, false});
    return Ref<Inode>(dir);
}

std::string meminfo_text()
{
    u64 total_kb = frame::total_frames() * 4;
    u64 free_kb = frame::free_frames() * 4;
    return frame::format("MemTotal:       %8" PRIu64 " kB\nMemFree:        %8" PRIu64 " kB\nMemAvailable:   %8" PRIu64
                  " kB\nBuffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n",
               total_kb, free_kb, free_kb)
        + "SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n";
}

} // namespace

Ref<Inode> make_proc_fs()
{
    auto fs = make_ref<RamFs>("proc", 0, abi::proc_super_magic);
    fs->set_dev(0x16);
    proc_fs_instance() = fs;
    auto constant = [](std::string text) {
        return Ref<Inode>(make_ref<ProcFile>([text]() -> Result<std::string> { return text; }));
    };
    auto generated = [](std::function<std::string()> make) {
        return Ref<Inode>(make_ref<ProcFile>([make]() -> Result<std::string> { return make(); }));
    };
    auto kernel_dir = make_ref<ProcDir>([constant] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {
            {"ostype", constant("Linux\n")},
            {"osrelease", constant("6.1.0-asterix\n")},
            {"hostname", constant("asterix\n")},
            {"pid_max", constant("4194304\n")},
            {"threads-max", Ref<Inode>(make_ref<ProcFile>(
                 []() -> Result<std::string> { return std::to_string(ProcessTable::threads_max()) + "\n"; }, 0644, PidOwner {},
                 [](std::string_view text) -> Result<void> {
                     return ProcessTable::set_threads_max(TRY(parse_sysctl_number(text)));
                 }))},
            {"ngroups_max", constant("65536\n")},
            {"yama", Ref<Inode>(make_ref<ProcDir>([] {
                 return std::vector<std::pair<std::string, Ref<Inode>>> {{"ptrace_scope",
                     Ref<Inode>(make_ref<ProcFile>(
                         []() -> Result<std::string> { return std::to_string(yama_ptrace_scope()) + "\n"; }, 0644,
                         PidOwner {}, [](std::string_view text) -> Result<void> {
                             return set_yama_ptrace_scope(static_cast<int>(TRY(parse_sysctl_number(text))));
                         }))}};
             }))},
            // Only CAP_SYS_ADMIN may change it (Linux's proc_dointvec_minmax_sysadmin), 0 or 1.
            {"dmesg_restrict", Ref<Inode>(make_ref<ProcFile>(
                 []() -> Result<std::string> { return std::string(kernel_log::is_restricted() ? "1\n" : "0\n"); }, 0644, PidOwner {},
                 [](std::string_view text) -> Result<void> {
                     Thread* thread = ProcessTable::current_thread();
                     if (thread && !thread->credentials().has_capability(abi::Capability::sys_admin))
                         return Errno::eperm;
                     u64 value = TRY(parse_sysctl_number(text));
                     if (value > 1)
                         return Errno::einval;
                     kernel_log::set_restricted(value == 1);
                     return {};
                 }))},
            {"printk", Ref<Inode>(make_ref<ProcFile>([]() -> Result<std::string> { return kernel_log::printk_levels_text(); }))},
            // System V IPC limits, Linux's defaults (what ipcs -l prints).
            {"shmmax", constant(std::to_string(abi::shmmax) + "\n")},
            {"shmall", constant(std::to_string(abi::shmall) + "\n")},
            {"shmmni", constant(std::to_string(abi::shmmni) + "\n")},
            {"sem", constant(frame::format("%d\t%llu\t%d\t%d\n", abi::semmsl, static_cast<unsigned long long>(abi::semmns), abi::semopm, abi::semmni))},
            {"msgmax", constant(std::to_string(abi::msgmax) + "\n")},
            {"msgmnb", constant(std::to_string(abi::msgmnb) + "\n")},
            {"msgmni", constant(std::to_string(abi::msgmni) + "\n")},
        };
    });
    auto sysvipc_dir = make_ref<ProcDir>([generated] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {
            {"shm", generated(sysvipc_shm_text)},
            {"sem", generated(sysvipc_sem_text)},
            {"msg", generated(sysvipc_msg_text)},
        };
    });
    auto net_dir = make_ref<ProcDir>([generated] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {
            {"dev", generated(proc_net_dev_text)},
            {"if_inet6", generated(proc_net_if_inet6_text)},
            {"tcp", generated([] { return proc_net_tcp_text(false); })},
            {"tcp6", generated([] { return proc_net_tcp_text(true); })},
            {"udp", generated([] { return proc_net_udp_text(false); })},
            {"udp6", generated([] { return proc_net_udp_text(true); })},
        };
    });
    // POSIX message queue limits (mq_overview(7)); root may change them within Linux's bounds.
    auto mqueue_limit = [](i64 MqueueLimits::*field, i64 min, i64 max) {
        return Ref<Inode>(make_ref<ProcFile>(
            [field]() -> Result<std::string> { return std::to_string(mqueue_limits().*field) + "\n"; }, 0644, PidOwner {},
            [field, min, max](std::string_view text) -> Result<void> {
                u64 value = TRY(parse_sysctl_number(text));
                if (value < static_cast<u64>(min) || value > static_cast<u64>(max))
                    return Errno::einval;
                mqueue_limits().*field = static_cast<i64>(value);
                return {};
            }));
    };
    auto mqueue_dir = make_ref<ProcDir>([mqueue_limit] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {
            {"msg_default", mqueue_limit(&MqueueLimits::msg_default, abi::mq_hard_msgmin, abi::mq_hard_msgmax)},
            {"msg_max", mqueue_limit(&MqueueLimits::msg_max, abi::mq_hard_msgmin, abi::mq_hard_msgmax)},
            {"msgsize_default", mqueue_limit(&MqueueLimits::msgsize_default, abi::mq_hard_msgsizemin, abi::mq_hard_msgsizemax)},
            {"msgsize_max", mqueue_limit(&MqueueLimits::msgsize_max, abi::mq_hard_msgsizemin, abi::mq_hard_msgsizemax)},
            {"queues_max", mqueue_limit(&MqueueLimits::queues_max, 0, 0x7fffffff)},
        };
    });
    // inotify's limits (inotify(7)): 0 to INT_MAX, max_queued_events an int sysctl
    // (proc_dointvec_minmax), the per-user two unsigned longs (proc_doulongvec_minmax).
    auto inotify_limit = [](u32 InotifyLimits::*field, SysctlKind kind) {
        return Ref<Inode>(make_ref<ProcFile>(
            [field]() -> Result<std::string> { return std::to_string(inotify_limits().*field) + "\n"; }, 0644, PidOwner {},
            [field, kind](std::string_view text) -> Result<void> {
                constexpr i64 int_max = 0x7fffffff;
                inotify_limits().*field = static_cast<u32>(TRY(parse_sysctl_int(text, 0, int_max, kind)));
                return {};
            }));
    };
    auto inotify_dir = make_ref<ProcDir>([inotify_limit] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {
            {"max_queued_events", inotify_limit(&InotifyLimits::max_queued_events, SysctlKind::int_value)},
            {"max_user_instances", inotify_limit(&InotifyLimits::max_user_instances, SysctlKind::ulong_value)},
            {"max_user_watches", inotify_limit(&InotifyLimits::max_user_watches, SysctlKind::ulong_value)},
        };
    });
    auto fs_dir = make_ref<ProcDir>([mqueue_dir, inotify_dir] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {{"inotify", Ref<Inode>(inotify_dir)}, {"mqueue", Ref<Inode>(mqueue_dir)}};
    });
    auto ipv4_dir = make_ref<ProcDir>([] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {
            {"ping_group_range", Ref<Inode>(make_ref<ProcFile>(
                 []() -> Result<std::string> { return ping_group_range().text(); }, 0644, PidOwner {},
                 [](std::string_view text) -> Result<void> {
                     ping_group_range() = TRY(ping_group_range().written(text));
                     return {};
                 }))},
        };
    });
    auto sys_net_dir = make_ref<ProcDir>([ipv4_dir] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {{"ipv4", Ref<Inode>(ipv4_dir)}};
    });
    auto sys_dir = make_ref<ProcDir>([kernel_dir, fs_dir, sys_net_dir] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {
            {"fs", Ref<Inode>(fs_dir)}, {"kernel", Ref<Inode>(kernel_dir)}, {"net", Ref<Inode>(sys_net_dir)}};
    });
    std::vector<std::pair<std::string, Ref<Inode>>> fixed = {
        {"self", Ref<Inode>(make_ref<ProcLink>([]() -> Result<std::string> {
             Process* current = ProcessTable::current();
             return current ? std::to_string(current->pid()) : Result<std::string>(Errno::enoent);
         }))},
        {"thread-self", Ref<Inode>(make_ref<ProcLink>([]() -> Result<std::string> {
             Process* current = ProcessTable::current();
             if (!current)
                 return Errno::enoent;
             return std::to_string(current->pid()) + "/task/" + std::to_string(current->pid());
         }))},
        {"mounts", Ref<Inode>(make_ref<ProcLink>([]() -> Result<std::string> { return std::string("self/mounts"); }))},
        {"meminfo", generated(meminfo_text)},
        {"locks", generated(proc_locks_text)},
        {"cpuinfo", generated([] {
             std::string out;
             for (u32 cpu = 0; cpu < guest_cpu_count; ++cpu) {
                 out += frame::format("processor\t: %u\nvendor_id\t: Asterix\nmodel name\t: Asterix virtual CPU\n"
                                      "cpu MHz\t\t: 1000.000\ncache size\t: 0 KB\nflags\t\t: fpu sse sse2\n\n", cpu);
             }
             return out;
         })},
        {"stat", generated([] {
             u64 ticks = ProcessTable::uptime_ns() / 10'000'000;
             return frame::format("cpu  %" PRIu64 " 0 0 0 0 0 0 0 0 0\ncpu0 %" PRIu64 " 0 0 0 0 0 0 0 0 0\n", ticks, ticks)
                 + frame::format("intr 0\nctxt 0\nbtime %" PRIu64 "\nprocesses %zu\nprocs_running 1\nprocs_blocked 0\n",
                     ProcessTable::boot_epoch_sec(), ProcessTable::all().size());
         })},
        {"uptime", generated([] {
             u64 ns = ProcessTable::uptime_ns();
             return frame::format("%" PRIu64 ".%02" PRIu64 " 0.00\n", ns / 1'000'000'000, ns / 10'000'000 % 100);
         })},
        {"loadavg", generated([] { return frame::format("0.00 0.00 0.00 1/%zu 1\n", ProcessTable::all().size()); })},
        {"filesystems", constant("nodev\tproc\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tmqueue\nnodev\thostfs\n")},
        {"version", constant("Linux version 6.1.0-asterix (asterix) #1 SMP PREEMPT_DYNAMIC Asterix\n")},
        {"sys", Ref<Inode>(sys_dir)},
        {"sysvipc", Ref<Inode>(sysvipc_dir)},
        {"net", Ref<Inode>(net_dir)},
    };
    auto root = make_ref<ProcDir>([fixed] {
        auto entries = fixed;
        for (const auto& [pid, process] : ProcessTable::all()) {
            entries.emplace_back(std::to_string(pid), pid_dir(pid));
        }
        return entries;
    });
    return Ref<Inode>(root);
}

} // namespace asterix::services
