#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "services/fs/dentry.h"
#include "services/process/credentials.h"

namespace asterix::services {

/// Most symlinks one whole lookup follows, counted across every link it meets, including the
/// last component of an O_CREAT open (Linux's MAXSYMLINKS).
inline constexpr int max_symlinks = 40;

enum class Follow : u8 { follow, no_follow };

/// The result of walking all but the last component of a path.
struct ParentAndName {
    Ref<Dentry> parent;
    std::string name; ///< empty for "/" ; "." or ".." are returned as they are
    bool has_trailing_slash;
};

/// Where an O_CREAT open leads: an object that exists, or the directory and name to create.
struct CreateTarget {
    Ref<Dentry> existing; ///< null when `name` is to be created in `parent`
    Ref<Dentry> parent;
    std::string name;
};

/// The IDs a lookup checks permissions with (the process's file-system IDs and groups).
/// FIXME: becomes a reference to the process's credentials object once there is one.
/// A step of a walk that a rule may refuse. The walk reports each one, before it takes it, to
/// PathLookup::cross, the one place where RESOLVE_* rules (and later search permission) live.
enum class Crossing : u8 {
    search,          ///< looking a name up in a directory (`from`)
    symlink,         ///< following the symlink `to`, found in `from`
    magic_link,      ///< jumping through a /proc magic link `from` to the object `to`
    mount,           ///< entering or leaving a mounted file system, `from` to `to`
    absolute,        ///< jumping from `from` to the lookup's root (absolute path or symlink)
    dot_dot_at_root, ///< ".." at the lookup's root
};

/// One path operation (Linux's nameidata, gVisor's PathOperation): the root and the start
/// directory it walks from, the RESOLVE_* and AT_* flags it walks with, the symlink budget of
/// the whole operation and the credentials it checks with. Nothing shared is changed to pass
/// this state, so a sibling thread's lookups and chroot() are independent of it.
class PathLookup {
public:
    /// `root` is the process's root, `start` the directory a relative path starts from (for
    /// AT_EMPTY_PATH, any object). With RESOLVE_BENEATH or RESOLVE_IN_ROOT, `start` is also the
    /// root. `at_flags` may hold AT_SYMLINK_NOFOLLOW (the last symlink is not followed) and
    /// AT_EMPTY_PATH (an empty path names `start`); `resolve` holds openat2's RESOLVE_* flags.
    PathLookup(Ref<Dentry> root, Ref<Dentry> start, u64 resolve, int at_flags, Ref<const Credentials> credentials);

    /// Walks `path` to what it names.
    Result<Ref<Dentry>> walk(std::string_view path);
    /// Walks to the directory that holds the last component; the last one is not looked up.
    Result<ParentAndName> walk_parent(std::string_view path);
    /// For O_CREAT: walks like walk_parent, then looks the last component up; a symlink there
    /// is followed (unless AT_SYMLINK_NOFOLLOW) even when its target does not exist yet, with
    /// the same symlink budget, so that the target can be created. `is_exclusive` (O_EXCL)
    /// makes any existing name, symlinks included, EEXIST.
    Result<CreateTarget> walk_to_create(std::string_view path, bool is_exclusive);

    const Ref<Dentry>& root() const { return m_root; }
    const Ref<Dentry>& start() const { return m_start; }
    u64 resolve() const { return m_resolve; }
    int links_left() const { return m_links_left; }
    const Credentials& credentials() const { return *m_credentials; }

private:
    bool is_scoped() const;
    Result<void> cross(Crossing crossing, const Dentry& from, const Dentry& to);
    Result<Ref<Dentry>> walk_from(Ref<Dentry> current, std::string_view path, Follow follow_last);
    Result<ParentAndName> walk_parent_from(const Ref<Dentry>& start, std::string_view path);
    Result<Ref<Dentry>> jump_to_root(const Dentry& from);
    Result<Ref<Dentry>> step_down(const Ref<Dentry>& directory, std::string_view name);
    Result<Ref<Dentry>> step_up(const Ref<Dentry>& current);
    Result<Ref<Dentry>> follow_link(const Ref<Dentry>& directory, const Ref<Dentry>& link);

    Ref<Dentry> m_root;
    Ref<Dentry> m_start;
    u64 m_resolve;
    int m_at_flags;
    int m_links_left {max_symlinks};
    Ref<const Credentials> m_credentials;
};

} // namespace asterix::services
