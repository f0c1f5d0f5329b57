/*
 * epoll_floor - the kernel's own cost, as the floor for tcp_server: one
 * thread, one epoll set, and per request a read, the square, a write;
 * nothing else (no line limit, no log, no counters, no timeouts, no
 * buffers of its own).  What a connection holds here is 16 bytes of
 * parse state, in an array indexed by descriptor.  Requests must be
 * short numbers (|n| < 3037000500); bench/cost sends 0..999999.
 *
 * Usage: epoll_floor   (listens on 127.0.0.1, any port, says so as
 *                       tcp_server does, then serves until killed)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

struct parse {
    int64_t value;              /* the digits of the line so far */
    bool negative;
};

/* Answer every whole line of buf; a line cut by the read goes on next time. */
static void serve(int fd, struct parse *p)
{
    char in[4096];
    char out[4096 + 64];
    size_t out_len = 0;
    ssize_t n = read(fd, in, sizeof(in));

    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        close(fd);              /* also takes it out of the epoll set */
        p->value = 0;
        p->negative = false;
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        char ch = in[i];

        if (ch >= '0' && ch <= '9') {
            p->value = p->value * 10 + (ch - '0');
        } else if (ch == '-') {
            p->negative = true;
        } else if (ch == '\n') {
            int64_t v = p->negative ? -p->value : p->value;

            out_len += (size_t)snprintf(out + out_len, sizeof(out) - out_len, "%" PRId64 "\n",
                                        v * v);
            p->value = 0;
            p->negative = false;
            if (out_len > 4096) {
                if (write(fd, out, out_len) < 0)
                    return;
                out_len = 0;
            }
        }
    }
    if (out_len > 0 && write(fd, out, out_len) < 0)
        return;                 /* the next read sees the end */
}

int main(void)
{
    struct rlimit rl;
    int gai;
    int lfd = net_listen_tcp("127.0.0.1", "0", SOMAXCONN, &gai);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN };

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    size_t max_fd = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                  ? (size_t)rl.rlim_cur : 1u << 20;
    struct parse *state = calloc(max_fd, sizeof(*state));     /* pages touched when used */

    if (lfd < 0 || ep < 0 || state == NULL) {
        fprintf(stderr, "epoll_floor: cannot listen\n");
        return 1;
    }
    ev.data.fd = lfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    printf("listening on 127.0.0.1:%d (epoll floor)\n", net_local_port(lfd));
    fflush(stdout);
    for (;;) {
        struct epoll_event evs[256];
        int n = epoll_wait(ep, evs, 256, -1);

        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;

            if (fd != lfd) {
                serve(fd, &state[fd]);
                continue;
            }
            int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);

            if (c < 0 || (size_t)c >= max_fd) {
                if (c >= 0)
                    close(c);
                continue;
            }
            struct epoll_event cev = { .events = EPOLLIN, .data.fd = c };
            int on = 1;                 /* as tcp_server does */

            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
            epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
    }
}
