#pragma once

// System V IPC: the common permission block and commands (uapi linux/ipc.h), shared memory
// (linux/shm.h, asm/shmbuf.h), semaphores (linux/sem.h, asm/sembuf.h) and message queues
// (linux/msg.h, asm/msgbuf.h), in their x86-64 layouts. Padding is spelled out, so the structs
// copy to and from the guest byte for byte.

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr i32 ipc_private = 0;
inline constexpr int ipc_creat = 01000;
inline constexpr int ipc_excl = 02000;
inline constexpr int ipc_nowait = 04000;

inline constexpr int ipc_rmid = 0;
inline constexpr int ipc_set = 1;
inline constexpr int ipc_stat = 2;
inline constexpr int ipc_info = 3;

/// Linux numbers an object `seq * ipcmni_seq_multiplier + index`, so a stale id of a removed
/// object does not name its successor in the same slot.
inline constexpr int ipc_seq_multiplier = 32768;

struct Ipc64Perm {
    i32 key;
    u32 uid;
    u32 gid;
    u32 cuid;
    u32 cgid;
    u32 mode;
    u16 seq;
    u16 pad2;
    u32 pad3;
    u64 unused1;
    u64 unused2;
};
static_assert(sizeof(Ipc64Perm) == 48);

// Shared memory.
inline constexpr int shm_rdonly = 010000;
inline constexpr int shm_rnd = 020000;
inline constexpr int shm_remap = 040000;
inline constexpr int shm_exec = 0100000;
inline constexpr int shm_lock = 11;
inline constexpr int shm_unlock = 12;
inline constexpr int shm_stat = 13;
inline constexpr int shm_info = 14;
inline constexpr int shm_stat_any = 15;
/// Mode bits the kernel sets: removed while attached, and locked in memory.
inline constexpr u32 shm_dest = 01000;
inline constexpr u32 shm_locked = 02000;
inline constexpr int shm_hugetlb = 04000;
inline constexpr int shm_noreserve = 010000;
inline constexpr u64 shmmin = 1;
inline constexpr u64 shmmni = 4096;
inline constexpr u64 shmmax = ~0ull - (1ull << 24);
inline constexpr u64 shmall = ~0ull - (1ull << 24);
inline constexpr u64 shmseg = shmmni;

struct Shmid64Ds {
    Ipc64Perm shm_perm;
    u64 shm_segsz;
    i64 shm_atime;
    i64 shm_dtime;
    i64 shm_ctime;
    i32 shm_cpid;
    i32 shm_lpid;
    u64 shm_nattch;
    u64 unused4;
    u64 unused5;
};
static_assert(sizeof(Shmid64Ds) == 112);

struct Shminfo64 {
    u64 shmmax, shmmin, shmmni, shmseg, shmall;
    u64 unused1, unused2, unused3, unused4;
};

struct ShmInfo {
    i32 used_ids;
    u32 pad;
    u64 shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

// Semaphores.
inline constexpr int getpid_cmd = 11;
inline constexpr int getval = 12;
inline constexpr int getall = 13;
inline constexpr int getncnt = 14;
inline constexpr int getzcnt = 15;
inline constexpr int setval = 16;
inline constexpr int setall = 17;
inline constexpr int sem_stat = 18;
inline constexpr int sem_info = 19;
inline constexpr int sem_stat_any = 20;
inline constexpr int sem_undo = 0x1000;
inline constexpr int semmni = 32000;
inline constexpr int semmsl = 32000;
inline constexpr u64 semmns = static_cast<u64>(semmni) * semmsl;
inline constexpr int semopm = 500;
inline constexpr int semvmx = 32767;
inline constexpr int semaem = semvmx;
inline constexpr int semume = semopm;
inline constexpr int semusz = 20;

struct Semid64Ds {
    Ipc64Perm sem_perm;
    i64 sem_otime;
    u64 unused1;
    i64 sem_ctime;
    u64 unused2;
    u64 sem_nsems;
    u64 unused3;
    u64 unused4;
};
static_assert(sizeof(Semid64Ds) == 104);

struct Sembuf {
    u16 sem_num;
    i16 sem_op;
    i16 sem_flg;
};
static_assert(sizeof(Sembuf) == 6);

struct Seminfo {
    i32 semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

// Message queues.
inline constexpr int msg_stat = 11;
inline constexpr int msg_info = 12;
inline constexpr int msg_stat_any = 13;
inline constexpr int msg_noerror = 010000;
inline constexpr int msg_except = 020000;
inline constexpr int msg_copy = 040000;
inline constexpr int msgmni = 32000;
inline constexpr int msgmax = 8192;
inline constexpr int msgmnb = 16384;
inline constexpr int msgssz = 16;
inline constexpr int msgseg = 0xffff;

struct Msqid64Ds {
    Ipc64Perm msg_perm;
    i64 msg_stime;
    i64 msg_rtime;
    i64 msg_ctime;
    u64 msg_cbytes;
    u64 msg_qnum;
    u64 msg_qbytes;
    i32 msg_lspid;
    i32 msg_lrpid;
    u64 unused4;
    u64 unused5;
};
static_assert(sizeof(Msqid64Ds) == 120);

struct Msginfo {
    i32 msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
    u16 msgseg;
    u16 pad;
};
static_assert(sizeof(Msginfo) == 32);

} // namespace asterix::services::abi
