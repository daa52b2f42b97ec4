// The services' ABI headers are written by hand; here each value is checked once against the
// host's C library and Linux uapi headers, which the unit tests (host code) may include.

#include <doctest/doctest.h>

#include <climits>
#include <cstdio>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/futex.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "services/abi/auxvec.h"
#include "services/abi/fcntl.h"
#include "services/abi/futex.h"
#include "services/abi/ioctls.h"
#include "services/abi/limits.h"
#include "services/abi/magic.h"
#include "services/abi/mman.h"
#include "services/abi/poll.h"
#include "services/abi/prctl.h"
#include "services/abi/random.h"
#include "services/abi/resource.h"
#include "services/abi/sched.h"
#include "services/abi/signal.h"
#include "services/abi/stat.h"
#include "services/abi/termios.h"
#include "services/abi/time.h"
#include "services/abi/uio.h"
#include "services/abi/unistd.h"
#include "services/abi/wait.h"

namespace abi = asterix::services::abi;

// Signals.
static_assert(abi::sighup == SIGHUP && abi::sigint == SIGINT && abi::sigquit == SIGQUIT && abi::sigill == SIGILL);
static_assert(abi::sigtrap == SIGTRAP && abi::sigabrt == SIGABRT && abi::sigbus == SIGBUS && abi::sigfpe == SIGFPE);
static_assert(abi::sigkill == SIGKILL && abi::sigusr1 == SIGUSR1 && abi::sigsegv == SIGSEGV && abi::sigusr2 == SIGUSR2);
static_assert(abi::sigpipe == SIGPIPE && abi::sigalrm == SIGALRM && abi::sigterm == SIGTERM && abi::sigstkflt == SIGSTKFLT);
static_assert(abi::sigchld == SIGCHLD && abi::sigcont == SIGCONT && abi::sigstop == SIGSTOP && abi::sigtstp == SIGTSTP);
static_assert(abi::sigttin == SIGTTIN && abi::sigttou == SIGTTOU && abi::sigurg == SIGURG && abi::sigxcpu == SIGXCPU);
static_assert(abi::sigxfsz == SIGXFSZ && abi::sigvtalrm == SIGVTALRM && abi::sigprof == SIGPROF && abi::sigwinch == SIGWINCH);
static_assert(abi::sigio == SIGIO && abi::sigpwr == SIGPWR && abi::sigsys == SIGSYS);
static_assert(abi::si_user == SI_USER && abi::si_kernel == SI_KERNEL && abi::si_queue == SI_QUEUE && abi::si_tkill == SI_TKILL);
static_assert(abi::segv_maperr == SEGV_MAPERR && abi::segv_accerr == SEGV_ACCERR && abi::bus_adrerr == BUS_ADRERR);
static_assert(abi::ill_illopn == ILL_ILLOPN && abi::fpe_intdiv == FPE_INTDIV);
static_assert(abi::cld_exited == CLD_EXITED && abi::cld_killed == CLD_KILLED && abi::cld_dumped == CLD_DUMPED);
static_assert(abi::cld_stopped == CLD_STOPPED && abi::cld_continued == CLD_CONTINUED);
static_assert(abi::sa_nocldstop == SA_NOCLDSTOP && abi::sa_nocldwait == SA_NOCLDWAIT && abi::sa_siginfo == SA_SIGINFO);
static_assert(abi::sa_onstack == SA_ONSTACK && abi::sa_restart == SA_RESTART && abi::sa_nodefer == SA_NODEFER);
static_assert(abi::sa_resethand == SA_RESETHAND && abi::sa_restorer == 0x04000000);
static_assert(abi::sig_block == SIG_BLOCK && abi::sig_unblock == SIG_UNBLOCK && abi::sig_setmask == SIG_SETMASK);
static_assert(abi::ss_onstack == SS_ONSTACK && abi::ss_disable == SS_DISABLE);

// Files.
static_assert(abi::o_accmode == O_ACCMODE && abi::o_rdonly == O_RDONLY && abi::o_wronly == O_WRONLY && abi::o_rdwr == O_RDWR);
static_assert(abi::o_creat == O_CREAT && abi::o_excl == O_EXCL && abi::o_noctty == O_NOCTTY && abi::o_trunc == O_TRUNC);
static_assert(abi::o_append == O_APPEND && abi::o_nonblock == O_NONBLOCK && abi::o_dsync == O_DSYNC && abi::o_async == O_ASYNC);
static_assert(abi::o_direct == O_DIRECT && abi::o_directory == O_DIRECTORY && abi::o_nofollow == O_NOFOLLOW);
static_assert(abi::o_noatime == O_NOATIME && abi::o_cloexec == O_CLOEXEC && abi::o_sync == O_SYNC && abi::o_path == O_PATH);
static_assert(abi::o_tmpfile == O_TMPFILE && abi::o_largefile == 0100000); // glibc's O_LARGEFILE is 0 on x86-64
static_assert(abi::at_fdcwd == AT_FDCWD && abi::at_symlink_nofollow == AT_SYMLINK_NOFOLLOW && abi::at_removedir == AT_REMOVEDIR);
static_assert(abi::at_eaccess == AT_EACCESS && abi::at_symlink_follow == AT_SYMLINK_FOLLOW && abi::at_no_automount == AT_NO_AUTOMOUNT);
static_assert(abi::at_empty_path == AT_EMPTY_PATH && abi::at_statx_sync_type == AT_STATX_SYNC_TYPE);
static_assert(abi::f_dupfd == F_DUPFD && abi::f_getfd == F_GETFD && abi::f_setfd == F_SETFD && abi::f_getfl == F_GETFL);
static_assert(abi::f_setfl == F_SETFL && abi::f_getlk == F_GETLK && abi::f_setlk == F_SETLK && abi::f_setlkw == F_SETLKW);
static_assert(abi::f_ofd_getlk == F_OFD_GETLK && abi::f_ofd_setlk == F_OFD_SETLK && abi::f_ofd_setlkw == F_OFD_SETLKW);
static_assert(abi::f_dupfd_cloexec == F_DUPFD_CLOEXEC && abi::f_setpipe_sz == F_SETPIPE_SZ && abi::f_getpipe_sz == F_GETPIPE_SZ);
static_assert(abi::f_add_seals == F_ADD_SEALS && abi::f_get_seals == F_GET_SEALS && abi::fd_cloexec == FD_CLOEXEC);
static_assert(abi::f_rdlck == F_RDLCK && abi::f_wrlck == F_WRLCK && abi::f_unlck == F_UNLCK);
static_assert(abi::close_range_unshare == CLOSE_RANGE_UNSHARE && abi::close_range_cloexec == CLOSE_RANGE_CLOEXEC);
static_assert(abi::rename_noreplace == RENAME_NOREPLACE && abi::rename_exchange == RENAME_EXCHANGE && abi::rename_whiteout == RENAME_WHITEOUT);
static_assert(abi::resolve_no_xdev == RESOLVE_NO_XDEV && abi::resolve_no_magiclinks == RESOLVE_NO_MAGICLINKS);
static_assert(abi::resolve_no_symlinks == RESOLVE_NO_SYMLINKS && abi::resolve_beneath == RESOLVE_BENEATH);
static_assert(abi::resolve_in_root == RESOLVE_IN_ROOT && abi::resolve_cached == RESOLVE_CACHED);
static_assert(sizeof(abi::OpenHow) == sizeof(open_how) && sizeof(abi::Flock) == sizeof(struct flock));
static_assert(abi::f_ok == F_OK && abi::x_ok == X_OK && abi::w_ok == W_OK && abi::r_ok == R_OK);
static_assert(abi::seek_set == SEEK_SET && abi::seek_cur == SEEK_CUR && abi::seek_end == SEEK_END);
static_assert(abi::seek_data == SEEK_DATA && abi::seek_hole == SEEK_HOLE);
static_assert(abi::s_ifmt == S_IFMT && abi::s_ifsock == S_IFSOCK && abi::s_iflnk == S_IFLNK && abi::s_ifreg == S_IFREG);
static_assert(abi::s_ifblk == S_IFBLK && abi::s_ifdir == S_IFDIR && abi::s_ifchr == S_IFCHR && abi::s_ififo == S_IFIFO);
static_assert(abi::st_nosuid == ST_NOSUID);
static_assert(abi::s_isuid == S_ISUID && abi::s_isgid == S_ISGID && abi::s_isvtx == S_ISVTX && abi::s_ixgrp == S_IXGRP
    && abi::s_ixugo == (S_IXUSR | S_IXGRP | S_IXOTH));
static_assert(abi::dt_unknown == DT_UNKNOWN && abi::dt_fifo == DT_FIFO && abi::dt_chr == DT_CHR && abi::dt_dir == DT_DIR);
static_assert(abi::dt_reg == DT_REG && abi::dt_lnk == DT_LNK);
static_assert(abi::utime_now == UTIME_NOW && abi::utime_omit == UTIME_OMIT && abi::statx_basic_stats == STATX_BASIC_STATS);
static_assert(sizeof(abi::Stat) == sizeof(struct stat) && sizeof(abi::Statx) == sizeof(struct statx));
static_assert(abi::path_max == PATH_MAX && abi::name_max == NAME_MAX && abi::ngroups_max == NGROUPS_MAX);
static_assert(abi::tmpfs_magic == TMPFS_MAGIC && abi::proc_super_magic == PROC_SUPER_MAGIC && abi::pipefs_magic == PIPEFS_MAGIC);

// Memory.
static_assert(abi::prot_read == PROT_READ && abi::prot_write == PROT_WRITE && abi::prot_exec == PROT_EXEC);
static_assert(abi::prot_growsdown == PROT_GROWSDOWN && abi::prot_growsup == PROT_GROWSUP);
static_assert(abi::map_shared == MAP_SHARED && abi::map_private == MAP_PRIVATE && abi::map_shared_validate == MAP_SHARED_VALIDATE);
static_assert(abi::map_type == MAP_TYPE && abi::map_fixed == MAP_FIXED && abi::map_anonymous == MAP_ANONYMOUS);
static_assert(abi::map_growsdown == MAP_GROWSDOWN && abi::map_denywrite == MAP_DENYWRITE && abi::map_executable == MAP_EXECUTABLE);
static_assert(abi::map_locked == MAP_LOCKED && abi::map_noreserve == MAP_NORESERVE && abi::map_populate == MAP_POPULATE);
static_assert(abi::map_nonblock == MAP_NONBLOCK && abi::map_stack == MAP_STACK && abi::map_hugetlb == MAP_HUGETLB);
static_assert(abi::map_sync == MAP_SYNC && abi::map_fixed_noreplace == MAP_FIXED_NOREPLACE);
static_assert(abi::madv_normal == MADV_NORMAL && abi::madv_random == MADV_RANDOM && abi::madv_sequential == MADV_SEQUENTIAL);
static_assert(abi::madv_willneed == MADV_WILLNEED && abi::madv_dontneed == MADV_DONTNEED && abi::madv_free == MADV_FREE);
static_assert(abi::madv_dontfork == MADV_DONTFORK && abi::madv_dofork == MADV_DOFORK && abi::madv_mergeable == MADV_MERGEABLE);
static_assert(abi::madv_unmergeable == MADV_UNMERGEABLE && abi::madv_hugepage == MADV_HUGEPAGE);
static_assert(abi::madv_nohugepage == MADV_NOHUGEPAGE && abi::madv_dontdump == MADV_DONTDUMP && abi::madv_dodump == MADV_DODUMP);
static_assert(abi::ms_async == MS_ASYNC && abi::ms_invalidate == MS_INVALIDATE && abi::ms_sync == MS_SYNC);
static_assert(abi::mremap_maymove == MREMAP_MAYMOVE && abi::mremap_fixed == MREMAP_FIXED && abi::mremap_dontunmap == MREMAP_DONTUNMAP);

// Processes.
static_assert(abi::wnohang == WNOHANG && abi::wuntraced == WUNTRACED && abi::wstopped == WSTOPPED);
static_assert(abi::wexited == WEXITED && abi::wcontinued == WCONTINUED && abi::wnowait == WNOWAIT);
static_assert(abi::wnothread == __WNOTHREAD && abi::wall == __WALL && abi::wclone == static_cast<int>(__WCLONE));
static_assert(static_cast<int>(abi::WaitIdType::all) == P_ALL && static_cast<int>(abi::WaitIdType::pid) == P_PID);
static_assert(static_cast<int>(abi::WaitIdType::pgid) == P_PGID);
static_assert(abi::csignal == CSIGNAL && abi::clone_vm == CLONE_VM && abi::clone_fs == CLONE_FS && abi::clone_files == CLONE_FILES);
static_assert(abi::clone_sighand == CLONE_SIGHAND && abi::clone_pidfd == CLONE_PIDFD && abi::clone_ptrace == CLONE_PTRACE);
static_assert(abi::clone_vfork == CLONE_VFORK && abi::clone_parent == CLONE_PARENT && abi::clone_thread == CLONE_THREAD);
static_assert(abi::clone_newns == CLONE_NEWNS && abi::clone_sysvsem == CLONE_SYSVSEM && abi::clone_settls == CLONE_SETTLS);
static_assert(abi::clone_parent_settid == CLONE_PARENT_SETTID && abi::clone_child_cleartid == CLONE_CHILD_CLEARTID);
static_assert(abi::clone_detached == CLONE_DETACHED && abi::clone_untraced == CLONE_UNTRACED);
static_assert(abi::clone_child_settid == CLONE_CHILD_SETTID && abi::clone_io == CLONE_IO && abi::sched_other == SCHED_OTHER);
static_assert(abi::rlimit_cpu == RLIMIT_CPU && abi::rlimit_fsize == RLIMIT_FSIZE && abi::rlimit_data == RLIMIT_DATA);
static_assert(abi::rlimit_stack == RLIMIT_STACK && abi::rlimit_core == RLIMIT_CORE && abi::rlimit_rss == RLIMIT_RSS);
static_assert(abi::rlimit_nproc == RLIMIT_NPROC && abi::rlimit_nofile == RLIMIT_NOFILE && abi::rlimit_memlock == RLIMIT_MEMLOCK);
static_assert(abi::rlimit_as == RLIMIT_AS && abi::rlimit_locks == RLIMIT_LOCKS && abi::rlimit_sigpending == RLIMIT_SIGPENDING);
static_assert(abi::rlimit_msgqueue == RLIMIT_MSGQUEUE && abi::rlimit_nice == RLIMIT_NICE && abi::rlimit_rtprio == RLIMIT_RTPRIO);
static_assert(abi::rlimit_rttime == RLIMIT_RTTIME && abi::rlimit_count == RLIMIT_NLIMITS && abi::rlim_infinity == RLIM_INFINITY);
static_assert(abi::rusage_self == RUSAGE_SELF && abi::rusage_children == RUSAGE_CHILDREN && abi::rusage_thread == RUSAGE_THREAD);
static_assert(abi::prio_process == PRIO_PROCESS && abi::prio_pgrp == PRIO_PGRP && abi::prio_user == PRIO_USER);
static_assert(sizeof(abi::Rusage) == sizeof(struct rusage) && sizeof(abi::Rlimit) == sizeof(struct rlimit));
static_assert(abi::futex_wait == FUTEX_WAIT && abi::futex_wake == FUTEX_WAKE && abi::futex_requeue == FUTEX_REQUEUE);
static_assert(abi::futex_cmp_requeue == FUTEX_CMP_REQUEUE && abi::futex_wake_op == FUTEX_WAKE_OP);
static_assert(abi::futex_wait_bitset == FUTEX_WAIT_BITSET && abi::futex_wake_bitset == FUTEX_WAKE_BITSET);
static_assert(abi::futex_private_flag == FUTEX_PRIVATE_FLAG && abi::futex_clock_realtime == FUTEX_CLOCK_REALTIME);
static_assert(abi::futex_bitset_match_any == FUTEX_BITSET_MATCH_ANY && abi::futex_waiters == FUTEX_WAITERS);
static_assert(abi::futex_owner_died == FUTEX_OWNER_DIED && abi::futex_tid_mask == FUTEX_TID_MASK);
static_assert(abi::robust_list_limit == ROBUST_LIST_LIMIT && abi::robust_list_head_bytes == sizeof(robust_list_head));
static_assert(abi::pr_set_name == PR_SET_NAME && abi::pr_get_name == PR_GET_NAME);
static_assert(abi::pr_get_dumpable == PR_GET_DUMPABLE && abi::pr_set_dumpable == PR_SET_DUMPABLE);
static_assert(abi::grnd_nonblock == GRND_NONBLOCK && abi::grnd_random == GRND_RANDOM && abi::grnd_insecure == GRND_INSECURE);
static_assert(abi::nr_read == SYS_read && abi::nr_restart_syscall == SYS_restart_syscall && abi::nr_clone3 == SYS_clone3);

// Time, poll, I/O, terminals, the auxiliary vector.
static_assert(abi::clock_realtime == CLOCK_REALTIME && abi::clock_monotonic == CLOCK_MONOTONIC);
static_assert(abi::clock_process_cputime_id == CLOCK_PROCESS_CPUTIME_ID && abi::clock_thread_cputime_id == CLOCK_THREAD_CPUTIME_ID);
static_assert(abi::clock_monotonic_raw == CLOCK_MONOTONIC_RAW && abi::clock_realtime_coarse == CLOCK_REALTIME_COARSE);
static_assert(abi::clock_monotonic_coarse == CLOCK_MONOTONIC_COARSE && abi::clock_boottime == CLOCK_BOOTTIME && abi::clock_tai == CLOCK_TAI);
static_assert(abi::timer_abstime == TIMER_ABSTIME);
static_assert(abi::pollin == POLLIN && abi::pollpri == POLLPRI && abi::pollout == POLLOUT && abi::pollerr == POLLERR);
static_assert(abi::pollhup == POLLHUP && abi::pollnval == POLLNVAL && abi::pollrdnorm == POLLRDNORM && abi::pollwrnorm == POLLWRNORM);
static_assert(abi::iov_max == IOV_MAX && abi::rwf_hipri == RWF_HIPRI && abi::rwf_dsync == RWF_DSYNC && abi::rwf_sync == RWF_SYNC);
static_assert(abi::rwf_nowait == RWF_NOWAIT && abi::rwf_append == RWF_APPEND);
static_assert(abi::tcgets == TCGETS && abi::tcsets == TCSETS && abi::tcsetsw == TCSETSW && abi::tcsetsf == TCSETSF);
static_assert(abi::tiocsctty == TIOCSCTTY && abi::tiocgpgrp == TIOCGPGRP && abi::tiocspgrp == TIOCSPGRP && abi::tiocnotty == TIOCNOTTY);
static_assert(abi::tiocgsid == TIOCGSID && abi::tiocgwinsz == TIOCGWINSZ && abi::tiocswinsz == TIOCSWINSZ);
static_assert(abi::fionread == FIONREAD && abi::fioclex == FIOCLEX && abi::fionclex == FIONCLEX);
static_assert(abi::istrip == ISTRIP && abi::inlcr == INLCR && abi::igncr == IGNCR && abi::icrnl == ICRNL && abi::ixon == IXON);
static_assert(abi::ixany == IXANY && abi::iutf8 == IUTF8 && abi::opost == OPOST && abi::onlcr == ONLCR && abi::ocrnl == OCRNL);
static_assert(abi::b115200 == B115200 && abi::cs8 == CS8 && abi::cread == CREAD && abi::clocal == CLOCAL);
static_assert(abi::isig == ISIG && abi::icanon == ICANON && abi::echo == ECHO && abi::echoe == ECHOE && abi::echok == ECHOK);
static_assert(abi::echonl == ECHONL && abi::noflsh == NOFLSH && abi::echoctl == ECHOCTL && abi::echoke == ECHOKE && abi::iexten == IEXTEN);
static_assert(abi::vintr == VINTR && abi::vquit == VQUIT && abi::verase == VERASE && abi::vkill == VKILL && abi::veof == VEOF);
static_assert(abi::vtime == VTIME && abi::vmin == VMIN && abi::vstart == VSTART && abi::vstop == VSTOP && abi::vsusp == VSUSP);
static_assert(abi::veol == VEOL && abi::vreprint == VREPRINT && abi::vdiscard == VDISCARD && abi::vwerase == VWERASE);
static_assert(abi::vlnext == VLNEXT && abi::veol2 == VEOL2);
static_assert(abi::at_null == AT_NULL && abi::at_phdr == AT_PHDR && abi::at_phent == AT_PHENT && abi::at_phnum == AT_PHNUM);
static_assert(abi::at_pagesz == AT_PAGESZ && abi::at_base == AT_BASE && abi::at_flags == AT_FLAGS && abi::at_entry == AT_ENTRY);
static_assert(abi::at_uid == AT_UID && abi::at_euid == AT_EUID && abi::at_gid == AT_GID && abi::at_egid == AT_EGID);
static_assert(abi::at_platform == AT_PLATFORM && abi::at_hwcap == AT_HWCAP && abi::at_clktck == AT_CLKTCK);
static_assert(abi::at_secure == AT_SECURE && abi::at_random == AT_RANDOM && abi::at_hwcap2 == AT_HWCAP2 && abi::at_execfn == AT_EXECFN);

TEST_CASE("a signal set holds signals at the bits of the kernel's sigset_t")
{
    abi::SigSet set;
    CHECK(set.is_empty());
    set.add(abi::sigint);
    set.add(abi::Signal::constant(abi::signal_count));
    CHECK(set.has(abi::sigint));
    CHECK(set.has(abi::Signal::constant(abi::signal_count)));
    CHECK_FALSE(set.has(abi::sigquit));
    CHECK(set.bits() == ((1ull << (SIGINT - 1)) | (1ull << 63)));
    set.remove(abi::sigint);
    CHECK_FALSE(set.has(abi::sigint));
    auto other = abi::SigSet::from_bits(abi::sig_bit(abi::sigterm) | abi::sig_bit(abi::signal_count));
    CHECK((set | other).bits() == other.bits());
    CHECK((set & other) == set);
    CHECK(other.without(set).bits() == abi::sig_bit(abi::sigterm));
    CHECK(abi::is_valid_signal(1));
    CHECK(abi::is_valid_signal(64));
    CHECK_FALSE(abi::is_valid_signal(0));
    CHECK_FALSE(abi::is_valid_signal(65));
}

TEST_CASE("a guest's signal number becomes a Signal only when it names one")
{
    CHECK(abi::Signal::from_number(9) == abi::sigkill);
    CHECK(abi::Signal::from_number(64)->number() == 64);
    CHECK(abi::Signal::from_number(64)->is_realtime());
    CHECK_FALSE(abi::sigterm.is_realtime());
    CHECK_FALSE(abi::Signal::from_number(0).has_value());
    CHECK_FALSE(abi::Signal::from_number(65).has_value());
    CHECK_FALSE(abi::Signal::from_number(-1).has_value());
}
