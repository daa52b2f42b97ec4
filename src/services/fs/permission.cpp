#include "services/fs/permission.h"

#include "services/abi/stat.h"

namespace asterix::services {

namespace {
using abi::Capability;

bool is_directory_mode(u32 mode) { return (mode & abi::s_ifmt) == abi::s_ifdir; }
bool is_regular_mode(u32 mode) { return (mode & abi::s_ifmt) == abi::s_ifreg; }

/// The mode bits of the one class the caller falls in (Linux's acl_permission_check): the
/// owner's even when the group's or others' would grant more.
u32 granted_bits(const Credentials& creds, const frame::FileStat& st)
{
    if (st.uid == creds.fsuid)
        return (st.mode >> 6) & 7;
    if (creds.is_in_group(st.gid))
        return (st.mode >> 3) & 7;
    return st.mode & 7;
}
} // namespace

Result<void> generic_permission(const Credentials& creds, const frame::FileStat& st, u32 mask)
{
    mask &= may_read | may_write | may_exec;
    if ((granted_bits(creds, st) & mask) == mask)
        return {};
    if (is_directory_mode(st.mode)) {
        // Directories: reading and searching yield to CAP_DAC_READ_SEARCH, everything to
        // CAP_DAC_OVERRIDE.
        if (!(mask & may_write) && creds.has_capability(Capability::dac_read_search))
            return {};
        if (creds.has_capability(Capability::dac_override))
            return {};
        return Errno::eacces;
    }
    if (mask == may_read && creds.has_capability(Capability::dac_read_search))
        return {};
    // Executing a file is overridable only when somebody may execute it.
    if ((!(mask & may_exec) || (st.mode & abi::s_ixugo)) && creds.has_capability(Capability::dac_override))
        return {};
    return Errno::eacces;
}

Result<void> inode_permission(const Credentials& creds, Inode& inode, u32 mask)
{
    // Reading and searching a directory yield to CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE
    // whatever its mode (generic_permission), so a path walk by root need not ask the file
    // system for each directory's attributes (on hostfs, a host call each).
    if (inode.is_directory() && !(mask & may_write)
        && (creds.has_capability(Capability::dac_read_search) || creds.has_capability(Capability::dac_override)))
        return {};
    auto st = TRY(inode.stat());
    return generic_permission(creds, st, mask);
}

bool is_owner_or_capable(const Credentials& creds, const frame::FileStat& st)
{
    return st.uid == creds.fsuid || creds.has_capability(Capability::fowner);
}

bool is_in_group_or_capable(const Credentials& creds, u32 gid)
{
    return creds.is_in_group(gid) || creds.has_capability(Capability::fsetid);
}

Result<void> may_create(const Credentials& creds, Inode& dir) { return inode_permission(creds, dir, may_write | may_exec); }

Result<void> may_delete(const Credentials& creds, Inode& dir, Inode& victim)
{
    auto dir_st = TRY(dir.stat());
    TRY(generic_permission(creds, dir_st, may_write | may_exec));
    if (dir_st.mode & abi::s_isvtx) {
        auto st = TRY(victim.stat());
        if (st.uid != creds.fsuid && dir_st.uid != creds.fsuid && !creds.has_capability(Capability::fowner))
            return Errno::eperm;
    }
    return {};
}

Result<void> may_link(const Credentials& creds, Inode& target)
{
    auto st = TRY(target.stat());
    if (is_owner_or_capable(creds, st))
        return {};
    // A "safe" file: regular, neither setuid nor setgid-executable, readable and writable.
    bool is_safe = is_regular_mode(st.mode) && !(st.mode & abi::s_isuid)
        && (st.mode & (abi::s_isgid | abi::s_ixgrp)) != (abi::s_isgid | abi::s_ixgrp)
        && !generic_permission(creds, st, may_read | may_write).is_error();
    if (is_safe)
        return {};
    return Errno::eperm;
}

Result<Owner> owner_of_new(const Credentials& creds, Inode& dir, u32& mode)
{
    auto dir_st = TRY(dir.stat());
    Owner owner {creds.fsuid, creds.fsgid};
    if (!(dir_st.mode & abi::s_isgid))
        return owner;
    owner.gid = dir_st.gid;
    if (is_directory_mode(mode)) {
        mode |= abi::s_isgid;
    } else if ((mode & (abi::s_isgid | abi::s_ixgrp)) == (abi::s_isgid | abi::s_ixgrp)
        && !is_in_group_or_capable(creds, dir_st.gid)) {
        mode &= ~abi::s_isgid;
    }
    return owner;
}

Result<void> prepare_set_attr(const Credentials& creds, Inode& inode, SetAttr& attr)
{
    auto st = TRY(inode.stat());
    bool is_owner = st.uid == creds.fsuid;
    bool can_chown = creds.has_capability(Capability::chown);
    if (attr.uid && *attr.uid != st.uid && !can_chown)
        return Errno::eperm;
    if (attr.uid && *attr.uid == st.uid && !is_owner && !can_chown)
        return Errno::eperm;
    if (attr.gid && !can_chown && !(is_owner && (*attr.gid == st.gid || creds.is_in_group(*attr.gid))))
        return Errno::eperm;
    if (attr.mode) {
        if (!is_owner_or_capable(creds, st))
            return Errno::eperm;
        if (!is_in_group_or_capable(creds, attr.gid.value_or(st.gid)))
            *attr.mode &= ~abi::s_isgid;
    }
    if (attr.has_times) {
        bool is_explicit = attr.atime_nsec >= 0 || attr.mtime_nsec >= 0;
        if (is_explicit && !is_owner_or_capable(creds, st))
            return Errno::eperm;
        if (!is_explicit && !is_owner_or_capable(creds, st))
            TRY(generic_permission(creds, st, may_write));
    }
    if (attr.size)
        TRY(generic_permission(creds, st, may_write));
    if (attr.is_chown && !is_directory_mode(st.mode)) {
        // chown(2): a changed owner must not inherit the old owner's setuid power.
        u32 mode = attr.mode.value_or(st.mode & 07777);
        u32 cleared = mode & ~abi::s_isuid;
        if ((mode & (abi::s_isgid | abi::s_ixgrp)) == (abi::s_isgid | abi::s_ixgrp))
            cleared &= ~abi::s_isgid;
        if (cleared != mode)
            attr.mode = cleared;
    }
    return {};
}

std::optional<u32> mode_without_privs(const Credentials& creds, const frame::FileStat& st)
{
    if (!is_regular_mode(st.mode) || creds.has_capability(Capability::fsetid))
        return std::nullopt;
    u32 mode = st.mode & 07777;
    u32 cleared = mode & ~abi::s_isuid;
    if ((mode & (abi::s_isgid | abi::s_ixgrp)) == (abi::s_isgid | abi::s_ixgrp))
        cleared &= ~abi::s_isgid;
    if (cleared == mode)
        return std::nullopt;
    return cleared;
}

Result<void> remove_privs(const Credentials& creds, Inode& inode)
{
    auto st = TRY(inode.stat());
    auto mode = mode_without_privs(creds, st);
    if (!mode)
        return {};
    SetAttr attr;
    attr.mode = *mode;
    return inode.set_attr(attr);
}

} // namespace asterix::services
