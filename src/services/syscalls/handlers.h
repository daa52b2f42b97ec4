#pragma once

// The typed syscall handlers. The dispatcher converts raw register values to these types.

#include "frame/result.h"
#include "frame/user_ptr.h"
#include "services/abi.h"
#include "services/syscalls/context.h"

namespace asterix::services {

// read.cpp, write.cpp
Result<long> sys_read(Context& ctx, int fd, UserPtr<u8> buf, u64 count);
Result<long> sys_readv(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt);
Result<long> sys_write(Context& ctx, int fd, UserPtr<u8> buf, u64 count);
Result<long> sys_writev(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt);
// fd.cpp
Result<long> sys_close(Context& ctx, int fd);
Result<long> sys_dup(Context& ctx, int fd);
Result<long> sys_dup2(Context& ctx, int old_fd, int new_fd);
Result<long> sys_dup3(Context& ctx, int old_fd, int new_fd, int flags);
Result<long> sys_fcntl(Context& ctx, int fd, int cmd, u64 arg);
Result<long> sys_lseek(Context& ctx, int fd, i64 offset, int whence);
Result<long> sys_ioctl(Context& ctx, int fd, u32 request, u64 arg);
// stat.cpp
Result<long> sys_stat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf);
Result<long> sys_lstat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf);
Result<long> sys_fstat(Context& ctx, int fd, UserPtr<abi::Stat> buf);
Result<long> sys_newfstatat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::Stat> buf, int flags);
// cwd.cpp
Result<long> sys_getcwd(Context& ctx, UserPtr<char> buf, u64 size);
Result<long> sys_umask(Context& ctx, u32 mask);
// mmap.cpp
Result<long> sys_brk(Context& ctx, u64 addr);
Result<long> sys_mmap(Context& ctx, u64 addr, u64 len, int prot, int flags, int fd, u64 offset);
Result<long> sys_munmap(Context& ctx, u64 addr, u64 len);
Result<long> sys_mprotect(Context& ctx, u64 addr, u64 len, int prot);
Result<long> sys_madvise(Context& ctx, u64 addr, u64 len, int advice);
// exit.cpp
Result<long> sys_exit(Context& ctx, int code);
Result<long> sys_exit_group(Context& ctx, int code);
// identity.cpp
Result<long> sys_getpid(Context& ctx);
Result<long> sys_gettid(Context& ctx);
Result<long> sys_getppid(Context& ctx);
Result<long> sys_getuid(Context& ctx);
Result<long> sys_geteuid(Context& ctx);
Result<long> sys_getgid(Context& ctx);
Result<long> sys_getegid(Context& ctx);
Result<long> sys_getgroups(Context& ctx, int size, UserPtr<u32> list);
Result<long> sys_getpgrp(Context& ctx);
Result<long> sys_getpgid(Context& ctx, i32 pid);
Result<long> sys_getsid(Context& ctx, i32 pid);
// uname.cpp
Result<long> sys_uname(Context& ctx, UserPtr<abi::Utsname> buf);
// signal.cpp
Result<long> sys_rt_sigaction(Context& ctx, int sig, UserPtr<abi::KSigAction> act, UserPtr<abi::KSigAction> old_act, u64 sigsetsize);
Result<long> sys_rt_sigprocmask(Context& ctx, int how, UserPtr<u64> set, UserPtr<u64> old_set, u64 sigsetsize);
Result<long> sys_sigaltstack(Context& ctx, UserPtr<abi::StackT> stack, UserPtr<abi::StackT> old_stack);
// time.cpp
Result<long> sys_clock_gettime(Context& ctx, int clock, UserPtr<abi::Timespec> tp);
Result<long> sys_clock_getres(Context& ctx, int clock, UserPtr<abi::Timespec> tp);
Result<long> sys_gettimeofday(Context& ctx, UserPtr<abi::Timeval> tv, u64 tz);
Result<long> sys_time(Context& ctx, UserPtr<i64> tloc);
Result<long> sys_nanosleep(Context& ctx, UserPtr<abi::Timespec> req, UserPtr<abi::Timespec> rem);
Result<long> sys_clock_nanosleep(Context& ctx, int clock, int flags, UserPtr<abi::Timespec> req, UserPtr<abi::Timespec> rem);
// random.cpp
Result<long> sys_getrandom(Context& ctx, UserPtr<u8> buf, u64 len, u32 flags);
// resource.cpp
Result<long> sys_prlimit64(Context& ctx, i32 pid, u32 resource, UserPtr<abi::Rlimit> new_limit, UserPtr<abi::Rlimit> old_limit);
Result<long> sys_getrlimit(Context& ctx, u32 resource, UserPtr<abi::Rlimit> limit);
Result<long> sys_setrlimit(Context& ctx, u32 resource, UserPtr<abi::Rlimit> limit);
// sched.cpp
Result<long> sys_sched_yield(Context& ctx);
Result<long> sys_sched_getaffinity(Context& ctx, i32 pid, u64 len, UserPtr<u8> mask);
// prctl.cpp
Result<long> sys_prctl(Context& ctx, int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5);
// thread.cpp
Result<long> sys_arch_prctl(Context& ctx, int code, u64 addr);
Result<long> sys_set_tid_address(Context& ctx, UserPtr<i32> tidptr);
Result<long> sys_set_robust_list(Context& ctx, u64 head, u64 len);

} // namespace asterix::services
