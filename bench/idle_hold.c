/*
 * idle_hold - holds many idle connections to a server on 127.0.0.1, each
 * having asked once and read its answer, for bench/cost to measure what
 * the server keeps for an idle client.  Each line on stdin is a count:
 * open connections (64 at a time: connect and ask all, then read every
 * answer) until that many are held, then print "held N".  When it cannot
 * (the open files limit, a refusal, no answer within 20 s), it prints
 * "failed N: why" and holds what it has.  End of stdin: close all, exit.
 *
 * Usage: idle_hold PORT REQUEST   (REQUEST is sent with a "\n": "7", "PING")
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "net.h"

enum { BATCH = 64, ANSWER_TIMEOUT_S = 20 };

/* Read one answer line (up to its "\n") from fd; 0, or -1 with errno. */
static int read_answer(int fd)
{
    char ch;

    for (;;) {
        ssize_t n = read(fd, &ch, 1);

        if (n == 1 && ch == '\n')
            return 0;
        if (n == 0) {
            errno = ECONNRESET;
            return -1;
        }
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: idle_hold PORT REQUEST\n");
        return 2;
    }
    struct rlimit rl;
    struct addrinfo *ai;
    struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_S };
    size_t req_len = strlen(argv[2]) + 1;
    char *req = malloc(req_len + 1);
    char line[64];
    size_t held = 0;
    const char *failed = NULL;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (req == NULL || net_resolve("127.0.0.1", argv[1], SOCK_STREAM, &ai) != 0) {
        fprintf(stderr, "idle_hold: cannot resolve 127.0.0.1:%s\n", argv[1]);
        return 1;
    }
    snprintf(req, req_len + 1, "%s\n", argv[2]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin) != NULL) {
        size_t want = strtoul(line, NULL, 10);

        while (failed == NULL && held < want) {
            int fds[BATCH];
            size_t n = 0;

            while (n < BATCH && held + n < want) {
                int fd = net_connect(ai, ANSWER_TIMEOUT_S * 1000);

                if (fd < 0) {
                    failed = errno == EMFILE ? "connect: too many open files (RLIMIT_NOFILE)"
                                             : "connect failed";
                    break;
                }
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
                fds[n++] = fd;
                if (write(fd, req, req_len) != (ssize_t)req_len) {
                    failed = "write failed";
                    break;
                }
            }
            for (size_t i = 0; i < n && failed == NULL; i++)
                if (read_answer(fds[i]) != 0)
                    failed = errno == EAGAIN ? "no answer within 20 s" : "the server closed";
            if (failed == NULL)
                held += n;
        }
        if (failed != NULL)
            printf("failed %zu: %s\n", held, failed);
        else
            printf("held %zu\n", held);
    }
    freeaddrinfo(ai);
    free(req);
    return 0;                   /* exit closes the connections */
}
