/*
 * raw_pipe_chain - the baseline for ipc_multiprocess: three processes
 * joined by two pipes, PER_WRITE bare 8-byte numbers per write, no
 * framing, no checks beyond the final sum.
 *
 * Usage: raw_pipe_chain COUNT PER_WRITE   (prints numbers/s as JSON)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "timing.h"

enum { MAX_PER_WRITE = 65536 };   /* as ipc_multiprocess -b */

static uint64_t *buf;                   /* PER_WRITE numbers, each process its own copy */

static void generate(int out, uint64_t count, size_t per)
{
    for (uint64_t next = 1; next <= count;) {
        size_t n = 0;

        while (n < per && next <= count)
            buf[n++] = next++;
        if (io_write_all(out, buf, n * 8) != 0)
            _exit(1);
    }
    _exit(0);
}

static void square(int in, int out, size_t per)
{
    ssize_t got;

    while ((got = io_read_full(in, buf, per * 8)) > 0) {
        for (ssize_t i = 0; i < got / 8; i++)
            buf[i] *= buf[i];
        if (io_write_all(out, buf, (size_t)got) != 0)
            _exit(1);
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    int a[2], b[2];
    uint64_t count, sum = 0;
    size_t per;
    ssize_t got;

    if (argc != 3) {
        fprintf(stderr, "usage: raw_pipe_chain COUNT PER_WRITE\n");
        return 2;
    }
    count = strtoull(argv[1], NULL, 10);
    per = strtoull(argv[2], NULL, 10);
    if (per < 1 || per > MAX_PER_WRITE || pipe(a) || pipe(b))
        return 2;
    if ((buf = malloc(per * sizeof(*buf))) == NULL)
        return 1;
    uint64_t start = timing_now_ns();
    if (fork() == 0) {
        close(a[0]); close(b[0]); close(b[1]);
        generate(a[1], count, per);
    }
    if (fork() == 0) {
        close(a[1]); close(b[0]);
        square(a[0], b[1], per);
    }
    close(a[0]); close(a[1]); close(b[1]);
    while ((got = io_read_full(b[0], buf, per * 8)) > 0)
        for (ssize_t i = 0; i < got / 8; i++)
            sum += buf[i];
    while (wait(NULL) > 0)
        ;
    double s = timing_seconds_since(start);
    printf("{\"count\":%llu,\"per_write\":%zu,\"sum_mod_2_64\":%llu,\"seconds\":%.6f,"
           "\"per_sec\":%.0f}\n", (unsigned long long)count, per,
           (unsigned long long)sum, s, timing_rate(count, s));
    return 0;
}
