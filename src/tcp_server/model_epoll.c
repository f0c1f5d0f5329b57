/*
 * model_epoll - THREADS event loops, each with its own epoll set.
 *
 * No thread or process per client: one thread watches many sockets and
 * does, for each, whatever is ready without blocking.  The price is
 * that nothing may block: a reply the client does not take stays in
 * the connection's buffer, EPOLLOUT says when it can go, and a client
 * whose replies pile up is not read from until they drain, so memory
 * stays bounded; one that takes none of them for --send-timeout
 * seconds is dropped, as in every model.  A client holds buffers only
 * while it speaks (conn_take, conn_rest): an idle one costs its struct
 * and its socket, and a loop's spare buffers go round the busy ones.
 * Every loop waits on the listening socket too (EPOLLEXCLUSIVE: one
 * loop is woken per new client) and on the stop pipe.
 */
#include "tcp_server.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "stop.h"
#include "thread.h"
#include "timing.h"

enum {
    MAX_EVENTS = 256,
    SWEEP_MS = 250,             /* how often idle and stalled clients are looked for */
    ACCEPTS_PER_WAKE = 64,      /* then let the other sockets have a turn */
    READS_PER_WAKE = 8,
};

/* A connection of an event loop, on the loop's list (for idle checks). */
struct econn {
    struct conn c;              /* first: the loop's list links conns */
    uint64_t last_active_ns;
    uint64_t progress_ns;       /* while replies wait: when they last moved */
    uint32_t events;            /* what epoll watches for it now */
    bool more;                  /* lines wait for room in the reply buffer */
};

struct loop {
    struct server *srv;
    int ep;
    struct conn *conns;         /* every connection of this loop */
    struct conn_spares spares;  /* buffers no client of the loop holds now */
    unsigned waiting;           /* of those, how many wait for EPOLLOUT */
    uint64_t last_sweep_ns;
    bool paused;                /* out of descriptors: not watching the listener */
    pthread_t thread;
};

static int listen_marker, stop_marker;  /* epoll data of the two shared fds */

static void drop(struct loop *l, struct econn *e, const char *why)
{
    conn_list_remove(&l->conns, &e->c);
    l->waiting -= (e->events & EPOLLOUT) != 0;
    conn_end(&e->c, l->srv, why);
    conn_free(&e->c, &l->spares);       /* close() takes it out of the epoll set */
    server_release(l->srv);
    free(e);
}

static void accept_clients(struct loop *l)
{
    for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof(peer);
        int fd = server_accept_nowait(l->srv, &peer, &len, SOCK_NONBLOCK);
        struct econn *e;

        if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
            /* Out of descriptors and none to shed the waiting client
             * with: it would wake us again at once.  Look away from the
             * listening socket until the next sweep. */
            epoll_ctl(l->ep, EPOLL_CTL_DEL, l->srv->listen_fd, NULL);
            l->paused = true;
        }
        if (fd < 0)
            return;                     /* none left (or a pause) */
        e = calloc(1, sizeof(*e));
        if (e == NULL) {
            cli_error(ENOMEM, "connection");
            close(fd);
            server_release(l->srv);
            continue;
        }
        conn_init(&e->c, fd, &peer, len);
        e->events = EPOLLIN;
        e->last_active_ns = timing_now_ns();
        struct epoll_event ev = { .events = e->events, .data.ptr = e };

        if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            cli_error(errno, "epoll_ctl");
            conn_free(&e->c, &l->spares);
            free(e);
            server_release(l->srv);
            continue;
        }
        conn_list_add(&l->conns, &e->c);
        conn_begin(&e->c, l->srv);
    }
}

/*
 * Send what the buffer holds, without blocking.  Returns 0 when all
 * went, 1 when the socket is full (wait for EPOLLOUT), -1 on error.
 */
static int flush(struct econn *e, uint64_t now)
{
    struct conn *c = &e->c;

    while (c->out_sent < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_sent, c->out_len - c->out_sent);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN ? 1 : -1;
        }
        c->out_sent += (size_t)n;
        e->progress_ns = now;
    }
    c->out_len = c->out_sent = 0;
    return 0;
}

/* Read what has arrived (a few reads at most) and answer it. */
static int read_and_answer(struct loop *l, struct econn *e)
{
    for (int i = 0; i < READS_PER_WAKE && !e->more && !e->c.quit && !e->c.eof; i++) {
        size_t room;
        char *space = linebuf_space(&e->c.in, &room);
        ssize_t n = read(e->c.fd, space, room);

        if (n == 0) {
            conn_end_of_input(&e->c);   /* a last line without "\n" counts */
            e->more = conn_answer(&e->c, l->srv->stats);
            break;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN ? 0 : -1;
        }
        linebuf_commit(&e->c.in, (size_t)n);
        e->more = conn_answer(&e->c, l->srv->stats);
        if ((size_t)n < room)
            break;                      /* drained: another read would say EAGAIN */
    }
    return 0;
}

/* Everything a ready connection can do now; then what to wait for next. */
static void handle(struct loop *l, struct econn *e, uint32_t events)
{
    const char *why = NULL;
    int pending = 0;
    uint64_t now = timing_now_ns();

    e->last_active_ns = now;
    if (!(e->events & EPOLLOUT))
        e->progress_ns = now;           /* replies made now start their clock now */
    if (conn_take(&e->c, &l->spares) != 0) {    /* its buffers, while it speaks */
        drop(l, e, strerror(errno));
        return;
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && read_and_answer(l, e) != 0)
        why = strerror(errno);
    /* Send, and while sending made room for held-back lines, answer them. */
    while (why == NULL && (pending = flush(e, now)) == 0 && e->more)
        e->more = conn_answer(&e->c, l->srv->stats);
    if (why == NULL && pending < 0)
        why = strerror(errno);
    if (why == NULL && pending == 0 && e->c.quit)
        why = "QUIT";
    if (why == NULL && pending == 0 && e->c.eof)
        why = "closed by client";
    if (why != NULL) {
        drop(l, e, why);
        return;
    }
    /* Read only while there is room for the replies: bounded memory. */
    uint32_t want = (e->more || e->c.eof || e->c.quit ? 0 : EPOLLIN) |
                    (pending > 0 ? EPOLLOUT : 0);

    if (want != e->events) {
        struct epoll_event ev = { .events = want, .data.ptr = e };

        l->waiting += (want & EPOLLOUT) != 0;
        l->waiting -= (e->events & EPOLLOUT) != 0;
        e->events = want;
        epoll_ctl(l->ep, EPOLL_CTL_MOD, e->c.fd, &ev);
    }
    conn_rest(&e->c, &l->spares);       /* idle: its buffers serve the next one */
}

static int watch_listener(struct loop *l)
{
    struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &listen_marker };

    return epoll_ctl(l->ep, EPOLL_CTL_ADD, l->srv->listen_fd, &ev);
}

/* Drop the clients silent past --idle-timeout, and those not taking
 * replies; free the spare buffers nobody took since the last sweep; end
 * a pause in accepting. */
static void sweep(struct loop *l, uint64_t now)
{
    l->last_sweep_ns = now;
    conn_spares_trim(&l->spares);
    if (l->paused && watch_listener(l) == 0)
        l->paused = false;
    for (struct conn *c = l->conns, *next; c != NULL; c = next) {
        struct econn *e = (struct econn *)c;
        const char *why = conn_overdue(l->srv, (e->events & EPOLLOUT) != 0, e->progress_ns,
                                       e->last_active_ns, now);

        next = c->next;
        if (why != NULL)
            drop(l, e, why);
    }
}

/*
 * At the stop: what was computed gets SERVER_STOP_FLUSH_MS to leave,
 * one deadline for every connection of the loop, then all are closed.
 */
static void drain_all(struct loop *l)
{
    uint64_t now = timing_now_ns(), deadline = now + SERVER_STOP_FLUSH_MS * 1000000ull;
    struct epoll_event events[MAX_EVENTS];

    /* From now on only the clients' sockets may wake us. */
    epoll_ctl(l->ep, EPOLL_CTL_DEL, stop_fd(), NULL);
    epoll_ctl(l->ep, EPOLL_CTL_DEL, l->srv->listen_fd, NULL);
    for (struct conn *c = l->conns, *next; c != NULL; c = next) {
        struct econn *e = (struct econn *)c;
        struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = e };

        next = c->next;
        if (flush(e, now) != 1)
            drop(l, e, "server stopping");
        else
            epoll_ctl(l->ep, EPOLL_CTL_MOD, e->c.fd, &ev);
    }
    while (l->conns != NULL && (now = timing_now_ns()) < deadline) {
        int n = epoll_wait(l->ep, events, MAX_EVENTS,
                           (int)((deadline - now + 999999) / 1000000));

        for (int i = 0; i < n; i++) {
            struct econn *e = events[i].data.ptr;

            if (flush(e, now) != 1)
                drop(l, e, "server stopping");
        }
    }
    while (l->conns != NULL)
        drop(l, (struct econn *)l->conns, "server stopping");
}

/* Serve until the stop.  Returns NULL, or the loop if it failed. */
static void *run_loop(void *arg)
{
    struct loop *l = arg;
    struct epoll_event events[MAX_EVENTS];
    bool stopping = false;
    void *failed = NULL;

    while (!stopping) {
        bool timed = l->srv->cfg->idle_ms >= 0 || l->waiting > 0 || l->paused
                     || conn_spares_held(&l->spares);
        int n = epoll_wait(l->ep, events, MAX_EVENTS, timed ? SWEEP_MS : -1);
        uint64_t now;

        if (n < 0 && errno != EINTR) {
            cli_error(errno, "epoll_wait");
            failed = l;
            break;
        }
        for (int i = 0; i < n; i++) {
            void *p = events[i].data.ptr;

            if (p == &listen_marker)
                accept_clients(l);
            else if (p == &stop_marker)
                stopping = true;
            else
                handle(l, p, events[i].events);
        }
        if (timed && (now = timing_now_ns()) - l->last_sweep_ns >= SWEEP_MS * 1000000ull)
            sweep(l, now);
    }
    drain_all(l);
    conn_spares_free(&l->spares);
    return failed;
}

/* A loop's epoll set: the listening socket, the stop pipe, later clients. */
static int loop_init(struct loop *l, struct server *srv)
{
    struct epoll_event sev = { .events = EPOLLIN, .data.ptr = &stop_marker };

    l->srv = srv;
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    if (l->ep < 0 || watch_listener(l) != 0 ||
        epoll_ctl(l->ep, EPOLL_CTL_ADD, stop_fd(), &sev) != 0)
        return -1;
    return 0;
}

/*
 * Set up every loop, then serve.  A failed setup serves nobody: one
 * message, the loops already running stopped, exit status 1.
 */
int model_epoll(struct server *srv)
{
    unsigned n = srv->cfg->threads, made = 0, started = 1;
    struct loop *loops = calloc(n, sizeof(*loops));
    void *failed = NULL;
    int err = 0;

    if (loops == NULL) {
        cli_error(ENOMEM, "event loops");
        return 1;
    }
    for (; made < n; made++)
        if (loop_init(&loops[made], srv) != 0) {
            cli_error(errno, "epoll");
            if (loops[made].ep >= 0)
                close(loops[made].ep);
            goto out_close_loops;
        }
    /* Loops 2..n in threads that block signals; loop 1 is main()'s own. */
    for (; started < n; started++)
        if ((err = thread_start(&loops[started].thread, NULL, run_loop, &loops[started])) != 0) {
            cli_error(err, "pthread_create");
            stop_request();
            break;
        }
    if (err == 0) {
        server_ready(srv);
        failed = run_loop(&loops[0]);
    }
    stop_request();                   /* if loop 1 ended on an error */
    for (unsigned i = 1; i < started; i++) {
        void *r;

        pthread_join(loops[i].thread, &r);
        failed = failed != NULL ? failed : r;
    }
out_close_loops:
    for (unsigned i = 0; i < made; i++)
        close(loops[i].ep);
    free(loops);
    return made == n && err == 0 && failed == NULL ? 0 : 1;
}
