// getxattr, lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr, setxattr, lsetxattr,
// fsetxattr, removexattr, lremovexattr, fremovexattr. The checks Linux makes for every file
// system are here; the attributes themselves are the inode's file system's (Inode::xattrs):
// tmpfs keeps the user.*, trusted.* and security.* namespaces in kernel memory, hostfs on the
// host file (see HostInode for what the host lets through), the rest keep none.

#include "services/abi/capability.h"
#include "services/abi/stat.h"
#include "services/abi/xattr.h"
#include "services/fs/permission.h"
#include "services/fs/xattrs.h"
#include "services/syscalls/handlers.h"
#include "services/syscalls/path.h"

namespace asterix::services {

namespace {
enum class Access : u8 { read, write };

Result<Ref<Dentry>> lookup_path(Context& ctx, const std::string& path, Follow follow)
{
    return lookup_at(ctx, abi::at_fdcwd, path, follow == Follow::no_follow ? abi::at_symlink_nofollow : 0);
}

/// The f*xattr calls take a descriptor as fdget does: an O_PATH one is EBADF.
Result<Ref<Dentry>> lookup_fd(Context& ctx, int fd)
{
    auto file = TRY(ctx.files().get(fd));
    if (file->is_path_only())
        return Errno::ebadf;
    if (!file->dentry())
        return Errno::enotsup;
    return Ref<Dentry>(file->dentry());
}

/// An attribute name argument (Linux's import_xattr_name): empty or past XATTR_NAME_MAX is
/// ERANGE.
Result<std::string> read_name(Context& ctx, UserPtr<char> name)
{
    auto text = ctx.user().read_cstring(name.addr(), abi::xattr_name_max);
    if (text.is_error())
        return text.error() == Errno::enametoolong ? Errno::erange : text.error();
    if (text.value().empty())
        return Errno::erange;
    return text.release_value();
}

bool has_prefix(const std::string& name, std::string_view prefix) { return name.starts_with(prefix); }

bool is_trusted_visible(Context& ctx) { return ctx.thread().credentials().has_capability(abi::Capability::sys_admin); }

/// The capability check of Linux's cap_inode_setxattr and cap_inode_removexattr: changing a
/// "security." attribute needs CAP_SYS_ADMIN, except "security.capability", a file
/// capability, which needs CAP_SETFCAP.
Result<void> check_security_change(const Credentials& creds, const std::string& name)
{
    auto needed = name == "security.capability" ? abi::Capability::setfcap : abi::Capability::sys_admin;
    if (!creds.has_capability(needed))
        return Errno::eperm;
    return {};
}

/// Linux's xattr_permission: "trusted." needs CAP_SYS_ADMIN (else EPERM to change, ENODATA to
/// read); "user." only on files and directories (else EPERM or ENODATA), in a sticky directory
/// changed only by its owner; "security." and "system." are left to the file system and the
/// security checks; the rest need read or write permission on the inode.
Result<void> check_access(Context& ctx, Dentry& dentry, const std::string& name, Access access)
{
    bool is_write = access == Access::write;
    if (is_write)
        TRY(check_writable_fs(dentry));
    const Credentials& creds = ctx.thread().credentials();
    if (has_prefix(name, "security."))
        return is_write ? check_security_change(creds, name) : Result<void>();
    if (has_prefix(name, "system."))
        return {};
    Inode& inode = dentry.inode();
    auto st = TRY(inode.stat());
    if (has_prefix(name, "trusted.")) {
        if (!creds.has_capability(abi::Capability::sys_admin))
            return is_write ? Errno::eperm : Errno::enodata;
    } else if (has_prefix(name, "user.")) {
        if (!inode.is_regular() && !inode.is_directory())
            return is_write ? Errno::eperm : Errno::enodata;
        if (is_write && inode.is_directory() && (st.mode & abi::s_isvtx) && !is_owner_or_capable(creds, st))
            return Errno::eperm;
    }
    return generic_permission(creds, st, is_write ? may_write : may_read);
}

/// The namespaces tmpfs has handlers for (Linux's xattr_resolve_name): an unknown prefix is
/// EOPNOTSUPP and a bare prefix ("user.") EINVAL.
Result<void> check_handler(const std::string& name)
{
    for (std::string_view prefix : {"user.", "trusted.", "security."}) {
        if (has_prefix(name, prefix))
            return name.size() == prefix.size() ? Result<void>(Errno::einval) : Result<void>();
    }
    return Errno::enotsup;
}

Result<long> get(Context& ctx, Dentry& dentry, const std::string& name, u64 value, u64 size)
{
    TRY(check_access(ctx, dentry, name, Access::read));
    TRY(check_handler(name));
    Xattrs* store = dentry.inode().xattrs();
    if (!store)
        return Errno::enodata;
    auto bytes = TRY(store->get(name));
    if (size == 0)
        return static_cast<long>(bytes.size());
    if (bytes.size() > std::min<u64>(size, abi::xattr_size_max))
        return Errno::erange;
    TRY(ctx.user().write_bytes(value, bytes));
    return static_cast<long>(bytes.size());
}

Result<long> list(Context& ctx, Dentry& dentry, u64 list_addr, u64 size)
{
    Xattrs* store = dentry.inode().xattrs();
    if (!store)
        return 0;
    std::vector<u8> out;
    for (const std::string& name : TRY(store->names())) {
        if (has_prefix(name, "trusted.") && !is_trusted_visible(ctx))
            continue;
        out.insert(out.end(), name.begin(), name.end());
        out.push_back(0);
    }
    if (size == 0)
        return static_cast<long>(out.size());
    if (out.size() > std::min<u64>(size, abi::xattr_list_max))
        return Errno::erange;
    TRY(ctx.user().write_bytes(list_addr, out));
    return static_cast<long>(out.size());
}

/// What setxattr reads before it looks up the file (Linux's setxattr_copy): the flags, the
/// name, the size (E2BIG past XATTR_SIZE_MAX) and the value.
struct SetRequest {
    std::string name;
    std::vector<u8> value;
    XattrMode mode;
};

Result<SetRequest> read_set_request(Context& ctx, UserPtr<char> name, u64 value, u64 size, int flags)
{
    if (flags & ~(abi::xattr_create | abi::xattr_replace))
        return Errno::einval;
    SetRequest request;
    request.name = TRY(read_name(ctx, name));
    if (size > abi::xattr_size_max)
        return Errno::e2big;
    request.value.resize(size);
    TRY(ctx.user().read_bytes(value, request.value));
    request.mode = (flags & abi::xattr_create) ? XattrMode::create_only
        : (flags & abi::xattr_replace)         ? XattrMode::replace_only
                                               : XattrMode::create_or_replace;
    return request;
}

Result<long> set(Context& ctx, Dentry& dentry, SetRequest request)
{
    TRY(check_access(ctx, dentry, request.name, Access::write));
    TRY(check_handler(request.name));
    Xattrs* store = dentry.inode().xattrs();
    if (!store)
        return Errno::enotsup;
    TRY(store->set(request.name, std::move(request.value), request.mode));
    return 0;
}

Result<long> remove(Context& ctx, Dentry& dentry, const std::string& name)
{
    TRY(check_access(ctx, dentry, name, Access::write));
    TRY(check_handler(name));
    Xattrs* store = dentry.inode().xattrs();
    if (!store)
        return Errno::enodata;
    TRY(store->remove(name));
    return 0;
}
} // namespace

// The path forms read the name before they look up the path, the descriptor forms look up
// the descriptor first, as Linux 6.13 and later do.

Result<long> sys_getxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size)
{
    std::string text = TRY(read_name(ctx, name));
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::follow));
    return get(ctx, *dentry, text, value, size);
}

Result<long> sys_lgetxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size)
{
    std::string text = TRY(read_name(ctx, name));
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::no_follow));
    return get(ctx, *dentry, text, value, size);
}

Result<long> sys_fgetxattr(Context& ctx, int fd, UserPtr<char> name, u64 value, u64 size)
{
    auto dentry = TRY(lookup_fd(ctx, fd));
    std::string text = TRY(read_name(ctx, name));
    return get(ctx, *dentry, text, value, size);
}

Result<long> sys_listxattr(Context& ctx, UserPtr<char> path, u64 list_addr, u64 size)
{
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::follow));
    return list(ctx, *dentry, list_addr, size);
}

Result<long> sys_llistxattr(Context& ctx, UserPtr<char> path, u64 list_addr, u64 size)
{
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::no_follow));
    return list(ctx, *dentry, list_addr, size);
}

Result<long> sys_flistxattr(Context& ctx, int fd, u64 list_addr, u64 size)
{
    auto dentry = TRY(lookup_fd(ctx, fd));
    return list(ctx, *dentry, list_addr, size);
}

Result<long> sys_setxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags)
{
    auto request = TRY(read_set_request(ctx, name, value, size, flags));
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::follow));
    return set(ctx, *dentry, std::move(request));
}

Result<long> sys_lsetxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags)
{
    auto request = TRY(read_set_request(ctx, name, value, size, flags));
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::no_follow));
    return set(ctx, *dentry, std::move(request));
}

Result<long> sys_fsetxattr(Context& ctx, int fd, UserPtr<char> name, u64 value, u64 size, int flags)
{
    auto dentry = TRY(lookup_fd(ctx, fd));
    auto request = TRY(read_set_request(ctx, name, value, size, flags));
    return set(ctx, *dentry, std::move(request));
}

Result<long> sys_removexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name)
{
    std::string text = TRY(read_name(ctx, name));
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::follow));
    return remove(ctx, *dentry, text);
}

Result<long> sys_lremovexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name)
{
    std::string text = TRY(read_name(ctx, name));
    auto dentry = TRY(lookup_path(ctx, TRY(read_path(ctx, path)), Follow::no_follow));
    return remove(ctx, *dentry, text);
}

Result<long> sys_fremovexattr(Context& ctx, int fd, UserPtr<char> name)
{
    auto dentry = TRY(lookup_fd(ctx, fd));
    std::string text = TRY(read_name(ctx, name));
    return remove(ctx, *dentry, text);
}

} // namespace asterix::services
