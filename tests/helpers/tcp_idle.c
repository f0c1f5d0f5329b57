/*
 * tcp_idle - N clients that ask once and go idle, then all speak at once,
 * each with a burst cut inside a line: what a server that lends its
 * idle clients' buffers to others must get right.
 *
 *   1. Each client in turn asks "2" and must hear "4".  Prints "N idle",
 *      then waits for a line (or the end) on stdin: the caller measures
 *      the server meanwhile.
 *   2. Every client sends requests 1..BURST and the first half of the
 *      next one ("1" of "1xx"), all clients before any reads; then each
 *      reads its BURST replies, in order.  Prints "N half".
 *   3. Every client sends the rest of that line and BURST more lines;
 *      then each reads its BURST + 1 replies, in order.  Prints "N
 *      answered in order", or the first wrong replies.
 *
 * Usage: tcp_idle PORT N
 * Exit status: 0, or 1 if a connection failed or a reply was wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "net.h"

enum { BURST = 50, SPLIT = BURST + 100 };   /* the line cut in two: "150" */

static int bad;

/* Read 'lines' reply lines from 'fd' and check them against 'want'. */
static void expect(int client, int fd, const char *want, size_t len)
{
    char *got = malloc(len + 1);
    size_t have = 0;

    while (have < len) {
        ssize_t r = io_read_some(fd, got + have, len - have);

        if (r <= 0)
            break;
        have += (size_t)r;
    }
    got[have] = '\0';
    if ((have != len || memcmp(got, want, len) != 0) && bad++ < 5)
        printf("client %d: got '%.40s', want '%.40s'\n", client, got, want);
    free(got);
}

/* Requests from..to, one a line, into 'buf'; their replies into 'want'. */
static size_t lines(char *buf, char *want, size_t *want_len, int from, int to)
{
    size_t n = 0;

    for (int v = from; v <= to; v++) {
        n += (size_t)sprintf(buf + n, "%d\n", v);
        *want_len += (size_t)sprintf(want + *want_len, "%lld\n", (long long)v * v);
    }
    return n;
}

int main(int argc, char **argv)
{
    static char part1[4096], part2[4096], want1[8192], want2[8192];
    size_t len1, len2, wlen1 = 0, wlen2 = 0;
    struct rlimit rl;
    struct addrinfo *ai;
    char go[64];
    int n, *fds;

    if (argc != 3 || (n = atoi(argv[2])) < 1 ||
        net_resolve("127.0.0.1", argv[1], SOCK_STREAM, &ai) != 0) {
        fprintf(stderr, "usage: tcp_idle PORT N\n");
        return 2;
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {   /* N sockets need N descriptors */
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    fds = calloc((size_t)n, sizeof(*fds));
    for (int i = 0; i < n; i++) {
        fds[i] = net_connect(ai, 10000);
        if (fds[i] < 0 || io_write_all(fds[i], "2\n", 2) != 0) {
            printf("client %d: %s\n", i, strerror(errno));
            return 1;
        }
        expect(i, fds[i], "4\n", 2);
    }
    freeaddrinfo(ai);
    printf("%d idle\n", n);
    fflush(stdout);
    if (fgets(go, sizeof(go), stdin) == NULL) {
        /* the end of stdin says go too */
    }

    /* 1..BURST and "1" of SPLIT; then "50\n" and SPLIT+1..SPLIT+BURST. */
    len1 = lines(part1, want1, &wlen1, 1, BURST);
    part1[len1++] = '1';
    len2 = (size_t)sprintf(part2, "%d\n", SPLIT % 100);
    wlen2 = (size_t)sprintf(want2, "%d\n", SPLIT * SPLIT);
    len2 += lines(part2 + len2, want2, &wlen2, SPLIT + 1, SPLIT + BURST);
    for (int i = 0; i < n; i++)
        if (io_write_all(fds[i], part1, len1) != 0 && bad++ < 5)
            printf("client %d: %s\n", i, strerror(errno));
    for (int i = 0; i < n; i++)
        expect(i, fds[i], want1, wlen1);
    printf("%d half\n", n);
    fflush(stdout);
    for (int i = 0; i < n; i++)
        if (io_write_all(fds[i], part2, len2) != 0 && bad++ < 5)
            printf("client %d: %s\n", i, strerror(errno));
    for (int i = 0; i < n; i++) {
        expect(i, fds[i], want2, wlen2);
        close(fds[i]);
    }
    free(fds);
    if (bad == 0)
        printf("%d answered in order\n", n);
    return bad != 0;
}
