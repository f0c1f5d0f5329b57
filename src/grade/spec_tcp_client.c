/*
 * spec_tcp_client - grade a TCP square client against a server the
 * grader runs itself, on 127.0.0.1: one that answers, one that is not
 * there, one that accepts and never answers, one that sends garbage.
 *
 * The grader's server is a poll loop in the check's own thread, served
 * between looks at the client: it is as forgiving as the course's own
 * Python server (a request may come without a newline, one per send():
 * a chunk followed by 100 ms of quiet is a request; "N\n" and "N\r\n"
 * too) and answers in the kit's line protocol (proto.h).  It records
 * the numbers it was asked, so that the client's output can be checked
 * against what it actually asked, whatever numbers it chose.
 */
#include "grade.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "net.h"
#include "opt.h"
#include "proto.h"
#include "scan.h"
#include "timing.h"
#include "u128.h"

enum {
    SRV_CONNS = 32,                 /* the client's connections at once */
    SRV_BUF = PROTO_MAX_LINE + 2,   /* a request and its "\r\n" */
    SRV_ASKED = 256,                /* numbers recorded */
    SRV_QUIET_MS = 100,             /* a chunk, then this silence: a request */
    SRV_TICK_MS = 20,
    SRV_SEEN = 512,                 /* bytes of each direction kept, to quote */
    GARBAGE_CLOSE_MS = 2000,        /* garbage, then close, at the latest */
    ANSWER_DEADLINE_MS = 10000,
    ABSENT_DEADLINE_MS = 10000,
    SILENT_DEADLINE_MS = 30000,
    GARBAGE_DEADLINE_MS = 10000,
    OUTPUT_MAX = 1 << 20,           /* bytes of the client's output read */
    QUOTE_MAX = 300,                /* bytes of it quoted in a log */
    SAID_MAX = 100,                 /* bytes of our replies quoted */
    LIST_MAX = 200,                 /* a list of numbers, as text */
};

enum srv_mode {
    SRV_ANSWER,                     /* the square of each request */
    SRV_SILENT,                     /* accept, read, never answer */
    SRV_GARBAGE,                    /* "hello\n", then binary, then close */
};

struct conn {
    int fd;                         /* -1: a free slot */
    char buf[SRV_BUF];              /* the request being read */
    size_t len;
    bool overlong;                  /* dropping a line past SRV_BUF */
    bool draining;                  /* we closed our side: reading to EOF */
    uint64_t last_ns;               /* when its last bytes came */
    uint64_t accepted_ns;
    unsigned replies;
};

struct server {
    enum srv_mode mode;
    int lfd;
    const char *host;               /* where it listens */
    char port[8];
    struct conn conns[SRV_CONNS];
    unsigned accepted;              /* connections, in all */
    unsigned requests;              /* requests of any kind */
    int64_t asked[SRV_ASKED];       /* the numbers, in the order asked */
    size_t nasked;
    char heard[SRV_SEEN];           /* the first bytes the client sent */
    size_t heard_len;
    char said[SRV_SEEN];            /* the first bytes we sent back */
    size_t said_len;
};

/* What the garbage server says: a line of text that is not a number,
 * then a line of binary (a NUL, bytes that are not UTF-8), then a tail
 * of binary with no newline at all, and the end of the stream. */
static const char garbage_text[] = "hello\n";
static const char garbage_bin[] = "\x00\xff\xfe\x80\x01\x02\xc3\x28garbage\x7f\n";

static void keep(char *seen, size_t *seen_len, const char *bytes, size_t len)
{
    size_t room = SRV_SEEN - *seen_len;

    if (len > room)
        len = room;
    memcpy(seen + *seen_len, bytes, len);
    *seen_len += len;
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static void conn_send(struct server *s, struct conn *c, const char *bytes, size_t len)
{
    /* A client that reads nothing may fill its socket: what does not fit
     * now is dropped (a reply or two per request, never much). */
    if (send(c->fd, bytes, len, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
        keep(s->said, &s->said_len, bytes, len);
}

/* Our last words to a garbage client: binary without a newline, then
 * the end of the stream (a shutdown, so that what it still sends does
 * not turn our close into a reset that would lose the garbage). */
static void garbage_end(struct server *s, struct conn *c)
{
    char tail[1500];

    for (size_t i = 0; i < sizeof(tail); i++)
        tail[i] = (char)(0x80 + (i * 37) % 128);
    conn_send(s, c, garbage_bin, sizeof(garbage_bin) - 1);
    conn_send(s, c, tail, sizeof(tail));
    shutdown(c->fd, SHUT_WR);
    c->draining = true;
}

/* One request, its line end removed. */
static void request(struct server *s, struct conn *c, const char *line, size_t len)
{
    int64_t value = 0;
    enum proto_request req = len > SRV_BUF - 2 ? PROTO_ERR_TOO_LONG
                                               : proto_parse(line, len, &value);
    char reply[PROTO_MAX_REPLY];

    s->requests++;
    if (req == PROTO_NUMBER && s->nasked < SRV_ASKED)
        s->asked[s->nasked++] = value;
    switch (s->mode) {
    case SRV_ANSWER:
        conn_send(s, c, reply, proto_format_reply(req, value, reply));
        if (req == PROTO_QUIT) {
            shutdown(c->fd, SHUT_WR);
            c->draining = true;
        }
        break;
    case SRV_SILENT:
        break;
    case SRV_GARBAGE:
        if (c->replies == 0)
            conn_send(s, c, garbage_text, sizeof(garbage_text) - 1);
        else
            garbage_end(s, c);
        break;
    }
    c->replies++;
}

/* The complete lines in c->buf are requests; a line too long for it is
 * answered (ERR line too long) and dropped up to its newline. */
static void take_lines(struct server *s, struct conn *c)
{
    char *nl;

    while (!c->draining && (nl = memchr(c->buf, '\n', c->len)) != NULL) {
        size_t len = (size_t)(nl - c->buf);
        size_t rest = c->len - len - 1;

        if (len > 0 && c->buf[len - 1] == '\r')
            len--;
        if (c->overlong)
            c->overlong = false;
        else
            request(s, c, c->buf, len);
        memmove(c->buf, nl + 1, rest);
        c->len = rest;
    }
    if (!c->draining && c->len == sizeof(c->buf)) {
        if (!c->overlong)
            request(s, c, c->buf, SRV_BUF);
        c->overlong = true;
        c->len = 0;
    }
}

/* A chunk without a newline, then quiet or the end of the stream: a
 * request, as the course's Python sends them (one per send()). */
static void take_chunk(struct server *s, struct conn *c)
{
    size_t len = c->len;

    if (c->len == 0 || c->draining)
        return;
    c->len = 0;
    if (c->overlong) {
        c->overlong = false;
        return;
    }
    if (c->buf[len - 1] == '\r')
        len--;
    request(s, c, c->buf, len);
}

static void conn_read(struct server *s, struct conn *c)
{
    char tmp[4096];
    ssize_t n = recv(c->fd, tmp, sizeof(tmp), MSG_DONTWAIT);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        take_chunk(s, c);
        conn_close(c);
        return;
    }
    keep(s->heard, &s->heard_len, tmp, (size_t)n);
    c->last_ns = timing_now_ns();
    for (size_t off = 0; off < (size_t)n && !c->draining;) {
        size_t room = sizeof(c->buf) - c->len;
        size_t take = (size_t)n - off < room ? (size_t)n - off : room;

        memcpy(c->buf + c->len, tmp + off, take);
        c->len += take;
        off += take;
        take_lines(s, c);
    }
}

static void srv_accept(struct server *s)
{
    for (int i = 0; i < SRV_CONNS; i++) {   /* a few per wake-up */
        int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct conn *c = NULL;

        if (fd < 0)
            return;
        for (int k = 0; k < SRV_CONNS && c == NULL; k++)
            if (s->conns[k].fd < 0)
                c = &s->conns[k];
        if (c == NULL) {
            close(fd);
            continue;
        }
        *c = (struct conn){ .fd = fd, .accepted_ns = timing_now_ns() };
        c->last_ns = c->accepted_ns;
        s->accepted++;
    }
}

/* Timers: a quiet chunk is a request; a garbage client gets its end. */
static void srv_timers(struct server *s)
{
    uint64_t now = timing_now_ns();

    for (int i = 0; i < SRV_CONNS; i++) {
        struct conn *c = &s->conns[i];

        if (c->fd < 0)
            continue;
        if (now - c->last_ns >= (uint64_t)SRV_QUIET_MS * 1000000u)
            take_chunk(s, c);
        if (s->mode == SRV_GARBAGE && !c->draining &&
            now - c->accepted_ns >= (uint64_t)GARBAGE_CLOSE_MS * 1000000u)
            garbage_end(s, c);
    }
}

/* One round: wait at most 'ms' for something to do, and do it. */
static void srv_round(struct server *s, int ms)
{
    struct pollfd p[SRV_CONNS + 1];
    int map[SRV_CONNS + 1];
    nfds_t n = 0;

    p[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
    for (int i = 0; i < SRV_CONNS; i++)
        if (s->conns[i].fd >= 0) {
            map[n] = i;
            p[n++] = (struct pollfd){ .fd = s->conns[i].fd, .events = POLLIN };
        }
    if (poll(p, n, ms) > 0) {
        if (p[0].revents)
            srv_accept(s);
        for (nfds_t k = 1; k < n; k++)
            if (p[k].revents)
                conn_read(s, &s->conns[map[k]]);
    }
    srv_timers(s);
}

/* A listening socket on node 'node' of the lab, on its address, port
 * chosen by the kernel: the fd, or -1. */
static int listen_on_node(const struct lab *lab, int node)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    int fd = lab_socket(lab, node, SOCK_STREAM);

    if (fd < 0)
        return -1;
    if (inet_pton(AF_INET, lab->addr[node], &a.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, SRV_CONNS) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* The grader's server: here, on 127.0.0.1 (node 0), or on the lab's
 * node 'node'.  Its address is s->host, s->port. */
static int srv_open(struct server *s, enum srv_mode mode, const struct grade_opts *o,
                    int node, struct verdict *v)
{
    int gai = 0;

    *s = (struct server){ .mode = mode, .host = "127.0.0.1" };
    for (int i = 0; i < SRV_CONNS; i++)
        s->conns[i].fd = -1;
    if (node > 0)
        s->host = o->lab->addr[node];
    s->lfd = node > 0 ? listen_on_node(o->lab, node)
                      : net_listen_tcp(s->host, "0", SRV_CONNS, &gai);
    if (s->lfd < 0 || fcntl(s->lfd, F_SETFL, O_NONBLOCK) != 0) {
        verdict_fail(v, "grade: cannot listen on %s: %s", s->host, strerror(errno));
        if (s->lfd >= 0)
            close(s->lfd);
        return -1;
    }
    snprintf(s->port, sizeof(s->port), "%d", net_local_port(s->lfd));
    return 0;
}

static void srv_close(struct server *s)
{
    for (int i = 0; i < SRV_CONNS; i++)
        conn_close(&s->conns[i]);
    close(s->lfd);
}

/*
 * Serve the client 'im' until it ends (true) or 'deadline_ms' after its
 * start has passed (false).  What it sent after its last look is read
 * too: the record is whole.
 */
static bool serve(struct server *s, struct impl *im, int deadline_ms)
{
    for (;;) {
        srv_round(s, SRV_TICK_MS);
        if (impl_wait(im, 0)) {
            srv_round(s, 0);
            return true;
        }
        if (ms_since(im->start_ns) >= (uint64_t)deadline_ms)
            return false;
    }
}

/* ---- what the checks say ---- */

/* "1 2 3 ... 10 (10 in all)" */
static const char *list_numbers(const int64_t *a, size_t n, char *buf)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && len < LIST_MAX - 40; i++)
        len += (size_t)snprintf(buf + len, LIST_MAX - len, "%s%" PRId64,
                                i ? " " : "", a[i]);
    if (len >= LIST_MAX - 40 && n > 1)
        snprintf(buf + len, LIST_MAX - len, " ... (%zu in all)", n);
    return buf;
}

static void say_exchange(const struct server *s, struct verdict *v)
{
    verdict_quote(v, "it sent", s->heard, s->heard_len, QUOTE_MAX);
    verdict_quote(v, "the server answered", s->said, s->said_len, SAID_MAX);
}

static bool exited(const struct impl *im, int *code)
{
    if (!im->ended || !WIFEXITED(im->status))
        return false;
    *code = WEXITSTATUS(im->status);
    return true;
}

/* Did it end by itself, not by a signal?  If not, the check fails. */
static bool ended_cleanly(const struct impl *im, struct verdict *v, int *code)
{
    char how[64];

    if (exited(im, code))
        return true;
    if (im->ended)
        return verdict_fail(v, "the client %s: a crash (a correct client ends "
                            "with an exit status, whatever it was sent)",
                            impl_how(im, how, sizeof(how)));
    return false;
}

/* An uncaught exception is not a message for a user. */
static bool uncaught(const char *err, size_t len)
{
    static const char *const marks[] = {
        "Traceback (most recent call last)",    /* Python */
        "Exception in thread \"main\"",         /* Java */
        "panicked at",                          /* Rust */
        "goroutine 1 [",                        /* Go */
    };

    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (memmem(err, len, marks[i], strlen(marks[i])) != NULL)
            return true;
    return false;
}

/* ---- the right answers ---- */

/* The squares of what it asked, and of 'want' (asked too), printed? */
static void judge_answers(const struct server *s, const struct impl *im,
                          const int64_t *want, size_t nwant, struct verdict *v)
{
    char *out = NULL;
    size_t out_len = impl_stdout(im, &out, OUTPUT_MAX);
    char list[LIST_MAX];
    int code = 0;
    size_t missing = 0;

    for (size_t i = 0; i < nwant; i++) {
        bool asked = false;

        for (size_t k = 0; k < s->nasked && !asked; k++)
            asked = s->asked[k] == want[i];
        if (!asked && missing++ < 5)
            verdict_fail(v, "its command line gives it %" PRId64 ", but it "
                         "never asked the server for it", want[i]);
    }
    for (size_t i = 0; i < s->nasked; i++) {
        char sq[U128_DEC_SIZE];

        u128_format(proto_square(s->asked[i]), sq);
        if (!scan_has_word(out, out_len, sq) && missing++ < 5)
            verdict_fail(v, "it asked for %" PRId64 " and was answered %s, "
                         "but %s is not in its output", s->asked[i], sq, sq);
    }
    if (missing > 5)
        verdict_say(v, "(and %zu more like these)", missing - 5);
    if (missing > 0) {
        say_exchange(s, v);
        verdict_quote(v, "it printed", out, out_len, QUOTE_MAX);
        verdict_say(v, "a correct client prints each reply it gets (any text "
                    "around it), e.g. \"square(7) = 49\"");
    } else if (exited(im, &code) && code != 0) {
        verdict_fail(v, "every reply was right, yet it exited with %d: a "
                     "client that got every answer exits 0", code);
        impl_log_output(im, v);
    } else {
        verdict_say(v, "asked %s; every square printed, exit 0",
                    list_numbers(s->asked, s->nasked, list));
    }
    free(out);
}

/* The client on the lab's node 'node' (0: here), the grader's
 * answering server on node1 (here: 127.0.0.1). */
static void run_answered(const struct grade_opts *o, struct verdict *v,
                         const int64_t *want, size_t nwant, int node)
{
    struct server s;
    struct impl im;
    int code;
    struct grade_opts on = *o;

    on.node = node;
    if (srv_open(&s, SRV_ANSWER, o, node > 0 ? 1 : 0, v) != 0)
        return;
    struct fill f = { .host = s.host, .port = s.port };
    if (impl_start(&im, &on, &f, "the client", v) != 0)
        goto out_close;
    if (node > 0)
        verdict_say(v, "the client on node%d, the server on node1 (%s:%s)", node,
                    s.host, s.port);
    if (!serve(&s, &im, ANSWER_DEADLINE_MS)) {
        verdict_fail(v, "the client still runs %d s after it started: asking "
                     "a few squares takes a correct client well under a "
                     "second, and then it exits", ANSWER_DEADLINE_MS / 1000);
        say_exchange(&s, v);
        impl_log_output(&im, v);
    } else if (!ended_cleanly(&im, v, &code)) {
        impl_log_output(&im, v);
    } else if (s.accepted == 0) {
        verdict_fail(v, "it never connected to %s:%s ({host} {port}): "
                     "a correct client connects there and asks its numbers",
                     s.host, s.port);
        impl_log_output(&im, v);
    } else if (s.nasked == 0) {
        verdict_fail(v, "it connected but asked for no number (a request is "
                     "a number, as text, e.g. \"7\\n\")");
        say_exchange(&s, v);
        impl_log_output(&im, v);
    } else {
        judge_answers(&s, &im, want, nwant, v);
    }
    impl_stop(&im);
out_close:
    srv_close(&s);
}

static void check_answers(const struct grade_opts *o, struct verdict *v)
{
    run_answered(o, v, NULL, 0, 0);
}

/*
 * The numbers COMMAND gives the client: after its first placeholder,
 * each argument that is a whole 64-bit integer and is not the value of
 * an option ("--timeout 5": the argument before it starts with '-' and
 * is neither "--" nor a number itself).
 */
static size_t command_numbers(const struct grade_opts *o, int64_t *out, size_t max)
{
    size_t n = 0;
    bool after = false;

    for (int i = 1; i < o->command_len && n < max; i++) {
        const char *arg = o->command[i];
        const char *prev = o->command[i - 1];
        int64_t value, dummy;

        if (strchr(arg, '{') != NULL) {
            after = true;
            continue;
        }
        if (!after || opt_parse_i64(arg, INT64_MIN, INT64_MAX, &value) != OPT_OK)
            continue;
        if (prev[0] == '-' && strcmp(prev, "--") != 0 && prev[1] != '\0' &&
            strchr(prev, '=') == NULL &&
            opt_parse_i64(prev, INT64_MIN, INT64_MAX, &dummy) != OPT_OK)
            continue;
        out[n++] = value;
    }
    return n;
}

static void check_args(const struct grade_opts *o, struct verdict *v)
{
    int64_t want[SRV_ASKED];
    size_t n = command_numbers(o, want, SRV_ASKED);
    char list[LIST_MAX];

    if (n == 0) {
        verdict_skip(v, "COMMAND gives the client no numbers (add some after "
                     "{port}, e.g. 7 -- -3, to check them)");
        return;
    }
    verdict_say(v, "COMMAND gives it %s", list_numbers(want, n, list));
    run_answered(o, v, want, n, 0);
}

/* ---- a server that is not there ---- */

/* A port on 127.0.0.1 that is ours and refuses: bound, never listening
 * (the kernel answers a SYN to it with a reset). */
static int refusing_port(char *port, struct verdict *v)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        verdict_fail(v, "grade: cannot bind a port on 127.0.0.1: %s",
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(port, 8, "%d", net_local_port(fd));
    return fd;
}

static void judge_absent(const struct impl *im, struct verdict *v)
{
    char *err = NULL;
    size_t err_len = impl_stderr(im, &err, OUTPUT_MAX);
    int code;

    if (!ended_cleanly(im, v, &code))
        ;
    else if (code == 0)
        verdict_fail(v, "it exited with 0, as if it had succeeded: a client "
                     "that cannot connect exits non-zero");
    else if (err_len == 0)
        verdict_fail(v, "it exited with %d but said nothing on stderr: a "
                     "correct client says it cannot connect, and where", code);
    else if (uncaught(err, err_len))
        verdict_fail(v, "it exited with %d on an uncaught exception, not with "
                     "a message: catch the error of connect and say what "
                     "failed, e.g. \"cannot connect to 127.0.0.1:PORT: "
                     "Connection refused\"", code);
    else
        verdict_say(v, "exit %d, %.1f s", code, ms_since(im->start_ns) / 1000.0);
    if (v->failed)
        impl_log_output(im, v);
    else
        verdict_quote(v, "it said", err, err_len, 200);
    free(err);
}

static void check_absent(const struct grade_opts *o, struct verdict *v)
{
    char port[8];
    struct impl im;
    int hold = refusing_port(port, v);

    if (hold < 0)
        return;
    struct fill f = { .host = "127.0.0.1", .port = port };
    if (impl_start(&im, o, &f, "the client", v) != 0)
        goto out_close;
    verdict_say(v, "nothing listens on 127.0.0.1:%s (a connection there is "
                "refused)", port);
    if (!impl_wait(&im, ABSENT_DEADLINE_MS)) {
        verdict_fail(v, "the client still runs %d s later: a correct client "
                     "says it cannot connect and exits non-zero at once (does "
                     "it retry forever, or wait without a timeout?)",
                     ABSENT_DEADLINE_MS / 1000);
        impl_log_output(&im, v);
    } else {
        judge_absent(&im, v);
    }
    impl_stop(&im);
out_close:
    close(hold);
}

/* ---- a server that never answers ---- */

static void check_silent(const struct grade_opts *o, struct verdict *v)
{
    struct server s;
    struct impl im;
    int code;

    if (srv_open(&s, SRV_SILENT, o, 0, v) != 0)
        return;
    struct fill f = { .host = "127.0.0.1", .port = s.port };
    if (impl_start(&im, o, &f, "the client", v) != 0)
        goto out_close;
    verdict_say(v, "the server accepts, reads, and never answers");
    if (!serve(&s, &im, SILENT_DEADLINE_MS)) {
        verdict_fail(v, "the client still waits %d s later: a correct client "
                     "gives up on a reply after a timeout (Python: "
                     "sock.settimeout(5); C: poll() or SO_RCVTIMEO; the kit's "
                     "tcp_client: --timeout SECONDS) and exits non-zero",
                     SILENT_DEADLINE_MS / 1000);
        verdict_quote(v, "it sent", s.heard, s.heard_len, QUOTE_MAX);
        impl_log_output(&im, v);
    } else if (!ended_cleanly(&im, v, &code)) {
        impl_log_output(&im, v);
    } else if (s.accepted == 0) {
        verdict_fail(v, "it never connected to 127.0.0.1:%s ({host} {port}), "
                     "so a silent server was not tried", s.port);
        impl_log_output(&im, v);
    } else if (code == 0) {
        verdict_fail(v, "it exited with 0, though no reply ever came: a "
                     "client that got no answer exits non-zero");
        verdict_quote(v, "it sent", s.heard, s.heard_len, QUOTE_MAX);
        impl_log_output(&im, v);
    } else {
        verdict_say(v, "it gave up after %.1f s, exit %d",
                    ms_since(im.start_ns) / 1000.0, code);
    }
    impl_stop(&im);
out_close:
    srv_close(&s);
}

/* ---- a server that sends garbage ---- */

static void check_garbage(const struct grade_opts *o, struct verdict *v)
{
    struct server s;
    struct impl im;
    int code;

    if (srv_open(&s, SRV_GARBAGE, o, 0, v) != 0)
        return;
    struct fill f = { .host = "127.0.0.1", .port = s.port };
    if (impl_start(&im, o, &f, "the client", v) != 0)
        goto out_close;
    verdict_say(v, "the server answers \"hello\", then binary bytes, then "
                "closes the connection");
    if (!serve(&s, &im, GARBAGE_DEADLINE_MS)) {
        verdict_fail(v, "the client still runs %d s after it started, though "
                     "the server closed the connection: a correct client "
                     "notices the end of the stream (recv() returns 0) and "
                     "exits", GARBAGE_DEADLINE_MS / 1000);
        say_exchange(&s, v);
        impl_log_output(&im, v);
    } else if (!ended_cleanly(&im, v, &code)) {
        say_exchange(&s, v);
        impl_log_output(&im, v);
    } else if (s.accepted == 0) {
        verdict_fail(v, "it never connected to 127.0.0.1:%s ({host} {port}), "
                     "so garbage was not tried", s.port);
        impl_log_output(&im, v);
    } else {
        char *err;
        size_t elen = impl_stderr(&im, &err, 1 << 16);
        if (uncaught(err, elen)) {
            verdict_fail(v, "it exited with %d, by an uncaught exception: a crash "
                         "all the same (a correct client catches what it cannot "
                         "parse and says so in a line)", code);
            say_exchange(&s, v);
            impl_log_output(&im, v);
        } else {
            verdict_say(v, "no crash: it exited with %d", code);
        }
        free(err);
    }
    impl_stop(&im);
out_close:
    srv_close(&s);
}

/* ---- across the lab's machines (--lab) ---- */

static void check_lab_answers(const struct grade_opts *o, struct verdict *v)
{
    if (lab_ready(o, v))
        run_answered(o, v, NULL, 0, 2);
}

static void check_lab_cut(const struct grade_opts *o, struct verdict *v)
{
    struct server s;
    struct impl im;
    struct grade_opts on = *o;

    if (!lab_ready(o, v))
        return;
    /* first with the cable in: a client that fails anyway proves nothing */
    run_answered(o, v, NULL, 0, 2);
    if (v->failed) {
        verdict_say(v, "(that was with node2's cable in, before any cut)");
        return;
    }
    on.node = 2;
    if (srv_open(&s, SRV_ANSWER, o, 1, v) != 0)
        return;
    if (lab_link(o->lab, 2, true) != 0) {
        verdict_fail(v, "grade: netlab cut 2 failed");
        goto out_close;
    }
    struct fill f = { .host = s.host, .port = s.port };
    if (impl_start(&im, &on, &f, "the client", v) != 0)
        goto out_heal;
    verdict_say(v, "the server listens on node1 (%s:%s); the client runs on node2, whose "
                "cable is cut: nothing it sends arrives, and no answer comes", s.host, s.port);
    if (!serve(&s, &im, ABSENT_DEADLINE_MS)) {
        verdict_fail(v, "the client still runs %d s later: a correct client gives up "
                     "(\"No route to host\", or its own timeout), says so and exits "
                     "non-zero (does it retry forever, or wait without a timeout?)",
                     ABSENT_DEADLINE_MS / 1000);
        impl_log_output(&im, v);
    } else {
        judge_absent(&im, v);
    }
    impl_stop(&im);
out_heal:
    lab_link(o->lab, 2, false);
out_close:
    srv_close(&s);
}

static const struct check checks[] = {
    { "tcp-client.answers", "basic", PROFILE_BOTH, 4,
      "prints the square of each number it asks, exit 0", check_answers },
    { "tcp-client.args", "basic", PROFILE_FULL, 1,
      "asks the numbers its command line gives it", check_args },
    { "tcp-client.not-there", "faults", PROFILE_BOTH, 2,
      "no server: a message on stderr, exit non-zero, within 10 s",
      check_absent },
    { "tcp-client.never-answers", "faults", PROFILE_FULL, 2,
      "a server that never answers: gives up within 30 s, exit non-zero",
      check_silent },
    { "tcp-client.garbage", "robustness", PROFILE_BOTH, 2,
      "a server that sends garbage and closes: no crash", check_garbage },
    { "tcp-client.lab-answers", "basic", PROFILE_BOTH | LAB, 2,
      "on node2 of a lab, asks the server on node1 and prints the squares",
      check_lab_answers },
    { "tcp-client.lab-cut", "faults", PROFILE_BOTH | LAB, 2,
      "answers on node2; then its cable cut: a message, exit non-zero, within 10 s",
      check_lab_cut },
};

const struct spec spec_tcp_client = {
    .name = "tcp-client",
    .about = "a client that asks a square server, run against the grader's "
             "own servers (answering, absent, silent, sending garbage)",
    .needs = "{port}",              /* {host} too, where it has one */
    .checks = checks,
    .count = sizeof(checks) / sizeof(checks[0]),
};
