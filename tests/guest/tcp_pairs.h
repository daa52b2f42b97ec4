/* Connected loopback TCP pairs for guest tests: n clients (non-blocking) connected to n
 * servers accepted from one listener on a port the kernel picks. */
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static void connect_tcp_pairs(int *clients, int *servers, int n)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(listener >= 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(listener, (struct sockaddr *)&address, sizeof address) == 0);
    socklen_t len = sizeof address;
    CHECK(getsockname(listener, (struct sockaddr *)&address, &len) == 0);
    CHECK(listen(listener, n) == 0);
    for (int i = 0; i < n; i++) {
        clients[i] = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(clients[i] >= 0);
        CHECK(connect(clients[i], (struct sockaddr *)&address, sizeof address) == 0);
        servers[i] = accept(listener, NULL, NULL);
        CHECK(servers[i] >= 0);
        CHECK(fcntl(clients[i], F_SETFL, O_NONBLOCK) == 0);
    }
    close(listener);
}
