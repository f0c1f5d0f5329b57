/*
 * frames - writes hand-made ipc_multiprocess frames to stdout, for tests.
 *
 * Usage: frames NUMBER...   one numbers frame holding NUMBERs (any 64-bit
 *                           values, not just 1..n), then the end mark
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "opt.h"

/* The layout of src/ipc_multiprocess/frame.h, restated on purpose: a test
 * that shared the header could not catch a change to the wire format. */
enum { NUMBERS = 0x314d554e, END = 0x31444e45 };

struct header {
    unsigned int magic;
    unsigned int count;
    unsigned long long total;
};

int main(int argc, char **argv)
{
    size_t n = (size_t)argc - 1;
    size_t len = sizeof(struct header) + n * 8;
    unsigned char *buf = malloc(len);
    struct header h = { NUMBERS, (unsigned)n, 0 };
    struct header end = { END, 0, n };

    if (buf == NULL || n == 0) {
        fprintf(stderr, "usage: frames NUMBER...\n");
        return 2;
    }
    memcpy(buf, &h, sizeof(h));
    for (size_t i = 0; i < n; i++) {
        uint64_t v;

        if (opt_parse_u64(argv[i + 1], 0, UINT64_MAX, &v) != OPT_OK) {
            fprintf(stderr, "frames: '%s' is not a number\n", argv[i + 1]);
            return 2;
        }
        memcpy(buf + sizeof(h) + i * 8, &v, 8);
    }
    if (io_write_all(STDOUT_FILENO, buf, len) != 0 ||
        io_write_all(STDOUT_FILENO, &end, sizeof(end)) != 0) {
        perror("frames: write");
        return 1;
    }
    free(buf);
    return 0;
}
