/*
 * pipeline - exercise 1: three processes joined by two pipes add up squares.
 *
 * Lesson: a reader sees end of file only when every copy of the pipe's
 * write end is closed, in every process.  fork() copies each descriptor
 * into the child, so each process must close the ends it does not use,
 * straight after the fork.  This program forgets one, and hangs.
 *
 * Usage: pipeline [-n N]      (N up to 3000000: the sum stays in 64 bits)
 * See also: src/ipc_multiprocess/ (the kit's version), exercises/README.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "opt.h"

enum { MAX_N = 3000000 };

/* The two pipes: [0] is the read end, [1] the write end. */
struct pipes {
    int numbers[2];             /* generator -> worker */
    int squares[2];             /* worker -> storage */
};

/* The generator: 1..n down the numbers pipe, then close (end of file). */
static int generate(uint64_t n, int out)
{
    for (uint64_t i = 1; i <= n; i++)
        if (io_write_all(out, &i, sizeof(i)) < 0)
            return 1;
    return 0;
}

/* The worker: every number it reads, squared, until end of file. */
static int work(int in, int out)
{
    uint64_t x;
    ssize_t got;

    while ((got = io_read_full(in, &x, sizeof(x))) == sizeof(x)) {
        uint64_t sq = x * x;

        if (io_write_all(out, &sq, sizeof(sq)) < 0)
            return 1;
    }
    return got == 0 ? 0 : 1;
}

/* The storage: the sum of every square, printed once end of file comes. */
static int store(uint64_t n, int in)
{
    uint64_t sq, sum = 0, count = 0;
    ssize_t got;

    while ((got = io_read_full(in, &sq, sizeof(sq))) == sizeof(sq)) {
        sum += sq;
        count++;
    }
    if (got != 0)
        return 1;
    printf("stored %" PRIu64 " of %" PRIu64 " squares\n", count, n);
    printf("sum %" PRIu64 "\n", sum);
    return count == n ? 0 : 1;
}

int main(int argc, char **argv)
{
    uint64_t n = 10;
    struct pipes p;
    pid_t gen, worker, storage;
    int opt, status, failed = 0;

    /* 1. Options. */
    while ((opt = getopt(argc, argv, "n:")) != -1) {
        if (opt != 'n' || opt_parse_u64(optarg, 0, MAX_N, &n) != OPT_OK) {
            fprintf(stderr, "usage: pipeline [-n N]   (N: 0 to %d)\n", MAX_N);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);           /* a dead reader is EPIPE, not death */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* 2. The pipes, made before the forks so that the children inherit them. */
    if (pipe(p.numbers) < 0 || pipe(p.squares) < 0) {
        fprintf(stderr, "pipeline: pipe: %s\n", strerror(errno));
        return 1;
    }

    /*
     * 3. One process per role; each closes the ends it does not use.
     *
     * EXERCISE: 'make -C exercises check EX=1' shows this program hang,
     * and where each of its processes waits.  Somewhere in the program a
     * process keeps a pipe end it never uses.  Work out, from what grade
     * shows and from which ends each role really uses, which end and
     * which process; close it there, and answer the questions of
     * exercise 1 in exercises/README.md.
     */
    gen = fork();
    if (gen == 0) {
        close(p.numbers[0]);            /* it only writes numbers */
        close(p.squares[0]);            /* and has nothing to do with squares */
        close(p.squares[1]);
        _exit(generate(n, p.numbers[1]));
    }
    worker = fork();
    if (worker == 0) {
        close(p.squares[0]);            /* it writes squares, never reads them */
        _exit(work(p.numbers[0], p.squares[1]));
    }
    storage = fork();
    if (storage == 0) {
        close(p.numbers[0]);            /* numbers are not its business */
        close(p.numbers[1]);
        close(p.squares[1]);            /* it only reads squares */
        _exit(store(n, p.squares[0]));
    }
    if (gen < 0 || worker < 0 || storage < 0) {
        fprintf(stderr, "pipeline: fork: %s\n", strerror(errno));
        failed = 1;
    }

    /* 4. The parent uses no pipe at all: it closes all four ends. */
    close(p.numbers[0]);
    close(p.numbers[1]);
    close(p.squares[0]);
    close(p.squares[1]);

    /* 5. Reap the three; any failure is the program's failure. */
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    return failed;
}
