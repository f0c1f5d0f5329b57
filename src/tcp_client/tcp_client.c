/*
 * tcp_client - asks tcp_server for squares, and checks every answer.
 *
 * Lesson: the other side of request/response.  The client resolves the
 * server's name (IPv4 or IPv6), connects, sends request lines and reads
 * the replies in the same order.  It does not wait for each reply
 * before sending the next (pipelining), but it never has more than a
 * window of requests in flight, so neither side's buffers can fill up
 * and block both.  --bench turns it into a load generator.
 *
 * Usage: tcp_client [HOST] [-p PORT] [NUMBER ...] [-] [--retry S] [--timeout S]
 *        tcp_client [HOST] --bench [-c CONNECTIONS] [-n REQUESTS | --duration S] ...
 * See also: tcp_server.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tcp_client.h"
#include "io.h"
#include "linebuf.h"
#include "opt.h"
#include "proto.h"
#include "json.h"
#include "timing.h"

enum { WINDOW = 1024, SHOWN = 40 };

static const char usage_text[] =
"Usage: tcp_client [HOST] [-p PORT] [NUMBER ...] [-] [--retry SECONDS]\n"
"                  [--timeout SECONDS]\n"
"       tcp_client [HOST] --bench [-c CONNECTIONS] [-n REQUESTS | --duration S]\n"
"                  [-P PIPELINE] [--rate REQ_PER_S] [--request TEXT] [--json]\n"
"\n"
"Asks tcp_server on HOST (a name, an IPv4 or an IPv6 address; default\n"
"localhost) for the squares of the NUMBERs, of the numbers on stdin ('-',\n"
"one per line), or of 1..10, and checks every reply.  Negative NUMBERs go\n"
"after '--'.\n"
"\n"
"  -p, --port PORT           server port (default 65432)\n"
"      --retry SECONDS       keep trying to connect this long (default 0)\n"
"      --timeout SECONDS     bound on connecting and on each reply\n"
"                            (default: none; with --bench, 10)\n"
"  -q, --quiet               print only failures and the summary\n"
"      --bench               measure the server instead (see below)\n"
"  -c, --connections N       --bench: connections, 1..10000 (default 50)\n"
"  -n, --requests N          --bench: requests in all (default 100000)\n"
"      --duration SECONDS    --bench: run this long instead\n"
"  -P, --pipeline N          --bench: requests in flight per connection (1)\n"
"      --rate REQ_PER_S      --bench: send at this fixed rate (open loop)\n"
"      --request TEXT        --bench: send TEXT each time, replies unchecked\n"
"      --json                each reply and the summary as JSON objects\n"
"                            (with --bench: the report)\n"
"  -h, --help                show this help\n"
"  -V, --version             show the version\n"
"\n"
"Examples:\n"
"  tcp_client 192.168.1.5 7 8 9\n"
"  seq 1 100000 | tcp_client -q -\n"
"  tcp_client --bench -c 50 -P 16 -n 1000000\n";

/* HOST comes first, unless the first argument is a number or '-'. */
static void take_positionals(int argc, char **argv, struct client_config *cfg)
{
    int64_t v;

    if (optind < argc && strcmp(argv[optind], "-") != 0 &&
        opt_parse_i64(argv[optind], INT64_MIN, INT64_MAX, &v) != OPT_OK)
        cfg->host = argv[optind++];
    for (int i = optind; i < argc; i++)
        if (strcmp(argv[i], "-") == 0)
            cfg->from_stdin = true;
        else if (cfg->from_stdin)
            cli_usage_error("'-' reads numbers from stdin: no NUMBERs after it");
    cfg->numbers = argv + optind;
    cfg->nnumbers = cfg->from_stdin ? 0 : argc - optind;
    for (int i = 0; i < cfg->nnumbers; i++)
        if (strpbrk(cfg->numbers[i], "\r\n") != NULL)
            cli_usage_error("a NUMBER is one line: no line breaks in '%s'", cfg->numbers[i]);
    if (cfg->bench && (cfg->nnumbers > 0 || cfg->from_stdin))
        cli_usage_error("--bench makes its own requests: no NUMBERs or '-'");
}

static int seconds_ms(const char *name, const char *text)
{
    return (int)cli_parse_u64(name, text, 0, 86400) * 1000;
}

static void parse_options(int argc, char **argv, struct client_config *cfg)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, 'p' },
        { "retry", required_argument, NULL, 'R' },
        { "timeout", required_argument, NULL, 'T' },
        { "quiet", no_argument, NULL, 'q' },
        { "bench", no_argument, NULL, 'B' },
        { "connections", required_argument, NULL, 'c' },
        { "requests", required_argument, NULL, 'n' },
        { "duration", required_argument, NULL, 'D' },
        { "pipeline", required_argument, NULL, 'P' },
        { "rate", required_argument, NULL, 'r' },
        { "request", required_argument, NULL, 'Q' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    static char port[8];
    const char *name;
    int c;

    *cfg = (struct client_config){ .host = "localhost", .timeout_ms = -1,
                                   .connections = 50, .pipeline = 1,
                                   .requests = 100000 };
    snprintf(port, sizeof(port), "%d", PROTO_PORT);
    while ((c = cli_next_option(argc, argv, ":p:qc:n:P:hV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'p':
            cli_parse_port(name, optarg, 1, port);
            break;
        case 'R': cfg->retry_ms = seconds_ms(name, optarg); break;
        case 'T': cfg->timeout_ms = seconds_ms(name, optarg); break;
        case 'q': cfg->quiet = true; break;
        case 'B': cfg->bench = true; break;
        case 'c': cfg->connections = (unsigned)cli_parse_u64(name, optarg, 1, 10000); break;
        case 'n': cfg->requests = cli_parse_u64(name, optarg, 1, UINT64_MAX / 2); break;
        case 'D': cfg->duration = (double)cli_parse_u64(name, optarg, 1, 86400); break;
        case 'P': cfg->pipeline = (unsigned)cli_parse_u64(name, optarg, 1, 1024); break;
        case 'r': cfg->rate = (double)cli_parse_u64(name, optarg, 1, 100000000); break;
        case 'Q': cfg->request = optarg; break;
        case 'j': cfg->json = true; break;
        }
    }
    cfg->port = port;
    take_positionals(argc, argv, cfg);
    if (cfg->bench && cfg->timeout_ms < 0)
        cfg->timeout_ms = CLIENT_BENCH_TIMEOUT_S * 1000;
}

/* A request sent and not yet answered. */
struct pending {
    char shown[SHOWN + 4];      /* the request, as printed in "square(...)" */
    char expect[PROTO_MAX_REPLY];   /* the reply it must get */
    size_t expect_len;
};

struct session {
    const struct client_config *cfg;
    int fd;
    struct linebuf replies;     /* from the server */
    struct linebuf input;       /* from stdin, with '-' */
    bool input_done;
    int next_arg;               /* the next NUMBER, or the next of 1..10 */
    struct pending ring[WINDOW];    /* in flight, oldest at head */
    unsigned head, count;
    char out[WINDOW * 24];      /* requests gathered for one write */
    size_t out_len;
    uint64_t received, failures;
    uint64_t err_replies, wrong_replies;    /* the failures, by kind */
};

/*
 * Queue one request line: remember what its reply must be.  A line too
 * long for the protocol (line is NULL when stdin's reader has dropped
 * it) is sent as a stand-in of the same kind, one byte over the limit,
 * which the server refuses as too long: replies stay in step.
 */
static void enqueue(struct session *s, const char *line, size_t len)
{
    struct pending *p = &s->ring[(s->head + s->count++) % WINDOW];
    int64_t value = 0;
    bool too_long = line == NULL || len > PROTO_MAX_LINE;
    enum proto_request req = too_long ? PROTO_ERR_TOO_LONG
                                      : proto_parse(line, len, &value);

    p->expect_len = proto_format_reply(req, value, p->expect);
    if (line == NULL)
        snprintf(p->shown, sizeof(p->shown), "<over %d bytes>", PROTO_MAX_LINE);
    else
        snprintf(p->shown, sizeof(p->shown), "%.*s%s", (int)(len < SHOWN ? len : SHOWN),
                 line, len > SHOWN ? "..." : "");
    if (too_long)
        len = PROTO_MAX_LINE + 1;
    if (s->out_len + len + 1 > sizeof(s->out)) {
        io_write_all(s->fd, s->out, s->out_len);
        s->out_len = 0;
    }
    if (too_long)
        memset(s->out + s->out_len, 'x', len);
    else
        memcpy(s->out + s->out_len, line, len);
    s->out_len += len;
    s->out[s->out_len++] = '\n';
}

/* Take the next requests from the NUMBERs, 1..10 or stdin, up to the window. */
static void fill(struct session *s)
{
    const struct client_config *cfg = s->cfg;
    const char *line;
    size_t len;
    char num[24];

    while (s->count < WINDOW) {
        if (cfg->from_stdin) {
            enum linebuf_event ev = linebuf_next(&s->input, &line, &len);

            if (ev == LINEBUF_MORE)
                return;
            enqueue(s, ev == LINEBUF_TOO_LONG ? NULL : line, len);
        } else if (cfg->nnumbers > 0 && s->next_arg < cfg->nnumbers) {
            line = cfg->numbers[s->next_arg++];
            enqueue(s, line, strlen(line));
        } else if (cfg->nnumbers == 0 && s->next_arg < 10) {
            len = (size_t)snprintf(num, sizeof(num), "%d", ++s->next_arg);
            enqueue(s, num, len);
        } else {
            return;
        }
    }
}

static bool source_done(const struct session *s)
{
    if (s->cfg->from_stdin)
        return s->input_done;
    return s->next_arg >= (s->cfg->nnumbers > 0 ? s->cfg->nnumbers : 10);
}

/* --json: one reply as an event: the request, the reply, and whether it was right. */
static void print_reply_json(const struct pending *p, const char *line, size_t len,
                             bool right, bool good)
{
    struct json j;
    char reply[PROTO_MAX_REPLY + 1];

    snprintf(reply, sizeof(reply), "%.*s", (int)(len < PROTO_MAX_REPLY ? len : PROTO_MAX_REPLY),
             line);
    json_init(&j);
    json_event_begin(&j, "reply", "tcp_client");
    json_str(&j, "request", p->shown);
    json_str(&j, "reply", reply);
    if (!right) {
        snprintf(reply, sizeof(reply), "%.*s", (int)p->expect_len - 1, p->expect);
        json_str(&j, "expected", reply);
    }
    json_bool(&j, "ok", good);
    cli_print_json(&j);
}

/* Match one reply to the oldest request in flight, and say how it went. */
static void check_reply(struct session *s, const char *line, size_t len)
{
    struct pending *p = &s->ring[s->head];
    bool right = len + 1 == p->expect_len && memcmp(line, p->expect, len) == 0;
    bool good = right && strncmp(line, "ERR", 3) != 0;

    s->head = (s->head + 1) % WINDOW;
    s->count--;
    s->received++;
    if (!good) {
        s->failures++;
        *(right ? &s->err_replies : &s->wrong_replies) += 1;
    }
    if (good && s->cfg->quiet)
        return;
    if (s->cfg->json)
        print_reply_json(p, line, len, right, good);
    else if (good)
        printf("square(%s) = %.*s\n", p->shown, (int)len, line);
    else if (right)                     /* the ERR reply we expected */
        printf("square(%s): %.*s\n", p->shown, (int)len, line);
    else
        printf("square(%s) = %.*s: WRONG, expected %.*s\n", p->shown, (int)len,
               line, (int)p->expect_len - 1, p->expect);
}

/* Read from 'fd' into 'lb'.  Returns what read(2) returned. */
static ssize_t read_into(int fd, struct linebuf *lb)
{
    size_t room;
    char *space = linebuf_space(lb, &room);
    ssize_t n = io_read_some(fd, space, room);

    if (n > 0)
        linebuf_commit(lb, (size_t)n);
    return n;
}

/* Read stdin; at its end, a last line without "\n" still counts. */
static void read_input(struct session *s)
{
    if (read_into(STDIN_FILENO, &s->input) > 0)
        return;
    linebuf_finish(&s->input);
    s->input_done = true;
}

/* The server went away (err: why, or 0 for an orderly close). */
static void server_gone(const struct session *s, int err)
{
    cli_error(err, "the server closed the connection after %llu repl%s, %u unanswered",
              (unsigned long long)s->received, s->received == 1 ? "y" : "ies", s->count);
}

/* One turn of waiting: for replies, and for stdin when there is room. */
static int wait_and_read(struct session *s)
{
    struct pollfd p[2] = {
        { .fd = s->fd, .events = POLLIN },
        { .fd = STDIN_FILENO, .events = POLLIN },
    };
    bool want_input = s->cfg->from_stdin && !s->input_done && s->count < WINDOW;
    int n = poll(p, want_input ? 2 : 1, s->count > 0 ? s->cfg->timeout_ms : -1);
    const char *line;
    size_t len;

    if (n < 0)
        return errno == EINTR ? 0 : -1;
    if (n == 0) {
        cli_error(0, "no reply within %d s (after %llu replies, %u unanswered)",
                  s->cfg->timeout_ms / 1000, (unsigned long long)s->received, s->count);
        return -1;
    }
    if (want_input && p[1].revents != 0)
        read_input(s);
    if (p[0].revents != 0) {
        ssize_t r = read_into(s->fd, &s->replies);

        if (r <= 0) {
            server_gone(s, r < 0 ? errno : 0);
            return -1;
        }
        while (linebuf_next(&s->replies, &line, &len) == LINEBUF_LINE && s->count > 0)
            check_reply(s, line, len);
    }
    return 0;
}

/* The summary: text, or --json's summary event. */
static void print_summary(const struct session *s, bool interrupted, double seconds)
{
    if (s->cfg->json) {
        struct json j;

        json_init(&j);
        json_event_begin(&j, "summary", "tcp_client");
        json_str(&j, "mode", "ask");
        json_u64(&j, "requests", s->received);
        json_u64(&j, "err_replies", s->err_replies);
        json_u64(&j, "wrong_replies", s->wrong_replies);
        json_u64(&j, "unanswered", s->count);
        json_bool(&j, "interrupted", interrupted);
        json_bool(&j, "ok", s->failures == 0 && (s->count == 0 || interrupted));
        json_double(&j, "seconds", seconds, 6);
        json_double(&j, "per_sec", timing_rate(s->received, seconds), 0);
        cli_print_json(&j);
        return;
    }
    printf("%llu repl%s, %llu failed\n", (unsigned long long)s->received,
           s->received == 1 ? "y" : "ies", (unsigned long long)s->failures);
    if (interrupted)
        printf("interrupted: %u request%s unanswered%s\n", s->count,
               s->count == 1 ? "" : "s", source_done(s) ? "" : ", more not sent");
}

/* Ask, read, check, until every request is answered. */
static int run_session(struct session *s)
{
    uint64_t start = timing_now_ns();
    bool interrupted;

    while (!cli_stop_requested()) {
        fill(s);
        if (s->out_len > 0 && io_write_all(s->fd, s->out, s->out_len) != 0) {
            if (errno == EPIPE || errno == ECONNRESET)
                server_gone(s, errno);  /* found out while sending, that is all */
            else
                cli_error(errno, "sending to the server after %llu replies",
                          (unsigned long long)s->received);
            return 1;
        }
        s->out_len = 0;
        if (s->count == 0 && source_done(s))
            break;
        if (wait_and_read(s) != 0)
            return 1;
    }
    /* Stopped by Ctrl-C: a clean stop, and what it left undone is said. */
    interrupted = cli_stop_requested() && (s->count > 0 || !source_done(s));
    print_summary(s, interrupted, timing_seconds_since(start));
    return s->failures > 0 || (s->count > 0 && !interrupted);
}

int main(int argc, char **argv)
{
    struct client_config cfg;
    static struct session s;            /* big: keep it off the stack */
    int status;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);    /* exits 0 on --help, 2 on misuse */

    /* 1. A server that vanishes must cost us an EPIPE, not our life. */
    signal(SIGPIPE, SIG_IGN);
    cli_catch_stop_signals();
    if (cfg.bench)
        return bench_run(&cfg);

    /* 2. Reach the server: every address of its name, --retry, --timeout. */
    s.cfg = &cfg;
    s.fd = connect_to_server(&cfg);
    if (s.fd < 0)
        return 1;
    if (linebuf_init(&s.replies, PROTO_MAX_REPLY, 16384) != 0 ||
        linebuf_init(&s.input, PROTO_MAX_LINE, 16384) != 0) {
        cli_error(ENOMEM, "buffers");
        return 1;
    }
    /* 3. The lesson: pipelined requests, replies in order, each checked. */
    status = run_session(&s);

    /* 4. Release. */
    close(s.fd);
    linebuf_free(&s.replies);
    linebuf_free(&s.input);
    return status;
}
