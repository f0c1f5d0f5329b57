/* generator - makes the numbers 1..COUNT and deals them to the workers. */
#include "ipc_multiprocess.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "frame.h"
#include "io.h"
#include "stop.h"

static void print_step(uint64_t first, uint32_t n, unsigned worker)
{
    if (n == 1)
        printf("generator [pid %d]: sending %llu to worker %u\n", (int)getpid(),
               (unsigned long long)first, worker);
    else
        printf("generator [pid %d]: sending %llu..%llu to worker %u\n",
               (int)getpid(), (unsigned long long)first,
               (unsigned long long)(first + n - 1), worker);
}

/* Send the end mark, with how many numbers went out, to every worker. */
static int send_end(const int *out_fds, unsigned nout, uint64_t generated,
                    bool interrupted)
{
    struct frame_header end = {
        .magic = FRAME_END,
        .count = interrupted ? FRAME_END_INTERRUPTED : 0,
        .total = generated,
    };
    int status = 0;

    for (unsigned w = 0; w < nout; w++) {
        if (io_write_all(out_fds[w], &end, sizeof(end)) != 0) {
            cli_error(errno, "generator: end mark to worker %u", w + 1);
            status = 1;
        }
    }
    return status;
}

int generator_run(const int *out_fds, unsigned nout, uint64_t count,
                  unsigned batch, bool steps)
{
    unsigned char *frame = malloc(frame_size(FRAME_NUMBERS, batch));
    struct frame_header hdr = { .magic = FRAME_NUMBERS };
    uint64_t next = 1;
    unsigned w = 0;

    if (frame == NULL) {
        cli_error(errno, "generator: malloc");
        return 1;
    }
    while (next <= count && !stop_signal()) {
        uint64_t *nums = (uint64_t *)(frame + sizeof(hdr));
        uint64_t left = count - next + 1;

        hdr.count = (uint32_t)(left < batch ? left : batch);
        memcpy(frame, &hdr, sizeof(hdr));
        for (uint32_t i = 0; i < hdr.count; i++)
            nums[i] = next + i;
        if (steps)
            print_step(next, hdr.count, w + 1);
        /* One write per batch: the frame goes out whole, or not at all. */
        if (io_write_all(out_fds[w], frame, frame_size(hdr.magic, hdr.count)) != 0) {
            cli_error(errno, "generator: cannot send to worker %u", w + 1);
            free(frame);
            return 1;
        }
        next += hdr.count;
        w = (w + 1) % nout;             /* deal batches round robin */
    }
    free(frame);
    return send_end(out_fds, nout, next - 1, next <= count);
}
