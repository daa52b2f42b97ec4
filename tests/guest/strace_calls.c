/* The calls whose --strace lines decode structures or depend on one argument: statx, uname,
 * sysinfo, prctl by option, clone (fork), clone3 (pthread_create), socket and socketpair (the
 * protocol named after the family), poll (its fds before and after), dup3 and epoll_create1
 * (their flags), epoll_ctl and epoll_wait (their events), setgroups and getgroups (their lists), ioctl (FIONREAD's and FIONBIO's ints,
 * an unknown request's _IOC fields), and the SIGCHLD of the fork's child, which the program
 * ignores (strace sees ignored signals: they are kept for a tracer). Checks their results
 * here; e2e.strace_compare runs it under strace and under asterix --strace and requires these
 * lines to be the same. */
#include "check.h"

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_main(void *arg) { return arg; }

int main(void)
{
    struct statx sx;
    /* The program itself: a regular file everywhere the tests run, and no mount's root (whose
     * STATX_ATTR_MOUNT_ROOT would make the trace depend on the host's mounts). */
    CHECK(statx(AT_FDCWD, "/proc/self/exe", 0, STATX_BASIC_STATS, &sx) == 0);
    CHECK(S_ISREG(sx.stx_mode));
    CHECK(statx(AT_FDCWD, "/proc/self/exe", AT_SYMLINK_NOFOLLOW, STATX_ALL, &sx) == 0);
    CHECK(S_ISLNK(sx.stx_mode));
    CHECK_ERR(statx(AT_FDCWD, "/nonexistent-strace-calls", 0, STATX_SIZE | STATX_MTIME, &sx), ENOENT);
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, &sx) == 0);
    CHECK(S_ISREG(sx.stx_mode));
    close(fd);

    struct utsname names;
    CHECK(uname(&names) == 0);
    CHECK(strcmp(names.sysname, "Linux") == 0);
    struct sysinfo info;
    CHECK(sysinfo(&info) == 0);
    CHECK(info.totalram > 0 && info.mem_unit >= 1);

    char name[16] = "";
    CHECK(prctl(PR_SET_NAME, "worker") == 0);
    CHECK(prctl(PR_GET_NAME, name) == 0);
    CHECK(strcmp(name, "worker") == 0);
    int value = -1;
    CHECK(prctl(PR_SET_PDEATHSIG, SIGTERM) == 0);
    CHECK(prctl(PR_GET_PDEATHSIG, &value) == 0 && value == SIGTERM);
    CHECK(prctl(PR_SET_PDEATHSIG, 0) == 0);
    CHECK(prctl(PR_SET_DUMPABLE, 1) == 0);
    CHECK(prctl(PR_GET_DUMPABLE) == 1);
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    CHECK(prctl(PR_GET_CHILD_SUBREAPER, &value) == 0 && value == 1);
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 0) == 0);
    CHECK(prctl(PR_CAPBSET_READ, 0) >= 0);
    CHECK(prctl(PR_GET_TIMERSLACK) > 0);
    CHECK(prctl(PR_GET_KEEPCAPS) >= 0);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) >= 0);
    CHECK_ERR(prctl(0x3039, 1, 2, 3, 4), EINVAL);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(7);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, thread_main, NULL) == 0);
    CHECK(pthread_join(thread, NULL) == 0);

    int sockets[2];
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(tcp >= 0);
    int udp6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
    CHECK(udp6 >= 0);
    int netlink = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    CHECK(netlink >= 0);
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sockets) == 0);
    close(tcp);
    close(udp6);
    close(netlink);
    close(sockets[0]);
    close(sockets[1]);

    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK(write(pipe_fds[1], "x", 1) == 1);
    struct pollfd polled[3] = {{pipe_fds[0], POLLIN | POLLPRI, 0}, {-1, POLLIN, 0}, {pipe_fds[1], POLLOUT, 0}};
    CHECK(poll(polled, 3, 0) == 2);
    CHECK(polled[0].revents == POLLIN && polled[2].revents == POLLOUT);
    CHECK(poll(polled, 1, 0) == 1);
    int readable = 0, is_nonblocking = 1;
    CHECK(ioctl(pipe_fds[0], FIONREAD, &readable) == 0 && readable == 1);
    CHECK(ioctl(pipe_fds[0], FIONBIO, &is_nonblocking) == 0);
    CHECK_ERR(ioctl(pipe_fds[0], 0x1234, 0), ENOTTY);
    char byte;
    CHECK(read(pipe_fds[0], &byte, 1) == 1);
    CHECK(poll(polled, 1, 0) == 0);
    CHECK(dup3(pipe_fds[0], 100, O_CLOEXEC) == 100);
    CHECK(dup3(pipe_fds[0], 101, 0) == 101);
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    CHECK(epoll >= 0);
    struct epoll_event event = {.events = EPOLLOUT | EPOLLET, .data.u64 = 0x100000007ull};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, pipe_fds[1], &event) == 0);
    CHECK(epoll_wait(epoll, &event, 1, 0) == 1 && event.events == EPOLLOUT && event.data.u64 == 0x100000007ull);
    CHECK(epoll_ctl(epoll, EPOLL_CTL_DEL, pipe_fds[1], NULL) == 0);
    CHECK(epoll_wait(epoll, &event, 1, 0) == 0);
    close(epoll);
    close(100);
    close(101);
    close(pipe_fds[0]);
    close(pipe_fds[1]);

    /* As root the list is set; otherwise both traces show the same EPERM. */
    gid_t groups[4] = {0, 27, 100, 5};
    int is_set = setgroups(3, groups) == 0;
    CHECK(is_set || errno == EPERM);
    CHECK(getgroups(0, NULL) >= 0);
    if (is_set)
        CHECK(getgroups(4, groups) == 3 && groups[1] == 27);
    puts("ok");
    return 0;
}
