/*
 * pipeline_mpi - exercise 5, solved: exercise 1's pipeline on MPI ranks.
 *
 * Lesson: the same three roles, with messages for pipes.  mpirun starts
 * the processes (here or on other machines); a rank's number says its
 * role: rank 0 generates, ranks 1..size-2 square, the last rank stores.
 * A message keeps its boundaries, and its tag says what it holds, so
 * there is no end of file: each worker is sent an end mark, and passes
 * it on; the storage is done when every worker's end mark has come.
 * Between two ranks, messages arrive in the order they were sent.
 *
 * Usage: mpirun -np 4 pipeline_mpi [-n N]     (3 ranks or more)
 * See also: src/mpi_squares/pipeline.c (the kit's), exercises/README.md.
 */
#include <inttypes.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "opt.h"

enum { MAX_N = 2000000 };
enum tag { TAG_NUMBER = 1, TAG_SQUARE, TAG_END };

/* Rank 0: 1..n, dealt round robin to the workers; then an end mark each. */
static void generate(uint64_t n, int workers)
{
    for (uint64_t i = 1; i <= n; i++) {
        int to = 1 + (int)((i - 1) % (uint64_t)workers);

        MPI_Send(&i, 1, MPI_UINT64_T, to, TAG_NUMBER, MPI_COMM_WORLD);
    }
    for (int w = 1; w <= workers; w++)
        MPI_Send(&n, 1, MPI_UINT64_T, w, TAG_END, MPI_COMM_WORLD);
}

/* Ranks 1..size-2: what a worker process of exercise 1 did, by message. */
static void work(int storage)
{
    for (;;) {
        MPI_Status st;
        uint64_t x;

        MPI_Recv(&x, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        if (st.MPI_TAG == TAG_END) {
            /* After every square of ours: messages keep their order. */
            MPI_Send(&x, 1, MPI_UINT64_T, storage, TAG_END, MPI_COMM_WORLD);
            return;
        }
        uint64_t sq = x * x;
        MPI_Send(&sq, 1, MPI_UINT64_T, storage, TAG_SQUARE, MPI_COMM_WORLD);
    }
}

/* The last rank: add up every square until every worker has ended. */
static int store(uint64_t n, int workers)
{
    uint64_t x, sum = 0, count = 0;
    int ended = 0;

    while (ended < workers) {
        MPI_Status st;

        MPI_Recv(&x, 1, MPI_UINT64_T, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        if (st.MPI_TAG == TAG_END) {
            ended++;
            continue;
        }
        sum += x;
        count++;
    }
    printf("stored %" PRIu64 " of %" PRIu64 " squares (%d workers)\n", count, n, workers);
    printf("sum %" PRIu64 "\n", sum);
    return count == n ? 0 : 1;
}

int main(int argc, char **argv)
{
    uint64_t n = 10;
    int rank, size, opt, rc = 0;

    /* 1. MPI first: mpirun's own arguments are gone after it. */
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* 2. Options, the same in every rank: a misuse ends them all. */
    while ((opt = getopt(argc, argv, "n:")) != -1)
        if (opt != 'n' || opt_parse_u64(optarg, 0, MAX_N, &n) != OPT_OK)
            rc = 2;
    if (rc != 0 || size < 3) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -np RANKS pipeline_mpi [-n N]   "
                    "(RANKS: 3 or more; N: 0 to %d)\n", MAX_N);
        MPI_Finalize();
        return 2;
    }

    /* 3. Each rank its role. */
    if (rank == 0)
        generate(n, size - 2);
    else if (rank < size - 1)
        work(size - 1);
    else
        rc = store(n, size - 2);

    /* 4. The storage's verdict is the job's exit status (mpirun's). */
    MPI_Finalize();
    return rc;
}
