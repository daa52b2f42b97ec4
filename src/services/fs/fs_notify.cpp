#include "services/fs/fs_notify.h"

#include <map>
#include <vector>

#include "services/fs/dentry.h"
#include "services/fs/file.h"
#include "services/abi/inotify.h"
#include "services/fs/inode.h"

namespace asterix::services::fs_notify {

namespace {

std::multimap<ObjectKey, Listener*>& listeners()
{
    static auto* all = new std::multimap<ObjectKey, Listener*>();
    return *all;
}

void deliver(Inode& inode, u32 mask, std::string_view name, u32 cookie, Origin origin = Origin::linked)
{
    auto& all = listeners();
    auto [first, last] = all.equal_range(key_of(inode));
    if (first == last)
        return;
    // A listener may leave (IN_ONESHOT) while we go: deliver to a copy of the list.
    std::vector<Listener*> targets;
    for (auto it = first; it != last; ++it)
        targets.push_back(it->second);
    for (Listener* listener : targets)
        listener->on_event(inode, mask, name, cookie, origin);
}

void dentry_event(const Dentry& dentry, u32 mask, Origin origin)
{
    if (listeners().empty())
        return;
    Inode& inode = dentry.inode();
    if (inode.is_directory())
        mask |= abi::in_isdir;
    // The directory hears first, then the object itself, as Linux's fsnotify_handle_event. An
    // unlinked file's dentry still names its old directory, which Linux also tells.
    if (Dentry* parent = dentry.parent(); parent && parent != &dentry)
        deliver(parent->inode(), mask, dentry.name(), 0, origin);
    deliver(inode, mask, {}, 0, origin);
}

} // namespace

void object_event(const Dentry& dentry, u32 mask) { dentry_event(dentry, mask, Origin::linked); }

void path_event(const Dentry& dentry, u32 mask)
{
    dentry_event(dentry, mask, dentry.is_detached() ? Origin::unlinked_file : Origin::linked);
}

void file_event(File& file, u32 mask)
{
    if (listeners().empty())
        return;
    if (Dentry* dentry = file.dentry())
        path_event(*dentry, mask);
}

void name_event(Inode& dir, std::string_view name, u32 mask, u32 cookie)
{
    if (!listeners().empty())
        deliver(dir, mask, name, cookie);
}

void self_event(Inode& inode, u32 mask)
{
    if (!listeners().empty())
        deliver(inode, mask, {}, 0);
}

u32 next_cookie()
{
    static u32 cookie = 0;
    return ++cookie;
}

ObjectKey key_of(Inode& inode)
{
    auto st = inode.stat();
    return ObjectKey {&inode.fs(), st.is_error() ? 0 : st.value().ino};
}

void listen(const ObjectKey& key, Listener& listener) { listeners().emplace(key, &listener); }

void unlisten(const ObjectKey& key, Listener& listener)
{
    auto [first, last] = listeners().equal_range(key);
    for (auto it = first; it != last; ++it) {
        if (it->second == &listener) {
            listeners().erase(it);
            return;
        }
    }
}

} // namespace asterix::services::fs_notify
