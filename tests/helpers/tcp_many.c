/*
 * tcp_many - N clients at once: opens N connections, sends one number
 * on each, then reads each reply, checks it, and closes that client.
 *
 * Usage: tcp_many PORT N   prints "N ok" or what went wrong; exit 0 or 1
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "io.h"
#include "net.h"

int main(int argc, char **argv)
{
    struct rlimit rl;
    struct addrinfo *ai;
    int n, *fds, bad = 0;

    if (argc != 3 || (n = atoi(argv[2])) < 1 ||
        net_resolve("127.0.0.1", argv[1], SOCK_STREAM, &ai) != 0) {
        fprintf(stderr, "usage: tcp_many PORT N\n");
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
        char reply[64] = { 0 }, want[64];
        size_t got = 0;

        snprintf(want, sizeof(want), "%lld\n", (long long)i * i);
        while (got < sizeof(reply) - 1 && strchr(reply, '\n') == NULL) {
            ssize_t r = io_read_some(fds[i], reply + got, sizeof(reply) - 1 - got);

            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (strcmp(reply, want) != 0 && bad++ < 5)
            printf("client %d: got '%.20s', want '%.20s'\n", i, reply, want);
        close(fds[i]);
    }
    freeaddrinfo(ai);
    free(fds);
    if (bad == 0)
        printf("%d ok\n", n);
    return bad != 0;
}
