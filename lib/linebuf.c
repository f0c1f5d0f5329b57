/* linebuf - bounded line splitting for one connection. */
#include "linebuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void linebuf_init_detached(struct linebuf *lb, size_t max_line, size_t read_size)
{
    memset(lb, 0, sizeof(*lb));
    lb->max_line = max_line;
    /* Room for one whole longest line with its "\r\n", plus a read. */
    lb->cap = max_line + 2 + read_size;
}

int linebuf_init(struct linebuf *lb, size_t max_line, size_t read_size)
{
    linebuf_init_detached(lb, max_line, read_size);
    lb->buf = malloc(lb->cap);
    if (lb->buf == NULL) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void linebuf_free(struct linebuf *lb)
{
    free(lb->buf);
    lb->buf = NULL;
}

bool linebuf_empty(const struct linebuf *lb)
{
    return lb->start == lb->end;
}

void linebuf_attach(struct linebuf *lb, char *buf)
{
    lb->buf = buf;
    lb->start = lb->end = 0;
}

char *linebuf_detach(struct linebuf *lb)
{
    char *buf = lb->buf;

    lb->buf = NULL;
    lb->start = lb->end = 0;
    return buf;
}

char *linebuf_space(struct linebuf *lb, size_t *room)
{
    if (lb->start > 0 && lb->end > lb->max_line + 2) {
        /* Slide the unfinished line down: a whole read's room after it
         * (at most max_line + 1 bytes, moved). */
        memmove(lb->buf, lb->buf + lb->start, lb->end - lb->start);
        lb->end -= lb->start;
        lb->start = 0;
    }
    *room = lb->cap - lb->end;
    return lb->buf + lb->end;
}

void linebuf_commit(struct linebuf *lb, size_t n)
{
    lb->end += n;
}

void linebuf_finish(struct linebuf *lb)
{
    lb->ended = true;
}

enum linebuf_event linebuf_next(struct linebuf *lb, const char **line,
                                size_t *len)
{
    char *p = lb->buf + lb->start;
    size_t avail = lb->end - lb->start;
    char *nl = memchr(p, '\n', avail);

    if (nl == NULL) {
        if (lb->discarding) {           /* more of a line already refused */
            lb->start = lb->end = 0;
            return LINEBUF_MORE;
        }
        if (avail > lb->max_line + 1) { /* too long, even with a "\r" */
            lb->discarding = true;
            lb->start = lb->end = 0;
            return LINEBUF_TOO_LONG;
        }
        if (avail == 0 || !lb->ended) {
            if (lb->start == lb->end)
                lb->start = lb->end = 0;
            return LINEBUF_MORE;
        }
        nl = p + avail;                 /* the stream ended inside a line */
    }
    lb->start += (size_t)(nl - p) + (nl < p + avail);
    if (lb->discarding) {               /* the end of a refused line */
        lb->discarding = false;
        return linebuf_next(lb, line, len);
    }
    *line = p;
    *len = (size_t)(nl - p);
    if (*len > 0 && p[*len - 1] == '\r')
        (*len)--;
    if (*len > lb->max_line)
        return LINEBUF_TOO_LONG;
    return LINEBUF_LINE;
}
