/*
 * replies - what each reply must be, checking it, and the summary: the
 * same whether requests go one at a time (ask.c) or pipelined.
 */
#include "tcp_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "io.h"
#include "json.h"
#include "stop.h"
#include "timing.h"

void reply_expect(struct pending *p, const char *line, size_t len)
{
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

void reply_check(struct session *s, const struct pending *p, const char *line, size_t len)
{
    bool right = len + 1 == p->expect_len && memcmp(line, p->expect, len) == 0;
    bool good = right && strncmp(line, "ERR", 3) != 0;

    s->unanswered--;
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

int reply_read(struct session *s)
{
    size_t room;
    char *space = linebuf_space(&s->replies, &room);
    ssize_t n = io_read_some(s->fd, space, room);

    if (n > 0) {
        linebuf_commit(&s->replies, (size_t)n);
        return 0;
    }
    reply_server_gone(s, n < 0 ? errno : 0);
    return -1;
}

void reply_timed_out(const struct session *s)
{
    cli_error(0, "no reply within %d s (after %llu replies, %u unanswered)",
              s->cfg->timeout_ms / 1000, (unsigned long long)s->received, s->unanswered);
}

void reply_server_gone(const struct session *s, int err)
{
    cli_error(err, "the server closed the connection after %llu repl%s, %u unanswered",
              (unsigned long long)s->received, s->received == 1 ? "y" : "ies",
              s->unanswered);
}

void reply_send_failed(const struct session *s, int err)
{
    if (err == EPIPE || err == ECONNRESET)
        reply_server_gone(s, err);      /* found out while sending, that is all */
    else
        cli_error(err, "sending to the server after %llu replies",
                  (unsigned long long)s->received);
}

/* --json's summary event. */
static void summary_json(const struct session *s, bool interrupted, double seconds)
{
    struct json j;

    json_init(&j);
    json_event_begin(&j, "summary", "tcp_client");
    json_str(&j, "mode", "ask");
    json_u64(&j, "requests", s->received);
    json_u64(&j, "err_replies", s->err_replies);
    json_u64(&j, "wrong_replies", s->wrong_replies);
    json_u64(&j, "unanswered", s->unanswered);
    json_bool(&j, "interrupted", interrupted);
    json_bool(&j, "ok", s->failures == 0 && (s->unanswered == 0 || interrupted));
    json_double(&j, "seconds", seconds, 6);
    json_double(&j, "per_sec", timing_rate(s->received, seconds), 0);
    cli_print_json(&j);
}

int reply_summary(const struct session *s, double seconds)
{
    /* Stopped by Ctrl-C: a clean stop, and what it left undone is said. */
    bool interrupted = stop_signal() && (s->unanswered > 0 || !s->all_sent);

    if (s->cfg->json)
        summary_json(s, interrupted, seconds);
    else {
        printf("%llu repl%s, %llu failed\n", (unsigned long long)s->received,
               s->received == 1 ? "y" : "ies", (unsigned long long)s->failures);
        if (interrupted)
            printf("interrupted: %u request%s unanswered%s\n", s->unanswered,
                   s->unanswered == 1 ? "" : "s", s->all_sent ? "" : ", more not sent");
    }
    return s->failures > 0 || (s->unanswered > 0 && !interrupted);
}
