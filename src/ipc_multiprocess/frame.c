/* frame - the framed byte streams that join the processes of ipc_multiprocess. */
#include "frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

enum { READER_MIN_CAP = 64 * 1024 };

size_t frame_size(uint32_t magic, uint32_t count)
{
    size_t rec = magic == FRAME_NUMBERS || magic == FRAME_SQUARES_64 ? sizeof(uint64_t)
               : magic == FRAME_SQUARES ? sizeof(u128) : 0;

    return sizeof(struct frame_header) + rec * count;
}

int frame_reader_init(struct frame_reader *r, int fd)
{
    memset(r, 0, sizeof(*r));
    r->fd = fd;
    r->buf = malloc(READER_MIN_CAP);
    if (r->buf == NULL)
        return -1;
    r->cap = READER_MIN_CAP;
    return 0;
}

void frame_reader_free(struct frame_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

/*
 * The size of the frame at the start of the buffer, or 0 if its
 * header has not all arrived, or (size_t)-1 if it is not a frame.
 */
static size_t buffered_frame_size(const struct frame_reader *r,
                                  struct frame_header *hdr)
{
    if (r->end - r->start < sizeof(*hdr))
        return 0;
    memcpy(hdr, r->buf + r->start, sizeof(*hdr));
    switch (hdr->magic) {
    case FRAME_NUMBERS:
    case FRAME_SQUARES:
    case FRAME_SQUARES_64:
        if (hdr->count == 0 || hdr->count > FRAME_MAX_BATCH || hdr->total != 0)
            return (size_t)-1;
        return frame_size(hdr->magic, hdr->count);
    case FRAME_END:
        if ((hdr->count & ~(uint32_t)FRAME_END_INTERRUPTED) != 0)
            return (size_t)-1;
        return sizeof(*hdr);
    default:
        return (size_t)-1;
    }
}

int frame_reader_has_frame(const struct frame_reader *r)
{
    struct frame_header hdr;
    size_t need = buffered_frame_size(r, &hdr);

    return need != 0 && (need == (size_t)-1 || r->end - r->start >= need);
}

/* Make room for 'need' bytes from r->start on, then read what comes. */
static ssize_t fill(struct frame_reader *r, size_t need)
{
    if (r->start > 0) {                 /* slide the partial frame down */
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (need > r->cap) {
        unsigned char *p = realloc(r->buf, need);

        if (p == NULL)
            return -1;
        r->buf = p;
        r->cap = need;
    }
    return io_read_some(r->fd, r->buf + r->end, r->cap - r->end);
}

enum frame_status frame_read(struct frame_reader *r, struct frame_header *hdr,
                             const unsigned char **payload)
{
    for (;;) {
        size_t need = buffered_frame_size(r, hdr);
        ssize_t n;

        if (need == (size_t)-1)
            return FRAME_GARBAGE;
        if (need != 0 && r->end - r->start >= need) {
            *payload = r->buf + r->start + sizeof(*hdr);
            r->start += need;
            return FRAME_OK;
        }
        n = fill(r, need > sizeof(*hdr) ? need : sizeof(*hdr));
        if (n < 0)
            return FRAME_IO_ERROR;
        if (n == 0)
            return r->end == r->start ? FRAME_EOF : FRAME_TRUNCATED;
        r->end += (size_t)n;
    }
}

const char *frame_status_str(enum frame_status s)
{
    switch (s) {
    case FRAME_OK:
        return "a frame";
    case FRAME_EOF:
        return "end of stream";
    case FRAME_IO_ERROR:
        return "read error";
    case FRAME_GARBAGE:
        return "data that is not from a stage of ipc_multiprocess";
    case FRAME_TRUNCATED:
        return "the stream ended in the middle of a frame";
    }
    return "unknown";
}
