#pragma once

#include "frame/result.h"
#include "frame/types.h"

namespace asterix::services {

class Context;

/// The ioctls about network interfaces that a socket of `domain` answers (netdevice(7)):
/// SIOCGIFNAME, INDEX, FLAGS, MTU, HWADDR, TXQLEN and SIOCGIFCONF on every socket, as dev_ioctl does,
/// and SIOCGIFADDR, NETMASK, BRDADDR only on AF_INET ones (devinet_ioctl); ENOTTY otherwise.
Result<long> interface_ioctl(Context& ctx, int domain, u32 request, u64 arg);

} // namespace asterix::services
