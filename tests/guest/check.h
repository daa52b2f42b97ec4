/* Tiny checks for guest tests: on failure print the check and exit 1. */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s (errno %d %s)\n", __FILE__,       \
                    __LINE__, #cond, errno, strerror(errno));                           \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

/* expr must return -1 with errno == err (syscall() and most libc calls). */
#define CHECK_ERR(expr, err)                                                            \
    do {                                                                                \
        errno = 0;                                                                      \
        long check_r_ = (long)(expr);                                                   \
        int check_e_ = errno;                                                           \
        if (check_r_ != -1 || check_e_ != (err)) {                                      \
            fprintf(stderr, "%s:%d: CHECK_ERR failed: %s gave %ld errno %d (%s), "      \
                    "want -1 errno %d (%s)\n", __FILE__, __LINE__, #expr, check_r_,     \
                    check_e_, strerror(check_e_), (int)(err), strerror(err));           \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

/* A pointer that is never mapped (the first page). */
#define BAD_PTR ((void *)16)
