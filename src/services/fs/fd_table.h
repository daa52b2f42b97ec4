#pragma once

#include <vector>

#include "frame/ref.h"
#include "services/fs/file.h"

namespace asterix::services {

/// A process's file descriptors: each refers to an open file description and has its own
/// close-on-exec flag. New descriptors take the lowest free number.
class FdTable : public RefCounted<FdTable> {
public:
    /// A copy for a child process (fork without CLONE_FILES): the same open file descriptions.
    Ref<FdTable> clone() const;
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

private:
    struct Entry {
        Ref<File> file;
        bool is_cloexec {false};
    };
    std::vector<Entry> m_entries;
};

} // namespace asterix::services
