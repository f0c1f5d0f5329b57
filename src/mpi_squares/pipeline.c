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
 * Speed only (skip it aloud): sends are non-blocking, with a few
 * buffers in turn (MPI_Isend, then MPI_Wait before a buffer is
 * refilled), and receives are posted ahead the same way (MPI_Irecv), so
 * that the next batch travels while the last one is made, squared or
 * added up.  The plain version is MPI_Send and MPI_Recv, one at a time.
 */
#include "mpi_squares.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "progress.h"
#include "stop.h"
#include "timing.h"

enum {
    TAG_NUMBERS = 1,            /* uint64 numbers */
    TAG_SQUARES_64 = 2,         /* squares below 2^64, one uint64 each (speed only) */
    TAG_SQUARES = 3,            /* squares as two uint64 each: low, high */
    TAG_END = 4,                /* the end mark: numbers generated */
    NBUF = 4,                   /* send buffers in flight, per rank */
};

/* Send buffers used in turn: wait for one's last send before reuse. */
struct sender {
    uint64_t *buf[NBUF];
    MPI_Request req[NBUF];
    unsigned next;
};

static int sender_init(struct sender *s, size_t words)
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
static uint64_t *sender_take(struct sender *s)
{
    MPI_Wait(&s->req[s->next], MPI_STATUS_IGNORE);
    return s->buf[s->next];
}

/* Send the buffer sender_take gave, 'n' words, without waiting. */
static void sender_send(struct sender *s, int n, int to, int tag)
{
    MPI_Isend(s->buf[s->next], n, MPI_UINT64_T, to, tag, MPI_COMM_WORLD, &s->req[s->next]);
    s->next = (s->next + 1) % NBUF;
}

static void sender_free(struct sender *s)
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
struct inbox {
    uint64_t *buf[NBUF];
    MPI_Request req[NBUF];
    int words, source;
    unsigned next;
};

static void inbox_post(struct inbox *in, unsigned i)
{
    MPI_Irecv(in->buf[i], in->words, MPI_UINT64_T, in->source, MPI_ANY_TAG,
              MPI_COMM_WORLD, &in->req[i]);
}

static int inbox_init(struct inbox *in, int words, int source)
{
    *in = (struct inbox){ .words = words, .source = source };
    for (unsigned i = 0; i < NBUF; i++)
        in->req[i] = MPI_REQUEST_NULL;
    for (unsigned i = 0; i < NBUF; i++)
        if ((in->buf[i] = malloc((size_t)words * sizeof(uint64_t))) == NULL)
            return -1;
    for (unsigned i = 0; i < NBUF; i++)
        inbox_post(in, i);
    return 0;
}

/* The next message, in order; hand it back with inbox_done. */
static uint64_t *inbox_next(struct inbox *in, MPI_Status *st)
{
    MPI_Wait(&in->req[in->next], st);
    return in->buf[in->next];
}

static void inbox_done(struct inbox *in)
{
    inbox_post(in, in->next);
    in->next = (in->next + 1) % NBUF;
}

/* Take back the receives still posted, and free the buffers. */
static void inbox_free(struct inbox *in)
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
                     struct sender *out)
{
    int workers = me->size - 2;
    uint64_t next = 1, generated;

    for (unsigned k = 0; next <= cfg->count && !stop_signal(); k++) {
        int to = 1 + (int)(k % (unsigned)workers), n = 0;
        uint64_t *b = sender_take(out);

        while ((unsigned)n < cfg->batch && next <= cfg->count) {
            if (steps)
                printf("generator [rank 0, %s, pid %d]: sending %llu to worker %d\n",
                       me->host, me->pid, (unsigned long long)next, to);
            b[n++] = next++;
        }
        sender_send(out, n, to, TAG_NUMBERS);
    }
    generated = next - 1;
    for (int w = 1; w <= workers; w++)
        MPI_Send(&generated, 1, MPI_UINT64_T, w, TAG_END, MPI_COMM_WORLD);
}

/* Square one batch into 'sq'.  Returns the tag that says how wide they are. */
static int square(const uint64_t *in, int n, uint64_t *sq, const struct whoami *me, bool steps)
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

/* Ranks 1..N-2: receive, square, send on; pass the end mark on. */
static void work(const struct whoami *me, bool steps, struct sender *out, struct inbox *in)
{
    int storage = me->size - 1;

    for (;;) {
        MPI_Status st;
        uint64_t *b = inbox_next(in, &st);
        int n;

        if (st.MPI_TAG == TAG_END) {
            MPI_Send(b, 1, MPI_UINT64_T, storage, TAG_END, MPI_COMM_WORLD);
            return;
        }
        MPI_Get_count(&st, MPI_UINT64_T, &n);
        uint64_t *sq = sender_take(out);
        int tag = square(b, n, sq, me, steps);

        inbox_done(in);
        sender_send(out, tag == TAG_SQUARES ? 2 * n : n, storage, tag);
    }
}

/* Rank N-1: add up every square until every worker's end mark is in. */
static void store(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                  struct inbox *box, struct mpi_result *res)
{
    struct progress bar;
    char line[128];

    *res = (struct mpi_result){ .workers = (unsigned)me->size - 2 };
    progress_start(&bar, cfg->count, "squares", timing_now_ns());
    while (res->ended < res->workers) {
        MPI_Status st;
        uint64_t *in = inbox_next(box, &st);
        int n;

        MPI_Get_count(&st, MPI_UINT64_T, &n);
        if (st.MPI_TAG == TAG_END) {
            res->ended++;
            res->generated = in[0];
            inbox_done(box);
            continue;
        }
        if (st.MPI_TAG == TAG_SQUARES)
            n /= 2;
        for (int i = 0; i < n; i++) {
            u128 s = st.MPI_TAG == TAG_SQUARES ? (u128)in[2 * i + 1] << 64 | in[2 * i] : in[i];

            res->sum += s;
            if (steps)
                printf("storage [rank %d, %s, pid %d]: stored %llu from worker %d\n",
                       me->rank, me->host, me->pid, (unsigned long long)s, st.MPI_SOURCE);
        }
        res->received += (uint64_t)n;
        if ((unsigned)n > res->max_batch)
            res->max_batch = (unsigned)n;
        inbox_done(box);
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
    bool generator = me->rank == RANK_ROOT, storage = me->rank == me->size - 1;
    int words = 2 * (int)cfg->batch;    /* room for 128-bit squares */
    struct sender out = { 0 };
    struct inbox in = { 0 };
    int rc = 0;

    if ((!storage && sender_init(&out, (size_t)words) != 0) ||
        (!generator && inbox_init(&in, words, storage ? MPI_ANY_SOURCE : RANK_ROOT) != 0)) {
        cli_error(0, "rank %d: out of memory for batches of %u", me->rank, cfg->batch);
        rc = -1;
    } else if (generator) {
        generate(cfg, me, steps, &out);
    } else if (!storage) {
        work(me, steps, &out, &in);
    } else {
        store(cfg, me, steps, &in, res);
    }
    sender_free(&out);
    inbox_free(&in);
    return rc;
}
