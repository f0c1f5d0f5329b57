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
#include "proto.h"
#include "stop.h"
#include "sysmem.h"
#include "timing.h"

void conn_init(struct conn *c, int fd, const struct sockaddr_storage *peer,
               socklen_t len)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    net_format((const struct sockaddr *)peer, len, c->peer);
    linebuf_init_detached(&c->in, PROTO_MAX_LINE, CONN_READ_SIZE);
}

/* A spare buffer of 'st' (NULL: none), or a new one of 'size' bytes. */
static char *spare_get(struct conn_spare_stack *st, size_t size)
{
    if (st == NULL || st->count == 0)
        return malloc(size);
    if (--st->count < st->unused)
        st->unused = st->count;
    return st->buf[st->count];
}

/* 'buf' back on 'st', or freed (no stack, or a full one). */
static void spare_put(struct conn_spare_stack *st, char *buf)
{
    if (st != NULL && st->count < CONN_SPARES)
        st->buf[st->count++] = buf;
    else
        free(buf);
}

/* Free the spares not taken since the last trim.  Returns how many. */
static unsigned spare_trim(struct conn_spare_stack *st)
{
    unsigned freed = st->unused;

    for (; st->unused > 0; st->unused--)
        free(st->buf[--st->count]);
    st->unused = st->count;
    return freed;
}

int conn_take(struct conn *c, struct conn_spares *s)
{
    if (c->in.buf == NULL) {
        char *buf = spare_get(s != NULL ? &s->in : NULL, c->in.cap);

        if (buf == NULL)
            goto out_of_memory;
        linebuf_attach(&c->in, buf);
    }
    if (c->out == NULL && (c->out = spare_get(s != NULL ? &s->out : NULL, CONN_OUT_CAP)) == NULL)
        goto out_of_memory;
    return 0;
out_of_memory:
    errno = ENOMEM;
    return -1;
}

/* Give back the buffers 'c' has nothing in (all of them, with 'all'). */
static void give_back(struct conn *c, struct conn_spares *s, bool all)
{
    if (c->in.buf != NULL && (all || linebuf_empty(&c->in)))
        spare_put(s != NULL ? &s->in : NULL, linebuf_detach(&c->in));
    if (c->out != NULL && (all || c->out_len == 0)) {
        spare_put(s != NULL ? &s->out : NULL, c->out);
        c->out = NULL;
    }
}

void conn_rest(struct conn *c, struct conn_spares *s)
{
    give_back(c, s, false);
}

void conn_spares_trim(struct conn_spares *s)
{
    /* free() gives the pages to malloc, which keeps those that are not
     * at the top of its heap: give them back to the system. */
    if (spare_trim(&s->in) + spare_trim(&s->out) > 0)
        sysmem_trim();
}

void conn_spares_free(struct conn_spares *s)
{
    s->in.unused = s->in.count;         /* none will be taken again */
    s->out.unused = s->out.count;
    conn_spares_trim(s);
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

void conn_list_add(struct conn **list, struct conn *c)
{
    c->prev = NULL;
    c->next = *list;
    if (*list != NULL)
        (*list)->prev = c;
    *list = c;
}

void conn_list_remove(struct conn **list, struct conn *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        *list = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

const char *conn_overdue(const struct server *srv, bool sending, uint64_t progress_ns,
                         uint64_t active_ns, uint64_t now)
{
    const struct server_config *cfg = srv->cfg;

    if (sending)
        return now - progress_ns >= (uint64_t)cfg->send_timeout_ms * 1000000u
               ? "not taking its replies" : NULL;
    if (cfg->idle_ms >= 0 && now - active_ns >= (uint64_t)cfg->idle_ms * 1000000u)
        return "idle timeout";
    return NULL;
}

void conn_free(struct conn *c, struct conn_spares *s)
{
    if (c->fd >= 0)
        close_gently(c->fd);
    c->fd = -1;
    /* What is left in them, unanswered or unsent, is dropped. */
    give_back(c, s, true);
    c->out_len = c->out_sent = 0;
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

void conn_end_of_input(struct conn *c)
{
    c->eof = true;
    linebuf_finish(&c->in);
}

/* Milliseconds from 'now' until 'when', rounded up (poll's timeout). */
static int ms_until(uint64_t when, uint64_t now)
{
    uint64_t ms = (when - now + 999999) / 1000000;

    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int conn_send(struct conn *c, struct server *srv)
{
    uint64_t limit = (uint64_t)srv->cfg->send_timeout_ms * 1000000u;
    uint64_t now = timing_now_ns(), deadline = now + limit, stop_deadline = UINT64_MAX;

    while (c->out_sent < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        now = timing_now_ns();
        if (n > 0) {                    /* progress: the client's clock starts again */
            c->out_sent += (size_t)n;
            deadline = now + limit;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return -1;
        /* Its buffers are full: wait for room, for the stop, or the deadline. */
        uint64_t until = deadline < stop_deadline ? deadline : stop_deadline;
        struct pollfd p[2] = {
            { .fd = c->fd, .events = POLLOUT },
            { .fd = stop_fd(), .events = POLLIN },
        };

        if (now >= until) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (poll(p, stop_deadline == UINT64_MAX ? 2 : 1, ms_until(until, now)) > 0 &&
            p[1].revents != 0)
            stop_deadline = timing_now_ns() + SERVER_STOP_FLUSH_MS * 1000000ull;
    }
    c->out_len = c->out_sent = 0;
    return 0;
}

/*
 * Wait until the client sends something, the idle limit passes (0), or
 * the server stops (-1).  Returns 1 when there is something to read.
 */
static int wait_readable(struct conn *c, struct server *srv)
{
    struct pollfd p[2] = {
        { .fd = c->fd, .events = POLLIN },
        { .fd = stop_fd(), .events = POLLIN },
    };
    int n;

    do
        n = poll(p, 2, srv->cfg->idle_ms);
    while (n < 0 && errno == EINTR && !stop_posted());
    if (n < 0 || p[1].revents != 0)
        return -1;
    return n == 0 ? 0 : 1;
}

/* Wait for and read the client's next bytes.  Returns NULL, or why to end. */
static const char *conn_read(struct conn *c, struct server *srv)
{
    int ready = wait_readable(c, srv);
    size_t room;
    char *space;
    ssize_t n;

    if (ready <= 0)
        return ready == 0 ? "idle timeout" : "server stopping";
    space = linebuf_space(&c->in, &room);
    n = io_read_some(c->fd, space, room);
    if (n < 0)
        return strerror(errno);
    if (n == 0)
        conn_end_of_input(c);           /* answer what is left, then end */
    else
        linebuf_commit(&c->in, (size_t)n);
    return NULL;
}

void conn_serve(struct conn *c, struct server *srv)
{
    const char *why = NULL;

    while (why == NULL) {
        bool more = conn_answer(c, srv->stats);

        /* Every reply computed so far leaves in one write. */
        if (conn_send(c, srv) != 0)
            why = errno == ETIMEDOUT ? "not taking its replies" : strerror(errno);
        else if (c->quit)
            why = "QUIT";
        else if (more)
            continue;                   /* more lines already here */
        else if (c->eof)
            why = "closed by client";
        else
            why = conn_read(c, srv);
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
}

void conn_run(struct server *srv, int fd, const struct sockaddr_storage *peer,
              socklen_t len)
{
    struct conn c;

    conn_init(&c, fd, peer, len);
    /* A thread or process of its own: it holds its buffers throughout. */
    if (conn_take(&c, NULL) != 0) {
        cli_error(errno, "connection buffers");
        conn_free(&c, NULL);
        return;
    }
    conn_begin(&c, srv);
    conn_serve(&c, srv);
    conn_free(&c, NULL);
}
