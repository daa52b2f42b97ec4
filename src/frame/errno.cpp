#include "frame/errno.h"

namespace asterix {

namespace {
struct ErrnoText {
    Errno value;
    const char* name;
    const char* message;
};

constexpr ErrnoText errno_texts[] = {
    {Errno::eperm, "EPERM", "Operation not permitted"},
    {Errno::enoent, "ENOENT", "No such file or directory"},
    {Errno::esrch, "ESRCH", "No such process"},
    {Errno::eintr, "EINTR", "Interrupted system call"},
    {Errno::eio, "EIO", "Input/output error"},
    {Errno::enxio, "ENXIO", "No such device or address"},
    {Errno::e2big, "E2BIG", "Argument list too long"},
    {Errno::enoexec, "ENOEXEC", "Exec format error"},
    {Errno::ebadf, "EBADF", "Bad file descriptor"},
    {Errno::echild, "ECHILD", "No child processes"},
    {Errno::eagain, "EAGAIN", "Resource temporarily unavailable"},
    {Errno::enomem, "ENOMEM", "Cannot allocate memory"},
    {Errno::eacces, "EACCES", "Permission denied"},
    {Errno::efault, "EFAULT", "Bad address"},
    {Errno::ebusy, "EBUSY", "Device or resource busy"},
    {Errno::eexist, "EEXIST", "File exists"},
    {Errno::exdev, "EXDEV", "Invalid cross-device link"},
    {Errno::enodev, "ENODEV", "No such device"},
    {Errno::enotdir, "ENOTDIR", "Not a directory"},
    {Errno::eisdir, "EISDIR", "Is a directory"},
    {Errno::einval, "EINVAL", "Invalid argument"},
    {Errno::enfile, "ENFILE", "Too many open files in system"},
    {Errno::emfile, "EMFILE", "Too many open files"},
    {Errno::enotty, "ENOTTY", "Inappropriate ioctl for device"},
    {Errno::etxtbsy, "ETXTBSY", "Text file busy"},
    {Errno::efbig, "EFBIG", "File too large"},
    {Errno::enospc, "ENOSPC", "No space left on device"},
    {Errno::espipe, "ESPIPE", "Illegal seek"},
    {Errno::erofs, "EROFS", "Read-only file system"},
    {Errno::emlink, "EMLINK", "Too many links"},
    {Errno::epipe, "EPIPE", "Broken pipe"},
    {Errno::edom, "EDOM", "Numerical argument out of domain"},
    {Errno::erange, "ERANGE", "Numerical result out of range"},
    {Errno::edeadlk, "EDEADLK", "Resource deadlock avoided"},
    {Errno::enametoolong, "ENAMETOOLONG", "File name too long"},
    {Errno::enolck, "ENOLCK", "No locks available"},
    {Errno::enosys, "ENOSYS", "Function not implemented"},
    {Errno::enotempty, "ENOTEMPTY", "Directory not empty"},
    {Errno::eloop, "ELOOP", "Too many levels of symbolic links"},
    {Errno::enomsg, "ENOMSG", "No message of desired type"},
    {Errno::eidrm, "EIDRM", "Identifier removed"},
    {Errno::enodata, "ENODATA", "No data available"},
    {Errno::eproto, "EPROTO", "Protocol error"},
    {Errno::eoverflow, "EOVERFLOW", "Value too large for defined data type"},
    {Errno::eilseq, "EILSEQ", "Invalid or incomplete multibyte or wide character"},
    {Errno::enotsock, "ENOTSOCK", "Socket operation on non-socket"},
    {Errno::edestaddrreq, "EDESTADDRREQ", "Destination address required"},
    {Errno::emsgsize, "EMSGSIZE", "Message too long"},
    {Errno::eprototype, "EPROTOTYPE", "Protocol wrong type for socket"},
    {Errno::enoprotoopt, "ENOPROTOOPT", "Protocol not available"},
    {Errno::eprotonosupport, "EPROTONOSUPPORT", "Protocol not supported"},
    {Errno::esocktnosupport, "ESOCKTNOSUPPORT", "Socket type not supported"},
    {Errno::enotsup, "EOPNOTSUPP", "Operation not supported"},
    {Errno::eafnosupport, "EAFNOSUPPORT", "Address family not supported by protocol"},
    {Errno::eaddrinuse, "EADDRINUSE", "Address already in use"},
    {Errno::eaddrnotavail, "EADDRNOTAVAIL", "Cannot assign requested address"},
    {Errno::enetunreach, "ENETUNREACH", "Network is unreachable"},
    {Errno::econnaborted, "ECONNABORTED", "Software caused connection abort"},
    {Errno::econnreset, "ECONNRESET", "Connection reset by peer"},
    {Errno::enobufs, "ENOBUFS", "No buffer space available"},
    {Errno::eisconn, "EISCONN", "Transport endpoint is already connected"},
    {Errno::enotconn, "ENOTCONN", "Transport endpoint is not connected"},
    {Errno::etoomanyrefs, "ETOOMANYREFS", "Too many references: cannot splice"},
    {Errno::etimedout, "ETIMEDOUT", "Connection timed out"},
    {Errno::econnrefused, "ECONNREFUSED", "Connection refused"},
    {Errno::ealready, "EALREADY", "Operation already in progress"},
    {Errno::einprogress, "EINPROGRESS", "Operation now in progress"},
    {Errno::estale, "ESTALE", "Stale file handle"},
    {Errno::erestartsys, "ERESTARTSYS", "To be restarted"},
    {Errno::erestartnointr, "ERESTARTNOINTR", "To be restarted"},
    {Errno::erestartnohand, "ERESTARTNOHAND", "To be restarted if no handler"},
    {Errno::erestart_restartblock, "ERESTART_RESTARTBLOCK", "Interrupted by signal"},
};

const ErrnoText* find(Errno e)
{
    for (const auto& text : errno_texts) {
        if (text.value == e)
            return &text;
    }
    return nullptr;
}
} // namespace

const char* errno_name(Errno e)
{
    auto* text = find(e);
    return text ? text->name : "E?";
}

const char* errno_message(Errno e)
{
    auto* text = find(e);
    return text ? text->message : "Unknown error";
}

} // namespace asterix
