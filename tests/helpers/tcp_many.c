/*
 * tcp_many - N clients at once: opens N connections, sends one number
 * on each, then reads each reply, checks it, and closes that client.
 * With -b, N is the server's --max-clients: all N stay open until every
 * one is answered, and then one more client must be refused ("ERR
 * server busy"), which shows that exactly N slots are free.
 *
 * Usage: tcp_many [-b] PORT N   prints "N ok" (-b: "N ok, then busy")
 *                               or what went wrong; exit 0 or 1
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "io.h"
#include "net.h"

/* Read one reply line (or what came before the end) into reply[size]. */
static void read_reply(int fd, char *reply, size_t size)
{
    size_t got = 0;

    memset(reply, 0, size);
    while (got < size - 1 && strchr(reply, '\n') == NULL) {
        ssize_t r = io_read_some(fd, reply + got, size - 1 - got);

        if (r <= 0)
            break;
        got += (size_t)r;
    }
}

/* One client past the N held: it must be told the server is busy. */
static int one_more_is_busy(struct addrinfo *ai)
{
    char reply[64];
    int fd = net_connect(ai, 10000);

    if (fd < 0 || io_write_all(fd, "7\n", 2) != 0) {
        printf("one more: %s\n", strerror(errno));
        return 0;
    }
    read_reply(fd, reply, sizeof(reply));
    close(fd);
    if (strcmp(reply, "ERR server busy\n") == 0)
        return 1;
    printf("one more: got '%.20s', want 'ERR server busy'\n", reply);
    return 0;
}

int main(int argc, char **argv)
{
    struct rlimit rl;
    struct addrinfo *ai;
    int n, *fds, bad = 0, busy_check = 0;

    if (argc > 1 && strcmp(argv[1], "-b") == 0) {
        busy_check = 1;
        argv++;
        argc--;
    }
    if (argc != 3 || (n = atoi(argv[2])) < 1 ||
        net_resolve("127.0.0.1", argv[1], SOCK_STREAM, &ai) != 0) {
        fprintf(stderr, "usage: tcp_many [-b] PORT N\n");
        return 2;
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {   /* N sockets need N descriptors */
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    fds = calloc((size_t)n, sizeof(*fds));
    for (int i = 0; i < n; i++) {
        char req[32];
        int len = snprintf(req, sizeof(req), "%d\n", i);

        fds[i] = net_connect(ai, 10000);
        if (fds[i] < 0 || io_write_all(fds[i], req, (size_t)len) != 0) {
            printf("client %d: %s\n", i, strerror(errno));
            return 1;
        }
    }
    for (int i = 0; i < n; i++) {
        char reply[64], want[64];

        snprintf(want, sizeof(want), "%lld\n", (long long)i * i);
        read_reply(fds[i], reply, sizeof(reply));
        if (strcmp(reply, want) != 0 && bad++ < 5)
            printf("client %d: got '%.20s', want '%.20s'\n", i, reply, want);
        if (!busy_check)
            close(fds[i]);
    }
    if (busy_check && bad == 0 && !one_more_is_busy(ai))
        bad++;
    for (int i = 0; busy_check && i < n; i++)
        close(fds[i]);
    freeaddrinfo(ai);
    free(fds);
    if (bad == 0)
        printf(busy_check ? "%d ok, then busy\n" : "%d ok\n", n);
    return bad != 0;
}
