#pragma once

// syslog(2)'s actions (include/linux/syslog.h; the man page's SYSLOG_ACTION_*) and the console
// log levels of /proc/sys/kernel/printk (include/linux/printk.h).

namespace asterix::services::abi {

inline constexpr int syslog_action_close = 0;
inline constexpr int syslog_action_open = 1;
inline constexpr int syslog_action_read = 2;
inline constexpr int syslog_action_read_all = 3;
inline constexpr int syslog_action_read_clear = 4;
inline constexpr int syslog_action_clear = 5;
inline constexpr int syslog_action_console_off = 6;
inline constexpr int syslog_action_console_on = 7;
inline constexpr int syslog_action_console_level = 8;
inline constexpr int syslog_action_size_unread = 9;
inline constexpr int syslog_action_size_buffer = 10;

inline constexpr int loglevel_err = 3;
inline constexpr int loglevel_warning = 4;
inline constexpr int loglevel_info = 6;
inline constexpr int loglevel_debug = 7;
inline constexpr int console_loglevel_default = 7;
inline constexpr int console_loglevel_min = 1;
inline constexpr int default_message_loglevel = 4;

} // namespace asterix::services::abi
