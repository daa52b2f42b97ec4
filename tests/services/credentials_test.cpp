#include <doctest/doctest.h>

#include "services/process/credentials.h"

using namespace asterix;
using namespace asterix::services;
using abi::Capability;

TEST_CASE("root starts with every capability, other users with none")
{
    auto root = Credentials::for_user(0, 0);
    CHECK(root->effective == CapSet::full());
    CHECK(root->permitted == CapSet::full());
    CHECK(root->has_capability(Capability::checkpoint_restore));
    auto user = Credentials::for_user(1000, 1000);
    CHECK(user->effective.is_empty());
    CHECK(user->bounding == CapSet::full());
    CHECK(CapSet::from_bits(~0ull) == CapSet::full());
}

TEST_CASE("a copy is independent of what it was copied from")
{
    auto root = Credentials::for_user(0, 0);
    auto changed = root->copy();
    changed->euid = 5;
    changed->groups.push_back(7);
    CHECK(root->euid == 0);
    CHECK(root->groups.empty());
    CHECK(changed->is_in_group(7));
    CHECK(changed->is_in_group(0)); // the file-system gid
    CHECK_FALSE(changed->is_in_group(8));
}

TEST_CASE("capabilities follow uid changes as capabilities(7) says")
{
    auto root = Credentials::for_user(0, 0);
    auto seteuid = root->copy();
    seteuid->euid = seteuid->fsuid = 1000;
    seteuid->fix_capabilities_after_setuid(*root);
    CHECK(seteuid->effective.is_empty());
    CHECK(seteuid->permitted == CapSet::full()); // the saved uid is still 0

    auto back = seteuid->copy();
    back->euid = 0;
    back->fix_capabilities_after_setuid(*seteuid);
    CHECK(back->effective == CapSet::full());

    auto all = root->copy();
    all->uid = all->euid = all->suid = 1000;
    all->fix_capabilities_after_setuid(*root);
    CHECK(all->permitted.is_empty());
    CHECK(all->effective.is_empty());

    auto keep = root->copy();
    keep->securebits |= abi::secbit_keep_caps;
    keep->ambient.add(Capability::kill);
    keep->uid = keep->euid = keep->suid = 1000;
    keep->fix_capabilities_after_setuid(*root);
    CHECK(keep->permitted == CapSet::full()); // PR_SET_KEEPCAPS
    CHECK(keep->effective.is_empty());
    CHECK(keep->ambient.is_empty());
}

TEST_CASE("the file-system uid carries the file-system capabilities")
{
    auto root = Credentials::for_user(0, 0);
    auto fs = root->copy();
    fs->fsuid = 1000;
    fs->fix_capabilities_after_setfsuid(*root);
    CHECK_FALSE(fs->has_capability(Capability::dac_override));
    CHECK_FALSE(fs->has_capability(Capability::chown));
    CHECK(fs->has_capability(Capability::kill));
    auto back = fs->copy();
    back->fsuid = 0;
    back->fix_capabilities_after_setfsuid(*fs);
    CHECK(back->effective == CapSet::full());
}

TEST_CASE("exec gives root's programs the bounding set and others their ambient set")
{
    auto root = Credentials::for_user(0, 0)->copy();
    root->effective = CapSet();
    root->bounding.remove(Capability::sys_admin);
    CHECK_FALSE(root->apply_exec(0, 0, false));
    CHECK(root->has_capability(Capability::kill));
    CHECK_FALSE(root->has_capability(Capability::sys_admin));

    auto user = Credentials::for_user(1000, 1000)->copy();
    user->inheritable.add(Capability::net_raw);
    user->permitted.add(Capability::net_raw);
    user->ambient.add(Capability::net_raw);
    user->securebits |= abi::secbit_keep_caps;
    CHECK_FALSE(user->apply_exec(1000, 1000, false));
    CHECK(user->has_capability(Capability::net_raw));
    CHECK(user->permitted == CapSet::of({Capability::net_raw}));
    CHECK_FALSE(user->is_keeping_caps());

    auto setuid_root = Credentials::for_user(1000, 1000)->copy();
    CHECK(setuid_root->apply_exec(0, 1000, true)); // secure mode: AT_SECURE
    CHECK(setuid_root->suid == 0);
    CHECK(setuid_root->fsuid == 0);
    CHECK(setuid_root->effective == CapSet::full());
}
