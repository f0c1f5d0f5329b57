/*
 * threading_example - a producer thread and consumer threads around a bounded queue.
 *
 * Lesson: threads share memory, so sharing needs rules.  The producer
 * puts tasks into a bounded blocking queue (it waits when the queue is
 * full, so memory stays bounded); the consumers take tasks, square
 * them and append to one shared list under one mutex.  The producer
 * closes the queue when it is done: shutdown is a message, not a
 * timer.  --racy drops the list's lock to show what the lock is for.
 *
 * Usage: threading_example [-n TASKS] [-c CONSUMERS] [-s CAPACITY] [-q] [--json] [--racy]
 * See also: ipc_multiprocess, the same job with processes and pipes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "bqueue_counted.h"
#include "cli.h"
#include "progress.h"
#include "results.h"
#include "stop.h"
#include "summary.h"
#include "sysmem.h"
#include "thread.h"
#include "timing.h"
#include "u128.h"

enum { STEP_LIMIT = 20, STEP_WORK_MS = 20, MAX_CONSUMERS = 256, MAX_BATCH = 1024, APPEND_CHUNK = 64 };

/*
 * Deep enough (512 KiB) that a producer and consumers of about the same
 * speed rarely have to wake each other: every wake-up is a system call
 * and a context switch.  Still a bound; -s 2 shows the blocking.
 */
enum { DEFAULT_CAPACITY = 65536 };

struct config {
    uint64_t tasks;
    unsigned consumers;
    size_t capacity;
    unsigned batch;             /* tasks moved per lock, on both sides */
    bool quiet;
    bool json;
    bool racy;
    bool steps;                 /* print every step (small TASKS only) */
    bool progress;              /* a progress line each second, on a terminal */
};

/* What all the threads share; each field has one owner or one lock. */
struct shared {
    const struct config *cfg;
    /* The queue: lib/bqueue.c, the textbook one (one mutex, two
     * condition variables), read it first; this is its counted variant,
     * lib/bqueue_counted.c, the same calls with fewer wake-ups (speed
     * only). */
    struct bqueue_counted queue;    /* its own lock inside */
    struct results results;     /* its own lock inside */
    uint64_t produced;          /* written by the producer, read after join */
    uint64_t *taken;            /* per consumer: each writes its own as it ends */
};

struct consumer {
    pthread_t thread;
    unsigned id;                /* from 1 */
    struct shared *sh;
};

static const char usage_text[] =
"Usage: threading_example [-n TASKS] [-c CONSUMERS] [-s CAPACITY] [-k BATCH]\n"
"                         [-q] [--json] [--racy]\n"
"\n"
"One producer thread puts the numbers 1..TASKS into a bounded blocking\n"
"queue; CONSUMERS threads take them, square them and append the squares\n"
"to one shared list guarded by a mutex.  The sum is checked against\n"
"n(n+1)(2n+1)/6.\n"
"\n"
"  -n, --tasks TASKS          numbers to square, 0..4294967295 (default 10)\n"
"  -c, --consumers CONSUMERS  consumer threads, 1..256 (default 3)\n"
"  -s, --capacity CAPACITY    queue slots, 1..1048576 (default 65536)\n"
"  -k, --batch BATCH          tasks moved per lock by the producer and by\n"
"                             each consumer, 1..1024 (default 1)\n"
"  -q, --quiet                print only the summary\n"
"      --json                 print the summary as one JSON object\n"
"      --racy                 append WITHOUT the lock, to see results lost\n"
"                             (wrong on purpose: a lesson, not a mode)\n"
"  -h, --help                 show this help\n"
"  -V, --version              show the version\n"
"\n"
"Each step is printed when TASKS is at most 20, and then each task also\n"
"takes a consumer 20 ms of simulated work, as a real job would: the\n"
"consumers share the work instead of the first one taking it all.\n"
"Ctrl-C stops the producer; the consumers finish what is queued and the\n"
"summary follows.\n"
"\n"
"Examples:\n"
"  threading_example -n 8 -c 2 -s 2\n"
"  threading_example -n 10000000 -c 2 -q\n"
"  threading_example -n 1000000 -c 2 --racy\n";

static void parse_options(int argc, char **argv, struct config *cfg)
{
    static const struct option longopts[] = {
        { "tasks", required_argument, NULL, 'n' },
        { "consumers", required_argument, NULL, 'c' },
        { "capacity", required_argument, NULL, 's' },
        { "batch", required_argument, NULL, 'k' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        { "racy", no_argument, NULL, 'r' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    const char *name;
    int c;

    *cfg = (struct config){ .tasks = 10, .consumers = 3, .capacity = DEFAULT_CAPACITY,
                            .batch = 1 };
    while ((c = cli_next_option(argc, argv, ":n:c:s:k:qhV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'n': cfg->tasks = cli_parse_u64(name, optarg, 0, UINT32_MAX); break;
        case 'c': cfg->consumers = (unsigned)cli_parse_u64(name, optarg, 1, MAX_CONSUMERS); break;
        case 's': cfg->capacity = cli_parse_u64(name, optarg, 1, 1 << 20); break;
        case 'k': cfg->batch = (unsigned)cli_parse_u64(name, optarg, 1, MAX_BATCH); break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        case 'r': cfg->racy = true; break;
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    cfg->steps = !cfg->quiet && !cfg->json && cfg->tasks <= STEP_LIMIT;
    cfg->progress = !cfg->quiet && !cfg->json && !cfg->steps && cli_progress_wanted(stderr);
}

/* The producer: 1..TASKS into the queue, BATCH per lock, then close it. */
static void *produce(void *arg)
{
    struct shared *sh = arg;
    uint64_t tasks[MAX_BATCH], next = 1;

    while (next <= sh->cfg->tasks && !stop_signal()) {
        size_t n = 0;

        while (n < sh->cfg->batch && next + n <= sh->cfg->tasks) {
            tasks[n] = next + n;
            n++;
        }
        for (size_t i = 0; sh->cfg->steps && i < n; i++)
            printf("producer:   putting %" PRIu64 "\n", tasks[i]);
        /* Blocks while the queue is full: memory stays bounded. */
        n = bqueue_counted_put_many(&sh->queue, tasks, n);
        next += n;
    }
    sh->produced = next - 1;
    /* The one shutdown message: consumers drain the queue, then stop. */
    bqueue_counted_close(&sh->queue);
    return NULL;
}

/*
 * A small run shows its steps, and each task then takes some time, as
 * the course's Python does with time.sleep(): squaring alone is so fast
 * that the first consumer to wake would take every task before the
 * others were scheduled, and the output would not show the sharing.
 */
static void simulate_work(void)
{
    struct timespec ts = { 0, STEP_WORK_MS * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_signal())
        ;
}

/* Append what a consumer holds to the shared list, under its lock. */
static void flush(struct consumer *me, uint64_t *squares, size_t *held)
{
    results_append(&me->sh->results, squares, *held, !me->sh->cfg->racy);
    *held = 0;
}

/*
 * A consumer: take, square, append to the shared list, until closed.
 * The lesson is take -> square -> append under the lock.  Speed only
 * (skip it aloud): squares are appended APPEND_CHUNK at a time, so that
 * the list's lock is taken once per chunk rather than once per task (and
 * the rest at the end).  Nobody reads the list before the threads are
 * joined, so a consumer asleep with a part-filled chunk holds up no one.
 * bench/plain_queue.c is the textbook version, one task per lock.
 */
static void *consume(void *arg)
{
    struct consumer *me = arg;
    const struct config *cfg = me->sh->cfg;
    uint64_t tasks[MAX_BATCH], squares[MAX_BATCH + APPEND_CHUNK];
    size_t n, held = 0;
    uint64_t taken = 0;

    while ((n = bqueue_counted_get_many(&me->sh->queue, tasks, cfg->batch)) > 0) {
        for (size_t i = 0; i < n; i++) {
            squares[held++] = tasks[i] * tasks[i];  /* < 2^64: tasks < 2^32 */
            if (cfg->steps) {
                printf("consumer %u: took %" PRIu64 ", squared it: %" PRIu64 "\n",
                       me->id, tasks[i], tasks[i] * tasks[i]);
                simulate_work();
            }
        }
        taken += n;
        if (held >= APPEND_CHUNK || cfg->steps)
            flush(me, squares, &held);
    }
    flush(me, squares, &held);          /* closed and drained: the rest */
    me->sh->taken[me->id - 1] = taken;
    return NULL;
}

/* Start the consumers.  Returns how many started; *err says why not all. */
static unsigned start_consumers(struct consumer *cons, struct shared *sh, int *err)
{
    unsigned i;

    for (i = 0; i < sh->cfg->consumers; i++) {
        cons[i] = (struct consumer){ .id = i + 1, .sh = sh };
        *err = thread_start(&cons[i].thread, NULL, consume, &cons[i]);
        if (*err != 0)
            break;
    }
    return i;
}

/* Join the producer; on a terminal, meanwhile, a line each second of how
 * many results are stored (dd status=progress does the same). */
static void join_producer(pthread_t producer, struct shared *sh, uint64_t start)
{
    struct progress bar;
    struct timespec until;
    char line[128];

    if (!sh->cfg->progress) {
        pthread_join(producer, NULL);
        return;
    }
    progress_start(&bar, sh->cfg->tasks, "tasks", start);
    do {
        clock_gettime(CLOCK_REALTIME, &until);      /* the clock timedjoin reads */
        until.tv_sec += 1;
        if (progress_due(&bar, results_count(&sh->results), timing_now_ns(), line,
                         sizeof(line)))
            cli_progress_show(stderr, line);
    } while (pthread_timedjoin_np(producer, NULL, &until) == ETIMEDOUT);
    cli_progress_clear(stderr);
}

/*
 * The result list holds every square: refuse up front when it cannot
 * fit in the memory this machine has left, rather than grow until the
 * machine runs out.  Says so, with what it would need.
 */
static bool results_too_big(uint64_t tasks)
{
    uint64_t need = (tasks + 1) * sizeof(uint64_t), avail = sysmem_available();
    char a[16], b[16];

    if (avail == 0 || need <= avail)
        return false;
    cli_error(0, "-n %" PRIu64 ": the list of results needs %s, and this machine has "
              "%s available (ask for fewer tasks)", tasks, sysmem_format(need, a),
              sysmem_format(avail, b));
    return true;
}

/* The queue and the result list.  0, or -1 (said why; nothing to free). */
static int shared_init(struct shared *sh)
{
    const struct config *cfg = sh->cfg;
    int err;

    if ((err = bqueue_counted_init(&sh->queue, cfg->capacity)) != 0) {
        cli_error(err, "queue of %zu slots", cfg->capacity);
        return -1;
    }
    if (results_too_big(cfg->tasks))
        err = -1;
    else if ((err = results_init(&sh->results, cfg->tasks)) != 0)
        cli_error(err, "result list of %" PRIu64 " entries", cfg->tasks);
    else if ((sh->taken = calloc(cfg->consumers, sizeof(*sh->taken))) == NULL) {
        err = errno;
        cli_error(err, "consumers");
        results_destroy(&sh->results);
    }
    if (err != 0)
        bqueue_counted_destroy(&sh->queue);
    return err != 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct config cfg;
    struct shared sh = { .cfg = &cfg };
    struct consumer *cons = NULL;
    pthread_t producer;
    unsigned started = 0;
    int err, status = 1;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);    /* exits 0 on --help, 2 on misuse */

    /* 1. Protect: Ctrl-C reaches main() only (thread_start blocks it in the others). */
    if (stop_catch_signals() != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    /* 2. The shared objects: the queue and the result list, each with its lock. */
    if (shared_init(&sh) != 0)
        return 1;
    cons = calloc(cfg.consumers, sizeof(*cons));
    if (cons == NULL) {
        cli_error(errno, "consumers");
        goto out;
    }
    /* 3. Consumers first: they wait on the empty queue, ready for task 1. */
    uint64_t start = timing_now_ns();
    started = start_consumers(cons, &sh, &err);
    /* 4. Then the producer; if anything failed, close the queue instead. */
    if (started < cfg.consumers ||
        (err = thread_start(&producer, NULL, produce, &sh)) != 0) {
        cli_error(err, "pthread_create");
        bqueue_counted_close(&sh.queue);
        goto out_join;
    }
    /* 5. Wait: the producer closes the queue, the consumers drain it. */
    join_producer(producer, &sh, start);
    for (unsigned i = 0; i < started; i++)
        pthread_join(cons[i].thread, NULL);
    started = 0;
    struct summary sum = { .tasks = cfg.tasks, .consumers = cfg.consumers,
                           .capacity = cfg.capacity, .batch = cfg.batch, .racy = cfg.racy,
                           .steps = cfg.steps, .produced = sh.produced, .taken = sh.taken,
                           .results = &sh.results, .seconds = timing_seconds_since(start),
                           .sum = results_sum(&sh.results) };

    /* 6. Report: every result stored exactly once? */
    sum.ok = sh.results.len == sh.produced && sum.sum == u128_sum_of_squares(sh.produced);
    summary_print(&sum, cfg.json);
    status = sum.ok ? 0 : 1;
out_join:
    for (unsigned i = 0; i < started; i++)
        pthread_join(cons[i].thread, NULL);
out:
    free(cons);
    free(sh.taken);
    results_destroy(&sh.results);
    bqueue_counted_destroy(&sh.queue);
    return status;
}
