#pragma once

#include "frame/types.h"

namespace asterix {

/// Linux errno values. The names are lower case because libc's <errno.h> defines the upper-case
/// ones as macros, and standard headers pull it in.
enum class Errno : int {
    eperm = 1,
    enoent = 2,
    esrch = 3,
    eintr = 4,
    eio = 5,
    enxio = 6,
    e2big = 7,
    enoexec = 8,
    ebadf = 9,
    echild = 10,
    eagain = 11,
    enomem = 12,
    eacces = 13,
    efault = 14,
    ebusy = 16,
    eexist = 17,
    exdev = 18,
    enodev = 19,
    enotdir = 20,
    eisdir = 21,
    einval = 22,
    enfile = 23,
    emfile = 24,
    enotty = 25,
    etxtbsy = 26,
    efbig = 27,
    enospc = 28,
    espipe = 29,
    erofs = 30,
    emlink = 31,
    epipe = 32,
    edom = 33,
    erange = 34,
    edeadlk = 35,
    enametoolong = 36,
    enolck = 37,
    enosys = 38,
    enotempty = 39,
    eloop = 40,
    enomsg = 42,
    eidrm = 43,
    enodata = 61,
    eproto = 71,
    eoverflow = 75,
    eilseq = 84,
    enotsock = 88,
    edestaddrreq = 89,
    emsgsize = 90,
    eprototype = 91,
    enoprotoopt = 92,
    eprotonosupport = 93,
    esocktnosupport = 94,
    enotsup = 95, ///< also EOPNOTSUPP
    eafnosupport = 97,
    eaddrinuse = 98,
    eaddrnotavail = 99,
    enetunreach = 101,
    econnaborted = 103,
    econnreset = 104,
    enobufs = 105,
    eisconn = 106,
    enotconn = 107,
    etoomanyrefs = 109,
    etimedout = 110,
    econnrefused = 111,
    ealready = 114,
    einprogress = 115,
    estale = 116,
    // Kernel-internal: a syscall interrupted by a signal, restarted or turned into EINTR when
    // the signal is handled. Never seen by a guest.
    erestartsys = 512,
    erestartnointr = 513,
    erestartnohand = 514,
    erestart_restartblock = 516,
};

/// The symbolic name ("ENOENT") and strerror text of an errno value, for traces and logs.
const char* errno_name(Errno e);
const char* errno_message(Errno e);

} // namespace asterix
