#pragma once

// Linux x86-64 user ABI structures, as guests lay them out in memory.

#include <array>

#include "frame/types.h"
#include "services/abi/fcntl.h"

namespace asterix::services::abi {

struct Timespec {
    i64 sec;
    i64 nsec;
};

struct Timeval {
    i64 sec;
    i64 usec;
};

struct IoVec {
    u64 base;
    u64 len;
};

struct Stat {
    u64 dev;
    u64 ino;
    u64 nlink;
    u32 mode;
    u32 uid;
    u32 gid;
    u32 pad0;
    u64 rdev;
    i64 size;
    i64 blksize;
    i64 blocks;
    u64 atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    std::array<i64, 3> unused;
};
static_assert(sizeof(Stat) == 144);

struct Utsname {
    std::array<char, 65> sysname, nodename, release, version, machine, domainname;
};

/// The kernel's struct sigaction (not libc's): handler, flags, restorer, mask.
struct KSigAction {
    u64 handler;
    u64 flags;
    u64 restorer;
    u64 mask;
};

struct StackT {
    u64 sp;
    i32 flags;
    i32 pad;
    u64 size;
};

/// siginfo_t: 128 bytes; the union's layout depends on the signal.
struct SigInfo {
    i32 signo;
    i32 errno_value;
    i32 code;
    i32 pad;
    /// The union: kill/sigqueue: pid, uid (then value); SIGCHLD: pid, uid, status, utime,
    /// stime; faults: addr.
    std::array<u64, 14> fields;

    void set_pid_uid(i32 pid, u32 uid) { fields[0] = static_cast<u32>(pid) | (u64 {uid} << 32); }
    void set_addr(u64 addr) { fields[0] = addr; }
    void set_status(i32 status) { fields[1] = static_cast<u32>(status); }
    void set_value(u64 value) { fields[1] = value; }
};
static_assert(sizeof(SigInfo) == 128);

struct Rusage {
    Timeval utime;
    Timeval stime;
    std::array<i64, 14> counters;
};
static_assert(sizeof(Rusage) == 144);

struct Rlimit {
    u64 cur;
    u64 max;
};

struct OpenHow {
    u64 flags;
    u64 mode;
    u64 resolve;
};

struct StatxTimestamp {
    i64 sec;
    u32 nsec;
    i32 reserved;
};

struct Statx {
    u32 mask;
    u32 blksize;
    u64 attributes;
    u32 nlink;
    u32 uid;
    u32 gid;
    u16 mode;
    u16 spare0;
    u64 ino;
    u64 size;
    u64 blocks;
    u64 attributes_mask;
    StatxTimestamp atime, btime, ctime, mtime;
    u32 rdev_major, rdev_minor, dev_major, dev_minor;
    u64 mnt_id;
    u32 dio_mem_align, dio_offset_align;
    std::array<u64, 12> spare;
};
static_assert(sizeof(Statx) == 256);

struct StatFs {
    i64 type, bsize;
    u64 blocks, bfree, bavail, files, ffree;
    std::array<i32, 2> fsid;
    i64 namelen, frsize, flags;
    std::array<i64, 4> spare;
};
static_assert(sizeof(StatFs) == 120);

struct Timespec2 {
    Timespec atime;
    Timespec mtime;
};

struct Tms {
    i64 utime, stime, cutime, cstime;
};

struct SysInfo {
    i64 uptime;
    std::array<u64, 3> loads;
    u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs;
    u16 pad;
    u32 pad2;
    u64 totalhigh, freehigh;
    u32 mem_unit;
    std::array<u8, 4> reserved;
};
static_assert(sizeof(SysInfo) == 112);

struct ITimerVal {
    Timeval interval;
    Timeval value;
};

struct PollFd {
    i32 fd;
    i16 events;
    i16 revents;
};

inline constexpr i16 pollin = 0x1;
inline constexpr i16 pollpri = 0x2;
inline constexpr i16 pollout = 0x4;
inline constexpr i16 pollerr = 0x8;
inline constexpr i16 pollhup = 0x10;
inline constexpr i16 pollnval = 0x20;
inline constexpr i16 pollrdnorm = 0x40;
inline constexpr i16 pollwrnorm = 0x100;

inline constexpr u64 rlim_infinity = ~0ull;
inline constexpr int path_max = 4096;

} // namespace asterix::services::abi
