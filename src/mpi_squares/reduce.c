/*
 * reduce - the idiomatic MPI way: no numbers travel at all.  Every rank
 * squares its own share of 1..COUNT (rank r takes r+1, r+1+size, ...)
 * and adds it up; one MPI_Reduce adds the ranks' sums on rank 0.  MPI
 * has no 128-bit integer, so a sum travels as two 64-bit halves, and a
 * user-defined operation adds them with the carry.  A stop (Ctrl-C)
 * ends the shares early, at one point that every rank agrees on.
 */
#include "mpi_squares.h"

#include <mpi.h>
#include <stdio.h>

#include "cli.h"
#include "progress.h"
#include "stop.h"
#include "timing.h"

enum { CHUNK = 1 << 20 };               /* numbers between looks for a stop */

/* a[i] += b[i] for 128-bit sums, each two uint64 (low, high). */
static void add_u128(void *in, void *inout, int *len, MPI_Datatype *type)
{
    const uint64_t *a = in;
    uint64_t *b = inout;

    (void)type;
    for (int i = 0; i < *len; i++) {
        u128 s = ((u128)a[2 * i + 1] << 64 | a[2 * i]) + ((u128)b[2 * i + 1] << 64 | b[2 * i]);

        b[2 * i] = (uint64_t)s;
        b[2 * i + 1] = (uint64_t)(s >> 64);
    }
}

/*
 * Squares of this rank's numbers first + k*step for k in [k0, k1).
 * 'noinline' and the stride that only MPI knows keep the compiler from
 * replacing the loop by the closed form: every number is really squared.
 */
static __attribute__((noinline)) u128 share(uint64_t first, uint64_t step, uint64_t k0,
                                            uint64_t k1, const struct whoami *me, bool steps)
{
    u128 sum = 0;

    for (uint64_t k = k0; k < k1; k++) {
        uint64_t x = first + k * step;

        sum += (u128)x * x;
        if (steps)
            printf("rank %d [%s, pid %d]: %llu squared is %llu\n", me->rank, me->host,
                   me->pid, (unsigned long long)x, (unsigned long long)(x * x));
    }
    return sum;
}

int reduce_run(const struct mpi_config *cfg, const struct whoami *me, bool steps,
               struct mpi_result *res)
{
    uint64_t count = cfg->count, size = (uint64_t)me->size, first = (uint64_t)me->rank + 1;
    uint64_t n = count >= first ? (count - first) / size + 1 : 0;    /* my share */
    uint64_t done = 0, furthest, mine[2], total[2] = { 0, 0 }, received = 0;
    u128 sum = 0;
    MPI_Datatype pair;
    MPI_Op add;
    struct progress bar;
    char line[128];

    /* 1. My share, a million at a time, looking for a stop in between
     *    (and on the root, on a terminal, showing how far all have got,
     *    as the root's own share tells it). */
    progress_start(&bar, count, "numbers", timing_now_ns());
    while (done < n && !stop_signal()) {
        uint64_t k1 = n - done > CHUNK ? done + CHUNK : n;

        sum += share(first, size, done, k1, me, steps);
        done = k1;
        if (cfg->progress && me->rank == RANK_ROOT &&
            progress_due(&bar, done * size, timing_now_ns(), line, sizeof(line)))
            cli_progress_show(stdout, line);
    }
    if (cfg->progress && me->rank == RANK_ROOT)
        cli_progress_clear(stdout);
    /* 2. After a stop (Ctrl-C), the ranks have each gone their own way:
     *    they agree on the furthest any got, and those behind catch up,
     *    so that together they squared 1..m, with no gap.  (Without a
     *    stop, every rank is at the end of its share: nothing to do.) */
    MPI_Allreduce(&done, &furthest, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (furthest > n)
        furthest = n;
    sum += share(first, size, done, furthest, me, steps);
    done = furthest;

    /* 3. One reduction adds the ranks' sums on the root. */
    mine[0] = (uint64_t)sum;
    mine[1] = (uint64_t)(sum >> 64);
    MPI_Type_contiguous(2, MPI_UINT64_T, &pair);
    MPI_Type_commit(&pair);
    MPI_Op_create(add_u128, 1, &add);
    MPI_Reduce(mine, total, 1, pair, add, RANK_ROOT, MPI_COMM_WORLD);
    MPI_Reduce(&done, &received, 1, MPI_UINT64_T, MPI_SUM, RANK_ROOT, MPI_COMM_WORLD);
    MPI_Op_free(&add);
    MPI_Type_free(&pair);
    *res = (struct mpi_result){ .received = received, .generated = received,
                                .sum = (u128)total[1] << 64 | total[0],
                                .workers = (unsigned)me->size,
                                .ended = (unsigned)me->size };
    return 0;
}
