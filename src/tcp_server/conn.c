/* conn - one client connection: lines in, replies out, memory bounded. */
#include "conn.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "proto_square.h"

int conn_init(struct conn *c, int fd, const struct sockaddr_storage *peer,
              socklen_t len)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    net_format((const struct sockaddr *)peer, len, c->peer);
    c->out = malloc(CONN_OUT_CAP);
    if (c->out == NULL || linebuf_init(&c->in, PROTO_MAX_LINE, CONN_READ_SIZE) != 0) {
        free(c->out);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/*
 * Close so that the client still gets every reply.  Closing a socket
 * with unread bytes in it (say, requests sent after QUIT) makes the
 * kernel send a reset, and a reset can destroy replies still waiting in
 * the client's buffer.  So: end our side first (FIN after the replies),
 * drop whatever the client has already sent, then close.
 */
static void close_gently(int fd)
{
    char sink[4096];
    int rounds = 256;                   /* 1 MiB at most: never a long stall */

    shutdown(fd, SHUT_WR);
    while (rounds-- > 0 && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
        ;
    close(fd);
}

void conn_free(struct conn *c)
{
    if (c->fd >= 0)
        close_gently(c->fd);
    c->fd = -1;
    linebuf_free(&c->in);
    free(c->out);
    c->out = NULL;
}

static bool out_full(const struct conn *c)
{
    return c->out_len + PROTO_MAX_REPLY > CONN_OUT_CAP;
}

bool conn_answer(struct conn *c, struct server_stats *stats)
{
    uint64_t requests = 0, errors = 0;

    while (!c->quit && !out_full(c)) {
        const char *line;
        size_t len;
        int64_t value = 0;
        enum linebuf_event ev = linebuf_next(&c->in, &line, &len);
        enum proto_request req;

        if (ev == LINEBUF_MORE)
            break;
        req = ev == LINEBUF_TOO_LONG ? PROTO_ERR_TOO_LONG
                                     : proto_parse(line, len, &value);
        c->out_len += proto_format_reply(req, value, c->out + c->out_len);
        requests++;
        errors += req >= PROTO_ERR_EMPTY;
        c->quit = req == PROTO_QUIT;
    }
    c->requests += requests;
    atomic_fetch_add_explicit(&stats->requests, requests, memory_order_relaxed);
    if (errors > 0)
        atomic_fetch_add_explicit(&stats->errors, errors, memory_order_relaxed);
    return !c->quit && out_full(c);
}

/*
 * Wait until the client sends something, the idle limit passes (0), or
 * the server stops (-1).  Returns 1 when there is something to read.
 */
static int wait_readable(struct conn *c, struct server *srv)
{
    struct pollfd p[2] = {
        { .fd = c->fd, .events = POLLIN },
        { .fd = srv->stop_fd[0], .events = POLLIN },
    };
    int n;

    do
        n = poll(p, 2, srv->cfg->idle_ms);
    while (n < 0 && errno == EINTR && !server_stopping(srv));
    if (n < 0 || p[1].revents != 0)
        return -1;
    return n == 0 ? 0 : 1;
}

void conn_serve(struct conn *c, struct server *srv)
{
    const char *why = "closed by client";

    for (;;) {
        bool more = conn_answer(c, srv->stats);

        /* Every reply computed so far leaves in one write. */
        if (c->out_len > 0 && io_write_all(c->fd, c->out, c->out_len) != 0) {
            why = errno == EAGAIN ? "not taking its replies" : strerror(errno);
            break;
        }
        c->out_len = 0;
        if (c->quit) {
            why = "QUIT";
            break;
        }
        if (more)
            continue;                   /* more lines already here */
        int ready = wait_readable(c, srv);

        if (ready <= 0) {
            why = ready == 0 ? "idle timeout" : "server stopping";
            break;
        }
        size_t room;
        char *space = linebuf_space(&c->in, &room);
        ssize_t n = io_read_some(c->fd, space, room);

        if (n <= 0) {
            why = n == 0 ? "closed by client" : strerror(errno);
            break;
        }
        linebuf_commit(&c->in, (size_t)n);
    }
    conn_end(c, srv, why);
}

void conn_begin(struct conn *c, struct server *srv)
{
    atomic_fetch_add_explicit(&srv->stats->connections, 1, memory_order_relaxed);
    if (!srv->cfg->quiet && !srv->cfg->json)
        printf("connection from %s\n", c->peer);
}

void conn_end(struct conn *c, struct server *srv, const char *why)
{
    if (!srv->cfg->quiet && !srv->cfg->json)
        printf("%s disconnected after %llu request%s (%s)\n", c->peer,
               (unsigned long long)c->requests, c->requests == 1 ? "" : "s", why);
    atomic_fetch_sub_explicit(&srv->stats->active, 1, memory_order_relaxed);
}

void conn_run(struct server *srv, int fd, const struct sockaddr_storage *peer,
              socklen_t len)
{
    struct conn c;

    if (conn_init(&c, fd, peer, len) != 0) {
        cli_error(errno, "connection buffers");
        close(fd);
        atomic_fetch_sub(&srv->stats->active, 1);
        return;
    }
    conn_begin(&c, srv);
    conn_serve(&c, srv);
    conn_free(&c);
}
