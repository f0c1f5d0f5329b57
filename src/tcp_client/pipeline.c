/*
 * pipeline - '-': numbers from stdin, many requests in flight.
 *
 * The same requests and checks as ask.c, without waiting for each reply
 * before sending the next: up to WINDOW requests are in flight, and the
 * replies, which come back in order, are matched to them oldest first.
 * A round trip then costs once per window, not once per number.  The
 * window is bounded so that neither side's buffers fill up and block
 * both (the client would stop reading while the server stops reading
 * too).  Requests gathered in one buffer go out in one write.
 */
#include "tcp_client.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "stop.h"

enum { WINDOW = 1024 };

struct pipeline {
    struct session *s;
    struct linebuf input;       /* from stdin */
    bool input_done;
    struct pending ring[WINDOW];    /* in flight, oldest at head */
    unsigned head;
    char out[WINDOW * 24];      /* requests gathered for one write */
    size_t out_len;
};

/* Send the gathered requests.  0, or -1 (said why, unless stopped). */
static int flush_requests(struct pipeline *pl)
{
    int rc = 0;

    if (pl->out_len > 0 && io_write_all(pl->s->fd, pl->out, pl->out_len) != 0) {
        if (!stop_signal())
            reply_send_failed(pl->s, errno);
        rc = -1;
    }
    pl->out_len = 0;
    return rc;
}

/*
 * Queue one request line.  A line too long for the protocol (NULL when
 * stdin's reader has dropped it) is sent as a stand-in of the same
 * kind, one byte over the limit, which the server refuses as too long:
 * replies stay in step.
 */
static int enqueue(struct pipeline *pl, const char *line, size_t len)
{
    struct session *s = pl->s;
    bool too_long = line == NULL || len > PROTO_MAX_LINE;

    reply_expect(&pl->ring[(pl->head + s->unanswered++) % WINDOW], line, len);
    if (too_long)
        len = PROTO_MAX_LINE + 1;
    if (pl->out_len + len + 1 > sizeof(pl->out) && flush_requests(pl) != 0)
        return -1;
    if (too_long)
        memset(pl->out + pl->out_len, 'x', len);
    else
        memcpy(pl->out + pl->out_len, line, len);
    pl->out_len += len;
    pl->out[pl->out_len++] = '\n';
    return 0;
}

/* Take the next requests from stdin, up to the window. */
static int fill(struct pipeline *pl)
{
    const char *line;
    size_t len;

    while (pl->s->unanswered < WINDOW) {
        enum linebuf_event ev = linebuf_next(&pl->input, &line, &len);

        if (ev == LINEBUF_MORE)
            break;
        if (enqueue(pl, ev == LINEBUF_TOO_LONG ? NULL : line, len) != 0)
            return -1;
    }
    return flush_requests(pl);
}

/* Read stdin; at its end, a last line without "\n" still counts. */
static void read_input(struct pipeline *pl)
{
    size_t room;
    char *space = linebuf_space(&pl->input, &room);
    ssize_t n = io_read_some(STDIN_FILENO, space, room);

    if (n > 0) {
        linebuf_commit(&pl->input, (size_t)n);
        return;
    }
    linebuf_finish(&pl->input);
    pl->input_done = true;
}

/* One turn of waiting: for replies, and for stdin when there is room. */
static int wait_and_read(struct pipeline *pl)
{
    struct session *s = pl->s;
    struct pollfd p[2] = {
        { .fd = s->fd, .events = POLLIN },
        { .fd = STDIN_FILENO, .events = POLLIN },
    };
    bool want_input = !pl->input_done && s->unanswered < WINDOW;
    int n = poll(p, want_input ? 2 : 1, s->unanswered > 0 ? s->cfg->timeout_ms : -1);
    const char *line;
    size_t len;

    if (n < 0)
        return errno == EINTR ? 0 : -1;
    if (n == 0) {
        reply_timed_out(s);
        return -1;
    }
    if (want_input && p[1].revents != 0)
        read_input(pl);
    if (p[0].revents != 0) {
        if (reply_read(s) != 0)
            return -1;
        while (s->unanswered > 0 && linebuf_next(&s->replies, &line, &len) == LINEBUF_LINE) {
            reply_check(s, &pl->ring[pl->head], line, len);
            pl->head = (pl->head + 1) % WINDOW;
        }
    }
    return 0;
}

int pipeline_ask(struct session *s)
{
    static struct pipeline pl;          /* big: keep it off the stack */
    int rc = 0;

    pl = (struct pipeline){ .s = s };
    if (linebuf_init(&pl.input, PROTO_MAX_LINE, 16384) != 0) {
        cli_error(ENOMEM, "buffers");
        return -1;
    }
    while (!stop_signal()) {
        if (fill(&pl) != 0) {
            rc = stop_signal() ? 0 : -1;
            break;
        }
        s->all_sent = pl.input_done;
        if (s->unanswered == 0 && s->all_sent)
            break;
        if (wait_and_read(&pl) != 0) {
            rc = -1;
            break;
        }
    }
    linebuf_free(&pl.input);
    return rc;
}
