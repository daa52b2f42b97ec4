#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "frame/types.h"

namespace asterix::services {

/// The resolv.conf a guest behind the NAT needs when `text` (the root's own) names a resolver on
/// the host's loopback (127.0.0.0/8 or ::1, as systemd-resolved's 127.0.0.53): the guest's
/// loopback has no resolver, so the first such nameserver line names `nat_dns` instead and the
/// other loopback ones go; every other line stays. None when no nameserver is on loopback.
std::optional<std::string> resolv_conf_for_nat(std::string_view text, std::string_view nat_dns);

/// Under the NAT (the instance has a network device), mounts the text resolv_conf_for_nat makes
/// of the root's /etc/resolv.conf over that file, as docker bind-mounts its own resolv.conf
/// over a container's: the root file system is never written. Nothing changes without the
/// device, or when the file is missing or names no resolver on loopback.
void mount_resolv_conf_for_nat();

} // namespace asterix::services
