#include "services/abi/ipc.h"
#include "services/ipc/msg.h"
#include "services/ipc/sem.h"
#include "services/ipc/shm.h"
#include "services/fs/proc_fs.h"

#include <cinttypes>
#include <functional>

#include "frame/bytes.h"
#include "frame/clock.h"
#include "frame/format.h"
#include "frame/phys_mem.h"
#include "services/abi/magic.h"
#include "services/fs/ram_fs.h"
#include "services/fs/vfs.h"
#include "services/process/process_table.h"

namespace asterix::services {

namespace {


Ref<RamFs>& proc_fs_instance()
{
    static Ref<RamFs> fs;
    return fs;
}

/// An open proc file: the text generated when it was opened.
class ProcTextFile final : public File {
public:
    ProcTextFile(Ref<Dentry> dentry, std::string text, u32 flags) : File(flags), m_dentry(std::move(dentry)), m_text(std::move(text)) {}

    Result<usize> read(frame::UserWriter& out) override
    {
        usize n = TRY(read_at(m_offset, out));
        m_offset += n;
        return n;
    }
    Result<usize> read_at(u64 offset, frame::UserWriter& out) override
    {
        if (offset >= m_text.size())
            return 0;
        std::span<const u8> bytes(reinterpret_text(m_text));
        return out.write(bytes.subspan(offset));
    }
    Result<usize> write(frame::UserReader&) override { return Errno::eacces; }
    Result<i64> seek(i64 offset, Whence whence) override
    {
        i64 base = whence == Whence::set ? 0 : whence == Whence::cur ? static_cast<i64>(m_offset) : static_cast<i64>(m_text.size());
        if (base + offset < 0)
            return Errno::einval;
        m_offset = static_cast<u64>(base + offset);
        return static_cast<i64>(m_offset);
    }
    Result<frame::FileStat> stat() override { return m_dentry->inode().stat(); }
    Dentry* dentry() override { return m_dentry.ptr(); }
    Inode* inode() override { return &m_dentry->inode(); }
    std::string description() override { return m_dentry->path(); }

private:
    static std::span<const u8> reinterpret_text(const std::string& text);
    Ref<Dentry> m_dentry;
    std::string m_text;
    u64 m_offset {0};
};

std::span<const u8> ProcTextFile::reinterpret_text(const std::string& text) { return text_bytes(text); }

using TextGenerator = std::function<Result<std::string>()>;
using LinkGenerator = std::function<Result<std::string>()>;
using DirGenerator = std::function<std::vector<std::pair<std::string, Ref<Inode>>>()>;
using ChildLookup = std::function<Result<Ref<Inode>>(std::string_view)>;

class ProcFile final : public RamInode {
public:
    ProcFile(TextGenerator generate, u32 mode = 0444)
        : RamInode(proc_fs_instance(), s_ifreg | mode, 0, 0), m_generate(std::move(generate))
    {
    }
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        if ((flags & o_accmode) != o_rdonly)
            return Errno::eacces;
        return Ref<File>(make_ref<ProcTextFile>(dentry, TRY(m_generate()), flags));
    }

private:
    TextGenerator m_generate;
};

class ProcLink final : public RamInode {
public:
    /// `magic`, when set, makes it a magic link that leads to a dentry directly.
    ProcLink(LinkGenerator target, std::function<Result<Ref<Dentry>>()> magic = {})
        : RamInode(proc_fs_instance(), s_iflnk | 0777, 0, 0), m_target(std::move(target)), m_magic(std::move(magic))
    {
    }
    Result<std::string> read_link() override { return m_target(); }
    bool is_magic_link() override { return static_cast<bool>(m_magic); }
    Result<Ref<Dentry>> follow_magic_link() override { return m_magic(); }

private:
    LinkGenerator m_target;
    std::function<Result<Ref<Dentry>>()> m_magic;
};

class ProcDir final : public RamInode {
public:
    ProcDir(DirGenerator list, u32 mode = 0555) : RamInode(proc_fs_instance(), s_ifdir | mode, 0, 0), m_list(std::move(list)) {}
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

std::string prot_text(u8 prot)
{
    std::string out = "---p";
    if (prot & frame::perm_read)
        out[0] = 'r';
    if (prot & frame::perm_write)
        out[1] = 'w';
    if (prot & frame::perm_exec)
        out[2] = 'x';
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

Ref<Inode> pid_dir(i32 pid);

Ref<Inode> fd_dir(i32 pid)
{
    return Ref<Inode>(make_ref<ProcDir>([pid] {
        std::vector<std::pair<std::string, Ref<Inode>>> entries;
        Process* process = ProcessTable::find(pid);
        if (!process)
            return entries;
        for (int fd = 0; fd < 65536; ++fd) {
            auto file = process->files->get(fd);
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
                })));
        }
        return entries;
    }, 0500));
}

Ref<Inode> fdinfo_dir(i32 pid)
{
    return Ref<Inode>(make_ref<ProcDir>([pid] {
        std::vector<std::pair<std::string, Ref<Inode>>> entries;
        Process* process = ProcessTable::find(pid);
        if (!process)
            return entries;
        for (int fd = 0; fd <= 1024; ++fd) {
            auto file = process->files->get(fd);
            if (file.is_error())
                continue;
            Ref<File> open_file = file.value();
            bool is_cloexec = process->files->is_cloexec(fd);
            entries.emplace_back(std::to_string(fd), Ref<Inode>(make_ref<ProcFile>([open_file, is_cloexec]() -> Result<std::string> {
                u32 flags = open_file->status_flags() | (is_cloexec ? o_cloexec : 0);
                return frame::format("pos:\t0\nflags:\t0%o\nmnt_id:\t0\nino:\t%llu\n", flags,
                    static_cast<unsigned long long>(open_file->stat().is_error() ? 0 : open_file->stat().value().ino));
            })));
        }
        return entries;
    }, 0500));
}

Ref<Inode> pid_dir(i32 pid)
{
    auto text = [pid](std::function<std::string(Process&)> make) {
        return Ref<Inode>(make_ref<ProcFile>([pid, make]() -> Result<std::string> { return make(*TRY(find_process(pid))); }));
    };
    auto dentry_link = [pid](std::function<Ref<Dentry>(Process&)> pick) {
        return Ref<Inode>(make_ref<ProcLink>(
            [pid, pick]() -> Result<std::string> { return pick(*TRY(find_process(pid)))->path(); },
            [pid, pick]() -> Result<Ref<Dentry>> { return pick(*TRY(find_process(pid))); }));
    };
    std::vector<std::pair<std::string, Ref<Inode>>> entries;
    // exe is a magic link, as in Linux: it leads to the program itself, so openat2's
    // RESOLVE_NO_MAGICLINKS and RESOLVE_NO_XDEV see the jump out of procfs.
    // FIXME: the process should keep its program's dentry; a renamed program is not found.
    entries.emplace_back("exe", Ref<Inode>(make_ref<ProcLink>(
        [pid]() -> Result<std::string> { return TRY(find_process(pid))->exe_path; },
        [pid]() -> Result<Ref<Dentry>> {
            std::string path = TRY(find_process(pid))->exe_path;
            return walk_path(Vfs::root(), Vfs::root(), path, Follow::follow);
        })));
    entries.emplace_back("cwd", dentry_link([](Process& p) { return p.fs->cwd; }));
    entries.emplace_back("root", dentry_link([](Process& p) { return p.fs->root; }));
    entries.emplace_back("fd", fd_dir(pid));
    entries.emplace_back("fdinfo", fdinfo_dir(pid));
    entries.emplace_back("cmdline", text([](Process& p) { return join_nul(p.argv); }));
    entries.emplace_back("environ", text([](Process& p) { return join_nul(p.envp); }));
    entries.emplace_back("comm", text([](Process& p) { return p.comm + "\n"; }));
    entries.emplace_back("mounts", text([](Process&) { return mounts_text(); }));
    entries.emplace_back("maps", text([](Process& p) {
        std::string out;
        for (const auto& [start, area] : p.memory->areas()) {
            out += frame::format("%08" PRIx64 "-%08" PRIx64 " %s %08" PRIx64 " 00:00 0", area.start, area.end,
                prot_text(area.prot).c_str(), u64 {0});
            if (!area.name.empty())
                out += std::string(25 - std::min<usize>(25, 0), ' ') + area.name;
            out += '\n';
        }
        return out;
    }));
    entries.emplace_back("stat", text([](Process& p) {
        auto ticks = [](u64 ns) { return ns / 10'000'000; };
        u64 vsize = 0;
        for (const auto& [start, area] : p.memory->areas())
            vsize += area.end - area.start;
        // Fields of proc(5): state, ppid, pgrp, session, tty, tpgid, flags, faults, utime, stime,
        // cutime, cstime, priority, nice, threads, itrealvalue, starttime, vsize, rss, rsslim...
        const char* state = p.is_stopped ? "T" : "R";
        return frame::format("%d (%s) %s %d %d %d 0 -1 4194560 0 0 0 0 ", p.pid(), p.comm.c_str(), state, p.ppid(), p.pgid, p.sid)
            + frame::format("%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %d %zu 0 %" PRIu64 " %" PRIu64 " %zu",
                ticks(p.user_ns), ticks(p.system_ns), ticks(p.children_user_ns), ticks(p.children_system_ns), 20 + p.nice,
                p.nice, p.threads.size(), ticks(p.start_time_ns), vsize, p.vm().mapped_pages())
            + " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    }));
    entries.emplace_back("status", text([](Process& p) {
        u64 vsize = 0;
        for (const auto& [start, area] : p.memory->areas())
            vsize += area.end - area.start;
        const Credentials& c = p.credentials();
        std::string groups;
        for (u32 group : c.groups)
            groups += frame::format("%u ", group);
        return frame::format("Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
                      "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t%s\n",
                   p.comm.c_str(), p.fs->umask, p.pid(), p.pid(), p.ppid(), c.uid, c.euid, c.suid, c.fsuid, c.gid, c.egid, c.sgid, c.fsgid,
                   groups.c_str())
            + frame::format("VmSize:\t%8" PRIu64 " kB\nVmRSS:\t%8" PRIu64 " kB\nThreads:\t%zu\nSigQ:\t0/63459\n", vsize / 1024,
                p.vm().mapped_pages() * 4, p.threads.size())
            + frame::format("CapInh:\t%016" PRIx64 "\nCapPrm:\t%016" PRIx64 "\nCapEff:\t%016" PRIx64 "\nCapBnd:\t%016" PRIx64
                     "\nCapAmb:\t%016" PRIx64 "\n",
                c.inheritable.bits(), c.permitted.bits(), c.effective.bits(), c.bounding.bits(), c.ambient.bits());
    }));
    auto dir = make_ref<ProcDir>([entries] { return entries; });
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
            {"ngroups_max", constant("65536\n")},
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
    auto sys_dir = make_ref<ProcDir>([kernel_dir] {
        return std::vector<std::pair<std::string, Ref<Inode>>> {{"kernel", Ref<Inode>(kernel_dir)}};
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
        {"cpuinfo", constant("processor\t: 0\nvendor_id\t: Asterix\nmodel name\t: Asterix virtual CPU\n"
                             "cpu MHz\t\t: 1000.000\ncache size\t: 0 KB\nflags\t\t: fpu sse sse2\n\n")},
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
        {"filesystems", constant("nodev\tproc\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\thostfs\n")},
        {"version", constant("Linux version 6.1.0-asterix (asterix) #1 SMP PREEMPT_DYNAMIC Asterix\n")},
        {"sys", Ref<Inode>(sys_dir)},
        {"sysvipc", Ref<Inode>(sysvipc_dir)},
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
