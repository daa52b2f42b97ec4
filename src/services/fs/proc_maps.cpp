#include "services/fs/proc_maps.h"

#include <array>
#include <cinttypes>

#include "frame/format.h"
#include "services/mm/memory_map.h"

namespace asterix::services {

namespace {

/// The column where Linux's show_map_vma pads the name to (seq_pad after the inode number).
constexpr usize name_column = 73;

/// What one area (or all of them, for the rollup) uses, in bytes. Pss is kept in
/// 1/4096ths of a byte, as Linux's PSS_SHIFT fixed point does, so sharing rounds late.
struct Usage {
    u64 size {0};
    u64 rss {0};
    u64 pss_scaled {0};
    u64 pss_dirty_scaled {0};
    u64 pss_anon_scaled {0};
    u64 pss_file_scaled {0};
    u64 pss_shmem_scaled {0};
    u64 shared_clean {0};
    u64 shared_dirty {0};
    u64 private_clean {0};
    u64 private_dirty {0};
    u64 anonymous {0};
    u64 locked_scaled {0};

    void add(const Usage& other)
    {
        size += other.size;
        rss += other.rss;
        pss_scaled += other.pss_scaled;
        pss_dirty_scaled += other.pss_dirty_scaled;
        pss_anon_scaled += other.pss_anon_scaled;
        pss_file_scaled += other.pss_file_scaled;
        pss_shmem_scaled += other.pss_shmem_scaled;
        shared_clean += other.shared_clean;
        shared_dirty += other.shared_dirty;
        private_clean += other.private_clean;
        private_dirty += other.private_dirty;
        anonymous += other.anonymous;
        locked_scaled += other.locked_scaled;
    }
};

constexpr u64 pss_shift = 12;

/// Counts the resident pages of `area`. The page table knows no dirty or accessed bits, and a
/// frame's share count includes the page cache's own handle, so this follows what the memory
/// map knows instead: a page of a file mapping that the page cache also holds is the file's
/// (clean, its mappers are the other holders); any other page is anonymous memory (dirty,
/// including a private file page copied on write); a page is shared when more than one
/// mapping holds it, and each mapper's Pss gets an equal part of it.
Usage area_usage(Process& process, const Area& area)
{
    Usage usage;
    usage.size = area.end - area.start;
    bool is_shmem = area.file && area.is_shared && !area.file->dentry();
    // The program and its interpreter are mapped from their files without keeping the file,
    // their pages copied: a read-only page of them is still the file's (clean) page, as the
    // vDSO's pages are the kernel image's.
    bool is_file_area = area.file || area.name.starts_with('/') || area.special != SpecialMapping::none;
    bool is_copied_file = is_file_area && !area.file && !(area.prot & frame::perm_write);
    process.vm().for_each_page(area.start, area.end, [&](u64, const frame::Mapping& mapping) {
        // The mapping handed here is a copy of the page table's entry: its frame handle is one
        // more holder than the page has.
        u64 holders = std::max<u32>(mapping.frame.share_count(), 2) - 1;
        bool is_file_page = is_file_area && (area.is_shared || holders > 1 || is_copied_file);
        u64 mappers = is_file_page && !is_copied_file && holders > 1 ? holders - 1 : holders;
        bool is_dirty = !is_file_page || is_shmem;
        u64 pss = (page_size << pss_shift) / mappers;
        usage.rss += page_size;
        usage.pss_scaled += pss;
        if (is_dirty)
            usage.pss_dirty_scaled += pss;
        if (!is_file_page) {
            usage.anonymous += page_size;
            usage.pss_anon_scaled += pss;
        } else if (is_shmem) {
            usage.pss_shmem_scaled += pss;
        } else {
            usage.pss_file_scaled += pss;
        }
        if (mappers > 1)
            (is_dirty ? usage.shared_dirty : usage.shared_clean) += page_size;
        else
            (is_dirty ? usage.private_dirty : usage.private_clean) += page_size;
        if (area.is_locked)
            usage.locked_scaled += pss;
    });
    return usage;
}

std::string maps_line(const Area& area)
{
    std::string perms = "---p";
    if (area.prot & frame::perm_read)
        perms[0] = 'r';
    if (area.prot & frame::perm_write)
        perms[1] = 'w';
    if (area.prot & frame::perm_exec)
        perms[2] = 'x';
    // The kernel's special mappings are shown private, as Linux shows them.
    if (area.is_shared && area.special == SpecialMapping::none)
        perms[3] = 's';
    std::string line = frame::format("%08" PRIx64 "-%08" PRIx64 " %s %08" PRIx64 " 00:00 0 ", area.start, area.end,
        perms.c_str(), area.file ? area.file_offset : u64 {0});
    if (!area.name.empty()) {
        if (line.size() < name_column)
            line.append(name_column - line.size(), ' ');
        line += area.name;
    }
    return line + "\n";
}

/// One "Name:    N kB" line: the name padded to 16 columns and the value to 8, as Linux's
/// SEQ_PUT_DEC does.
std::string kb_line(const char* name, u64 bytes)
{
    return frame::format("%-16s%8" PRIu64 " kB\n", name, bytes / 1024);
}

std::string usage_lines(const Usage& u, bool is_rollup)
{
    auto pss = [](u64 scaled) { return scaled >> pss_shift; };
    std::string out = kb_line("Rss:", u.rss) + kb_line("Pss:", pss(u.pss_scaled)) + kb_line("Pss_Dirty:", pss(u.pss_dirty_scaled));
    if (is_rollup) {
        out += kb_line("Pss_Anon:", pss(u.pss_anon_scaled)) + kb_line("Pss_File:", pss(u.pss_file_scaled))
            + kb_line("Pss_Shmem:", pss(u.pss_shmem_scaled));
    }
    out += kb_line("Shared_Clean:", u.shared_clean) + kb_line("Shared_Dirty:", u.shared_dirty)
        + kb_line("Private_Clean:", u.private_clean) + kb_line("Private_Dirty:", u.private_dirty)
        + kb_line("Referenced:", u.rss) + kb_line("Anonymous:", u.anonymous) + kb_line("LazyFree:", 0)
        + kb_line("AnonHugePages:", 0) + kb_line("ShmemPmdMapped:", 0) + kb_line("FilePmdMapped:", 0)
        + kb_line("Shared_Hugetlb:", 0) + kb_line("Private_Hugetlb:", 0) + kb_line("Swap:", 0) + kb_line("SwapPss:", 0)
        + kb_line("Locked:", pss(u.locked_scaled));
    return out;
}

/// The VmFlags line: Linux's two-letter names of the area's flags (proc(5)).
std::string vm_flags(const Area& area)
{
    std::string out = "VmFlags:";
    auto flag = [&out](bool is_set, const char* name) {
        if (is_set) {
            out += ' ';
            out += name;
        }
    };
    flag(area.prot & frame::perm_read, "rd");
    flag(area.prot & frame::perm_write, "wr");
    flag(area.prot & frame::perm_exec, "ex");
    bool is_shared = area.is_shared && area.special == SpecialMapping::none;
    flag(is_shared, "sh");
    flag(true, "mr");
    flag(true, "mw");
    flag(true, "me");
    flag(is_shared, "ms");
    flag(area.name == "[stack]", "gd");
    flag(area.is_locked, "lo");
    flag(!is_shared && (area.prot & frame::perm_write), "ac");
    flag(area.is_dropped_on_fork, "dc");
    flag(area.is_wiped_on_fork, "wf");
    flag(area.is_sealed, "sl");
    return out + " \n";
}

} // namespace

std::string maps_text(Process& process)
{
    std::string out;
    if (!process.memory())
        return out; // a zombie, or the kernel's init
    for (const auto& [start, area] : process.memory()->areas())
        out += maps_line(area);
    return out;
}

std::string smaps_text(Process& process)
{
    std::string out;
    if (!process.memory())
        return out;
    for (const auto& [start, area] : process.memory()->areas()) {
        Usage usage = area_usage(process, area);
        out += maps_line(area) + kb_line("Size:", usage.size) + kb_line("KernelPageSize:", page_size)
            + kb_line("MMUPageSize:", page_size) + usage_lines(usage, false) + "THPeligible:           0\n" + vm_flags(area);
    }
    return out;
}

std::string smaps_rollup_text(Process& process)
{
    if (!process.memory() || process.memory()->areas().empty())
        return {};
    Usage total;
    for (const auto& [start, area] : process.memory()->areas())
        total.add(area_usage(process, area));
    const auto& areas = process.memory()->areas();
    u64 first = areas.begin()->second.start;
    u64 last = areas.rbegin()->second.end;
    std::string header = frame::format("%08" PRIx64 "-%08" PRIx64 " ---p 00000000 00:00 0 ", first, last);
    header.append(name_column > header.size() ? name_column - header.size() : 0, ' ');
    return header + "[rollup]\n" + usage_lines(total, true);
}

} // namespace asterix::services
