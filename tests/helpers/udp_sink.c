/*
 * udp_sink - a bare UDP receiver: the tests read what a sender sent
 * with it, and the benchmark measures the most a receiver can take
 * (recvmmsg in a loop, nothing else) to compare udp_receiver with.
 *
 * Usage: udp_sink [-b ADDRESS] [-c] [-t SECONDS]
 *   First line: "port N" (the port it bound, any free one).  Then each
 *   datagram as it came (a newline added if it had none), or with -c
 *   only a count at the end: "received N".  Ends on SIGINT/SIGTERM or
 *   after SECONDS (-t).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

enum { BATCH = 64 };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    const char *bind_to = "127.0.0.1";
    static char bufs[BATCH][2048];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sigaction sa = { .sa_handler = on_signal };
    unsigned long long received = 0;
    int count_only = 0, fd, gai, c, size = 4 << 20;
    long seconds = 0;

    while ((c = getopt(argc, argv, "b:ct:")) != -1) {
        if (c == 'b')
            bind_to = optarg;
        else if (c == 'c')
            count_only = 1;
        else if (c == 't')
            seconds = atol(optarg);
        else
            return 2;
    }
    fd = net_bind_udp(bind_to, "0", false, &gai);
    if (fd < 0) {
        fprintf(stderr, "udp_sink: bind %s: %s\n", bind_to, gai ? gai_strerror(gai) : strerror(errno));
        return 1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    sigaction(SIGINT, &sa, NULL);       /* no SA_RESTART: recvmmsg returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    if (seconds > 0)
        alarm((unsigned)seconds);
    printf("port %d\n", net_local_port(fd));
    fflush(stdout);
    while (!stop) {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
            msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("udp_sink: recvmmsg");
            return 1;
        }
        received += (unsigned long long)n;
        for (int i = 0; i < n && !count_only; i++) {
            fwrite(bufs[i], 1, msgs[i].msg_len, stdout);
            if (msgs[i].msg_len == 0 || bufs[i][msgs[i].msg_len - 1] != '\n')
                putchar('\n');
            fflush(stdout);
        }
    }
    if (count_only)
        printf("received %llu\n", received);
    return 0;
}
