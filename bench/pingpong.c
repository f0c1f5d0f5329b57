/*
 * pingpong - the baseline for one TCP connection: a blocking echo of
 * one short line at a time over loopback, as plain as it gets (write,
 * read, repeat), with TCP_NODELAY on both sides.
 *
 * Usage: pingpong COUNT   (prints round trips/s as JSON)
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"
#include "timing.h"

static void nodelay(int fd)
{
    int on = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

int main(int argc, char **argv)
{
    long count = argc == 2 ? atol(argv[1]) : 0;
    int gai, lfd = net_listen_tcp("127.0.0.1", "0", 1, &gai);
    char port[16], buf[64];
    struct addrinfo *ai;

    if (count <= 0 || lfd < 0) {
        fprintf(stderr, "usage: pingpong COUNT\n");
        return 2;
    }
    snprintf(port, sizeof(port), "%d", net_local_port(lfd));
    if (fork() == 0) {                  /* the echo side */
        int fd = accept(lfd, NULL, NULL);
        ssize_t n;

        nodelay(fd);
        while ((n = read(fd, buf, sizeof(buf))) > 0)
            if (write(fd, buf, (size_t)n) != n)
                break;
        _exit(0);
    }
    close(lfd);
    net_resolve("127.0.0.1", port, SOCK_STREAM, &ai);
    int fd = net_connect(ai, 5000);

    nodelay(fd);
    uint64_t start = timing_now_ns();
    for (long i = 0; i < count; i++)
        if (write(fd, "12\n", 3) != 3 || read(fd, buf, sizeof(buf)) <= 0)
            return 1;
    double s = timing_seconds_since(start);
    close(fd);
    wait(NULL);
    printf("{\"round_trips\":%ld,\"seconds\":%.6f,\"per_sec\":%.0f}\n",
           count, s, timing_rate((uint64_t)count, s));
    return 0;
}
