#include <doctest/doctest.h>

#include "services/ipc/ipc_object.h"

using namespace asterix;
using namespace asterix::services;

namespace {
struct Thing : RefCounted<Thing> {
    IpcPerm perm;
};

IpcPerm owned_by(u32 uid, u32 gid, u32 mode)
{
    IpcPerm perm;
    perm.uid = perm.cuid = uid;
    perm.gid = perm.cgid = gid;
    perm.mode = mode;
    return perm;
}
} // namespace

TEST_CASE("ipc permissions use the owner, group or other bits, and CAP_IPC_OWNER bypasses them")
{
    auto user = Credentials::for_user(1000, 1000);
    auto other = Credentials::for_user(2000, 2000);
    auto root = Credentials::for_user(0, 0);
    auto perm = owned_by(1000, 1000, 0640);
    CHECK(ipc_permits(*user, perm, 0600));
    CHECK(ipc_permits(*user, perm, 0));
    CHECK_FALSE(ipc_permits(*other, perm, 0400));
    CHECK(ipc_permits(*root, perm, 0666));
    // The owner is held to the owner bits even when the others' bits would allow more.
    auto odd = owned_by(1000, 1000, 0007);
    CHECK_FALSE(ipc_permits(*user, odd, 0400));
    CHECK(ipc_permits(*other, odd, 0400));
    // The creator counts as the owner after an IPC_SET gave the object away.
    auto given = owned_by(1000, 1000, 0600);
    given.uid = 3000;
    CHECK(ipc_permits(*user, given, 0600));
    CHECK(ipc_may_control(*user, given));
    CHECK_FALSE(ipc_may_control(*other, given));
    CHECK(ipc_may_control(*root, given));
}

TEST_CASE("ipc ids take the lowest free index, a new sequence number each, and stop at the limit")
{
    IpcIds<Thing> ids(2);
    auto first = make_ref<Thing>();
    auto second = make_ref<Thing>();
    int a = ids.add(first).value();
    int b = ids.add(second).value();
    CHECK(a % abi::ipc_seq_multiplier == 0);
    CHECK(b % abi::ipc_seq_multiplier == 1);
    CHECK(ids.add(make_ref<Thing>()).error() == Errno::enospc);
    ids.remove(a);
    CHECK(ids.find_id(a).is_error()); // a stale id names nothing
    int c = ids.add(make_ref<Thing>()).value();
    CHECK(c % abi::ipc_seq_multiplier == 0);
    CHECK(c != a);
    CHECK(ids.find_id(a).is_error());
    CHECK(ids.find_id(c).value() == ids.at_index(0));
    CHECK(ids.find_id(-1).error() == Errno::einval);
    CHECK(ids.max_index() == 1);
}
