/* The checks of xattr(7) names and values every file system shares (the VFS's, before the
 * file system is asked): ERANGE for an empty or over-long name, EOPNOTSUPP for an unknown
 * namespace, EINVAL for a namespace without a name, E2BIG for a value over 64 KiB, EFAULT for
 * bad buffers. `file` must have the attribute user.a. */
#pragma once

#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"

static inline void check_xattr_names(const char *file)
{
    char buf[256];
    CHECK_ERR(setxattr(file, "", "x", 1, 0), ERANGE);
    char long_name[300];
    memset(long_name, 'n', sizeof long_name);
    memcpy(long_name, "user.", 5);
    long_name[sizeof long_name - 1] = 0;
    CHECK_ERR(setxattr(file, long_name, "x", 1, 0), ERANGE);
    CHECK_ERR(getxattr(file, long_name, buf, sizeof buf), ERANGE);
    CHECK_ERR(setxattr(file, "foo.bar", "x", 1, 0), EOPNOTSUPP);
    CHECK_ERR(getxattr(file, "foo.bar", buf, sizeof buf), EOPNOTSUPP);
    CHECK_ERR(setxattr(file, "user.", "x", 1, 0), EINVAL);
    static char big[65537];
    CHECK_ERR(setxattr(file, "user.big", big, sizeof big, 0), E2BIG);
    CHECK_ERR(syscall(SYS_setxattr, file, "user.fault", BAD_PTR, 4, 0), EFAULT);
    CHECK_ERR(syscall(SYS_getxattr, file, "user.a", BAD_PTR, 16), EFAULT);
}
