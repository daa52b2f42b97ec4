/* lwIP's compiler and platform glue for Asterix (hosted and bare metal alike): little-endian
 * x86-64, the C library's headers for types only, and diagnostics that go to the kernel log. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_CTYPE_H 1

#ifdef __cplusplus
extern "C" {
#endif
void asterix_lwip_diag(const char* message);
void asterix_lwip_assert(const char* message, const char* file, int line) __attribute__((noreturn));
#ifdef __cplusplus
}
#endif

/* lwIP's diagnostics print with a printf-style list that the kernel has no formatter for:
 * the format string alone reaches the log, which is enough to see what went wrong. */
#define LWIP_PLATFORM_DIAG(x) asterix_lwip_diag_args x
#define asterix_lwip_diag_args(...) asterix_lwip_diag(#__VA_ARGS__)
#define LWIP_PLATFORM_ASSERT(x) asterix_lwip_assert((x), __FILE__, __LINE__)
