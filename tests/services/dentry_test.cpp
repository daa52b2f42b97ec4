#include <doctest/doctest.h>

#include <map>

#include "services/fs/dentry.h"
#include "services/fs/file.h"

using namespace asterix;
using namespace asterix::services;

namespace {

/// A file system whose directory changes behind the kernel's back, as a host directory does:
/// `names` maps a name to an object number, and revalidate() compares with it.
class ChangingFs final : public FileSystem {
public:
    explicit ChangingFs(bool keeps) : FileSystem("changing", false), m_keeps(keeps) {}
    u64 magic() const override { return 1; }
    bool keeps_unused_dentries() const override { return m_keeps; }
    std::map<std::string, u64, std::less<>> names;
    int lookups {0};

private:
    bool m_keeps;
};

class ChangingInode final : public Inode {
public:
    ChangingInode(Ref<ChangingFs> fs, u32 mode, u64 number) : Inode(mode), m_fs(std::move(fs)), m_number(number) {}
    FileSystem& fs() override { return *m_fs; }
    Result<frame::FileStat> stat() override { return frame::FileStat {}; }
    Result<Ref<File>> open(const Ref<Dentry>&, u32) override { return Errno::enxio; }
    Result<Ref<Inode>> lookup(std::string_view name) override
    {
        ++m_fs->lookups;
        auto it = m_fs->names.find(name);
        if (it == m_fs->names.end())
            return Errno::enoent;
        return Ref<Inode>(make_ref<ChangingInode>(m_fs, s_ifreg, it->second));
    }
    Result<bool> revalidate(std::string_view name, Inode& child) override
    {
        auto it = m_fs->names.find(name);
        return it != m_fs->names.end() && it->second == static_cast<ChangingInode&>(child).m_number;
    }

private:
    Ref<ChangingFs> m_fs;
    u64 m_number;
};

Ref<Dentry> make_root(const Ref<ChangingFs>& fs)
{
    return make_ref<Dentry>("", Ref<Dentry>(), Ref<Inode>(make_ref<ChangingInode>(fs, s_ifdir, 0)));
}

} // namespace

TEST_CASE("dentry cache: a cached name that still means the same object is used without a lookup")
{
    auto fs = make_ref<ChangingFs>(false);
    fs->names["f"] = 1;
    auto root = make_root(fs);
    auto first = MUST(root->child("f"));
    auto again = MUST(root->child("f"));
    CHECK(first == again);
    CHECK(fs->lookups == 1);
}

TEST_CASE("dentry cache: a name that changed behind the cache is looked up again, the old dentry detached")
{
    auto fs = make_ref<ChangingFs>(false);
    fs->names["f"] = 1;
    auto root = make_root(fs);
    auto held = MUST(root->child("f"));
    fs->names["f"] = 2; // replaced by another object
    auto now = MUST(root->child("f"));
    CHECK(now != held);
    CHECK(held->is_detached());
    CHECK(!now->is_detached());
    fs->names.erase("f"); // removed
    CHECK(root->child("f").error() == Errno::enoent);
    CHECK(now->is_detached());
    CHECK(!root->cached_child("f"));
}

TEST_CASE("dentry cache: a file system that asks for it keeps unused dentries; others drop them")
{
    auto keeping = make_ref<ChangingFs>(true);
    keeping->names["f"] = 1;
    auto root = make_root(keeping);
    MUST(root->child("f")); // its last user goes at once
    CHECK(root->cached_child("f"));
    MUST(root->child("f"));
    CHECK(keeping->lookups == 1);

    auto dropping = make_ref<ChangingFs>(false);
    dropping->names["f"] = 1;
    auto other_root = make_root(dropping);
    MUST(other_root->child("f"));
    CHECK(!other_root->cached_child("f"));
}
