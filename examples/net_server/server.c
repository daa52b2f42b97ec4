/* A guest that serves over the network: a tiny HTTP server on 127.0.0.1:PORT that answers
 * COUNT requests with a line naming the path asked for, then exits. It forks once it listens,
 * so that a shell that ran it knows the port is open when it returns: the parent prints
 * "listening" and exits, the child serves.
 *
 *   server PORT COUNT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int serve_one(int listener)
{
    int client = accept(listener, NULL, NULL);
    if (client < 0) {
        perror("accept");
        return -1;
    }
    char request[1024];
    ssize_t got = read(client, request, sizeof(request) - 1);
    if (got <= 0) {
        close(client);
        return -1;
    }
    request[got] = '\0';
    /* The request line: "GET /path HTTP/1.1". */
    char path[256] = "/";
    sscanf(request, "GET %255s", path);
    char body[512];
    int body_len = snprintf(body, sizeof(body), "hello from the guest's server, you asked for %s\n", path);
    char reply[1024];
    int reply_len = snprintf(reply, sizeof(reply),
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", body_len, body);
    ssize_t sent = write(client, reply, (size_t)reply_len);
    close(client);
    return sent == reply_len ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT COUNT\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]), count = atoi(argv[2]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) {
        perror("socket");
        return 1;
    }
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(listener, 8) != 0) {
        perror("bind/listen");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child > 0) {
        printf("listening on 127.0.0.1:%d\n", port);
        return 0;
    }
    for (int i = 0; i < count; ++i) {
        if (serve_one(listener) != 0)
            return 1;
    }
    return 0;
}
