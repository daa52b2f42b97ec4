#pragma once

#include <algorithm>
#include <span>

#include "frame/result.h"
#include "frame/user_ptr.h"
#include "frame/vm_space.h"

namespace asterix::frame {

/// Writes into a range of guest memory, front to back (what a file's read() fills).
class UserWriter {
public:
    /// EFAULT when the range is not inside user space; pages are checked as they are written.
    static Result<UserWriter> create(VmSpace& vm, u64 va, u64 len)
    {
        if (len && (va >= user_space_end || len > user_space_end - va))
            return Errno::efault;
        return UserWriter(vm, va, len);
    }
    /// A writer into a kernel buffer, for in-kernel copies (sendfile) through the same paths.
    static UserWriter for_kernel(std::span<u8> buffer) { return UserWriter(buffer); }

    u64 remaining() const { return m_len - m_done; }
    u64 written() const { return m_done; }
    /// Copies as much of `src` as fits; returns how much.
    Result<usize> write(std::span<const u8> src)
    {
        usize n = std::min<u64>(src.size(), remaining());
        if (!m_vm)
            std::copy(src.begin(), src.begin() + n, m_kernel.begin() + m_done);
        else
            TRY(m_vm->write_bytes(m_va + m_done, src.first(n)));
        m_done += n;
        return n;
    }

private:
    UserWriter(VmSpace& vm, u64 va, u64 len) : m_vm(&vm), m_va(va), m_len(len) {}
    explicit UserWriter(std::span<u8> buffer) : m_vm(nullptr), m_va(0), m_len(buffer.size()), m_kernel(buffer) {}
    VmSpace* m_vm;
    u64 m_va, m_len, m_done {0};
    std::span<u8> m_kernel;
};

/// Reads from a range of guest memory, front to back (what a file's write() consumes).
class UserReader {
public:
    static Result<UserReader> create(VmSpace& vm, u64 va, u64 len)
    {
        if (len && (va >= user_space_end || len > user_space_end - va))
            return Errno::efault;
        return UserReader(vm, va, len);
    }
    /// A reader of a kernel buffer, for in-kernel copies.
    static UserReader for_kernel(std::span<const u8> buffer) { return UserReader(buffer); }

    u64 remaining() const { return m_len - m_done; }
    u64 consumed() const { return m_done; }
    /// Copies up to dst.size() bytes out; returns how many.
    Result<usize> read(std::span<u8> dst)
    {
        usize n = std::min<u64>(dst.size(), remaining());
        if (!m_vm)
            std::copy(m_kernel.begin() + m_done, m_kernel.begin() + m_done + n, dst.begin());
        else
            TRY(m_vm->read_bytes(m_va + m_done, dst.first(n)));
        m_done += n;
        return n;
    }
    /// Puts back the last `n` bytes read (a device took fewer than it was given).
    void unread(u64 n) { m_done -= std::min(n, m_done); }
    /// Leaves at most `max_bytes` still to read (a write cut short at a file size limit).
    void limit(u64 max_bytes) { m_len = std::min(m_len, m_done + max_bytes); }

private:
    UserReader(VmSpace& vm, u64 va, u64 len) : m_vm(&vm), m_va(va), m_len(len) {}
    explicit UserReader(std::span<const u8> buffer) : m_vm(nullptr), m_va(0), m_len(buffer.size()), m_kernel(buffer) {}
    VmSpace* m_vm;
    u64 m_va, m_len, m_done {0};
    std::span<const u8> m_kernel;
};

} // namespace asterix::frame
