/*
 * bench - tcp_client --bench: CONNECTIONS connections, PIPELINE requests
 * in flight on each, in the manner of redis-benchmark.
 *
 * One thread drives every connection through epoll.  Closed loop (the
 * default): a reply lets the next request go.  Open loop (--rate): the
 * requests are due at fixed times, whether or not replies keep up, and
 * each latency is measured from the time the request was *due*, so a
 * stalled server cannot hide its stall by slowing the sender down
 * ("coordinated omission").
 */
#include "tcp_client.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "linebuf.h"
#include "proto.h"
#include "hist.h"
#include "stop.h"
#include "timing.h"

struct bconn {
    int fd;
    struct linebuf in;
    uint64_t *due_ns;           /* ring of PIPELINE: when each request was due */
    int64_t *value;             /* ring of PIPELINE: what each asked for */
    unsigned head, inflight;
    char *out;                  /* requests not yet written */
    size_t out_len, out_sent;
    bool want_out;              /* EPOLLOUT armed */
};

struct bench {
    const struct client_config *cfg;
    struct bconn *conns;
    int ep;
    uint64_t issued, done, errors;
    uint64_t limit;             /* requests to issue; UINT64_MAX with --duration */
    uint64_t start_ns, end_ns;  /* end_ns: --duration's deadline, or 0 */
    unsigned next_conn;         /* round robin for --rate */
    struct hist hist;
    size_t request_len;
};

static void arm(struct bench *b, struct bconn *c, bool out)
{
    struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c };

    if (out != c->want_out) {
        c->want_out = out;
        epoll_ctl(b->ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

/* Write what is pending, as far as the socket takes it. */
static int send_pending(struct bench *b, struct bconn *c)
{
    while (c->out_sent < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_sent, c->out_len - c->out_sent);

        if (n < 0) {
            if (errno == EAGAIN)
                break;
            if (errno != EINTR)
                return -1;
            continue;
        }
        c->out_sent += (size_t)n;
    }
    if (c->out_sent == c->out_len)
        c->out_len = c->out_sent = 0;
    arm(b, c, c->out_len > 0);
    return 0;
}

/* Queue one request on 'c', due at 'due_ns'. */
static void issue(struct bench *b, struct bconn *c, uint64_t due_ns)
{
    unsigned slot = (c->head + c->inflight++) % b->cfg->pipeline;
    int64_t v = (int64_t)(b->issued++ % 1000000);

    c->due_ns[slot] = due_ns;
    c->value[slot] = v;
    if (b->cfg->request != NULL) {
        memcpy(c->out + c->out_len, b->cfg->request, b->request_len);
        c->out_len += b->request_len;
        c->out[c->out_len++] = '\n';
    } else {
        c->out_len += (size_t)sprintf(c->out + c->out_len, "%" PRId64 "\n", v);
    }
}

static bool more_to_issue(const struct bench *b, uint64_t now)
{
    return b->issued < b->limit && (b->end_ns == 0 || now < b->end_ns) &&
           !stop_signal();
}

/* A reply: time it, check it, and in a closed loop let the next one go. */
static void on_reply(struct bench *b, struct bconn *c, const char *line, size_t len,
                     uint64_t now)
{
    unsigned slot = c->head;

    c->head = (c->head + 1) % b->cfg->pipeline;
    c->inflight--;
    b->done++;
    hist_add(&b->hist, now - c->due_ns[slot]);
    if (b->cfg->request == NULL) {
        char want[PROTO_MAX_REPLY];
        size_t n = proto_format_reply(PROTO_NUMBER, c->value[slot], want);

        if (n != len + 1 || memcmp(want, line, len) != 0)
            b->errors++;
    }
    if (b->cfg->rate == 0 && more_to_issue(b, now))
        issue(b, c, now);
}

static int on_readable(struct bench *b, struct bconn *c)
{
    size_t room, len;
    char *space = linebuf_space(&c->in, &room);
    ssize_t n = read(c->fd, space, room);
    uint64_t now = timing_now_ns();
    const char *line;

    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        cli_error(n < 0 ? errno : 0, "the server closed a connection after %llu replies",
                  (unsigned long long)b->done);
        return -1;
    }
    linebuf_commit(&c->in, (size_t)n);
    while (linebuf_next(&c->in, &line, &len) == LINEBUF_LINE && c->inflight > 0)
        on_reply(b, c, line, len, now);
    return send_pending(b, c);
}

/*
 * --rate: issue every request now due, round robin over connections
 * with room.  Returns nanoseconds until the next is due, 0 if all
 * connections are full, -1 if none is left to issue, -2 on error.
 */
static int64_t issue_due(struct bench *b, uint64_t now)
{
    unsigned n = b->cfg->connections;

    while (more_to_issue(b, now)) {
        uint64_t due = b->start_ns + (uint64_t)((double)b->issued * 1e9 / b->cfg->rate);
        unsigned tries = 0;

        if (due > now)
            return (int64_t)(due - now);
        while (tries < n && b->conns[b->next_conn].inflight >= b->cfg->pipeline) {
            b->next_conn = (b->next_conn + 1) % n;
            tries++;
        }
        if (tries == n)
            return 0;                   /* all full: it waits, its lateness counts */
        issue(b, &b->conns[b->next_conn], due);
        if (send_pending(b, &b->conns[b->next_conn]) != 0)
            return -2;
        b->next_conn = (b->next_conn + 1) % n;
    }
    return -1;
}

static int open_conns(struct bench *b)
{
    const struct client_config *cfg = b->cfg;
    size_t per = cfg->request ? b->request_len + 1 : 24;

    b->ep = epoll_create1(EPOLL_CLOEXEC);
    b->conns = calloc(cfg->connections, sizeof(*b->conns));
    if (b->ep < 0 || b->conns == NULL) {
        cli_error(errno, "epoll");
        return -1;
    }
    for (unsigned i = 0; i < cfg->connections; i++) {
        struct bconn *c = &b->conns[i];
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

        c->fd = connect_to_server(cfg);
        if (c->fd < 0)
            return -1;
        c->due_ns = calloc(cfg->pipeline, sizeof(*c->due_ns));
        c->value = calloc(cfg->pipeline, sizeof(*c->value));
        c->out = malloc(per * cfg->pipeline);
        if (c->due_ns == NULL || c->value == NULL || c->out == NULL ||
            linebuf_init(&c->in, PROTO_MAX_LINE, 16384) != 0 ||
            fcntl(c->fd, F_SETFL, O_NONBLOCK) != 0 ||
            epoll_ctl(b->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
            cli_error(errno, "connection %u", i + 1);
            return -1;
        }
    }
    return 0;
}

static void close_conns(struct bench *b)
{
    for (unsigned i = 0; b->conns != NULL && i < b->cfg->connections; i++) {
        struct bconn *c = &b->conns[i];

        if (c->fd > 0)
            close(c->fd);
        linebuf_free(&c->in);
        free(c->due_ns);
        free(c->value);
        free(c->out);
    }
    free(b->conns);
    if (b->ep >= 0)
        close(b->ep);
}

static void progress(const struct bench *b, uint64_t now, uint64_t *last_ns,
                     uint64_t *last_done)
{
    if (now - *last_ns < 1000000000u)
        return;
    fprintf(stderr, "%6.1f s: %llu requests, %.0f/s\n", (double)(now - b->start_ns) / 1e9,
            (unsigned long long)b->done,
            timing_rate(b->done - *last_done, (double)(now - *last_ns) / 1e9));
    *last_ns = now;
    *last_done = b->done;
}

/* The event loop: until every request is issued and answered. */
/*
 * One connection in a closed loop has nothing else to wait for: a
 * blocking read is the wait, one system call fewer per request than
 * epoll_wait and then read.  (SO_RCVTIMEO keeps --timeout working.)
 */
static bool go_single(struct bench *b)
{
    int ms = b->cfg->timeout_ms > 0 ? b->cfg->timeout_ms : 1000;
    struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

    if (b->cfg->connections != 1 || b->cfg->rate != 0)
        return false;
    fcntl(b->conns[0].fd, F_SETFL, 0);
    setsockopt(b->conns[0].fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return true;
}

/* Closed loop: every connection starts with PIPELINE requests in flight. */
static int start_closed_loop(struct bench *b, uint64_t now)
{
    for (unsigned i = 0; b->cfg->rate == 0 && i < b->cfg->connections; i++) {
        for (unsigned k = 0; k < b->cfg->pipeline && more_to_issue(b, now); k++)
            issue(b, &b->conns[i], now);
        if (send_pending(b, &b->conns[i]) != 0)
            return -1;
    }
    return 0;
}

/* How long to wait for events: until the next --rate request is due. */
static int64_t wait_budget(struct bench *b, uint64_t now)
{
    int64_t wait_ns = 1000000000, t;

    if (b->cfg->rate == 0)
        return wait_ns;
    t = issue_due(b, now);
    if (t == -2)
        return -1;
    if (t > 0 && t < wait_ns)
        wait_ns = t;
    if (t == 0)
        wait_ns = 1000000;              /* full: a reply will make room */
    return wait_ns;
}

/* Wait up to 'wait_ns' and serve what is ready.  0, or -1 (said why). */
static int serve_events(struct bench *b, bool single, int64_t wait_ns)
{
    struct epoll_event evs[256];
    /* Nanosecond timeouts: a millisecond tick would make requests late. */
    struct timespec ts = { wait_ns / 1000000000, wait_ns % 1000000000 };
    int n;

    if (single)                         /* the read itself is the wait */
        return on_readable(b, &b->conns[0]);
    n = epoll_pwait2(b->ep, evs, 256, &ts, NULL);
    if (n < 0 && errno != EINTR) {
        cli_error(errno, "epoll_wait");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        struct bconn *c = evs[i].data.ptr;

        if ((evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && on_readable(b, c) != 0)
            return -1;
        if ((evs[i].events & EPOLLOUT) && send_pending(b, c) != 0)
            return -1;
    }
    return 0;
}

/* --timeout: no reply at all for that long, with requests out.  -1 (said) then. */
static int check_stalled(const struct bench *b, uint64_t now, uint64_t *last_reply_ns,
                         uint64_t *last_reply_done)
{
    if (b->done != *last_reply_done) {
        *last_reply_done = b->done;
        *last_reply_ns = now;
        return 0;
    }
    if (b->cfg->timeout_ms < 0 || b->done >= b->issued ||
        now - *last_reply_ns <= (uint64_t)b->cfg->timeout_ms * 1000000u)
        return 0;
    cli_error(0, "no reply within %d s: %llu of %llu requests unanswered "
              "(is the server serving every connection?  --timeout SECONDS "
              "waits longer)", b->cfg->timeout_ms / 1000,
              (unsigned long long)(b->issued - b->done),
              (unsigned long long)b->issued);
    return -1;
}

/* The run: issue, wait, serve, until every request is answered. */
static int drive(struct bench *b)
{
    uint64_t now = timing_now_ns(), last_ns = now, last_done = 0;
    uint64_t last_reply_ns = now, last_reply_done = 0;     /* for --timeout */
    bool single = go_single(b);

    b->start_ns = now;
    if (b->cfg->duration > 0)
        b->end_ns = now + (uint64_t)(b->cfg->duration * 1e9);
    if (start_closed_loop(b, now) != 0)
        return -1;
    while ((b->done < b->issued || more_to_issue(b, now)) && !stop_signal()) {
        int64_t wait_ns = wait_budget(b, now);

        if (wait_ns < 0 || serve_events(b, single, wait_ns) != 0)
            return -1;
        now = timing_now_ns();
        if (check_stalled(b, now, &last_reply_ns, &last_reply_done) != 0)
            return -1;
        progress(b, now, &last_ns, &last_done);
    }
    b->end_ns = now;
    return 0;
}

static void report(const struct bench *b)
{
    const struct client_config *cfg = b->cfg;
    double seconds = (double)(b->end_ns - b->start_ns) / 1e9;
    static const double qs[] = { 0.5, 0.9, 0.99, 0.999, 1.0 };
    static const char *names[] = { "p50", "p90", "p99", "p999", "max" };

    if (cfg->json) {
        struct json j;

        json_init(&j);
        json_event_begin(&j, "summary", "tcp_client");
        json_str(&j, "mode", "bench");
        json_u64(&j, "connections", cfg->connections);
        json_u64(&j, "pipeline", cfg->pipeline);
        json_u64(&j, "requests", b->done);
        json_u64(&j, "wrong_replies", b->errors);
        json_bool(&j, "ok", b->errors == 0);
        json_double(&j, "seconds", seconds, 6);
        json_double(&j, "per_sec", timing_rate(b->done, seconds), 0);
        json_object_begin(&j, "latency_us");
        for (int i = 0; i < 5; i++)
            json_double(&j, names[i], (double)hist_quantile(&b->hist, qs[i]) / 1e3, 1);
        json_object_end(&j);
        cli_print_json(&j);
        return;
    }
    printf("connections  %u x %u in flight\nrequests     %llu\nerrors       %llu\n"
           "seconds      %.3f\nrequests/s   %.0f\nlatency (us)",
           cfg->connections, cfg->pipeline, (unsigned long long)b->done,
           (unsigned long long)b->errors, seconds, timing_rate(b->done, seconds));
    for (int i = 0; i < 5; i++)
        printf(" %s %.1f", names[i], (double)hist_quantile(&b->hist, qs[i]) / 1e3);
    printf("\n");
}

int bench_run(const struct client_config *cfg)
{
    static struct bench b;              /* the histogram is 8 KiB: off the stack */
    int status = 1;

    b = (struct bench){ .cfg = cfg, .ep = -1,
                        .limit = cfg->duration > 0 ? UINT64_MAX : cfg->requests,
                        .request_len = cfg->request ? strlen(cfg->request) : 0 };
    if (open_conns(&b) == 0 && drive(&b) == 0) {
        report(&b);
        status = b.errors > 0;
    }
    close_conns(&b);
    return status;
}
