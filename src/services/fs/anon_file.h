#pragma once

#include <string>

#include "frame/file_stat.h"

namespace asterix::services {

/// What fstat shows for a file without a place in the tree (Linux's anon_inode files: epoll,
/// eventfd, timerfd, signalfd): one shared inode, mode 0600.
frame::FileStat anon_file_stat();
/// "anon_inode:[eventpoll]" for `kind` "eventpoll", as /proc/PID/fd shows such files.
std::string anon_file_description(const char* kind);

} // namespace asterix::services
