#pragma once

#include <string>

#include "frame/log.h"
#include "frame/result.h"

namespace asterix::services {

class Context;

/// The kernel log as syslog(2), dmesg and /proc/sys/kernel read it: the frame's ring of log
/// lines, each shown as Linux formats a record ("<6>[    0.012345] text\n").
namespace kernel_log {

/// /proc/sys/kernel/dmesg_restrict: when set, reading the log needs CAP_SYSLOG too.
bool is_restricted();
void set_restricted(bool is_restricted);
/// /proc/sys/kernel/printk: "console default minimum boot-default" levels.
std::string printk_levels_text();
/// One record as syslog(2) shows it.
std::string record_text(const frame::KernelLogLine& line);

} // namespace kernel_log

} // namespace asterix::services
