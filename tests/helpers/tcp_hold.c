/*
 * tcp_hold - N clients that never read: the worst clients a server can
 * have.  Opens N connections; with -s, floods each with requests until
 * the server stops taking them (its replies pile up unread), else stays
 * silent (slowloris).  Prints "N held" once all are in place, then holds
 * them until killed, or for -t SECONDS.
 *
 * Usage: tcp_hold [-s] [-t SECONDS] PORT N
 * Exit status: 0, or 1 if a connection could not be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "net.h"

enum { CHUNK = 65536, FLOOD_MAX = 64 << 20 };

/* Write requests on every connection until none takes more for 300 ms. */
static void flood(int *fds, int n)
{
    static char chunk[CHUNK];
    size_t *sent = calloc((size_t)n, sizeof(*sent));
    struct pollfd *p = calloc((size_t)n, sizeof(*p));

    for (size_t i = 0; i + 9 <= CHUNK; i += 9)
        memcpy(chunk + i, "99999999\n", 9);     /* each reply is twice as long */
    for (int i = 0; i < n; i++)
        p[i] = (struct pollfd){ .fd = fds[i], .events = POLLOUT };
    while (poll(p, (nfds_t)n, 300) > 0)
        for (int i = 0; i < n; i++) {
            ssize_t w;

            if (p[i].revents == 0)
                continue;
            w = write(fds[i], chunk, CHUNK - CHUNK % 9);
            if (w > 0)
                sent[i] += (size_t)w;
            if ((w < 0 && errno != EAGAIN) || sent[i] >= FLOOD_MAX)
                p[i].fd = -1;           /* done with this one */
        }
    free(sent);
    free(p);
}

int main(int argc, char **argv)
{
    struct rlimit rl;
    struct addrinfo *ai;
    int n, opt, *fds, seconds = -1;
    int send = 0;

    while ((opt = getopt(argc, argv, "st:")) != -1)
        if (opt == 's')
            send = 1;
        else if (opt == 't')
            seconds = atoi(optarg);
        else
            return 2;
    if (argc - optind != 2 || (n = atoi(argv[optind + 1])) < 1 ||
        net_resolve("127.0.0.1", argv[optind], SOCK_STREAM, &ai) != 0) {
        fprintf(stderr, "usage: tcp_hold [-s] [-t SECONDS] PORT N\n");
        return 2;
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {   /* N sockets need N descriptors */
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    fds = calloc((size_t)n, sizeof(*fds));
    for (int i = 0; i < n; i++) {
        fds[i] = net_connect(ai, 10000);
        if (fds[i] < 0) {
            printf("client %d: %s\n", i, strerror(errno));
            return 1;
        }
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
    }
    freeaddrinfo(ai);
    if (send)
        flood(fds, n);
    printf("%d held\n", n);
    fflush(stdout);
    if (seconds < 0)
        for (;;)
            pause();
    sleep((unsigned)seconds);
    return 0;
}
