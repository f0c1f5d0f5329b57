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
/* Whether the 'n' bytes at 'p' (fewer than a header) may begin a frame. */
static bool could_be_magic(const unsigned char *p, size_t n)
{
    static const uint32_t magics[] = { FRAME_NUMBERS, FRAME_SQUARES,
                                       FRAME_SQUARES_64, FRAME_END };

    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (memcmp(p, &magics[i], n < sizeof(magics[i]) ? n : sizeof(magics[i])) == 0)
            return true;
    return false;
}

static size_t buffered_frame_size(const struct frame_reader *r,
                                  struct frame_header *hdr)
{
    if (r->end - r->start < sizeof(*hdr))   /* text is found out at its first bytes */
        return could_be_magic(r->buf + r->start, r->end - r->start) ? 0 : (size_t)-1;
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
        r->seen = true;
    }
}

const char *frame_problem(const struct frame_reader *r, enum frame_status s)
{
    switch (s) {
    case FRAME_EOF:
        return r->seen ? "ends without the end mark (did its sender die?)"
                       : "is empty: nothing was sent to it";
    case FRAME_GARBAGE:
        return "is not frames of ipc_multiprocess (text?  A stage reads what "
               "the stage before it writes)";
    case FRAME_TRUNCATED:
        return "ends in the middle of a frame (did its sender die?)";
    default:
        return "cannot be read";
    }
}
