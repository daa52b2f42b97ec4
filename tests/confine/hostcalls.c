/* Host syscalls from guest code must never reach the host, and guest signals never reach host
 * processes.
 *
 *   hostcalls numbers CANARY_DIR   every number 0..1023 that Asterix does not implement, with
 *                                  a host path as every pointer argument, gives ENOSYS; so do
 *                                  x32 numbers (bit 30) and huge ones; implemented calls that
 *                                  name a host path (mkdir, open O_CREAT, symlink...) fail.
 *                                  Only under Asterix: natively these numbers are real calls.
 *   hostcalls uprobes              uretprobe and uprobe (335, 336), which the host runs without
 *                                  asking seccomp, give ENOSYS (only under Asterix).
 *   hostcalls huge                 what means something natively too: -1 and 0x7fffffff give
 *                                  ENOSYS, the upper half of rax is ignored ((1<<32)|getpid is
 *                                  getpid), x32 getpid is ENOSYS or getpid.
 *   hostcalls kill PID...          kill, tkill, tgkill and rt_sigqueueinfo on host pids (the
 *                                  script passes asterix's and its own) give ESRCH.
 * confinement.sh checks that CANARY_DIR stayed empty and that the host pids are alive.
 * Prints a line per failure and exits with the number of failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define AX_SYSCALL(number, name) number,
static const int implemented[] = {
#include "syscall_list.h"
};
#undef AX_SYSCALL

static int failures;

static int is_implemented(long nr)
{
    for (size_t i = 0; i < sizeof implemented / sizeof *implemented; i++)
        if (implemented[i] == nr)
            return 1;
    return 0;
}

static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* The host runs these two without asking seccomp (Linux 6.13 and later), so they are a case
 * of their own ("uprobes"): a platform built on seccomp traps cannot see them. */
static const long uretprobe_nr = 335, uprobe_nr = 336;

static void expect_ret(const char *what, long nr, long got, long want)
{
    if (got != want) {
        printf("FAIL %s %#lx: got %ld, want %ld\n", what, nr, got, want);
        failures++;
    }
}

static int numbers(const char *canary_dir)
{
    char path[4096], path2[4096];
    snprintf(path, sizeof path, "%s/escape", canary_dir);
    snprintf(path2, sizeof path2, "%s/escape2", canary_dir);
    long p = (long)path, q = (long)path2;
    for (long nr = 0; nr < 1024; nr++)
        if (!is_implemented(nr) && nr != uretprobe_nr && nr != uprobe_nr)
            expect_ret("unimplemented", nr, raw6(nr, p, q, 0755, p, q, 0), -ENOSYS);
    for (long nr = 0; nr < 1024; nr++)
        expect_ret("x32", nr | 0x40000000, raw6(nr | 0x40000000, p, q, 0755, p, q, 0), -ENOSYS);
    long huge[] = {0x7fffffff, 0x80000000L, 0xffffffffL, -1, -2, 0x40000000L + 1024, 100000};
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++)
        expect_ret("huge", huge[i], raw6(huge[i], p, q, 0755, p, q, 0), -ENOSYS);

    /* Implemented calls on the host's path resolve inside the guest's root, where the
     * canary directory does not exist: they fail, and the host sees nothing. */
    long r;
    if ((r = raw6(SYS_mkdir, p, 0755, 0, 0, 0, 0)) >= 0)
        printf("FAIL mkdir %s succeeded\n", path), failures++;
    if ((r = raw6(SYS_open, p, O_WRONLY | O_CREAT, 0644, 0, 0, 0)) >= 0)
        printf("FAIL open O_CREAT %s succeeded\n", path), failures++;
    if ((r = raw6(SYS_symlink, q, p, 0, 0, 0, 0)) >= 0)
        printf("FAIL symlink %s succeeded\n", path), failures++;
    if ((r = raw6(SYS_mknod, p, 0010644, 0, 0, 0, 0)) >= 0)
        printf("FAIL mknod %s succeeded\n", path), failures++;
    if ((r = raw6(SYS_link, (long)"/proc/self/exe", p, 0, 0, 0, 0)) >= 0)
        printf("FAIL link %s succeeded\n", path), failures++;
    (void)r;
    return failures;
}

static int huge_numbers(void)
{
    long pid = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
    expect_ret("huge", -1, raw6(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
    expect_ret("huge", 0x7fffffff, raw6(0x7fffffff, 0, 0, 0, 0, 0, 0), -ENOSYS);
    expect_ret("upper half ignored", (1L << 32) | SYS_getpid,
               raw6((1L << 32) | SYS_getpid, 0, 0, 0, 0, 0, 0), pid);
    long x32 = raw6(0x40000000 | SYS_getpid, 0, 0, 0, 0, 0, 0);
    if (x32 != -ENOSYS && x32 != pid)
        printf("FAIL x32 getpid gave %ld\n", x32), failures++;
    return failures;
}

static int kill_host(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        long pid = strtol(argv[i], NULL, 10);
        if (pid == raw6(SYS_getpid, 0, 0, 0, 0, 0, 0))
            continue; /* a host pid that happens to be ours in the guest's numbering */
        expect_ret("kill 0", pid, raw6(SYS_kill, pid, 0, 0, 0, 0, 0), -ESRCH);
        expect_ret("kill SIGKILL", pid, raw6(SYS_kill, pid, SIGKILL, 0, 0, 0, 0), -ESRCH);
        expect_ret("kill -pgrp", pid, raw6(SYS_kill, -pid, SIGKILL, 0, 0, 0, 0), -ESRCH);
        expect_ret("tkill", pid, raw6(SYS_tkill, pid, SIGKILL, 0, 0, 0, 0), -ESRCH);
        expect_ret("tgkill", pid, raw6(SYS_tgkill, pid, pid, SIGKILL, 0, 0, 0), -ESRCH);
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_code = SI_QUEUE;
        expect_ret("rt_sigqueueinfo", pid,
                   raw6(SYS_rt_sigqueueinfo, pid, SIGKILL, (long)&info, 0, 0, 0), -ESRCH);
    }
    return failures;
}

/* uretprobe and uprobe, outside any uprobe trampoline: ENOSYS under Asterix. */
static int uprobes(void)
{
    for (long nr = uretprobe_nr; nr <= uprobe_nr; nr++)
        if (!is_implemented(nr))
            expect_ret("uprobes", nr, raw6(nr, 0, 0, 0, 0, 0, 0), -ENOSYS);
    return failures;
}

int main(int argc, char **argv)
{
    int r;
    if (argc == 3 && !strcmp(argv[1], "numbers"))
        r = numbers(argv[2]);
    else if (argc == 2 && !strcmp(argv[1], "uprobes"))
        r = uprobes();
    else if (argc == 2 && !strcmp(argv[1], "huge"))
        r = huge_numbers();
    else if (argc >= 3 && !strcmp(argv[1], "kill"))
        r = kill_host(argc, argv);
    else {
        fprintf(stderr, "usage: hostcalls numbers CANARY_DIR | huge | kill PID...\n");
        return 100;
    }
    printf("hostcalls %s: %d failures\n", argv[1], r);
    return r > 99 ? 99 : r;
}
