#pragma once

#include <map>

#include "frame/ref.h"
#include "services/fs/file.h"
#include "services/kernel_memory.h"

namespace asterix::services {

/// A process's file descriptors: each refers to an open file description and has its own
/// close-on-exec flag. New descriptors take the lowest free number. The table is sparse: it
/// costs what is open, not what RLIMIT_NOFILE allows or the highest number, and that cost is
/// charged to the kernel memory of the instance (ENOMEM past its bound).
class FdTable : public RefCounted<FdTable> {
public:
    FdTable() = default;
    ~FdTable();

    /// A copy for a child process (fork without CLONE_FILES): the same open file descriptions.
    /// ENOMEM when the kernel memory of the instance cannot take another table.
    Result<Ref<FdTable>> clone() const;
    Result<Ref<File>> get(int fd) const;
    bool is_cloexec(int fd) const;
    Result<void> set_cloexec(int fd, bool is_cloexec);
    /// Installs at the lowest free number >= `min_fd`; EMFILE past `limit`.
    Result<int> install(Ref<File> file, bool is_cloexec, int min_fd, u64 limit);
    /// Installs at exactly `fd`, closing what was there.
    Result<void> install_at(int fd, Ref<File> file, bool is_cloexec, u64 limit);
    Result<void> close(int fd);
    /// Closes every descriptor marked close-on-exec.
    void close_on_exec();
    /// How many descriptors are open.
    usize open_count() const { return m_entries.size(); }

private:
    struct Entry {
        Ref<File> file;
        bool is_cloexec {false};
    };
    /// What one open descriptor costs the kernel: the entry and its tree node.
    static constexpr usize entry_bytes = 64;
    std::map<int, Entry> m_entries;
    /// Every number below this one is open: the search for the lowest free one starts here.
    int m_first_maybe_free {0};
    KernelCharge m_charge;
};

} // namespace asterix::services
