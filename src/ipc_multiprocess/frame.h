/*
 * frame - what travels through the pipes of ipc_multiprocess.
 *
 * A pipe is a byte stream: it keeps no boundaries between writes, and
 * a reader may get half a write or three at once.  So each write is a
 * frame with a small header that says what follows and how much:
 *
 *     numbers:  header{FRAME_NUMBERS, n, 0}      n x uint64_t
 *     squares:  header{FRAME_SQUARES_64, n, 0}   n x uint64_t
 *               header{FRAME_SQUARES, n, 0}      n x unsigned __int128
 *     end:      header{FRAME_END, flags, total}
 *
 * Squares of numbers below 2^32 fit in 64 bits and travel as such, half
 * the bytes to copy; only a frame holding 2^32 itself needs 128 bits.
 *
 * The end frame is the end mark: the generator sends it after the last
 * number, with 'total' = how many numbers it generated (1..total), and
 * each worker passes it on.  A stream that stops without it was cut
 * short by a dead process, which EOF alone cannot tell.  The magic
 * numbers also catch a stream that is not ours at all (random bytes).
 *
 * Host byte order: these pipes never leave the machine.
 * Error dialect: frame_read returns an enum; I/O errors leave errno.
 */
#ifndef KIT_FRAME_H
#define KIT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "u128.h"

enum {
    FRAME_NUMBERS = 0x314d554e,     /* "NUM1" */
    FRAME_SQUARES = 0x31515153,     /* "SQQ1" */
    FRAME_SQUARES_64 = 0x31385153,  /* "SQ81" */
    FRAME_END = 0x31444e45,         /* "END1" */
    FRAME_END_INTERRUPTED = 1,      /* flag: the generator was told to stop */
    FRAME_MAX_BATCH = 65536,        /* most records in one frame */
};

struct frame_header {
    uint32_t magic;     /* FRAME_NUMBERS, FRAME_SQUARES(_64) or FRAME_END */
    uint32_t count;     /* records that follow; flags in an end frame */
    uint64_t total;     /* end frame: numbers generated; else 0 */
};

/* Bytes in a frame of 'count' records of kind 'magic'. */
size_t frame_size(uint32_t magic, uint32_t count);

enum frame_status {
    FRAME_OK,           /* *hdr and *payload describe the next frame */
    FRAME_EOF,          /* the stream ended cleanly, between two frames */
    FRAME_IO_ERROR,     /* read failed; errno says why */
    FRAME_GARBAGE,      /* bytes that are not a frame of ours */
    FRAME_TRUNCATED,    /* the stream ended inside a frame */
};

/*
 * Reads frames from a descriptor with as few read(2) calls as it can:
 * one read takes whatever the pipe holds, which may be many frames.
 */
struct frame_reader {
    int fd;
    unsigned char *buf;     /* holds at least the frame being returned */
    size_t cap;             /* bytes allocated */
    size_t start;           /* first byte not yet returned */
    size_t end;             /* one past the last byte read */
    bool seen;              /* any byte at all has come */
};

/* Set up a reader on 'fd'.  Returns 0, or -1 with errno ENOMEM. */
int frame_reader_init(struct frame_reader *r, int fd);
void frame_reader_free(struct frame_reader *r);

/*
 * The next frame: its header in *hdr and its records at *payload
 * (valid until the next call; records may be unaligned, so copy them
 * out with memcpy).  Blocks until a whole frame has arrived.
 */
enum frame_status frame_read(struct frame_reader *r, struct frame_header *hdr,
                             const unsigned char **payload);

/*
 * Whether frame_read would return without blocking for more input:
 * a whole frame, or the start of a truncated one, is buffered.
 */
int frame_reader_has_frame(const struct frame_reader *r);

/*
 * What went wrong with an input, as words that follow "input": "is
 * empty: nothing was sent to it", "ends without the end mark (did its
 * sender die?)", "is not frames of ipc_multiprocess ...", "ends in the
 * middle of a frame ...".  For FRAME_EOF, FRAME_GARBAGE, FRAME_TRUNCATED.
 */
const char *frame_problem(const struct frame_reader *r, enum frame_status s);


#endif
