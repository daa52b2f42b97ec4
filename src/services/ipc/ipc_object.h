#pragma once

#include <map>

#include "frame/ref.h"
#include "services/abi/ipc.h"
#include "frame/result.h"
#include "services/process/credentials.h"

namespace asterix::services {

/// The owner, creator and mode of one System V IPC object (Linux's kern_ipc_perm).
struct IpcPerm {
    i32 key {abi::ipc_private};
    u32 uid {0}, gid {0}, cuid {0}, cgid {0};
    u32 mode {0};
    u16 seq {0};
    int id {0};

    abi::Ipc64Perm to_abi() const;
    /// IPC_SET: the new owner and the permission bits (the kernel's own mode bits stay).
    void set_from(const abi::Ipc64Perm& in);
};

/// Linux's ipcperms(): whether `cred` may access with the rwx bits of `flag` (any of the three
/// triplets asks): owner or creator use the owner bits, group members the group bits, others
/// the rest; CAP_IPC_OWNER bypasses.
bool ipc_permits(const Credentials& cred, const IpcPerm& perm, int flag);
/// IPC_SET and IPC_RMID: the owner, the creator or CAP_SYS_ADMIN (Linux's ipcctl_obtain_check).
bool ipc_may_control(const Credentials& cred, const IpcPerm& perm);
/// The wall-clock time in seconds, for the *_time fields.
i64 ipc_now_sec();

/// The objects of one IPC family, by index, each numbered seq * 32768 + index as Linux does, at
/// most `max` of them (SHMMNI, SEMMNI, MSGMNI). T is RefCounted and has an `IpcPerm perm`.
template<typename T>
class IpcIds {
public:
    explicit IpcIds(usize max) : m_max(max) {}

    T* find_key(i32 key)
    {
        for (auto& [index, object] : m_objects)
            if (object->perm.key == key)
                return object.ptr();
        return nullptr;
    }
    /// The object `id` names; EINVAL for a negative, unknown or stale id.
    Result<T*> find_id(int id)
    {
        if (id < 0)
            return Errno::einval;
        auto it = m_objects.find(id % abi::ipc_seq_multiplier);
        if (it == m_objects.end() || it->second->perm.id != id)
            return Errno::einval;
        return it->second.ptr();
    }
    T* at_index(int index)
    {
        auto it = m_objects.find(index);
        return it == m_objects.end() ? nullptr : it->second.ptr();
    }
    /// Gives `object` the lowest free index and a fresh id; ENOSPC past the limit.
    Result<int> add(Ref<T> object)
    {
        if (m_objects.size() >= m_max)
            return Errno::enospc;
        int index = 0;
        for (auto& [used, unused] : m_objects) {
            if (used != index)
                break;
            ++index;
        }
        object->perm.seq = m_next_seq;
        m_next_seq = static_cast<u16>((m_next_seq + 1) % (0x7fffffff / abi::ipc_seq_multiplier));
        object->perm.id = object->perm.seq * abi::ipc_seq_multiplier + index;
        int id = object->perm.id;
        m_objects.emplace(index, std::move(object));
        return id;
    }
    void remove(int id) { m_objects.erase(id % abi::ipc_seq_multiplier); }
    /// The highest index in use, or -1 (what IPC_INFO and *_INFO return).
    int max_index() const { return m_objects.empty() ? -1 : m_objects.rbegin()->first; }
    usize count() const { return m_objects.size(); }
    std::map<int, Ref<T>>& objects() { return m_objects; }

private:
    usize m_max;
    u16 m_next_seq {0};
    std::map<int, Ref<T>> m_objects;
};

} // namespace asterix::services
