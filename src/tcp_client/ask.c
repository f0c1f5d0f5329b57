/*
 * ask - the lesson: one request at a time.
 *
 * Write a line with a number, read the line that answers it, check it,
 * and only then ask the next: a round trip per request, as the course's
 * Python client does.  Simple, and as slow as the network is long; '-'
 * (pipeline.c) keeps many requests in flight instead.
 */
#include "tcp_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "stop.h"
#include "io.h"

/* Send one request line: the number and "\n", in one write. */
static int send_request(struct session *s, const char *line, size_t len)
{
    struct iovec iov[2] = { { (void *)line, len }, { "\n", 1 } };
    size_t left = len + 1;

    while (left > 0) {
        ssize_t n = writev(s->fd, iov, 2);

        if (n < 0 && errno == EINTR && !stop_signal())
            continue;
        if (n < 0)
            return -1;
        left -= (size_t)n;
        for (int i = 0; i < 2; i++) {   /* a short write: skip what went */
            size_t done = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;

            iov[i].iov_base = (char *)iov[i].iov_base + done;
            iov[i].iov_len -= done;
            n -= (ssize_t)done;
        }
    }
    return 0;
}

/* Wait for the reply line.  0 and the line, 1 on Ctrl-C, -1 broken off (said). */
static int read_reply(struct session *s, const char **line, size_t *len)
{
    while (linebuf_next(&s->replies, line, len) != LINEBUF_LINE) {
        struct pollfd p = { .fd = s->fd, .events = POLLIN };
        int n = poll(&p, 1, s->cfg->timeout_ms);

        if (stop_signal())
            return 1;
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0) {
            reply_timed_out(s);
            return -1;
        }
        if (reply_read(s) != 0)
            return -1;
    }
    return 0;
}

/* The i-th request: the i-th NUMBER, or i + 1 of 1..10. */
static const char *request(const struct session *s, int i, char num[24], size_t *len)
{
    if (s->cfg->nnumbers == 0) {
        *len = (size_t)snprintf(num, 24, "%d", i + 1);
        return num;
    }
    *len = strlen(s->cfg->numbers[i]);
    return s->cfg->numbers[i];
}

int ask_each(struct session *s)
{
    int total = s->cfg->nnumbers > 0 ? s->cfg->nnumbers : 10;
    char num[24];

    for (int i = 0; i < total && !stop_signal(); i++) {
        struct pending p;
        const char *line, *reply;
        size_t len, reply_len;
        int rc;

        line = request(s, i, num, &len);
        reply_expect(&p, line, len);
        if (send_request(s, line, len) != 0) {
            if (stop_signal())
                return 0;
            reply_send_failed(s, errno);
            return -1;
        }
        s->unanswered = 1;
        s->all_sent = i + 1 == total;
        if ((rc = read_reply(s, &reply, &reply_len)) != 0)
            return rc < 0 ? -1 : 0;     /* Ctrl-C: the summary says what is left */
        reply_check(s, &p, reply, reply_len);
    }
    return 0;
}
