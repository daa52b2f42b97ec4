/* AF_UNIX stream sockets with names: bind in the file system and the abstract namespace,
 * listen/accept/connect, their errors, shutdown, EPIPE and SIGPIPE, readiness, backlog. */
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t pipe_signals;
static void on_sigpipe(int sig) { (void)sig; ++pipe_signals; }

static socklen_t path_addr(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    strcpy(addr->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t abstract_addr(struct sockaddr_un *addr, const char *name)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    strcpy(addr->sun_path + 1, name);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

int main(void)
{
    char dir[64], path[128];
    /* A unique name: the guest's pid is the same in every run, and runs may overlap. */
    snprintf(dir, sizeof(dir), "/tmp/unix_stream.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/sock", dir);
    signal(SIGPIPE, on_sigpipe);

    struct sockaddr_un addr, out;
    socklen_t len = path_addr(&addr, path);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(server >= 0);

    /* Address rules. */
    CHECK_ERR(bind(server, (struct sockaddr *)&addr, 0), EINVAL);
    CHECK_ERR(bind(server, (struct sockaddr *)&addr, 1), EINVAL);
    CHECK_ERR(bind(server, (struct sockaddr *)&addr, sizeof(addr) + 1), EINVAL);
    CHECK_ERR(bind(server, (struct sockaddr *)&addr, 200), EINVAL);
    CHECK_ERR(bind(server, BAD_PTR, len), EFAULT);
    addr.sun_family = AF_INET;
    CHECK_ERR(bind(server, (struct sockaddr *)&addr, len), EINVAL);
    addr.sun_family = AF_UNIX;
    char missing[160];
    snprintf(missing, sizeof(missing), "%s/no/sock", dir);
    struct sockaddr_un bad;
    CHECK_ERR(bind(server, (struct sockaddr *)&bad, path_addr(&bad, missing)), ENOENT);

    /* bind makes a socket file; the name is taken from then on. */
    CHECK(bind(server, (struct sockaddr *)&addr, len) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
    CHECK_ERR(open(path, O_RDONLY), ENXIO);
    snprintf(missing, sizeof(missing), "%s/other", dir);
    CHECK_ERR(bind(server, (struct sockaddr *)&bad, path_addr(&bad, missing)), EINVAL); /* bound already */
    CHECK_ERR(access(missing, F_OK), ENOENT);
    int second = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(second, (struct sockaddr *)&addr, len), EADDRINUSE);
    len = sizeof(out);
    CHECK(getsockname(server, (struct sockaddr *)&out, &len) == 0);
    CHECK(len == offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1 && strcmp(out.sun_path, path) == 0);

    /* Nobody listens yet. */
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(client, (struct sockaddr *)&addr, path_addr(&addr, path)), ECONNREFUSED);
    CHECK_ERR(connect(client, (struct sockaddr *)&bad, path_addr(&bad, missing)), ENOENT);
    CHECK_ERR(connect(client, (struct sockaddr *)&addr, 1), EINVAL);
    /* A file that is not a socket, and a socket file nobody is bound to, refuse. */
    char plain[160];
    snprintf(plain, sizeof(plain), "%s/plain", dir);
    close(open(plain, O_CREAT | O_WRONLY, 0600));
    CHECK_ERR(connect(client, (struct sockaddr *)&bad, path_addr(&bad, plain)), ECONNREFUSED);
    char orphan[160];
    snprintf(orphan, sizeof(orphan), "%s/orphan", dir);
    CHECK(mknod(orphan, S_IFSOCK | 0600, 0) == 0);
    CHECK_ERR(connect(client, (struct sockaddr *)&bad, path_addr(&bad, orphan)), ECONNREFUSED);
    /* A datagram socket is the wrong type. */
    int dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(listen(dgram, 1), EOPNOTSUPP);
    CHECK_ERR(connect(dgram, (struct sockaddr *)&addr, path_addr(&addr, path)), EPROTOTYPE);

    CHECK(listen(server, 0) == 0);
    int value = 0;
    socklen_t vlen = sizeof(value);
    CHECK(getsockopt(server, SOL_SOCKET, SO_ACCEPTCONN, &value, &vlen) == 0 && value == 1);
    struct pollfd pfd = {server, POLLIN | POLLOUT, 0};
    CHECK(poll(&pfd, 1, 0) == 0);
    CHECK(connect(client, (struct sockaddr *)&addr, path_addr(&addr, path)) == 0);
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
    CHECK_ERR(listen(client, 1), EINVAL);

    /* Backlog 0 takes one connection; a non-blocking connect then gets EAGAIN. */
    int extra = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(extra, (struct sockaddr *)&addr, path_addr(&addr, path)), EAGAIN);

    /* Data sent before accept waits in the new connection. */
    CHECK(write(client, "early", 5) == 5);
    len = sizeof(out);
    memset(&out, 0x7f, sizeof(out));
    int conn = accept4(server, (struct sockaddr *)&out, &len, SOCK_CLOEXEC);
    CHECK(conn >= 0);
    CHECK(fcntl(conn, F_GETFD) & FD_CLOEXEC);
    CHECK(len == sizeof(sa_family_t) && out.sun_family == AF_UNIX); /* the client has no name */
    len = sizeof(out);
    CHECK(getsockname(conn, (struct sockaddr *)&out, &len) == 0 && strcmp(out.sun_path, path) == 0);
    len = sizeof(out);
    CHECK(getpeername(client, (struct sockaddr *)&out, &len) == 0 && strcmp(out.sun_path, path) == 0);
    struct ucred cred;
    vlen = sizeof(cred);
    CHECK(getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &vlen) == 0 && cred.pid == getpid());
    vlen = sizeof(cred);
    CHECK(getsockopt(client, SOL_SOCKET, SO_PEERCRED, &cred, &vlen) == 0 && cred.pid == getpid());
    /* (Linux waits for backlog room before it looks at the caller's own state.) */
    CHECK_ERR(connect(client, (struct sockaddr *)&addr, path_addr(&addr, path)), EISCONN);
    CHECK(connect(extra, (struct sockaddr *)&addr, path_addr(&addr, path)) == 0);

    char buf[64];
    CHECK(read(conn, buf, sizeof(buf)) == 5 && memcmp(buf, "early", 5) == 0);

    /* MSG_WAITALL gathers what a child sends in pieces. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        for (int i = 0; i < 4; ++i) {
            usleep(10000);
            if (write(client, "abcd", 4) != 4)
                _exit(1);
        }
        _exit(0);
    }
    CHECK(recv(conn, buf, 16, MSG_WAITALL) == 16);
    CHECK(memcmp(buf, "abcdabcdabcdabcd", 16) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* shutdown(SHUT_WR): the peer reads EOF, the writer gets EPIPE and SIGPIPE. */
    CHECK(shutdown(client, SHUT_WR) == 0);
    CHECK(read(conn, buf, sizeof(buf)) == 0);
    pfd.fd = conn;
    pfd.events = POLLIN | POLLRDHUP;
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLIN | POLLRDHUP)) == (POLLIN | POLLRDHUP));
    CHECK_ERR(write(client, "x", 1), EPIPE);
    CHECK(pipe_signals == 1);
    CHECK_ERR(send(client, "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK(pipe_signals == 1);
    CHECK(write(conn, "back", 4) == 4);
    CHECK(read(client, buf, sizeof(buf)) == 4);

    /* Closing one end: reads see EOF, writes EPIPE, poll HUP. */
    close(client);
    CHECK(read(conn, buf, sizeof(buf)) == 0);
    CHECK_ERR(send(conn, "x", 1, MSG_NOSIGNAL), EPIPE);
    pfd.fd = conn;
    pfd.events = POLLIN | POLLOUT;
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP));
    close(conn);

    /* Unread data at close resets the peer. */
    conn = accept(server, NULL, NULL);
    CHECK(conn >= 0);
    CHECK(write(extra, "zz", 2) == 2);
    CHECK(write(conn, "unread", 6) == 6);
    close(extra);
    CHECK(read(conn, buf, sizeof(buf)) == 2);
    CHECK_ERR(read(conn, buf, sizeof(buf)), ECONNRESET);
    CHECK(read(conn, buf, sizeof(buf)) == 0);
    close(conn);

    /* A name stays bound after unlink, but nobody can reach it. */
    CHECK(unlink(path) == 0);
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(client, (struct sockaddr *)&addr, path_addr(&addr, path)), ENOENT);
    close(server);
    close(second);
    close(client);

    /* The abstract namespace. */
    char name[64];
    snprintf(name, sizeof(name), "unix_stream.%d", getpid());
    server = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    len = abstract_addr(&addr, name);
    CHECK(bind(server, (struct sockaddr *)&addr, len) == 0);
    second = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(second, (struct sockaddr *)&addr, len), EADDRINUSE);
    /* A longer abstract name with the same prefix is another name. */
    CHECK(bind(second, (struct sockaddr *)&addr, len + 1) == 0);
    CHECK(listen(server, 5) == 0);
    CHECK_ERR(accept(server, NULL, NULL), EAGAIN);
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr *)&addr, len) == 0);
    conn = accept(server, NULL, NULL);
    CHECK(conn >= 0);
    CHECK(!(fcntl(conn, F_GETFL) & O_NONBLOCK));
    len = sizeof(out);
    CHECK(getsockname(conn, (struct sockaddr *)&out, &len) == 0);
    CHECK(len == abstract_addr(&addr, name) && out.sun_path[0] == 0 && memcmp(out.sun_path + 1, name, strlen(name)) == 0);
    close(conn);
    close(client);
    close(server);
    /* Its name is free once it is closed. */
    server = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(server, (struct sockaddr *)&addr, abstract_addr(&addr, name)) == 0);
    close(server);
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(client, (struct sockaddr *)&addr, abstract_addr(&addr, name)), ECONNREFUSED);

    /* Autobind: an abstract name of five hex digits. */
    CHECK(bind(client, (struct sockaddr *)&addr, sizeof(sa_family_t)) == 0);
    len = sizeof(out);
    CHECK(getsockname(client, (struct sockaddr *)&out, &len) == 0);
    CHECK(len == sizeof(sa_family_t) + 6 && out.sun_path[0] == 0);
    CHECK(bind(client, (struct sockaddr *)&addr, sizeof(sa_family_t)) == 0);
    close(client);
    close(second);
    close(dgram);

    /* The same in a memory file system (tmpfs natively, the kernel's own /dev under asterix). */
    char shm_path[96];
    snprintf(shm_path, sizeof(shm_path), "/dev/shm/unix_stream.%d", getpid());
    server = socket(AF_UNIX, SOCK_STREAM, 0);
    len = path_addr(&addr, shm_path);
    CHECK(bind(server, (struct sockaddr *)&addr, len) == 0);
    CHECK(stat(shm_path, &st) == 0 && S_ISSOCK(st.st_mode));
    CHECK(listen(server, 1) == 0);
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr *)&addr, len) == 0);
    conn = accept(server, NULL, NULL);
    CHECK(conn >= 0 && write(client, "shm", 3) == 3 && read(conn, buf, sizeof(buf)) == 3);
    second = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(second, (struct sockaddr *)&addr, len), EADDRINUSE);
    close(second);
    close(conn);
    close(client);
    close(server);
    CHECK(unlink(shm_path) == 0);

    unlink(plain);
    unlink(orphan);
    CHECK(rmdir(dir) == 0);
    puts("unix_stream: ok");
    return 0;
}
