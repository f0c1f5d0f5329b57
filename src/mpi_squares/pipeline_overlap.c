/*
 * pipeline_overlap - pipeline.c's job, fast: what --pipeline runs
 * unless --blocking asks for pipeline.c.  Speed only; read pipeline.c
 * first.  The same generator, workers and storage, the same messages
 * and tags; only how a message is sent and received differs.  Sends are
 * non-blocking, with NBUF buffers in turn (MPI_Isend, then MPI_Wait
 * before a buffer is refilled), and receives are posted ahead the same
 * way (MPI_Irecv), so that the next batch travels while the last one is
 * made, squared or added up.
 */
#include "mpi_squares.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "progress.h"
#include "stop.h"
#include "timing.h"

enum { NBUF = 4 };              /* sends (and receives) in flight, per rank */

/* Send buffers used in turn: wait for one's last send before reuse. */
struct send_ring {
    uint64_t *buf[NBUF];
    MPI_Request req[NBUF];
    unsigned next;
};

static int send_ring_init(struct send_ring *s, size_t words)
{
    for (int i = 0; i < NBUF; i++)
        s->req[i] = MPI_REQUEST_NULL;
    for (int i = 0; i < NBUF; i++)
        if ((s->buf[i] = malloc(words * sizeof(uint64_t))) == NULL)
            return -1;
    s->next = 0;
    return 0;
}

/* The next free buffer. */
static uint64_t *send_ring_take(struct send_ring *s)
{
    MPI_Wait(&s->req[s->next], MPI_STATUS_IGNORE);
    return s->buf[s->next];
}

/* Send the buffer send_ring_take gave, 'n' words, without waiting. */
static void send_ring_send(struct send_ring *s, int n, int to, int tag)
{
    MPI_Isend(s->buf[s->next], n, MPI_UINT64_T, to, tag, MPI_COMM_WORLD, &s->req[s->next]);
    s->next = (s->next + 1) % NBUF;
}

static void send_ring_free(struct send_ring *s)
{
    for (int i = 0; i < NBUF; i++)
        if (s->buf[i] != NULL)
            MPI_Wait(&s->req[i], MPI_STATUS_IGNORE);
    for (int i = 0; i < NBUF; i++)
        free(s->buf[i]);
}

/* Receive buffers posted ahead, used in the order they were posted:
 * MPI matches messages to receives in that order, so they come in the
 * order each sender sent them (an end mark after its batches). */
struct recv_ring {
    uint64_t *buf[NBUF];
    MPI_Request req[NBUF];
    int words, source;
    unsigned next;
};

static void recv_ring_post(struct recv_ring *in, unsigned i)
{
    MPI_Irecv(in->buf[i], in->words, MPI_UINT64_T, in->source, MPI_ANY_TAG,
              MPI_COMM_WORLD, &in->req[i]);
}

static int recv_ring_init(struct recv_ring *in, int words, int source)
{
    *in = (struct recv_ring){ .words = words, .source = source };
    for (unsigned i = 0; i < NBUF; i++)
        in->req[i] = MPI_REQUEST_NULL;
    for (unsigned i = 0; i < NBUF; i++)
        if ((in->buf[i] = malloc((size_t)words * sizeof(uint64_t))) == NULL)
            return -1;
    for (unsigned i = 0; i < NBUF; i++)
        recv_ring_post(in, i);
    return 0;
}

/* The next message, in order; hand it back with recv_ring_done. */
static uint64_t *recv_ring_next(struct recv_ring *in, MPI_Status *st)
{
    MPI_Wait(&in->req[in->next], st);
    return in->buf[in->next];
}

static void recv_ring_done(struct recv_ring *in)
{
    recv_ring_post(in, in->next);
    in->next = (in->next + 1) % NBUF;
}

/* Take back the receives still posted, and free the buffers. */
static void recv_ring_free(struct recv_ring *in)
{
    for (unsigned i = 0; i < NBUF; i++) {
        if (in->buf[i] != NULL && in->req[i] != MPI_REQUEST_NULL) {
            MPI_Cancel(&in->req[i]);
            MPI_Wait(&in->req[i], MPI_STATUS_IGNORE);
        }
        free(in->buf[i]);
    }
}

/* Rank 0: 1..COUNT in batches, dealt round robin; then an end mark each. */
static void generate(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                     struct send_ring *out)
{
    int workers = me->size - 2;
    uint64_t next = 1, generated;

    for (unsigned k = 0; next <= cfg->count && !stop_signal(); k++) {
        int to = 1 + (int)(k % (unsigned)workers);
        int n = pipeline_fill(cfg, me, steps, &next, to, send_ring_take(out));

        send_ring_send(out, n, to, TAG_NUMBERS);
    }
    generated = next - 1;
    for (int w = 1; w <= workers; w++)
        MPI_Send(&generated, 1, MPI_UINT64_T, w, TAG_END, MPI_COMM_WORLD);
}

/* Ranks 1..N-2: receive, square, send on; pass the end mark on. */
static void work(const struct whoami *me, bool steps, struct send_ring *out,
                 struct recv_ring *in)
{
    int storage = me->size - 1;

    for (;;) {
        MPI_Status st;
        uint64_t *b = recv_ring_next(in, &st);
        int n;

        if (st.MPI_TAG == TAG_END) {
            MPI_Send(b, 1, MPI_UINT64_T, storage, TAG_END, MPI_COMM_WORLD);
            return;
        }
        MPI_Get_count(&st, MPI_UINT64_T, &n);
        int tag = pipeline_square(b, n, send_ring_take(out), me, steps);

        recv_ring_done(in);
        send_ring_send(out, tag == TAG_SQUARES ? 2 * n : n, storage, tag);
    }
}

/* Rank N-1: add up every square until every worker's end mark is in. */
static void store(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                  struct recv_ring *box, struct mpi_result *res)
{
    struct progress bar;
    char line[128];

    *res = (struct mpi_result){ .workers = (unsigned)me->size - 2 };
    progress_start(&bar, cfg->count, "squares", timing_now_ns());
    while (res->ended < res->workers) {
        MPI_Status st;
        uint64_t *msg = recv_ring_next(box, &st);
        int n;

        MPI_Get_count(&st, MPI_UINT64_T, &n);
        pipeline_add(res, msg, n, st.MPI_TAG, st.MPI_SOURCE, me, steps);
        recv_ring_done(box);
        if (cfg->progress && progress_due(&bar, res->received, timing_now_ns(), line,
                                          sizeof(line)))
            cli_progress_show(stdout, line);
    }
    if (cfg->progress)
        cli_progress_clear(stdout);
}

int pipeline_overlap_run(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                         struct mpi_result *res)
{
    bool generator = me->rank == RANK_ROOT, storage = me->rank == me->size - 1;
    int words = 2 * (int)cfg->batch;    /* room for 128-bit squares */
    struct send_ring out = { 0 };
    struct recv_ring in = { 0 };
    int rc = 0;

    if ((!storage && send_ring_init(&out, (size_t)words) != 0) ||
        (!generator && recv_ring_init(&in, words, storage ? MPI_ANY_SOURCE : RANK_ROOT) != 0)) {
        cli_error(0, "rank %d: out of memory for batches of %u", me->rank, cfg->batch);
        rc = -1;
    } else if (generator) {
        generate(cfg, me, steps, &out);
    } else if (!storage) {
        work(me, steps, &out, &in);
    } else {
        store(cfg, me, steps, &in, res);
    }
    send_ring_free(&out);
    recv_ring_free(&in);
    return rc;
}
