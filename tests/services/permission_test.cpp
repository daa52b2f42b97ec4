#include <doctest/doctest.h>

#include "services/fs/permission.h"
#include "services/fs/lookup.h"
#include "services/fs/ram_fs.h"

using namespace asterix;
using namespace asterix::services;
using abi::Capability;

namespace {

frame::FileStat file(u32 mode, u32 uid, u32 gid)
{
    frame::FileStat st {};
    st.mode = mode;
    st.uid = uid;
    st.gid = gid;
    return st;
}

/// A user without capabilities, with one supplementary group.
Ref<const Credentials> user(u32 uid, u32 gid, std::vector<u32> groups = {})
{
    auto creds = Credentials::for_user(uid, gid)->copy();
    creds->groups = std::move(groups);
    return creds;
}

/// Root with only the capabilities given.
Ref<const Credentials> root_with(std::initializer_list<Capability> caps)
{
    auto creds = Credentials::for_user(0, 0)->copy();
    creds->effective = CapSet::of(caps);
    // Root without CAP_DAC_* owns nothing here: the files below belong to uid 1.
    return creds;
}

bool allows(const Ref<const Credentials>& creds, const frame::FileStat& st, u32 mask)
{
    return !generic_permission(*creds, st, mask).is_error();
}

} // namespace

TEST_CASE("permission: the owner's bits apply to the owner even when others get more")
{
    auto st = file(abi::s_ifreg | 0077, 1000, 100);
    auto owner = user(1000, 100);
    CHECK_FALSE(allows(owner, st, may_read));
    CHECK(generic_permission(*owner, st, may_read).error() == Errno::eacces);
    CHECK(allows(user(2000, 100), st, may_read | may_write | may_exec));
    CHECK(allows(user(2000, 200), st, may_read));
}

TEST_CASE("permission: the group class by fsgid or by a supplementary group")
{
    auto st = file(abi::s_ifreg | 0640, 1000, 100);
    CHECK(allows(user(2000, 100), st, may_read));
    CHECK_FALSE(allows(user(2000, 100), st, may_write));
    CHECK(allows(user(2000, 300, {7, 100}), st, may_read));
    CHECK_FALSE(allows(user(2000, 300, {7}), st, may_read));
    // The fsgid counts, not the effective gid.
    auto changed = user(2000, 300)->copy();
    changed->fsgid = 100;
    CHECK(allows(changed, st, may_read));
}

TEST_CASE("permission: the owner check uses the fsuid")
{
    auto st = file(abi::s_ifreg | 0600, 1000, 100);
    auto creds = user(2000, 200)->copy();
    CHECK_FALSE(allows(creds, st, may_read));
    creds->fsuid = 1000;
    CHECK(allows(creds, st, may_read | may_write));
}

TEST_CASE("permission: CAP_DAC_OVERRIDE overrides all but executing a file without an x bit")
{
    auto override_caps = root_with({Capability::dac_override});
    auto none = file(abi::s_ifreg | 0000, 1, 1);
    CHECK(allows(override_caps, none, may_read | may_write));
    CHECK_FALSE(allows(override_caps, none, may_exec));
    CHECK(allows(override_caps, file(abi::s_ifreg | 0001, 1, 1), may_exec));
    CHECK(allows(override_caps, file(abi::s_ifdir | 0000, 1, 1), may_exec | may_write | may_read));
    CHECK_FALSE(allows(root_with({}), none, may_read));
}

TEST_CASE("permission: CAP_DAC_READ_SEARCH reads files and reads or searches directories")
{
    auto read_search = root_with({Capability::dac_read_search});
    CHECK(allows(read_search, file(abi::s_ifreg | 0000, 1, 1), may_read));
    CHECK_FALSE(allows(read_search, file(abi::s_ifreg | 0000, 1, 1), may_write));
    CHECK_FALSE(allows(read_search, file(abi::s_ifreg | 0000, 1, 1), may_read | may_exec));
    CHECK(allows(read_search, file(abi::s_ifdir | 0000, 1, 1), may_read | may_exec));
    CHECK_FALSE(allows(read_search, file(abi::s_ifdir | 0000, 1, 1), may_write | may_exec));
}

TEST_CASE("permission: a sticky directory keeps others' files from being removed")
{
    auto root = RamFs::make_tmpfs(1 << 20); // mode 01777, owned by 0
    MUST(root->create("mine", 0644, {1000, 1000}));
    MUST(root->create("theirs", 0644, {2000, 2000}));
    auto mine = MUST(root->lookup("mine"));
    auto theirs = MUST(root->lookup("theirs"));
    auto me = user(1000, 1000);
    CHECK(!may_delete(*me, *root, *mine).is_error());
    CHECK(may_delete(*me, *root, *theirs).error() == Errno::eperm);
    CHECK(!may_delete(*root_with({Capability::fowner}), *root, *theirs).is_error());
    // The directory's owner may remove anything in it.
    auto dir_owner = user(0, 0)->copy();
    dir_owner->effective = CapSet();
    CHECK(!may_delete(*dir_owner, *root, *theirs).is_error());
}

TEST_CASE("permission: new objects belong to fsuid and fsgid, or to a setgid directory's group")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto creds = user(1000, 1000)->copy();
    creds->fsgid = 1001;
    u32 mode = abi::s_ifreg | 0644;
    auto owner = MUST(owner_of_new(*creds, *root, mode));
    CHECK(owner.uid == 1000);
    CHECK(owner.gid == 1001);

    MUST(root->mkdir("shared", 02775, {0, 50}));
    auto shared = MUST(root->lookup("shared"));
    u32 dir_mode = abi::s_ifdir | 0755;
    owner = MUST(owner_of_new(*creds, *shared, dir_mode));
    CHECK(owner.gid == 50);
    CHECK((dir_mode & abi::s_isgid) != 0);
    // A setgid-executable file for a group the creator is not in loses setgid.
    u32 file_mode = abi::s_ifreg | 02755;
    MUST(owner_of_new(*creds, *shared, file_mode));
    CHECK((file_mode & abi::s_isgid) == 0);
}

TEST_CASE("permission: chown, chmod and times follow setattr_prepare")
{
    auto root = RamFs::make_tmpfs(1 << 20);
    auto file_inode = MUST(root->create("f", 06755, {1000, 1000}));
    auto owner = user(1000, 1000, {20});
    auto other = user(2000, 2000);

    SetAttr give;
    give.uid = 2000;
    CHECK(prepare_set_attr(*owner, *file_inode, give).error() == Errno::eperm);
    SetAttr to_group;
    to_group.gid = 20;
    to_group.is_chown = true;
    CHECK(!prepare_set_attr(*owner, *file_inode, to_group).is_error());
    REQUIRE(to_group.mode.has_value()); // chown clears setuid and setgid
    CHECK((*to_group.mode & 07000) == 0);
    SetAttr to_foreign_group;
    to_foreign_group.gid = 30;
    CHECK(prepare_set_attr(*owner, *file_inode, to_foreign_group).error() == Errno::eperm);

    SetAttr chmod;
    chmod.mode = 02755;
    CHECK(prepare_set_attr(*other, *file_inode, chmod).error() == Errno::eperm);
    auto outside_group = user(1000, 5)->copy();
    CHECK(!prepare_set_attr(*outside_group, *file_inode, chmod).is_error());
    CHECK(*chmod.mode == 0755); // the group is not the caller's: setgid goes

    SetAttr explicit_times;
    explicit_times.has_times = true;
    explicit_times.atime_nsec = explicit_times.mtime_nsec = 0;
    CHECK(prepare_set_attr(*other, *file_inode, explicit_times).error() == Errno::eperm);
    SetAttr now;
    now.has_times = true;
    now.atime_nsec = now.mtime_nsec = -1;
    CHECK(prepare_set_attr(*other, *file_inode, now).error() == Errno::eacces);
    SetAttr size;
    size.size = 0;
    CHECK(prepare_set_attr(*other, *file_inode, size).error() == Errno::eacces);
}

TEST_CASE("permission: a write without CAP_FSETID clears setuid, and setgid only with group exec")
{
    auto writer = user(1000, 1000);
    CHECK(mode_without_privs(*writer, file(abi::s_ifreg | 04755, 1000, 1000)) == std::optional<u32>(0755));
    CHECK_FALSE(mode_without_privs(*writer, file(abi::s_ifreg | 02745, 1000, 1000)).has_value());
    CHECK(mode_without_privs(*writer, file(abi::s_ifreg | 02755, 1000, 1000)) == std::optional<u32>(0755));
    CHECK_FALSE(mode_without_privs(*writer, file(abi::s_ifreg | 0755, 1000, 1000)).has_value());
    CHECK_FALSE(mode_without_privs(*root_with({Capability::fsetid}), file(abi::s_ifreg | 04755, 1, 1)).has_value());
}

TEST_CASE("permission: a lookup needs search permission on every directory it walks through")
{
    auto root_inode = RamFs::make_tmpfs(1 << 20);
    MUST(root_inode->mkdir("closed", 0700, {}));
    auto closed = MUST(root_inode->lookup("closed"));
    MUST(closed->create("file", 0644, {}));
    MUST(root_inode->mkdir("open", 0711, {}));
    auto open_dir = MUST(root_inode->lookup("open"));
    MUST(open_dir->create("file", 0644, {}));
    auto root = make_ref<Dentry>("/", Ref<Dentry>(), root_inode);
    auto nobody = user(65534, 65534);
    auto walk = [&](const Ref<const Credentials>& creds, std::string_view path) {
        return PathLookup(root, root, 0, 0, creds).walk(path);
    };
    CHECK(walk(nobody, "/closed/file").error() == Errno::eacces);
    CHECK(walk(nobody, "/closed/../open/file").error() == Errno::eacces);
    CHECK(!walk(nobody, "/open/file").is_error()); // search without read is enough
    CHECK(!walk(nobody, "/closed").is_error());     // the last component needs no search
    CHECK(!walk(Credentials::kernel(), "/closed/file").is_error());
    CHECK(!walk(root_with({Capability::dac_read_search}), "/closed/file").is_error());
}
