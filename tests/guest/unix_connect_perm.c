/* Connecting to an AF_UNIX name, or sending a datagram to one, needs write permission on the
 * socket file (Linux's unix_find_bsd), checked before the file's type: a user who may not
 * write gets EACCES, even for a name that is not a socket; root passes by CAP_DAC_OVERRIDE.
 * Runs as root (natively too): the unprivileged side is a child that drops to uid 65534. */
#include "check.h"

#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static socklen_t path_addr(struct sockaddr_un *addr, const char *dir, const char *name)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    snprintf(addr->sun_path, sizeof(addr->sun_path), "%s/%s", dir, name);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(addr->sun_path) + 1);
}

/* connect (stream) and sendto (datagram) as the caller; returns 0 or the errno of each. */
static int try_connect(const struct sockaddr_un *addr, socklen_t len)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(s >= 0);
    int err = connect(s, (const struct sockaddr *)addr, len) == 0 ? 0 : errno;
    close(s);
    return err;
}

static int try_sendto(const struct sockaddr_un *addr, socklen_t len)
{
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(s >= 0);
    int err = sendto(s, "x", 1, 0, (const struct sockaddr *)addr, len) == 1 ? 0 : errno;
    close(s);
    return err;
}

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP: needs root to drop to another user\n");
        return 0;
    }
    char dir[] = "/tmp/unix_connect_perm.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chmod(dir, 0755) == 0);

    struct sockaddr_un stream_addr, dgram_addr, file_addr;
    socklen_t stream_len = path_addr(&stream_addr, dir, "stream");
    socklen_t dgram_len = path_addr(&dgram_addr, dir, "dgram");
    socklen_t file_len = path_addr(&file_addr, dir, "plain");
    int listener = socket(AF_UNIX, SOCK_STREAM, 0), receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(listener >= 0 && receiver >= 0);
    CHECK(bind(listener, (struct sockaddr *)&stream_addr, stream_len) == 0);
    CHECK(listen(listener, 8) == 0);
    CHECK(bind(receiver, (struct sockaddr *)&dgram_addr, dgram_len) == 0);
    int fd = open(file_addr.sun_path, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);
    close(fd);

    /* Root may connect whatever the mode. */
    CHECK(chmod(stream_addr.sun_path, 0) == 0 && chmod(dgram_addr.sun_path, 0) == 0);
    CHECK(try_connect(&stream_addr, stream_len) == 0);
    CHECK(try_sendto(&dgram_addr, dgram_len) == 0);
    /* A plain file is no socket. */
    CHECK(try_connect(&file_addr, file_len) == ECONNREFUSED);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setgroups(0, NULL) == 0);
        CHECK(setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0);
        /* Mode 0: no write permission, EACCES for both kinds. */
        CHECK(try_connect(&stream_addr, stream_len) == EACCES);
        CHECK(try_sendto(&dgram_addr, dgram_len) == EACCES);
        /* Permission comes before the type: a file we may not write is EACCES, not ECONNREFUSED. */
        CHECK(try_connect(&file_addr, file_len) == EACCES);
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Writable by others: the same user connects and sends. */
    CHECK(chmod(stream_addr.sun_path, 0666) == 0 && chmod(dgram_addr.sun_path, 0622) == 0);
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        CHECK(setgroups(0, NULL) == 0);
        CHECK(setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0);
        CHECK(try_connect(&stream_addr, stream_len) == 0);
        CHECK(try_sendto(&dgram_addr, dgram_len) == 0);
        _exit(0);
    }
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    close(listener);
    close(receiver);
    CHECK(unlink(stream_addr.sun_path) == 0 && unlink(dgram_addr.sun_path) == 0 && unlink(file_addr.sun_path) == 0);
    CHECK(rmdir(dir) == 0);
    printf("unix_connect_perm: ok\n");
    return 0;
}
