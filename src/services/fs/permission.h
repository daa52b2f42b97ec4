#pragma once

// Linux's discretionary access control (fs/namei.c, fs/attr.c, fs/inode.c): who may read,
// write, search, create, delete and change the attributes of a file-system object, decided
// from the object's mode, owner and group and the caller's credentials.

#include "frame/file_stat.h"
#include "frame/result.h"
#include "services/fs/inode.h"
#include "services/process/credentials.h"

namespace asterix::services {

/// What an access asks for (Linux's MAY_EXEC, MAY_WRITE, MAY_READ; a mask of them).
inline constexpr u32 may_exec = 1;
inline constexpr u32 may_write = 2;
inline constexpr u32 may_read = 4;

/// Linux's generic_permission: the owner's, group's or others' bits (the first class the
/// caller falls in, by fsuid and then by fsgid or a supplementary group), then the overrides:
/// CAP_DAC_READ_SEARCH for reading files and reading or searching directories,
/// CAP_DAC_OVERRIDE for anything but executing a file that has no execute bit. EACCES.
Result<void> generic_permission(const Credentials& creds, const frame::FileStat& st, u32 mask);
/// generic_permission on the object's current attributes.
Result<void> inode_permission(const Credentials& creds, Inode& inode, u32 mask);

/// Owner of the object by fsuid, or CAP_FOWNER (Linux's inode_owner_or_capable).
bool is_owner_or_capable(const Credentials& creds, const frame::FileStat& st);
/// In the group `gid`, or CAP_FSETID (Linux's in_group_or_capable).
bool is_in_group_or_capable(const Credentials& creds, u32 gid);

/// May a new name be made in `dir` (Linux's may_create): write and search on it.
Result<void> may_create(const Credentials& creds, Inode& dir);
/// May `victim`, a name of `dir`, be removed or renamed away (Linux's may_delete, without
/// the type checks): write and search on `dir` (EACCES), then the sticky-bit rule: in a
/// sticky directory only the file's owner, the directory's owner or CAP_FOWNER (EPERM).
Result<void> may_delete(const Credentials& creds, Inode& dir, Inode& victim);
/// May `target` get another name (Linux's may_linkat with fs.protected_hardlinks = 1, the
/// setting of every distribution): its owner, CAP_FOWNER, or a plain regular file the
/// caller may read and write. EPERM.
Result<void> may_link(const Credentials& creds, Inode& target);

/// The owner of a new object made in `dir` with `mode` (Linux's inode_init_owner and
/// mode_strip_sgid): the caller's fsuid, and its fsgid, or the directory's group when the
/// directory is setgid (a new directory then is setgid too). A file that would be setgid
/// to a group the caller is not in loses that bit unless it has CAP_FSETID. Changes `mode`.
Result<Owner> owner_of_new(const Credentials& creds, Inode& dir, u32& mode);

/// What a change of attributes may do (Linux's setattr_prepare and notify_change): chown
/// needs CAP_CHOWN, except that the owner may give the file to a group it is in; chmod the
/// owner or CAP_FOWNER, and it drops setgid for a group the caller is not in (without
/// CAP_FSETID); explicit times the owner or CAP_FOWNER (EPERM); "now" times the owner,
/// CAP_FOWNER or write permission (EACCES); a size write permission. A chown of a
/// non-directory also clears setuid and setgid, as Linux's chown_common asks. `attr` is
/// adjusted to what is to be done.
Result<void> prepare_set_attr(const Credentials& creds, Inode& inode, SetAttr& attr);

/// The setuid and setgid bits a write by `creds` takes off a regular file (Linux's
/// should_remove_suid): none with CAP_FSETID; setgid only with group execute. The mode to
/// set, or nothing to do.
std::optional<u32> mode_without_privs(const Credentials& creds, const frame::FileStat& st);
/// Clears what mode_without_privs says, before a write or a truncate changes the file.
Result<void> remove_privs(const Credentials& creds, Inode& inode);

} // namespace asterix::services
