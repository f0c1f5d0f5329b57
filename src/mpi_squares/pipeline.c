/*
 * pipeline - the job of ipc_multiprocess, with ranks and messages for
 * processes and pipes: rank 0 generates 1..COUNT in batches dealt round
 * robin to the workers (ranks 1..N-2), each worker squares what it gets
 * and sends the squares on to the storage (rank N-1), which adds them
 * up.  A message keeps its boundaries, so there are no frames to cut;
 * its tag says what it holds.  After its last batch each worker gets an
 * end mark with how many numbers were made, and passes it on: the
 * storage knows the stream is complete when every worker's has come.
 *
 * The plain version, as mpitutorial writes it: MPI_Send and MPI_Recv,
 * one message at a time.  MPI keeps the messages from one rank to
 * another in the order they were sent, so a worker's end mark comes
 * after its batches.  The fast version, with a few sends and receives
 * in flight so that the next batch travels while the last one is
 * worked on, is pipeline_overlap.c: the same roles, the same messages,
 * the helpers below, and two to four times the rate, so it is what
 * --pipeline runs unless --blocking asks for this one.
 */
#include "mpi_squares.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "progress.h"
#include "stop.h"
#include "timing.h"

/* Rank 0: 1..COUNT in batches, dealt round robin; then an end mark each. */
static void generate(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                     uint64_t *batch)
{
    int workers = me->size - 2;
    uint64_t next = 1, generated;

    for (unsigned k = 0; next <= cfg->count && !stop_signal(); k++) {
        int to = 1 + (int)(k % (unsigned)workers);
        int n = pipeline_fill(cfg, me, steps, &next, to, batch);

        MPI_Send(batch, n, MPI_UINT64_T, to, TAG_NUMBERS, MPI_COMM_WORLD);
    }
    generated = next - 1;
    for (int w = 1; w <= workers; w++)
        MPI_Send(&generated, 1, MPI_UINT64_T, w, TAG_END, MPI_COMM_WORLD);
}

/* Ranks 1..N-2: receive, square, send on; pass the end mark on. */
static void work(const struct whoami *me, bool steps, uint64_t *in, uint64_t *sq, int words)
{
    int storage = me->size - 1;

    for (;;) {
        MPI_Status st;
        int n;

        MPI_Recv(in, words, MPI_UINT64_T, RANK_ROOT, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        if (st.MPI_TAG == TAG_END) {
            MPI_Send(in, 1, MPI_UINT64_T, storage, TAG_END, MPI_COMM_WORLD);
            return;
        }
        MPI_Get_count(&st, MPI_UINT64_T, &n);
        int tag = pipeline_square(in, n, sq, me, steps);

        MPI_Send(sq, tag == TAG_SQUARES ? 2 * n : n, MPI_UINT64_T, storage, tag,
                 MPI_COMM_WORLD);
    }
}

/* Rank N-1: add up every square until every worker's end mark is in. */
static void store(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                  uint64_t *msg, int words, struct mpi_result *res)
{
    struct progress bar;
    char line[128];

    *res = (struct mpi_result){ .workers = (unsigned)me->size - 2 };
    progress_start(&bar, cfg->count, "squares", timing_now_ns());
    while (res->ended < res->workers) {
        MPI_Status st;
        int n;

        MPI_Recv(msg, words, MPI_UINT64_T, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_UINT64_T, &n);
        pipeline_add(res, msg, n, st.MPI_TAG, st.MPI_SOURCE, me, steps);
        if (cfg->progress && progress_due(&bar, res->received, timing_now_ns(), line,
                                          sizeof(line)))
            cli_progress_show(stdout, line);
    }
    if (cfg->progress)
        cli_progress_clear(stdout);
}

int pipeline_run(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                 struct mpi_result *res)
{
    int words = 2 * (int)cfg->batch;    /* room for 128-bit squares */
    uint64_t *in = malloc((size_t)words * sizeof(*in));
    uint64_t *out = malloc((size_t)words * sizeof(*out));
    int rc = 0;

    if (in == NULL || out == NULL) {
        cli_error(0, "rank %d: out of memory for batches of %u", me->rank, cfg->batch);
        rc = -1;
    } else if (me->rank == RANK_ROOT) {
        generate(cfg, me, steps, out);
    } else if (me->rank < me->size - 1) {
        work(me, steps, in, out, words);
    } else {
        store(cfg, me, steps, in, words, res);
    }
    free(in);
    free(out);
    return rc;
}

/*
 * The helpers both versions share (declared in mpi_squares.h): what the
 * generator puts in a batch, how a worker squares one, how the storage
 * adds one up.
 */

/* Fill 'b' with the next batch for worker 'to', from *next on.  Returns its length. */
int pipeline_fill(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                  uint64_t *next, int to, uint64_t *b)
{
    int n = 0;

    while ((unsigned)n < cfg->batch && *next <= cfg->count) {
        if (steps)
            printf("generator [rank 0, %s, pid %d]: sending %llu to worker %d\n",
                   me->host, me->pid, (unsigned long long)*next, to);
        b[n++] = (*next)++;
    }
    return n;
}

/* Square one batch into 'sq'.  Returns the tag that says how wide they are. */
int pipeline_square(const uint64_t *in, int n, uint64_t *sq, const struct whoami *me,
                    bool steps)
{
    bool narrow = true;

    for (int i = 0; i < n; i++)         /* speed only: 8-byte squares when they fit */
        narrow &= in[i] <= UINT32_MAX;
    for (int i = 0; i < n; i++) {
        u128 s = (u128)in[i] * in[i];

        if (narrow)
            sq[i] = (uint64_t)s;
        else
            sq[2 * i] = (uint64_t)s, sq[2 * i + 1] = (uint64_t)(s >> 64);
        if (steps)
            printf("worker %d [rank %d, %s, pid %d]: %llu squared is %llu\n", me->rank,
                   me->rank, me->host, me->pid, (unsigned long long)in[i],
                   (unsigned long long)s);
    }
    return narrow ? TAG_SQUARES_64 : TAG_SQUARES;
}

/* Add one message of 'words' words, with its tag, from rank 'from', into *res. */
void pipeline_add(struct mpi_result *res, const uint64_t *msg, int words, int tag, int from,
                  const struct whoami *me, bool steps)
{
    int n = tag == TAG_SQUARES ? words / 2 : words;

    if (tag == TAG_END) {
        res->ended++;
        res->generated = msg[0];
        return;
    }
    for (int i = 0; i < n; i++) {
        u128 s = tag == TAG_SQUARES ? (u128)msg[2 * i + 1] << 64 | msg[2 * i] : msg[i];

        res->sum += s;
        if (steps)
            printf("storage [rank %d, %s, pid %d]: stored %llu from worker %d\n",
                   me->rank, me->host, me->pid, (unsigned long long)s, from);
    }
    res->received += (uint64_t)n;
    if ((unsigned)n > res->max_batch)
        res->max_batch = (unsigned)n;
}
