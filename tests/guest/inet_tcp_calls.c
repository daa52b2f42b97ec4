/* TCP socket calls and their errors over 127.0.0.1 and ::1: non-blocking connect (EINPROGRESS,
 * then SO_ERROR), ECONNREFUSED, EADDRINUSE, ENOTCONN, EISCONN, EINVAL for short addresses,
 * EAFNOSUPPORT, EPIPE with SIGPIPE and MSG_NOSIGNAL, MSG_PEEK/MSG_DONTWAIT/MSG_WAITALL,
 * shutdown, poll and select readiness, accept4 flags, the listen backlog, SO_LINGER's reset and
 * the options programs set. */
#include "check.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { sigpipes++; }

static struct sockaddr_in v4(int port)
{
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return in;
}

static int port_of(int fd)
{
    struct sockaddr_in6 ss;
    socklen_t len = sizeof ss;
    CHECK(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
    return ntohs(ss.sin6_port); /* sin_port and sin6_port share their offset */
}

/* A listener on 127.0.0.1 with a port of the kernel's choice. */
static int listener_v4(int backlog)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in any = v4(0);
    CHECK(bind(fd, (struct sockaddr *)&any, sizeof any) == 0);
    CHECK(listen(fd, backlog) == 0);
    return fd;
}

/* Waits until `fd` reports `events`; false after two seconds. */
static int wait_for(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    return poll(&p, 1, 2000) == 1 && (p.revents & events);
}

static void connected_pair(int listener, int *client, int *server)
{
    struct sockaddr_in to = v4(port_of(listener));
    *client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(*client, (struct sockaddr *)&to, sizeof to) == 0);
    *server = accept(listener, NULL, NULL);
    CHECK(*server >= 0);
}

static void test_nonblocking_connect(void)
{
    int listener = listener_v4(4);
    struct sockaddr_in to = v4(port_of(listener));
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(fd, (struct sockaddr *)&to, sizeof to), EINPROGRESS);
    CHECK(wait_for(fd, POLLOUT));
    int error = -1;
    socklen_t len = sizeof error;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0);
    /* The first connect after the handshake reports its success, later ones EISCONN. */
    CHECK(connect(fd, (struct sockaddr *)&to, sizeof to) == 0);
    CHECK_ERR(connect(fd, (struct sockaddr *)&to, sizeof to), EISCONN);
    /* accept4 with both flags: the new file has O_NONBLOCK and FD_CLOEXEC. */
    int server = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECK(server >= 0);
    CHECK(fcntl(server, F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(server, F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(listener, F_SETFL, O_NONBLOCK) == 0);
    CHECK_ERR(accept(listener, NULL, NULL), EAGAIN);
    close(server);
    close(fd);
    close(listener);
}

static void test_refused(void)
{
    /* A port nobody listens on: bind one, learn its number, close it. */
    int probe = listener_v4(1);
    int port = port_of(probe);
    close(probe);
    struct sockaddr_in to = v4(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(fd, (struct sockaddr *)&to, sizeof to), ECONNREFUSED);
    close(fd);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(fd, (struct sockaddr *)&to, sizeof to), EINPROGRESS);
    CHECK(wait_for(fd, POLLOUT));
    int error = 0;
    socklen_t len = sizeof error;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == ECONNREFUSED);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0);
    close(fd);
}

static void test_addresses(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = v4(0);
    CHECK_ERR(bind(fd, (struct sockaddr *)&any, sizeof any - 1), EINVAL);
    struct sockaddr_in6 six = {.sin6_family = AF_INET6};
    CHECK_ERR(bind(fd, (struct sockaddr *)&six, sizeof any), EAFNOSUPPORT);
    CHECK_ERR(connect(fd, (struct sockaddr *)&any, 1), EINVAL);
    /* An address that is not this machine's. */
    struct sockaddr_in far = {.sin_family = AF_INET};
    far.sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1, TEST-NET-1 */
    CHECK_ERR(bind(fd, (struct sockaddr *)&far, sizeof far), EADDRNOTAVAIL);
    /* Not connected: no peer, and recv has nothing to read. */
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    CHECK_ERR(getpeername(fd, (struct sockaddr *)&peer, &len), ENOTCONN);
    char c;
    CHECK_ERR(recv(fd, &c, 1, 0), ENOTCONN);
    CHECK_ERR(shutdown(fd, SHUT_RD), ENOTCONN);
    /* getsockname before bind: the wildcard address and port 0. */
    len = sizeof peer;
    CHECK(getsockname(fd, (struct sockaddr *)&peer, &len) == 0);
    CHECK(len == sizeof peer && peer.sin_family == AF_INET && peer.sin_port == 0 && peer.sin_addr.s_addr == 0);
    CHECK(bind(fd, (struct sockaddr *)&any, sizeof any) == 0);
    CHECK_ERR(bind(fd, (struct sockaddr *)&any, sizeof any), EINVAL);
    close(fd);

    int six_fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 lo6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    CHECK_ERR(bind(six_fd, (struct sockaddr *)&lo6, 20), EINVAL);
    CHECK(bind(six_fd, (struct sockaddr *)&lo6, sizeof lo6) == 0);
    len = sizeof lo6;
    CHECK(getsockname(six_fd, (struct sockaddr *)&lo6, &len) == 0 && len == sizeof lo6);
    CHECK(IN6_IS_ADDR_LOOPBACK(&lo6.sin6_addr) && lo6.sin6_port != 0);
    close(six_fd);

    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    int pair[2];
    CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, pair), EOPNOTSUPP);
}

static void test_address_in_use(void)
{
    int first = listener_v4(1);
    struct sockaddr_in same = v4(port_of(first));
    int second = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(bind(second, (struct sockaddr *)&same, sizeof same), EADDRINUSE);
    /* The wildcard address overlaps 127.0.0.1 too. */
    struct sockaddr_in wild = {.sin_family = AF_INET, .sin_port = same.sin_port};
    CHECK_ERR(bind(second, (struct sockaddr *)&wild, sizeof wild), EADDRINUSE);
    close(second);
    close(first);

    /* SO_REUSEADDR (on both, as servers set it): a port whose connection is in TIME_WAIT
     * can be bound again. */
    int one = 1;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    struct sockaddr_in any = v4(0);
    CHECK(bind(listener, (struct sockaddr *)&any, sizeof any) == 0);
    CHECK(listen(listener, 1) == 0);
    int port = port_of(listener);
    int client, server;
    connected_pair(listener, &client, &server);
    close(server); /* the server closes first, so its side waits in TIME_WAIT */
    char c;
    CHECK(read(client, &c, 1) == 0);
    close(client);
    close(listener);
    int again = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(setsockopt(again, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    struct sockaddr_in at = v4(port);
    CHECK(bind(again, (struct sockaddr *)&at, sizeof at) == 0);
    CHECK(listen(again, 1) == 0);
    close(again);
}

static void test_flags_and_peek(void)
{
    int listener = listener_v4(4);
    int client, server;
    connected_pair(listener, &client, &server);
    char buf[16];
    CHECK_ERR(recv(server, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    struct pollfd p = {.fd = server, .events = POLLIN | POLLOUT};
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
    CHECK(send(client, "abcdef", 6, 0) == 6);
    CHECK(wait_for(server, POLLIN));
    int ready = 0;
    CHECK(ioctl(server, FIONREAD, &ready) == 0 && ready == 6);
    CHECK(recv(server, buf, 3, MSG_PEEK) == 3 && memcmp(buf, "abc", 3) == 0);
    CHECK(recv(server, buf, 2, 0) == 2 && memcmp(buf, "ab", 2) == 0);
    /* MSG_WAITALL waits for the rest, which a second send brings. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(100 * 1000);
        CHECK(send(client, "ghij", 4, 0) == 4);
        _exit(0);
    }
    CHECK(recv(server, buf, 8, MSG_WAITALL) == 8 && memcmp(buf, "cdefghij", 8) == 0);
    /* read(2) and write(2) work on a connected socket too. */
    CHECK(write(server, "xyz", 3) == 3);
    CHECK(read(client, buf, sizeof buf) == 3 && memcmp(buf, "xyz", 3) == 0);
    /* recvfrom on TCP leaves the address alone. */
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    CHECK(send(client, "q", 1, 0) == 1);
    CHECK(recvfrom(server, buf, 1, 0, (struct sockaddr *)&from, &len) == 1);
    /* Half close: the peer reads end of file but may still send. */
    CHECK(shutdown(client, SHUT_WR) == 0);
    CHECK(read(server, buf, sizeof buf) == 0);
    p.fd = server;
    p.events = POLLIN | POLLRDHUP;
    CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLRDHUP));
    CHECK(send(server, "back", 4, 0) == 4);
    CHECK(recv(client, buf, sizeof buf, 0) == 4);
    close(client);
    close(server);
    close(listener);
}

static void test_broken_pipe(void)
{
    signal(SIGPIPE, on_sigpipe);
    int listener = listener_v4(4);
    int client, server;
    connected_pair(listener, &client, &server);
    close(server);
    char c;
    CHECK(read(client, &c, 1) == 0);
    /* The first send meets the closed peer, which answers with a reset. */
    CHECK(send(client, "a", 1, 0) == 1);
    usleep(50 * 1000);
    CHECK_ERR(send(client, "b", 1, MSG_NOSIGNAL), EPIPE);
    CHECK(sigpipes == 0);
    CHECK_ERR(send(client, "c", 1, 0), EPIPE);
    CHECK(sigpipes == 1);
    close(client);

    /* Writing after shutdown(SHUT_WR) is EPIPE at once. */
    connected_pair(listener, &client, &server);
    CHECK(shutdown(client, SHUT_WR) == 0);
    CHECK_ERR(write(client, "d", 1), EPIPE);
    CHECK(sigpipes == 2);
    close(client);
    close(server);

    /* A fresh socket that never connected: EPIPE too (sk_stream_wait_connect). */
    int fresh = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(send(fresh, "e", 1, MSG_NOSIGNAL), EPIPE);
    close(fresh);
    close(listener);
    signal(SIGPIPE, SIG_DFL);
}

static void test_reset_on_unread_close(void)
{
    int listener = listener_v4(4);
    int client, server;
    connected_pair(listener, &client, &server);
    CHECK(send(client, "unread", 6, 0) == 6);
    CHECK(wait_for(server, POLLIN));
    close(server); /* unread data: Linux resets instead of closing */
    CHECK(wait_for(client, POLLIN));
    char c;
    CHECK_ERR(read(client, &c, 1), ECONNRESET);
    CHECK(read(client, &c, 1) == 0);
    close(client);
    close(listener);
}

/* SO_LINGER with a zero timeout: close(2) resets the connection. */
static void test_linger_reset(void)
{
    int listener = listener_v4(4);
    int client, server;
    connected_pair(listener, &client, &server);
    struct linger abortive = {.l_onoff = 1, .l_linger = 0};
    CHECK(setsockopt(client, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive) == 0);
    close(client);
    CHECK(wait_for(server, POLLIN));
    char c;
    CHECK_ERR(read(server, &c, 1), ECONNRESET);
    close(server);
    close(listener);
}

/* select(2) sees a listener's pending connection and a connection's data. */
static void test_select(void)
{
    int listener = listener_v4(4);
    struct sockaddr_in to = v4(port_of(listener));
    int client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr *)&to, sizeof to) == 0);
    fd_set read_set;
    FD_ZERO(&read_set);
    FD_SET(listener, &read_set);
    struct timeval timeout = {2, 0};
    CHECK(select(listener + 1, &read_set, NULL, NULL, &timeout) == 1 && FD_ISSET(listener, &read_set));
    int server = accept(listener, NULL, NULL);
    CHECK(server >= 0);
    FD_ZERO(&read_set);
    FD_SET(server, &read_set);
    timeout = (struct timeval){0, 0};
    CHECK(select(server + 1, &read_set, NULL, NULL, &timeout) == 0);
    CHECK(write(client, "s", 1) == 1);
    FD_SET(server, &read_set);
    timeout = (struct timeval){2, 0};
    CHECK(select(server + 1, &read_set, NULL, NULL, &timeout) == 1 && FD_ISSET(server, &read_set));
    close(client);
    close(server);
    close(listener);
}

static void test_options(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    int value = -1;
    socklen_t len = sizeof value;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) == 0 && value == SOCK_STREAM);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &value, &len) == 0 && value == AF_INET6);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &value, &len) == 0 && value == IPPROTO_TCP);
    CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) == 0 && value == 0);
    int one = 1;
    CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
    CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) == 0 && value == 1);
    CHECK(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) == 0);
    CHECK(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &value, &len) == 0 && value == 1);
    int size = 65536;
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, &len) == 0 && value == 2 * size);
    CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, &len) == 0 && value == 2 * size);
    CHECK_ERR(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, 1), EINVAL);
    /* A v6-only socket takes no mapped IPv4 address. */
    struct sockaddr_in6 mapped = {.sin6_family = AF_INET6, .sin6_port = 0};
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
    CHECK_ERR(bind(fd, (struct sockaddr *)&mapped, sizeof mapped), EINVAL);
    struct sockaddr_in6 lo6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    CHECK(bind(fd, (struct sockaddr *)&lo6, sizeof lo6) == 0);
    CHECK_ERR(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one), EINVAL);
    close(fd);
    /* SO_ACCEPTCONN follows listen(2). */
    int listener = listener_v4(1);
    CHECK(getsockopt(listener, SOL_SOCKET, SO_ACCEPTCONN, &value, &len) == 0 && value == 1);
    CHECK_ERR(connect(listener, (struct sockaddr *)&lo6, sizeof lo6), EISCONN);
    char c;
    CHECK_ERR(recv(listener, &c, 1, 0), ENOTCONN);
    close(listener);
}

/* listen(fd, 1) queues two connections (backlog + 1, as Linux); a third stays in its
 * handshake until accept(2) makes room, then completes when its SYN is sent again. */
static void test_backlog(void)
{
    int listener = listener_v4(1);
    struct sockaddr_in to = v4(port_of(listener));
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        CHECK_ERR(connect(fds[i], (struct sockaddr *)&to, sizeof to), EINPROGRESS);
    }
    CHECK(wait_for(fds[0], POLLOUT) && wait_for(fds[1], POLLOUT));
    struct pollfd p = {.fd = fds[2], .events = POLLOUT};
    CHECK(poll(&p, 1, 300) == 0);
    int first = accept(listener, NULL, NULL);
    CHECK(first >= 0);
    p.revents = 0;
    CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLOUT));
    int error = -1;
    socklen_t len = sizeof error;
    CHECK(getsockopt(fds[2], SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0);
    close(first);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    close(listener);
}

int main(void)
{
    alarm(30);
    test_nonblocking_connect();
    test_refused();
    test_addresses();
    test_address_in_use();
    test_flags_and_peek();
    test_broken_pipe();
    test_reset_on_unread_close();
    test_options();
    test_linger_reset();
    test_select();
    test_backlog();
    printf("inet_tcp_calls: ok\n");
    return 0;
}
