/* TCP over loopback: echo over 127.0.0.1 and ::1, a large transfer, end of file after
 * shutdown(SHUT_WR), the addresses both ends see, and an IPv4 client of a dual-stack listener
 * (its address mapped into ::ffff:0:0/96). Ports are the kernel's choice (bind to port 0). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define BIG_BYTES (1 << 20)

static socklen_t loopback(int family, int port, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof *in;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    in6->sin6_addr = in6addr_loopback;
    return sizeof *in6;
}

static int port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    CHECK(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
    return ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
                                   : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        CHECK(n > 0);
        buf += n;
        len -= (size_t)n;
    }
}

/* The client: sends a greeting and a megabyte, reads the echo back, checks end of file. */
static void client(int family, int port)
{
    struct sockaddr_storage to;
    socklen_t len = loopback(family, port, &to);
    int fd = socket(family, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    CHECK(connect(fd, (struct sockaddr *)&to, len) == 0);
    int one = 1;
    CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
    CHECK(write(fd, "hello", 5) == 5);
    char small[5];
    CHECK(recv(fd, small, 5, MSG_WAITALL) == 5 && memcmp(small, "hello", 5) == 0);

    static unsigned char out[BIG_BYTES], in[BIG_BYTES];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (unsigned char)(i * 7 + i / 4096);
    /* A child writes while this process reads, so neither side's buffer must hold it all. */
    pid_t writer = fork();
    CHECK(writer >= 0);
    if (writer == 0) {
        write_all(fd, out, sizeof out);
        CHECK(shutdown(fd, SHUT_WR) == 0);
        _exit(0);
    }
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fd, in + got, sizeof in - got);
        CHECK(n >= 0);
        if (n == 0)
            break;
        got += (size_t)n;
        CHECK(got <= sizeof in);
    }
    int status;
    CHECK(waitpid(writer, &status, 0) == writer && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(got == sizeof in);
    CHECK(memcmp(in, out, sizeof in) == 0);
    CHECK(close(fd) == 0);
}

/* The server: echoes one connection until its end of file, then closes. */
static void serve_one(int listener, int want_family)
{
    struct sockaddr_storage peer;
    socklen_t len = sizeof peer;
    int fd = accept(listener, (struct sockaddr *)&peer, &len);
    CHECK(fd >= 0);
    CHECK(peer.ss_family == want_family);
    struct sockaddr_storage peer2;
    socklen_t len2 = sizeof peer2;
    CHECK(getpeername(fd, (struct sockaddr *)&peer2, &len2) == 0);
    CHECK(len2 == len && memcmp(&peer, &peer2, len) == 0);
    CHECK(port_of(fd) == port_of(listener));
    static char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        CHECK(n >= 0);
        if (n == 0)
            break;
        write_all(fd, (unsigned char *)buf, (size_t)n);
    }
    CHECK(close(fd) == 0);
}

static void echo_over(int family)
{
    struct sockaddr_storage any;
    socklen_t len = loopback(family, 0, &any);
    int listener = socket(family, SOCK_STREAM, 0);
    CHECK(listener >= 0);
    CHECK(bind(listener, (struct sockaddr *)&any, len) == 0);
    CHECK(listen(listener, 4) == 0);
    int port = port_of(listener);
    CHECK(port > 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        client(family, port);
        _exit(0);
    }
    serve_one(listener, family);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(close(listener) == 0);
}

/* An AF_INET client reaches an AF_INET6 listener on :: that takes IPv4 too. */
static void dual_stack(void)
{
    int listener = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK(listener >= 0);
    int zero = 0;
    CHECK(setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) == 0);
    struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    CHECK(bind(listener, (struct sockaddr *)&any, sizeof any) == 0);
    CHECK(listen(listener, 4) == 0);
    int port = port_of(listener);
    struct sockaddr_storage to;
    socklen_t len = loopback(AF_INET, port, &to);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(fd, (struct sockaddr *)&to, len) == 0);
    struct sockaddr_in6 peer;
    socklen_t peer_len = sizeof peer;
    int conn = accept(listener, (struct sockaddr *)&peer, &peer_len);
    CHECK(conn >= 0);
    CHECK(peer_len == sizeof peer && peer.sin6_family == AF_INET6);
    CHECK(IN6_IS_ADDR_V4MAPPED(&peer.sin6_addr));
    CHECK(memcmp(&peer.sin6_addr.s6_addr[12], "\x7f\0\0\x01", 4) == 0);
    CHECK(write(fd, "x", 1) == 1);
    char c;
    CHECK(read(conn, &c, 1) == 1 && c == 'x');
    close(fd);
    CHECK(read(conn, &c, 1) == 0);
    close(conn);
    close(listener);
}

int main(void)
{
    alarm(30);
    echo_over(AF_INET);
    echo_over(AF_INET6);
    dual_stack();
    printf("inet_tcp_echo: ok\n");
    return 0;
}
