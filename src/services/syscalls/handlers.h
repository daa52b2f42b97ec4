#pragma once

// The typed syscall handlers. The dispatcher converts raw register values to these types.

#include "frame/result.h"
#include "frame/user_ptr.h"
#include <optional>

#include "services/abi/aio_abi.h"
#include "services/abi/fcntl.h"
#include "services/abi/futex.h"
#include "services/abi/ipc.h"
#include "services/abi/mqueue.h"
#include "services/abi/poll.h"
#include "services/abi/resource.h"
#include "services/abi/sched.h"
#include "services/abi/signal.h"
#include "services/abi/socket.h"
#include "services/abi/stat.h"
#include "services/abi/time.h"
#include "services/abi/uio.h"
#include "services/abi/utsname.h"
#include "services/abi/capability.h"
#include "services/abi/eventpoll.h"
#include "services/abi/posix_timer.h"
#include "services/abi/timerfd.h"
#include "services/syscalls/context.h"

namespace asterix::services {

// read.cpp, write.cpp
Result<long> sys_read(Context& ctx, int fd, UserPtr<u8> buf, u64 count);
Result<long> sys_readv(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt);
Result<long> sys_pread64(Context& ctx, int fd, UserPtr<u8> buf, u64 count, i64 offset);
Result<long> sys_preadv(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset);
Result<long> sys_preadv2(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset, int flags);
Result<long> sys_write(Context& ctx, int fd, UserPtr<u8> buf, u64 count);
Result<long> sys_writev(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt);
Result<long> sys_pwrite64(Context& ctx, int fd, UserPtr<u8> buf, u64 count, i64 offset);
Result<long> sys_pwritev(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset);
Result<long> sys_pwritev2(Context& ctx, int fd, UserPtr<abi::IoVec> iov, int iovcnt, i64 offset, int flags);
// sendfile.cpp
Result<long> sys_sendfile(Context& ctx, int out_fd, int in_fd, UserPtr<i64> offset, u64 count);
Result<long> sys_copy_file_range(Context& ctx, int in_fd, UserPtr<i64> in_off, int out_fd, UserPtr<i64> out_off, u64 len, u32 flags);
// open.cpp
Result<long> open_file(Context& ctx, int dirfd, const std::string& path, u32 flags, u32 mode);
Result<long> sys_open(Context& ctx, UserPtr<char> path, int flags, u32 mode);
Result<long> sys_openat(Context& ctx, int dirfd, UserPtr<char> path, int flags, u32 mode);
Result<long> sys_openat2(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::OpenHow> how, u64 size);
Result<long> sys_creat(Context& ctx, UserPtr<char> path, u32 mode);
// getdents.cpp, pipe.cpp
Result<long> sys_getdents64(Context& ctx, int fd, UserPtr<u8> dirp, u64 count);
Result<long> sys_pipe(Context& ctx, UserPtr<std::array<i32, 2>> fds);
Result<long> sys_pipe2(Context& ctx, UserPtr<std::array<i32, 2>> fds, int flags);
// namei.cpp
Result<long> sys_mkdir(Context& ctx, UserPtr<char> path, u32 mode);
Result<long> sys_mkdirat(Context& ctx, int dirfd, UserPtr<char> path, u32 mode);
Result<long> sys_rmdir(Context& ctx, UserPtr<char> path);
Result<long> sys_unlink(Context& ctx, UserPtr<char> path);
Result<long> sys_unlinkat(Context& ctx, int dirfd, UserPtr<char> path, int flags);
Result<long> sys_rename(Context& ctx, UserPtr<char> old_path, UserPtr<char> new_path);
Result<long> sys_renameat(Context& ctx, int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path);
Result<long> sys_renameat2(Context& ctx, int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, u32 flags);
Result<long> sys_link(Context& ctx, UserPtr<char> old_path, UserPtr<char> new_path);
Result<long> sys_linkat(Context& ctx, int old_dirfd, UserPtr<char> old_path, int new_dirfd, UserPtr<char> new_path, int flags);
Result<long> sys_symlink(Context& ctx, UserPtr<char> target, UserPtr<char> link_path);
Result<long> sys_symlinkat(Context& ctx, UserPtr<char> target, int new_dirfd, UserPtr<char> link_path);
Result<long> sys_readlink(Context& ctx, UserPtr<char> path, UserPtr<char> buf, int size);
Result<long> sys_readlinkat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<char> buf, int size);
Result<long> sys_mknod(Context& ctx, UserPtr<char> path, u32 mode, u64 dev);
Result<long> sys_mknodat(Context& ctx, int dirfd, UserPtr<char> path, u32 mode, u64 dev);
// attr.cpp
Result<long> sys_chmod(Context& ctx, UserPtr<char> path, u32 mode);
Result<long> sys_fchmod(Context& ctx, int fd, u32 mode);
Result<long> sys_fchmodat(Context& ctx, int dirfd, UserPtr<char> path, u32 mode);
Result<long> sys_chown(Context& ctx, UserPtr<char> path, u32 uid, u32 gid);
Result<long> sys_fchown(Context& ctx, int fd, u32 uid, u32 gid);
Result<long> sys_lchown(Context& ctx, UserPtr<char> path, u32 uid, u32 gid);
Result<long> sys_fchownat(Context& ctx, int dirfd, UserPtr<char> path, u32 uid, u32 gid, int flags);
Result<long> sys_utimensat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::Timespec2> times, int flags);
Result<long> sys_truncate(Context& ctx, UserPtr<char> path, i64 length);
Result<long> sys_ftruncate(Context& ctx, int fd, i64 length);
Result<long> sys_access(Context& ctx, UserPtr<char> path, int mode);
Result<long> sys_faccessat(Context& ctx, int dirfd, UserPtr<char> path, int mode);
Result<long> sys_faccessat2(Context& ctx, int dirfd, UserPtr<char> path, int mode, int flags);
Result<long> sys_fallocate(Context& ctx, int fd, int mode, i64 offset, i64 len);
// sync.cpp
Result<long> sys_fsync(Context& ctx, int fd);
Result<long> sys_fdatasync(Context& ctx, int fd);
Result<long> sys_sync(Context& ctx);
Result<long> sys_syncfs(Context& ctx, int fd);
Result<long> sys_fadvise64(Context& ctx, int fd, i64 offset, i64 len, int advice);
Result<long> sys_readahead(Context& ctx, int fd, i64 offset, u64 count);
Result<long> sys_sync_file_range(Context& ctx, int fd, i64 offset, i64 nbytes, u32 flags);
// xattr.cpp
Result<long> sys_getxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size);
Result<long> sys_lgetxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size);
Result<long> sys_fgetxattr(Context& ctx, int fd, UserPtr<char> name, u64 value, u64 size);
Result<long> sys_listxattr(Context& ctx, UserPtr<char> path, u64 list, u64 size);
Result<long> sys_llistxattr(Context& ctx, UserPtr<char> path, u64 list, u64 size);
Result<long> sys_flistxattr(Context& ctx, int fd, u64 list, u64 size);
Result<long> sys_setxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags);
Result<long> sys_lsetxattr(Context& ctx, UserPtr<char> path, UserPtr<char> name, u64 value, u64 size, int flags);
Result<long> sys_fsetxattr(Context& ctx, int fd, UserPtr<char> name, u64 value, u64 size, int flags);
Result<long> sys_removexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name);
Result<long> sys_lremovexattr(Context& ctx, UserPtr<char> path, UserPtr<char> name);
Result<long> sys_fremovexattr(Context& ctx, int fd, UserPtr<char> name);
// fd.cpp
Result<long> sys_close(Context& ctx, int fd);
Result<long> sys_close_range(Context& ctx, u32 first, u32 last, u32 flags);
Result<long> sys_dup(Context& ctx, int fd);
Result<long> sys_dup2(Context& ctx, int old_fd, int new_fd);
Result<long> sys_dup3(Context& ctx, int old_fd, int new_fd, int flags);
Result<long> sys_fcntl(Context& ctx, int fd, int cmd, u64 arg);
// flock.cpp
Result<long> sys_flock(Context& ctx, int fd, u32 operation);
Result<long> sys_lseek(Context& ctx, int fd, i64 offset, int whence);
Result<long> sys_ioctl(Context& ctx, int fd, u32 request, u64 arg);
// stat.cpp
Result<long> sys_stat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf);
Result<long> sys_lstat(Context& ctx, UserPtr<char> path, UserPtr<abi::Stat> buf);
Result<long> sys_fstat(Context& ctx, int fd, UserPtr<abi::Stat> buf);
Result<long> sys_newfstatat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<abi::Stat> buf, int flags);
Result<long> sys_statx(Context& ctx, int dirfd, UserPtr<char> path, int flags, u32 mask, UserPtr<abi::Statx> buf);
Result<long> sys_statfs(Context& ctx, UserPtr<char> path, UserPtr<abi::StatFs> buf);
Result<long> sys_fstatfs(Context& ctx, int fd, UserPtr<abi::StatFs> buf);
// cwd.cpp
Result<long> sys_getcwd(Context& ctx, UserPtr<char> buf, u64 size);
Result<long> sys_chdir(Context& ctx, UserPtr<char> path);
Result<long> sys_fchdir(Context& ctx, int fd);
Result<long> sys_chroot(Context& ctx, UserPtr<char> path);
Result<long> sys_umask(Context& ctx, u32 mask);
// mmap.cpp
Result<long> sys_brk(Context& ctx, u64 addr);
Result<long> sys_mmap(Context& ctx, u64 addr, u64 len, int prot, int flags, int fd, u64 offset);
Result<long> sys_munmap(Context& ctx, u64 addr, u64 len);
Result<long> sys_mprotect(Context& ctx, u64 addr, u64 len, int prot);
Result<long> sys_madvise(Context& ctx, u64 addr, u64 len, int advice);
Result<long> sys_mremap(Context& ctx, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr);
Result<long> sys_msync(Context& ctx, u64 addr, u64 len, int flags);
Result<long> sys_mincore(Context& ctx, u64 addr, u64 len, UserPtr<u8> vec);
// mlock.cpp
Result<long> sys_mlock(Context& ctx, u64 addr, u64 len);
Result<long> sys_munlock(Context& ctx, u64 addr, u64 len);
Result<long> sys_mlockall(Context& ctx, int flags);
Result<long> sys_munlockall(Context& ctx);
Result<long> sys_mlock2(Context& ctx, u64 addr, u64 len, u32 flags);
// membarrier.cpp
Result<long> sys_membarrier(Context& ctx, int cmd, u32 flags, int cpu_id);
Result<long> sys_mseal(Context& ctx, u64 addr, u64 len, u64 flags);
// socket.cpp
Result<long> sys_socket(Context& ctx, int domain, int type, int protocol);
/// readv and writev on a socket: one message gathered from or scattered into every segment.
Result<long> socket_readv(Context& ctx, Socket& socket, UserPtr<abi::IoVec> iov, int iovcnt);
Result<long> socket_writev(Context& ctx, Socket& socket, UserPtr<abi::IoVec> iov, int iovcnt);
Result<long> sys_socketpair(Context& ctx, int domain, int type, int protocol, UserPtr<std::array<i32, 2>> fds);
Result<long> sys_recvmmsg(Context& ctx, int fd, UserPtr<abi::MMsgHdr> vec, u32 vlen, int flags, UserPtr<abi::Timespec> timeout);
Result<long> sys_sendmmsg(Context& ctx, int fd, UserPtr<abi::MMsgHdr> vec, u32 vlen, int flags);
Result<long> sys_connect(Context& ctx, int fd, u64 addr, u32 len);
Result<long> sys_accept(Context& ctx, int fd, u64 addr, u64 len);
Result<long> sys_accept4(Context& ctx, int fd, u64 addr, u64 len, int flags);
Result<long> sys_sendto(Context& ctx, int fd, u64 buf, u64 len, int flags, u64 addr, u32 addr_len);
Result<long> sys_recvfrom(Context& ctx, int fd, u64 buf, u64 len, int flags, u64 addr, u64 addr_len);
Result<long> sys_sendmsg(Context& ctx, int fd, u64 msg, int flags);
Result<long> sys_recvmsg(Context& ctx, int fd, u64 msg, int flags);
Result<long> sys_shutdown(Context& ctx, int fd, int how);
Result<long> sys_bind(Context& ctx, int fd, u64 addr, u32 len);
Result<long> sys_listen(Context& ctx, int fd, int backlog);
Result<long> sys_getsockname(Context& ctx, int fd, u64 addr, u64 len);
Result<long> sys_getpeername(Context& ctx, int fd, u64 addr, u64 len);
Result<long> sys_setsockopt(Context& ctx, int fd, int level, int name, u64 value, u32 len);
Result<long> sys_getsockopt(Context& ctx, int fd, int level, int name, u64 value, u64 len);
// execve.cpp
Result<long> sys_execve(Context& ctx, UserPtr<char> path, UserPtr<u64> argv, UserPtr<u64> envp);
Result<long> sys_execveat(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<u64> argv, UserPtr<u64> envp, int flags);
// exit.cpp
Result<long> sys_exit(Context& ctx, int code);
Result<long> sys_exit_group(Context& ctx, int code);
// identity.cpp
Result<long> sys_getpid(Context& ctx);
Result<long> sys_gettid(Context& ctx);
Result<long> sys_getppid(Context& ctx);
Result<long> sys_getuid(Context& ctx);
Result<long> sys_syslog(Context& ctx, int action, UserPtr<char> buf, int len);
Result<long> sys_geteuid(Context& ctx);
Result<long> sys_getgid(Context& ctx);
Result<long> sys_getegid(Context& ctx);
Result<long> sys_getgroups(Context& ctx, int size, UserPtr<u32> list);
Result<long> sys_getpgrp(Context& ctx);
Result<long> sys_getpgid(Context& ctx, i32 pid);
Result<long> sys_getsid(Context& ctx, i32 pid);
Result<long> sys_setpgid(Context& ctx, i32 pid, i32 pgid);
Result<long> sys_setsid(Context& ctx);
Result<long> sys_setuid(Context& ctx, u32 uid);
Result<long> sys_setgid(Context& ctx, u32 gid);
Result<long> sys_setreuid(Context& ctx, u32 ruid, u32 euid);
Result<long> sys_setregid(Context& ctx, u32 rgid, u32 egid);
Result<long> sys_setresuid(Context& ctx, u32 ruid, u32 euid, u32 suid);
Result<long> sys_setresgid(Context& ctx, u32 rgid, u32 egid, u32 sgid);
Result<long> sys_getresuid(Context& ctx, UserPtr<u32> ruid, UserPtr<u32> euid, UserPtr<u32> suid);
Result<long> sys_getresgid(Context& ctx, UserPtr<u32> rgid, UserPtr<u32> egid, UserPtr<u32> sgid);
Result<long> sys_setfsuid(Context& ctx, u32 fsuid);
Result<long> sys_setfsgid(Context& ctx, u32 fsgid);
Result<long> sys_setgroups(Context& ctx, int size, UserPtr<u32> list);
// uname.cpp
Result<long> sys_uname(Context& ctx, UserPtr<abi::Utsname> buf);
// signal.cpp
Result<long> sys_rt_sigaction(Context& ctx, int sig, UserPtr<abi::KSigAction> act, UserPtr<abi::KSigAction> old_act, u64 sigsetsize);
Result<long> sys_rt_sigprocmask(Context& ctx, int how, UserPtr<u64> set, UserPtr<u64> old_set, u64 sigsetsize);
Result<long> sys_sigaltstack(Context& ctx, UserPtr<abi::StackT> stack, UserPtr<abi::StackT> old_stack);
Result<long> sys_kill(Context& ctx, i32 pid, int sig);
Result<long> sys_tkill(Context& ctx, i32 tid, int sig);
Result<long> sys_tgkill(Context& ctx, i32 tgid, i32 tid, int sig);
Result<long> sys_rt_sigqueueinfo(Context& ctx, i32 pid, int sig, UserPtr<abi::SigInfo> info);
Result<long> sys_rt_tgsigqueueinfo(Context& ctx, i32 tgid, i32 tid, int sig, UserPtr<abi::SigInfo> info);
Result<long> sys_rt_sigreturn(Context& ctx);
Result<long> sys_rt_sigpending(Context& ctx, UserPtr<u64> set, u64 sigsetsize);
Result<long> sys_rt_sigsuspend(Context& ctx, UserPtr<u64> mask, u64 sigsetsize);
Result<long> sys_pause(Context& ctx);
Result<long> sys_rt_sigtimedwait(Context& ctx, UserPtr<u64> set, UserPtr<abi::SigInfo> info, UserPtr<abi::Timespec> timeout, u64 sigsetsize);
Result<long> sys_pidfd_send_signal(Context& ctx, int pidfd, int sig, UserPtr<abi::SigInfo> info, u32 flags);
// itimer.cpp
Result<long> sys_alarm(Context& ctx, u32 seconds);
Result<long> sys_getitimer(Context& ctx, int which, UserPtr<abi::ITimerVal> value);
Result<long> sys_setitimer(Context& ctx, int which, UserPtr<abi::ITimerVal> new_value, UserPtr<abi::ITimerVal> old_value);
// clone.cpp, wait.cpp
Result<long> sys_clone(Context& ctx, u64 flags, u64 stack, UserPtr<i32> parent_tid, UserPtr<i32> child_tid, u64 tls);
Result<long> sys_clone3(Context& ctx, UserPtr<u8> args, u64 size);
Result<long> sys_fork(Context& ctx);
Result<long> sys_vfork(Context& ctx);
Result<long> sys_wait4(Context& ctx, i32 pid, UserPtr<i32> status, int options, UserPtr<abi::Rusage> rusage);
Result<long> sys_waitid(Context& ctx, int idtype, i32 id, UserPtr<abi::SigInfo> infop, int options, UserPtr<abi::Rusage> rusage);
// splice.cpp
Result<long> sys_splice(Context& ctx, int fd_in, UserPtr<i64> off_in, int fd_out, UserPtr<i64> off_out, u64 len, u32 flags);
Result<long> sys_tee(Context& ctx, int fd_in, int fd_out, u64 len, u32 flags);
Result<long> sys_vmsplice(Context& ctx, int fd, UserPtr<abi::IoVec> iov, u64 nr_segs, u32 flags);
// inotify.cpp
Result<long> sys_inotify_init(Context& ctx);
Result<long> sys_inotify_init1(Context& ctx, int flags);
Result<long> sys_inotify_add_watch(Context& ctx, int fd, UserPtr<char> path, u32 mask);
Result<long> sys_inotify_rm_watch(Context& ctx, int fd, int wd);
// pidfd.cpp
Result<long> sys_pidfd_open(Context& ctx, i32 pid, u32 flags);
Result<long> sys_pidfd_getfd(Context& ctx, int pidfd, int target_fd, u32 flags);
// poll.cpp
Result<long> sys_poll(Context& ctx, UserPtr<abi::PollFd> ufds, u32 nfds, int timeout_ms);
Result<long> sys_ppoll(Context& ctx, UserPtr<abi::PollFd> ufds, u32 nfds, UserPtr<abi::Timespec> timeout, UserPtr<u64> sigmask, u64 sigsetsize);
Result<long> sys_select(Context& ctx, int nfds, u64 readfds, u64 writefds, u64 exceptfds, UserPtr<abi::Timeval> timeout);
Result<long> sys_pselect6(Context& ctx, int nfds, u64 readfds, u64 writefds, u64 exceptfds, UserPtr<abi::Timespec> timeout, u64 sigmask);
// epoll.cpp
Result<long> sys_epoll_create(Context& ctx, int size);
Result<long> sys_epoll_create1(Context& ctx, int flags);
Result<long> sys_epoll_ctl(Context& ctx, int epfd, int op, int fd, UserPtr<abi::EpollEvent> event);
Result<long> sys_epoll_wait(Context& ctx, int epfd, UserPtr<abi::EpollEvent> events, int max_events, int timeout_ms);
Result<long> sys_epoll_pwait(Context& ctx, int epfd, UserPtr<abi::EpollEvent> events, int max_events, int timeout_ms, UserPtr<u64> sigmask, u64 sigsetsize);
Result<long> sys_epoll_pwait2(Context& ctx, int epfd, UserPtr<abi::EpollEvent> events, int max_events, UserPtr<abi::Timespec> timeout, UserPtr<u64> sigmask, u64 sigsetsize);
// eventfd.cpp, timerfd.cpp, signalfd.cpp
Result<long> sys_eventfd(Context& ctx, u32 initial);
Result<long> sys_eventfd2(Context& ctx, u32 initial, int flags);
Result<long> sys_timerfd_create(Context& ctx, int clock_id, int flags);
Result<long> sys_timerfd_settime(Context& ctx, int fd, int flags, UserPtr<abi::ITimerSpec> new_value, UserPtr<abi::ITimerSpec> old_value);
Result<long> sys_timerfd_gettime(Context& ctx, int fd, UserPtr<abi::ITimerSpec> cur_value);
Result<long> sys_signalfd(Context& ctx, int fd, UserPtr<u64> mask, u64 sizemask);
Result<long> sys_signalfd4(Context& ctx, int fd, UserPtr<u64> mask, u64 sizemask, int flags);
// resource_usage.cpp
Result<long> sys_getrusage(Context& ctx, int who, UserPtr<abi::Rusage> usage);
Result<long> sys_times(Context& ctx, UserPtr<abi::Tms> buf);
Result<long> sys_getpriority(Context& ctx, int which, i32 who);
Result<long> sys_setpriority(Context& ctx, int which, i32 who, int prio);
Result<long> sys_sched_setaffinity(Context& ctx, i32 pid, u64 len, UserPtr<u8> mask);
Result<long> sys_sysinfo(Context& ctx, UserPtr<abi::SysInfo> info);
// rseq.cpp
Result<long> sys_rseq(Context& ctx, u64 rseq, u32 rseq_len, int flags, u32 sig);
// futex.cpp
Result<long> sys_futex(Context& ctx, UserPtr<u32> uaddr, int op, u32 val, u64 timeout_or_val2, UserPtr<u32> uaddr2, u32 val3);
// futex_waitv.cpp
Result<long> sys_futex_waitv(Context& ctx, UserPtr<abi::FutexWaitv> waiters, u32 nr_futexes, u32 flags, UserPtr<abi::Timespec> timeout, int clockid);
// time.cpp
Result<long> sys_clock_gettime(Context& ctx, int clock, UserPtr<abi::Timespec> tp);
Result<long> sys_clock_getres(Context& ctx, int clock, UserPtr<abi::Timespec> tp);
Result<long> sys_gettimeofday(Context& ctx, UserPtr<abi::Timeval> tv, u64 tz);
Result<long> sys_time(Context& ctx, UserPtr<i64> tloc);
Result<long> sys_nanosleep(Context& ctx, UserPtr<abi::Timespec> req, UserPtr<abi::Timespec> rem);
Result<long> sys_clock_nanosleep(Context& ctx, int clock, int flags, UserPtr<abi::Timespec> req, UserPtr<abi::Timespec> rem);
Result<long> sys_restart_syscall(Context& ctx);
// posix_timer.cpp
Result<long> sys_timer_create(Context& ctx, int clock_id, UserPtr<abi::SigEvent> event, UserPtr<i32> id);
Result<long> sys_timer_settime(Context& ctx, i32 id, int flags, UserPtr<abi::ITimerSpec> new_value, UserPtr<abi::ITimerSpec> old_value);
Result<long> sys_timer_gettime(Context& ctx, i32 id, UserPtr<abi::ITimerSpec> cur_value);
Result<long> sys_timer_getoverrun(Context& ctx, i32 id);
Result<long> sys_timer_delete(Context& ctx, i32 id);
// random.cpp
Result<long> sys_getrandom(Context& ctx, UserPtr<u8> buf, u64 len, u32 flags);
// resource.cpp
Result<long> sys_prlimit64(Context& ctx, i32 pid, u32 resource, UserPtr<abi::Rlimit> new_limit, UserPtr<abi::Rlimit> old_limit);
Result<long> sys_getrlimit(Context& ctx, u32 resource, UserPtr<abi::Rlimit> limit);
Result<long> sys_setrlimit(Context& ctx, u32 resource, UserPtr<abi::Rlimit> limit);
// mempolicy.cpp
Result<long> sys_mbind(Context& ctx, u64 start, u64 len, int mode, UserPtr<u64> nodemask, u64 maxnode, u64 flags);
Result<long> sys_set_mempolicy(Context& ctx, int mode, UserPtr<u64> nodemask, u64 maxnode);
Result<long> sys_get_mempolicy(Context& ctx, UserPtr<i32> mode, UserPtr<u64> nodemask, u64 maxnode, u64 addr, u64 flags);

// sched.cpp
Result<long> sys_sched_yield(Context& ctx);
Result<long> sys_sched_getaffinity(Context& ctx, i32 pid, u64 len, UserPtr<u8> mask);
// aio.cpp
Result<long> sys_io_setup(Context& ctx, u32 nr_events, UserPtr<u64> ctxp);
Result<long> sys_io_destroy(Context& ctx, u64 ctx_id);
Result<long> sys_io_getevents(Context& ctx, u64 ctx_id, i64 min_nr, i64 nr, UserPtr<abi::IoEvent> events, UserPtr<abi::Timespec> timeout);
Result<long> sys_io_submit(Context& ctx, u64 ctx_id, i64 nr, UserPtr<u64> iocbpp);
Result<long> sys_io_cancel(Context& ctx, u64 ctx_id, UserPtr<abi::Iocb> iocb, UserPtr<abi::IoEvent> result);
Result<long> sys_io_pgetevents(Context& ctx, u64 ctx_id, i64 min_nr, i64 nr, UserPtr<abi::IoEvent> events, UserPtr<abi::Timespec> timeout, UserPtr<abi::AioSigset> usig);
Result<long> sys_sched_setparam(Context& ctx, i32 pid, UserPtr<i32> param);
Result<long> sys_sched_getparam(Context& ctx, i32 pid, UserPtr<i32> param);
Result<long> sys_sched_setscheduler(Context& ctx, i32 pid, int policy, UserPtr<i32> param);
Result<long> sys_sched_getscheduler(Context& ctx, i32 pid);
Result<long> sys_sched_get_priority_max(Context& ctx, int policy);
Result<long> sys_sched_get_priority_min(Context& ctx, int policy);
Result<long> sys_sched_rr_get_interval(Context& ctx, i32 pid, UserPtr<abi::Timespec> interval);
Result<long> sys_sched_setattr(Context& ctx, i32 pid, UserPtr<abi::SchedAttr> attr, u32 flags);
Result<long> sys_sched_getattr(Context& ctx, i32 pid, UserPtr<abi::SchedAttr> attr, u32 size, u32 flags);
Result<long> sys_getcpu(Context& ctx, UserPtr<u32> cpu, UserPtr<u32> node, u64 cache);
Result<long> sys_personality(Context& ctx, u32 persona);
// prctl.cpp
Result<long> sys_prctl(Context& ctx, int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5);
// ipc/shm.cpp, ipc/sem.cpp, ipc/msg.cpp (System V IPC)
Result<long> sys_shmget(Context& ctx, i32 key, u64 size, int flags);
Result<long> sys_shmat(Context& ctx, int id, u64 addr, int flags);
Result<long> sys_shmctl(Context& ctx, int id, int cmd, u64 buf);
Result<long> sys_shmdt(Context& ctx, u64 addr);
Result<long> sys_semget(Context& ctx, i32 key, int nsems, int flags);
Result<long> sys_semop(Context& ctx, int id, UserPtr<abi::Sembuf> sops, u64 nsops);
Result<long> sys_semtimedop(Context& ctx, int id, UserPtr<abi::Sembuf> sops, u64 nsops, UserPtr<abi::Timespec> timeout);
Result<long> sys_semctl(Context& ctx, int id, int num, int cmd, u64 arg);
Result<long> sys_msgget(Context& ctx, i32 key, int flags);
Result<long> sys_msgsnd(Context& ctx, int id, u64 msgp, u64 size, int flags);
Result<long> sys_msgrcv(Context& ctx, int id, u64 msgp, u64 size, i64 type, int flags);
Result<long> sys_msgctl(Context& ctx, int id, int cmd, u64 buf);
Result<long> sys_memfd_create(Context& ctx, UserPtr<char> name, u32 flags);
// mqueue.cpp (POSIX message queues)
Result<long> sys_mq_open(Context& ctx, UserPtr<char> name, int oflag, u32 mode, UserPtr<abi::MqAttr> attr);
Result<long> sys_mq_unlink(Context& ctx, UserPtr<char> name);
Result<long> sys_mq_timedsend(Context& ctx, int fd, UserPtr<u8> msg, u64 len, u32 priority, UserPtr<abi::Timespec> timeout);
Result<long> sys_mq_timedreceive(Context& ctx, int fd, UserPtr<u8> msg, u64 len, UserPtr<u32> priority, UserPtr<abi::Timespec> timeout);
Result<long> sys_mq_notify(Context& ctx, int fd, UserPtr<abi::SigEvent> event);
Result<long> sys_mq_getsetattr(Context& ctx, int fd, UserPtr<abi::MqAttr> new_attr, UserPtr<abi::MqAttr> old_attr);
Result<long> sys_capget(Context& ctx, UserPtr<abi::CapUserHeader> header, UserPtr<abi::CapUserData> data);
Result<long> sys_capset(Context& ctx, UserPtr<abi::CapUserHeader> header, UserPtr<abi::CapUserData> data);
/// The capability and privilege options of prctl(2); nullopt for an option they are not.
std::optional<Result<long>> prctl_privileges(Context& ctx, int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5);
// thread.cpp
Result<long> sys_arch_prctl(Context& ctx, int code, u64 addr);
Result<long> sys_set_tid_address(Context& ctx, UserPtr<i32> tidptr);
Result<long> sys_set_robust_list(Context& ctx, u64 head, u64 len);

// fs_info.cpp
Result<long> sys_ustat(Context& ctx, u32 dev, u64 ubuf);
Result<long> sys_sysfs(Context& ctx, int option, u64 arg1, u64 arg2);

// ioprio.cpp
Result<long> sys_ioprio_set(Context& ctx, int which, int who, int ioprio);
Result<long> sys_ioprio_get(Context& ctx, int which, int who);

// file_handle.cpp
Result<long> sys_name_to_handle_at(Context& ctx, int dirfd, UserPtr<char> path, UserPtr<u32> handle, UserPtr<i32> mount_id, int flags);
Result<long> sys_open_by_handle_at(Context& ctx, int mount_fd, UserPtr<u32> handle, int flags);

// cachestat.cpp
Result<long> sys_cachestat(Context& ctx, u32 fd, UserPtr<u8> range_ptr, UserPtr<u8> stat_ptr, u32 flags);

// ptrace.cpp
Result<long> sys_ptrace(Context& ctx, long request, i32 pid, u64 addr, u64 data);

// process_vm.cpp
Result<long> sys_process_vm_readv(Context& ctx, i32 pid, UserPtr<abi::IoVec> local_iov, u64 liovcnt, UserPtr<abi::IoVec> remote_iov, u64 riovcnt, u64 flags);
Result<long> sys_process_vm_writev(Context& ctx, i32 pid, UserPtr<abi::IoVec> local_iov, u64 liovcnt, UserPtr<abi::IoVec> remote_iov, u64 riovcnt, u64 flags);

} // namespace asterix::services
