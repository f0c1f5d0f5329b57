/*
 * mpi_squares - what the parts of mpi_squares share.
 *
 *   mpi_squares.c   main(): options, MPI_Init, the mode, the summary
 *   pipeline.c      --pipeline: generator -> workers -> storage, as messages
 *                   (MPI_Send, MPI_Recv: the lesson; --blocking runs it)
 *   pipeline_overlap.c  the same with sends and receives in flight
 *                   (MPI_Isend, MPI_Irecv: speed only; the default)
 *   reduce.c        --reduce: every rank its share, one MPI_Reduce
 */
#ifndef KIT_MPI_SQUARES_H
#define KIT_MPI_SQUARES_H

#include <stdbool.h>
#include <stdint.h>

#include "net.h"
#include "u128.h"

struct mpi_config {
    uint64_t count;
    unsigned batch;
    bool reduce;                /* --reduce; else --pipeline */
    bool blocking;              /* --blocking: pipeline.c; else pipeline_overlap.c */
    bool quiet, json;
    unsigned timeout_s;         /* --timeout: the whole run, 0: none */
    bool progress;              /* a progress line each second (stdout is a terminal) */
};

/* Who this rank is, and where it runs. */
struct whoami {
    int rank, size;
    int pid;
    char host[64];
    char addr[NET_ADDR_STRLEN];
};

/* What a run produced, as the rank that reports it knows it. */
struct mpi_result {
    uint64_t received;          /* squares added up */
    uint64_t generated;         /* numbers made, from the end marks */
    u128 sum;
    unsigned ended;             /* end marks that arrived */
    unsigned workers;           /* --pipeline: ranks that squared */
    unsigned max_batch;         /* most squares in one message */
};

/* The first rank that needs what mode: the generator (and, in --reduce, the root). */
enum { RANK_ROOT = 0 };

/* pipeline.c: this rank's role.  Returns 0, or -1 (said why).  *res is
 * filled on the storage rank, the last. */
int pipeline_run(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                 struct mpi_result *res);

/* The pipeline's messages: what each holds, by its tag. */
enum {
    TAG_NUMBERS = 1,            /* uint64 numbers */
    TAG_SQUARES_64 = 2,         /* squares below 2^64, one uint64 each (speed only) */
    TAG_SQUARES = 3,            /* squares as two uint64 each: low, high */
    TAG_END = 4,                /* the end mark: numbers generated */
};

/* pipeline.c, for both versions of the pipeline: the generator's next
 * batch (from *next on; returns its length), a worker's squares of one
 * (returns the tag that says how wide), the storage's sum of one
 * message. */
int pipeline_fill(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                  uint64_t *next, int to, uint64_t *b);
int pipeline_square(const uint64_t *in, int n, uint64_t *sq, const struct whoami *me,
                    bool steps);
void pipeline_add(struct mpi_result *res, const uint64_t *msg, int words, int tag, int from,
                  const struct whoami *me, bool steps);

/* pipeline_overlap.c: pipeline_run's job, with messages in flight. */
int pipeline_overlap_run(const struct mpi_config *cfg, const struct whoami *me, bool steps,
                         struct mpi_result *res);

/* reduce.c: this rank's share, summed on RANK_ROOT into *res. */
int reduce_run(const struct mpi_config *cfg, const struct whoami *me, bool steps,
               struct mpi_result *res);

#endif
