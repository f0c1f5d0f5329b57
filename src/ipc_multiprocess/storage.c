/* storage - collects the squares from every worker and adds them up. */
#include "ipc_multiprocess.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "frame.h"
#include "progress.h"
#include "timing.h"

/* Add one frame of squares to the report. */
static void store_squares(struct storage_report *rep,
                          const struct frame_header *hdr,
                          const unsigned char *payload, unsigned from,
                          bool steps)
{
    bool wide = hdr->magic == FRAME_SQUARES;

    for (uint32_t i = 0; i < hdr->count; i++) {
        u128 square;

        if (wide) {
            memcpy(&square, payload + i * sizeof(square), sizeof(square));
        } else {                        /* speed only: 8-byte squares, see worker.c */
            uint64_t narrow;

            memcpy(&narrow, payload + i * sizeof(narrow), sizeof(narrow));
            square = narrow;
        }
        rep->sum += square;
        if (steps) {
            char text[U128_DEC_SIZE];

            u128_format(square, text);
            printf("storage [pid %d]: stored %s from worker %u\n",
                   (int)getpid(), text, from);
        }
    }
    rep->received += hdr->count;
    if (hdr->count > rep->max_batch)
        rep->max_batch = hdr->count;
}

/*
 * Take the frames buffered for input 'i' (reading once if none is).
 * Returns 1 while the input goes on, 0 once it has ended (well or
 * not), -1 if it held something that is not squares.
 */
static int drain_input(struct frame_reader *r, unsigned i, bool steps,
                       struct storage_report *rep)
{
    struct frame_header hdr;
    const unsigned char *payload;

    do {
        enum frame_status st = frame_read(r, &hdr, &payload);

        if (st == FRAME_EOF || st == FRAME_TRUNCATED) {
            cli_error(0, "storage: input %u %s", i + 1, frame_problem(r, st));
            return 0;
        }
        if (st == FRAME_IO_ERROR) {
            cli_error(errno, "storage: read input %u", i + 1);
            return -1;
        }
        if (st == FRAME_GARBAGE) {
            cli_error(0, "storage: input %u %s", i + 1, frame_problem(r, st));
            return -1;
        }
        if (hdr.magic == FRAME_NUMBERS) {
            cli_error(0, "storage: input %u holds numbers, not squares "
                      "(put '--stage square' before it)", i + 1);
            return -1;
        }
        if (hdr.magic == FRAME_END) {
            rep->ended++;
            rep->generated = hdr.total;
            rep->interrupted |= hdr.count & FRAME_END_INTERRUPTED;
            return 0;
        }
        store_squares(rep, &hdr, payload, i + 1, steps);
    } while (frame_reader_has_frame(r));
    return 1;
}

int storage_run(const int *in_fds, unsigned nin, bool steps, uint64_t progress_of,
                struct storage_report *rep)
{
    struct progress bar;
    char line[128];
    struct frame_reader *in = calloc(nin, sizeof(*in));
    struct pollfd *pfd = calloc(nin, sizeof(*pfd));
    unsigned open = 0;
    int status = 0;

    memset(rep, 0, sizeof(*rep));
    rep->inputs = nin;
    for (unsigned i = 0; in && pfd && i < nin; i++, open++) {
        if (frame_reader_init(&in[i], in_fds[i]) != 0)
            break;
        pfd[i] = (struct pollfd){ .fd = in_fds[i], .events = POLLIN };
    }
    if (open < nin) {
        cli_error(ENOMEM, "storage: buffers");
        status = 1;
        goto out;
    }
    progress_start(&bar, progress_of, "squares", timing_now_ns());
    while (open > 0) {
        if (progress_of > 0 && progress_due(&bar, rep->received, timing_now_ns(), line,
                                            sizeof(line)))
            cli_progress_show(stderr, line);
        /* One input needs no poll: a blocking read is the wait. */
        if (nin > 1 && poll(pfd, nin, -1) < 0) {
            if (errno == EINTR)
                continue;
            cli_error(errno, "storage: poll");
            status = 1;
            break;
        }
        for (unsigned i = 0; i < nin; i++) {
            if (pfd[i].fd < 0 || (nin > 1 && pfd[i].revents == 0))
                continue;
            int more = drain_input(&in[i], i, steps, rep);

            if (more <= 0) {
                pfd[i].fd = -1;         /* poll skips negative descriptors */
                open--;
                status |= more < 0;
            }
        }
    }
out:
    cli_progress_clear(stderr);               /* the summary comes next */
    for (unsigned i = 0; in && i < nin; i++)
        frame_reader_free(&in[i]);
    free(pfd);
    free(in);
    return status;
}
