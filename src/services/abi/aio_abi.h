#pragma once

// Linux native AIO (uapi linux/aio_abi.h).

#include "frame/types.h"

namespace asterix::services::abi {

inline constexpr u16 iocb_cmd_pread = 0;
inline constexpr u16 iocb_cmd_pwrite = 1;
inline constexpr u16 iocb_cmd_fsync = 2;
inline constexpr u16 iocb_cmd_fdsync = 3;
inline constexpr u16 iocb_cmd_preadv = 7;
inline constexpr u16 iocb_cmd_pwritev = 8;
/// IOCB_FLAG_RESFD: completion is signalled on the eventfd aio_resfd.
inline constexpr u32 iocb_flag_resfd = 1;
/// The value io_submit writes into aio_key, and io_cancel expects there (KIOCB_KEY).
inline constexpr u32 kiocb_key = 0;
/// /proc/sys/fs/aio-max-nr's default: the events all contexts may ask for together.
inline constexpr u64 aio_max_nr = 65536;

/// struct iocb, as on a little-endian 64-bit machine.
struct Iocb {
    u64 aio_data;
    u32 aio_key;
    i32 aio_rw_flags;
    u16 aio_lio_opcode;
    i16 aio_reqprio;
    u32 aio_fildes;
    u64 aio_buf;
    u64 aio_nbytes;
    i64 aio_offset;
    u64 aio_reserved2;
    u32 aio_flags;
    u32 aio_resfd;
};
static_assert(sizeof(Iocb) == 64);

/// struct io_event: what a finished request reports.
struct IoEvent {
    u64 data;
    u64 obj;
    i64 res;
    i64 res2;
};
static_assert(sizeof(IoEvent) == 32);

/// struct __aio_sigset of io_pgetevents.
struct AioSigset {
    u64 sigmask;
    u64 sigsetsize;
};

} // namespace asterix::services::abi
