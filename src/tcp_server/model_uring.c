/*
 * model_uring - THREADS event loops on io_uring (liburing), a ring each.
 *
 * What io_uring changes: with epoll the kernel says "this socket is
 * ready" and the loop then reads and writes it itself, a system call
 * each.  With io_uring the loop hands the kernel the work itself
 * (accept, receive, send) in a queue shared with it, and one system call
 * submits every request queued since the last one and waits for the
 * completions of earlier ones.  Busy clients then cost a fraction of a
 * system call per request, not two or three.  Accepting is one
 * multishot request (a completion for each new client); replies go out
 * as sends queued with the next batch.
 *
 * A receive waits in the kernel for as long as the client is silent.
 * Given a buffer of the client's, it would pin that buffer all along;
 * so it is given none: the loop lends the kernel a ring of buffers
 * ("provided buffers"), the kernel takes one when bytes come, and the
 * loop copies them into the client's line buffer (conn_take) and gives
 * the ring its buffer back.  An idle client then holds no buffer, as
 * under epoll (conn_rest).
 *
 * When it does not help: one client at a time (each request still
 * waits out its round trip), or requests whose cost is the work, not
 * the system calls.
 *
 * The rest is model_epoll's: one receive at a time per client, and none
 * while its replies wait for room (bounded memory); --send-timeout and
 * --idle-timeout checked every SWEEP_MS; at the stop, replies get
 * SERVER_STOP_FLUSH_MS to leave.
 */
#include "tcp_server.h"

#include <assert.h>
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "stop.h"
#include "thread.h"
#include "timing.h"

enum {
    RING_ENTRIES = 1024,        /* submission queue; completions get twice that */
    SWEEP_MS = 250,             /* how often idle and stalled clients are looked for */
    BUF_COUNT = 128,            /* receive buffers lent to the kernel (a power of 2) */
    BUF_SIZE = 4096,            /* each; at most CONN_READ_SIZE (room in a line buffer) */
    BUF_GROUP = 0,              /* their id for the kernel */
};

/*
 * What a request is for travels in its user_data, which the kernel hands
 * back untouched in the request's completion(s).  Its layout, as
 * liburing's examples pack theirs:
 *
 *     bits 63..56   the operation (enum op)
 *     bits 55..0    the client's address (OP_RECV, OP_SEND), or 0
 *
 * A user-space address fits in 56 bits on every 64-bit Linux (x86-64
 * with 5-level page tables, the widest, stops at 2^56).
 */
enum op {
    OP_ACCEPT = 1,              /* the multishot accept: a completion per client */
    OP_RECV,                    /* a client's bytes, now in its line buffer */
    OP_SEND,                    /* some of a client's replies, sent */
    OP_STOP,                    /* the stop pipe is readable */
    OP_LISTEN,                  /* out of descriptors: a client waits to be shed */
    OP_CANCEL,                  /* a cancellation done (the request it cancelled ends on its own) */
};

enum { UD_OP_SHIFT = 56 };

struct uconn;

static uint64_t ud_pack(enum op op, const struct uconn *u)
{
    uint64_t addr = (uintptr_t)u;

    assert(addr >> UD_OP_SHIFT == 0);
    return (uint64_t)op << UD_OP_SHIFT | addr;
}

static enum op ud_op(uint64_t ud)
{
    return (enum op)(ud >> UD_OP_SHIFT);
}

static struct uconn *ud_conn(uint64_t ud)
{
    return (struct uconn *)(uintptr_t)(ud & ((UINT64_C(1) << UD_OP_SHIFT) - 1));
}

/* A client of a loop, on the loop's list while it is served. */
struct uconn {
    struct conn c;              /* first: the loop's list links conns */
    uint64_t last_active_ns;
    uint64_t progress_ns;       /* while a send waits: when replies last moved */
    bool receiving, sending;    /* a request of each kind in the kernel */
    bool more;                  /* lines wait for room in the reply buffer */
    bool dropped;               /* off the list; freed when its requests are back */
};

/*
 * Every loop makes its own ring, then waits here until all have: they
 * serve together, or, if one could not, none does (a failed setup).
 */
struct start_gate {
    pthread_mutex_t lock;
    pthread_cond_t all_in;
    unsigned expected;          /* loops that will come through */
    unsigned in, failed;
};

struct uloop {
    struct server *srv;
    struct start_gate *gate;
    struct io_uring ring;
    bool ring_ok;
    struct conn *conns;
    struct conn_spares spares;  /* line and reply buffers no client holds now */
    struct io_uring_buf_ring *buf_ring;     /* receive buffers lent to the kernel */
    char *bufs;                 /* their bytes, BUF_COUNT x BUF_SIZE */
    unsigned parked;            /* dropped, with requests still in the kernel */
    bool poll_first;            /* the kernel takes IORING_RECVSEND_POLL_FIRST */
    bool accepting, stopping;
    bool watching;              /* a poll on the listener instead of the accept */
    bool paused;                /* out of descriptors, none to shed with */
    bool failed;                /* could not set up, or io_uring_enter failed */
    uint64_t stop_deadline_ns, last_sweep_ns;
    pthread_t thread;
};

/* A free submission slot; a full queue is submitted first. */
static struct io_uring_sqe *sqe_get(struct uloop *l)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

    while (sqe == NULL) {
        io_uring_submit(&l->ring);
        sqe = io_uring_get_sqe(&l->ring);
    }
    return sqe;
}

static void arm_accept(struct uloop *l)
{
    struct io_uring_sqe *sqe = sqe_get(l);

    io_uring_prep_multishot_accept(sqe, l->srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, ud_pack(OP_ACCEPT, NULL));
    l->accepting = true;
}

/* Receive into whichever lent buffer the kernel takes when bytes come. */
static void arm_recv(struct uloop *l, struct uconn *u)
{
    struct io_uring_sqe *sqe = sqe_get(l);

    io_uring_prep_recv(sqe, u->c.fd, NULL, BUF_SIZE, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BUF_GROUP;
    /* The client waits for our reply before it sends again, so its
     * socket is most likely empty now: wait for data first instead of
     * trying a receive that fails and then waiting (kernel 5.19). */
    if (l->poll_first)
        sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
    io_uring_sqe_set_data64(sqe, ud_pack(OP_RECV, u));
    u->receiving = true;
}

/* Send the replies not yet sent.  Replies added while it is in flight
 * go after them in the buffer, and out with the next send. */
static void arm_send(struct uloop *l, struct uconn *u, uint64_t now)
{
    struct io_uring_sqe *sqe = sqe_get(l);

    io_uring_prep_send(sqe, u->c.fd, u->c.out + u->c.out_sent, u->c.out_len - u->c.out_sent,
                       MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, ud_pack(OP_SEND, u));
    u->sending = true;
    u->progress_ns = now;
}

/*
 * The accept failed for lack of descriptors (it fails so at once, with
 * a client waiting or not): re-armed now, it would fail again now, a
 * busy loop.  Turn the waiting client away on the spare descriptor, and
 * accept again only once another client waits (a poll on the listening
 * socket), as the epoll model does; with no spare to shed with, only at
 * the next sweep.
 */
static void out_of_descriptors(struct uloop *l)
{
    if (server_shed_one(l->srv) || errno == EAGAIN) {
        struct io_uring_sqe *sqe = sqe_get(l);

        io_uring_prep_poll_add(sqe, l->srv->listen_fd, POLLIN);
        io_uring_sqe_set_data64(sqe, ud_pack(OP_LISTEN, NULL));
        l->watching = true;
    } else {
        l->paused = true;
    }
}

/* Cancel the request of operation 'op' (of client 'u', or NULL). */
static void cancel(struct uloop *l, enum op op, const struct uconn *u)
{
    struct io_uring_sqe *sqe = sqe_get(l);

    io_uring_prep_cancel64(sqe, ud_pack(op, u), 0);
    io_uring_sqe_set_data64(sqe, ud_pack(OP_CANCEL, NULL));
}

/* Free a dropped client once the kernel holds none of its requests
 * (a receive in flight still writes into its line buffer). */
static void release_if_idle(struct uloop *l, struct uconn *u)
{
    if (u->receiving || u->sending)
        return;
    l->parked--;
    conn_free(&u->c, &l->spares);
    server_release(l->srv);
    free(u);
}

static void drop(struct uloop *l, struct uconn *u, const char *why)
{
    conn_list_remove(&l->conns, &u->c);
    u->dropped = true;
    l->parked++;
    conn_end(&u->c, l->srv, why);
    if (u->receiving)
        cancel(l, OP_RECV, u);
    if (u->sending)
        cancel(l, OP_SEND, u);
    release_if_idle(l, u);
}

static void new_client(struct uloop *l, int fd, uint64_t now)
{
    struct sockaddr_storage peer;
    socklen_t len = sizeof(peer);
    struct uconn *u;

    if (!server_admit(l->srv, fd))
        return;                         /* told it is busy, and closed */
    getpeername(fd, (struct sockaddr *)&peer, &len);
    u = calloc(1, sizeof(*u));
    if (u == NULL) {
        cli_error(ENOMEM, "connection");
        close(fd);
        server_release(l->srv);
        return;
    }
    conn_init(&u->c, fd, &peer, len);
    conn_list_add(&l->conns, &u->c);
    u->last_active_ns = now;
    conn_begin(&u->c, l->srv);
    arm_recv(l, u);
}

/* What a client needs next: a send, a receive, or its end. */
static void next_step(struct uloop *l, struct uconn *u, uint64_t now)
{
    struct conn *c = &u->c;

    if (!u->sending && c->out_sent < c->out_len)
        arm_send(l, u, now);
    conn_rest(c, &l->spares);           /* what it has nothing in serves others */
    if (u->sending || u->receiving)
        return;
    if (c->quit || c->eof || l->stopping)
        drop(l, u, c->quit ? "QUIT" : c->eof ? "closed by client" : "server stopping");
    else if (!u->more)
        arm_recv(l, u);                 /* read only while replies have room */
}

/* OP_ACCEPT: a new client (or the accept's end, or its failure). */
static void on_accept(struct uloop *l, const struct io_uring_cqe *cqe, uint64_t now)
{
    if (!(cqe->flags & IORING_CQE_F_MORE))
        l->accepting = false;           /* re-armed by the loop, unless stopping */
    if (cqe->res >= 0 && l->stopping)
        close(cqe->res);
    else if (cqe->res >= 0)
        new_client(l, cqe->res, now);
    else if ((cqe->res == -EMFILE || cqe->res == -ENFILE) && !l->stopping)
        out_of_descriptors(l);
}

/* Give the kernel back lent buffer 'bid'. */
static void buf_return(struct uloop *l, unsigned bid)
{
    io_uring_buf_ring_add(l->buf_ring, l->bufs + (size_t)bid * BUF_SIZE, BUF_SIZE,
                          (unsigned short)bid, io_uring_buf_ring_mask(BUF_COUNT), 0);
    io_uring_buf_ring_advance(l->buf_ring, 1);
}

/* OP_RECV: 'res' bytes came into a lent buffer (0: the client closed). */
static void on_recv(struct uloop *l, struct uconn *u, const struct io_uring_cqe *cqe, uint64_t now)
{
    int res = cqe->res;
    bool lent = (cqe->flags & IORING_CQE_F_BUFFER) != 0;
    unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

    u->receiving = false;
    if (u->dropped || conn_take(&u->c, &l->spares) != 0) {
        if (lent)
            buf_return(l, bid);
        if (u->dropped)
            release_if_idle(l, u);
        else
            drop(l, u, strerror(ENOMEM));
        return;
    }
    if (res == -EINVAL && l->poll_first) {
        l->poll_first = false;          /* an older kernel: receive first */
    } else if (res == -EINTR || res == -ECANCELED || res == -ENOBUFS) {
        /* Cancelled at the stop, interrupted, or every lent buffer was
         * taken at once (each comes back as soon as its completion is
         * read: a receive armed again finds one): nothing came. */
    } else if (res < 0) {
        drop(l, u, strerror(-res));
        return;
    } else if (res == 0) {
        conn_end_of_input(&u->c);       /* a last line without "\n" counts */
    } else {
        size_t room;
        char *space = linebuf_space(&u->c.in, &room);

        /* Every whole line was answered before this receive: room for it. */
        assert(lent && room >= (size_t)res);
        memcpy(space, l->bufs + (size_t)bid * BUF_SIZE, (size_t)res);
        linebuf_commit(&u->c.in, (size_t)res);
    }
    if (lent)
        buf_return(l, bid);
    u->last_active_ns = now;
    u->more = conn_answer(&u->c, l->srv->stats);
    next_step(l, u, now);
}

/* OP_SEND: 'res' bytes of the replies went out. */
static void on_send(struct uloop *l, struct uconn *u, int res, uint64_t now)
{
    struct conn *c = &u->c;

    u->sending = false;
    if (u->dropped) {
        release_if_idle(l, u);
        return;
    }
    if (res < 0 && res != -EINTR) {
        drop(l, u, strerror(-res));
        return;
    }
    if (res > 0) {
        c->out_sent += (size_t)res;
        u->last_active_ns = u->progress_ns = now;
    }
    if (c->out_sent == c->out_len) {
        c->out_len = c->out_sent = 0;
        /* Room again: answer the lines that waited for it. */
        if (u->more)
            u->more = conn_answer(c, l->srv->stats);
    }
    next_step(l, u, now);
}

/* OP_STOP: no more clients; each keeps only the replies it is owed. */
static void begin_stop(struct uloop *l, uint64_t now)
{
    l->stopping = true;
    l->stop_deadline_ns = now + SERVER_STOP_FLUSH_MS * 1000000ull;
    if (l->accepting)
        cancel(l, OP_ACCEPT, NULL);
    if (l->watching)
        cancel(l, OP_LISTEN, NULL);
    for (struct conn *c = l->conns, *next; c != NULL; c = next) {
        struct uconn *u = (struct uconn *)c;

        next = c->next;
        if (u->receiving)
            cancel(l, OP_RECV, u);
        else
            next_step(l, u, now);
    }
}

static void dispatch(struct uloop *l, const struct io_uring_cqe *cqe, uint64_t now)
{
    uint64_t ud = io_uring_cqe_get_data64(cqe);

    switch (ud_op(ud)) {
    case OP_ACCEPT:
        on_accept(l, cqe, now);
        break;
    case OP_RECV:
        on_recv(l, ud_conn(ud), cqe, now);
        break;
    case OP_SEND:
        on_send(l, ud_conn(ud), cqe->res, now);
        break;
    case OP_STOP:
        begin_stop(l, now);
        break;
    case OP_LISTEN:
        l->watching = false;            /* a client waits: the loop accepts again */
        break;
    case OP_CANCEL:
        break;
    }
}

/* Drop the clients silent past --idle-timeout, and those not taking
 * replies; at the stop, those whose replies outlived its deadline.  Free
 * the spare buffers nobody took since the last sweep; end a pause in
 * accepting. */
static void sweep(struct uloop *l, uint64_t now)
{
    l->last_sweep_ns = now;
    l->paused = false;
    conn_spares_trim(&l->spares);
    for (struct conn *c = l->conns, *next; c != NULL; c = next) {
        struct uconn *u = (struct uconn *)c;
        const char *why = conn_overdue(l->srv, u->sending, u->progress_ns, u->last_active_ns,
                                       now);

        if (l->stopping && now >= l->stop_deadline_ns)
            why = "server stopping";
        next = c->next;
        if (why != NULL)
            drop(l, u, why);
    }
}

/* Lend the kernel the receive buffers (a ring of them, shared with it:
 * kernel 5.19).  Returns 0 or a negative errno. */
static int lend_buffers(struct uloop *l)
{
    struct io_uring_buf_reg reg = { .ring_entries = BUF_COUNT, .bgid = BUF_GROUP };
    void *ring = mmap(NULL, BUF_COUNT * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                      MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    int err;

    if (ring == MAP_FAILED)
        return -errno;
    l->buf_ring = ring;
    l->bufs = malloc((size_t)BUF_COUNT * BUF_SIZE);
    if (l->bufs == NULL)
        return -ENOMEM;
    reg.ring_addr = (uintptr_t)ring;
    if ((err = io_uring_register_buf_ring(&l->ring, &reg, 0)) < 0)
        return err;
    io_uring_buf_ring_init(l->buf_ring);
    for (unsigned i = 0; i < BUF_COUNT; i++)
        io_uring_buf_ring_add(l->buf_ring, l->bufs + (size_t)i * BUF_SIZE, BUF_SIZE,
                              (unsigned short)i, io_uring_buf_ring_mask(BUF_COUNT), (int)i);
    io_uring_buf_ring_advance(l->buf_ring, BUF_COUNT);
    return 0;
}

/* The ring (made by the thread that uses it: one submitter, and the
 * kernel's completion work is done when that thread waits), and a watch
 * on the stop pipe.  Returns 0 or a negative errno. */
static int loop_init(struct uloop *l)
{
    struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER
                                          | IORING_SETUP_DEFER_TASKRUN,
                                 .cq_entries = 2 * RING_ENTRIES };
    int err = io_uring_queue_init_params(RING_ENTRIES, &l->ring, &p);

    if (err == -EINVAL) {               /* a kernel older than 6.1: without the last two */
        p = (struct io_uring_params){ .flags = IORING_SETUP_CQSIZE,
                                      .cq_entries = 2 * RING_ENTRIES };
        err = io_uring_queue_init_params(RING_ENTRIES, &l->ring, &p);
    }
    if (err < 0)
        return err;
    l->ring_ok = true;
    l->poll_first = true;
    /* Each io_uring_enter then skips looking the ring's descriptor up
     * (kernel 5.18; without it, it still works). */
    io_uring_register_ring_fd(&l->ring);
    if ((err = lend_buffers(l)) < 0)
        return err;

    struct io_uring_sqe *sqe = sqe_get(l);

    io_uring_prep_poll_add(sqe, stop_fd(), POLLIN);
    io_uring_sqe_set_data64(sqe, ud_pack(OP_STOP, NULL));
    return 0;
}

static void loop_free(struct uloop *l)
{
    if (l->ring_ok)
        io_uring_queue_exit(&l->ring);  /* takes the lent buffers back too */
    if (l->buf_ring != NULL)
        munmap(l->buf_ring, BUF_COUNT * sizeof(struct io_uring_buf));
    free(l->bufs);
    conn_spares_free(&l->spares);
}

/* A loop could not start; of several, one says why. */
static void setup_failed(int err, const char *what)
{
    static atomic_flag said = ATOMIC_FLAG_INIT;

    if (!atomic_flag_test_and_set(&said))
        cli_error(err, "%s", what);
    stop_request();
}

/* Come through the gate, set up or not; returns whether every loop was. */
static bool gate_pass(struct start_gate *g, bool ok)
{
    bool all_ok;

    pthread_mutex_lock(&g->lock);
    g->in++;
    g->failed += !ok;
    pthread_cond_broadcast(&g->all_in);
    while (g->in < g->expected)
        pthread_cond_wait(&g->all_in, &g->lock);
    all_ok = g->failed == 0;
    pthread_mutex_unlock(&g->lock);
    return all_ok;
}

/* Fewer loops will come: a thread could not be started. */
static void gate_expect(struct start_gate *g, unsigned loops)
{
    pthread_mutex_lock(&g->lock);
    g->expected = loops;
    g->failed++;
    pthread_cond_broadcast(&g->all_in);
    pthread_mutex_unlock(&g->lock);
}

/* Serve until the stop; l->failed says whether the loop failed. */
static void run_loop(struct uloop *l)
{
    int err = loop_init(l);

    if (err < 0) {
        l->failed = true;
        setup_failed(-err, err == -EPERM || err == -ENOSYS
                     ? "io_uring (not allowed here: kernel.io_uring_disabled, or a seccomp filter)"
                     : "io_uring");
    }
    if (!gate_pass(l->gate, err == 0)) {
        loop_free(l);
        return;
    }
    server_ready(l->srv);               /* the first loop through says so */
    while (!l->stopping || l->conns != NULL || l->parked > 0 || l->accepting || l->watching) {
        struct __kernel_timespec ts = { .tv_nsec = SWEEP_MS * 1000000 };
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        uint64_t now;

        if (!l->accepting && !l->watching && !l->paused && !l->stopping)
            arm_accept(l);
        /* Never an endless wait: a sanitizer that defers signal handlers
         * to its own checkpoints would otherwise never run the stop's. */
        err = io_uring_submit_and_wait_timeout(&l->ring, &cqe, 1, &ts, NULL);
        if (err < 0 && err != -ETIME && err != -EINTR) {
            cli_error(-err, "io_uring_enter");
            l->failed = true;
            break;
        }
        now = timing_now_ns();
        io_uring_for_each_cqe(&l->ring, head, cqe) {
            dispatch(l, cqe, now);
            seen++;
        }
        io_uring_cq_advance(&l->ring, seen);
        if (now - l->last_sweep_ns >= SWEEP_MS * 1000000ull)
            sweep(l, now);
    }
    loop_free(l);
}

/* A loop of its own thread (pthread's signature). */
static void *loop_thread(void *arg)
{
    run_loop(arg);
    return NULL;
}

int model_uring(struct server *srv)
{
    unsigned n = srv->cfg->threads, started = 1;
    struct uloop *loops = calloc(n, sizeof(*loops));
    struct start_gate gate = { .lock = PTHREAD_MUTEX_INITIALIZER,
                               .all_in = PTHREAD_COND_INITIALIZER, .expected = n };
    bool failed;
    int err = 0;

    if (loops == NULL) {
        cli_error(ENOMEM, "event loops");
        return 1;
    }
    for (unsigned i = 0; i < n; i++) {
        loops[i].srv = srv;
        loops[i].gate = &gate;
    }
    /* Loops 2..n in threads that block signals; loop 1 is main()'s own. */
    for (; started < n; started++)
        if ((err = thread_start(&loops[started].thread, NULL, loop_thread, &loops[started])) != 0) {
            setup_failed(err, "pthread_create");
            gate_expect(&gate, started);    /* loop 1 and the threads started */
            break;
        }
    run_loop(&loops[0]);
    stop_request();                       /* if loop 1 ended on an error */
    failed = loops[0].failed;
    for (unsigned i = 1; i < started; i++) {
        pthread_join(loops[i].thread, NULL);
        failed = failed || loops[i].failed;
    }
    free(loops);
    return err == 0 && !failed ? 0 : 1;
}
