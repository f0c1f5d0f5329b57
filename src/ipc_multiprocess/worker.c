/* worker - squares every number that comes in and sends the squares on. */
#include "ipc_multiprocess.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "frame.h"
#include "io.h"

static void print_step(unsigned id, uint64_t x, u128 square)
{
    char text[U128_DEC_SIZE];

    u128_format(square, text);
    printf("worker %u [pid %d]: %llu squared is %s\n", id, (int)getpid(),
           (unsigned long long)x, text);
}

/*
 * Square one frame of numbers into 'out' (room for a full frame of
 * 128-bit squares).  Returns the size of the frame written there.
 */
static size_t square_frame(const struct frame_header *in,
                           const unsigned char *payload, unsigned char *out,
                           unsigned id, bool steps)
{
    struct frame_header hdr = { .magic = FRAME_SQUARES_64, .count = in->count };
    unsigned char *sq = out + sizeof(hdr);
    uint64_t x;

    /* Speed only (skip it aloud): squares below 2^64 travel in 8 bytes, not 16. */
    for (uint32_t i = 0; i < in->count; i++) {
        memcpy(&x, payload + i * sizeof(x), sizeof(x));
        if (x > UINT32_MAX)             /* its square needs 128 bits */
            hdr.magic = FRAME_SQUARES;
    }
    for (uint32_t i = 0; i < in->count; i++) {
        memcpy(&x, payload + i * sizeof(x), sizeof(x));
        u128 square = (u128)x * x;

        if (hdr.magic == FRAME_SQUARES_64) {
            uint64_t narrow = (uint64_t)square;

            memcpy(sq + i * sizeof(narrow), &narrow, sizeof(narrow));
        } else {
            memcpy(sq + i * sizeof(square), &square, sizeof(square));
        }
        if (steps)
            print_step(id, x, square);
    }
    memcpy(out, &hdr, sizeof(hdr));
    return frame_size(hdr.magic, hdr.count);
}

/* Say why the input stopped before its end mark. */
static void report_bad_input(const struct frame_reader *in, unsigned id,
                             enum frame_status st)
{
    if (st == FRAME_IO_ERROR)
        cli_error(errno, "worker %u: read", id);
    else
        cli_error(0, "worker %u: input %s", id, frame_problem(in, st));
}

int worker_run(int in_fd, int out_fd, unsigned id, bool steps)
{
    unsigned char *out = malloc(frame_size(FRAME_SQUARES, FRAME_MAX_BATCH));
    struct frame_reader in;
    struct frame_header hdr;
    const unsigned char *payload;
    enum frame_status st;
    int status = 1;

    if (out == NULL || frame_reader_init(&in, in_fd) != 0) {
        cli_error(ENOMEM, "worker %u: buffers", id);
        free(out);
        return 1;
    }
    while ((st = frame_read(&in, &hdr, &payload)) == FRAME_OK) {
        if (hdr.magic == FRAME_END) {   /* the end mark goes on as it is */
            if (io_write_all(out_fd, &hdr, sizeof(hdr)) == 0)
                status = 0;
            else
                cli_error(errno, "worker %u: cannot pass the end mark on", id);
            goto out;
        }
        if (hdr.magic != FRAME_NUMBERS) {
            st = FRAME_GARBAGE;         /* squares are no worker's input */
            break;
        }
        size_t len = square_frame(&hdr, payload, out, id, steps);

        if (io_write_all(out_fd, out, len) != 0) {
            cli_error(errno, "worker %u: cannot send results", id);
            goto out;
        }
    }
    report_bad_input(&in, id, st);
out:
    frame_reader_free(&in);
    free(out);
    return status;
}
