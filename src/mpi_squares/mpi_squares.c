/*
 * mpi_squares - the job of ipc_multiprocess, run by Open MPI: on one
 * machine, on the lab's nodes, on a cluster.
 *
 * Lesson: when one machine is not enough, the field does not write its
 * own launcher, placement and transport; it uses an engine.  mpirun
 * starts N copies of this program (ranks), on one machine or many, and
 * MPI carries their messages, over shared memory or TCP.  --pipeline
 * (the default) is ipc_multiprocess's picture with ranks for processes
 * and messages for pipes: pipeline.c is the lesson, blocking MPI_Send
 * and MPI_Recv (--blocking runs it), and pipeline_overlap.c the same
 * with a few messages in flight, two to four times the rate, which runs
 * unless --blocking is given; --reduce is how MPI would rather
 * do it: every rank squares its share, one MPI_Reduce adds them up
 * (reduce.c).  Either way the sum is exact and checked.
 *
 * Faults: the job is all or nothing.  A rank that dies ends the whole
 * job (mpirun says which); --timeout bounds a job that would hang.
 *
 * Usage: mpirun -np N mpi_squares [-n COUNT] [-b BATCH] [--pipeline [--blocking]|--reduce] ...
 * See also: ipc_multiprocess, the same job with processes and pipes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "mpi_squares.h"
#include "stop.h"
#include "timing.h"

enum { STEP_LIMIT = 20, MAX_BATCH = 65536, TIMEOUT_QUIET_S = 5 };

static const char usage_text[] =
"Usage: mpi_squares [-n COUNT] [-b BATCH] [--pipeline [--blocking] | --reduce]\n"
"                   [--timeout SECONDS] [--progress] [-q] [--json]\n"
"       started by mpirun: mpirun -np RANKS mpi_squares ...\n"
"\n"
"The job of ipc_multiprocess with MPI ranks for processes: squares 1..COUNT\n"
"and checks the exact sum against n(n+1)(2n+1)/6.\n"
"\n"
"      --pipeline          rank 0 generates, ranks 1..RANKS-2 square, the last\n"
"                          rank stores: at least 3 ranks (the default)\n"
"      --blocking          --pipeline with blocking MPI_Send and MPI_Recv, one\n"
"                          message at a time (pipeline.c, the lesson); without\n"
"                          it, a few in flight (pipeline_overlap.c, faster)\n"
"      --reduce            every rank squares its share; MPI_Reduce adds them\n"
"  -n, --count COUNT       numbers to square, 0..4294967296 (default 10)\n"
"  -b, --batch BATCH       numbers per message, 1..65536 (default 1)\n"
"      --timeout SECONDS   end the whole job if it is not done by then\n"
"                          (default: no limit)\n"
"      --progress          a line each second: how far, the rate, the time left\n"
"                          (asked for: under mpirun every rank's output is a\n"
"                          terminal, even when mpirun's own is a pipe)\n"
"  -q, --quiet             print only the summary\n"
"      --json              print the summary as one JSON object\n"
"  -h, --help              show this help (no mpirun needed)\n"
"  -V, --version           show the version\n"
"\n"
"Each step is printed, with its rank, host and pid, when COUNT is at most 20.\n"
"\n"
"Examples:\n"
"  mpirun -np 4 mpi_squares -n 8\n"
"  mpirun -np 3 mpi_squares -n 100000000 -b 1024 -q\n"
"  mpirun -np 2 mpi_squares --reduce -n 1000000000 -q\n";

/*
 * The rank mpirun gave this process, before MPI_Init: only rank 0 says
 * what is wrong with the command line, not every copy of the program.
 */
static int launcher_rank(void)
{
    const char *r = getenv("OMPI_COMM_WORLD_RANK");     /* Open MPI */

    if (r == NULL)
        r = getenv("PMI_RANK");                         /* MPICH's hydra */
    if (r == NULL)
        r = getenv("PMIX_RANK");                        /* any PMIx launcher */

    return r != NULL ? atoi(r) : 0;
}

static void parse_options(int argc, char **argv, struct mpi_config *cfg)
{
    static const struct option longopts[] = {
        { "count", required_argument, NULL, 'n' },
        { "batch", required_argument, NULL, 'b' },
        { "pipeline", no_argument, NULL, 'P' },
        { "reduce", no_argument, NULL, 'R' },
        { "blocking", no_argument, NULL, 'B' },
        { "timeout", required_argument, NULL, 'T' },
        { "progress", no_argument, NULL, 'G' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    const char *name;
    int c, mode = 0;                    /* 'P' or 'R' once given: the other is refused */
    int saved_stderr = -1, null;

    *cfg = (struct mpi_config){ .count = 10, .batch = 1 };
    if (launcher_rank() != 0 && (null = open("/dev/null", O_WRONLY)) >= 0) {
        saved_stderr = dup(STDERR_FILENO);  /* a usage error: rank 0 says it, once */
        dup2(null, STDERR_FILENO);
        close(null);
    }
    while ((c = cli_next_option(argc, argv, ":n:b:qhV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'n': cfg->count = cli_parse_u64(name, optarg, 0, 1ULL << 32); break;
        case 'b': cfg->batch = (unsigned)cli_parse_u64(name, optarg, 1, MAX_BATCH); break;
        case 'P':
        case 'R':
            if (mode != 0 && mode != c)
                cli_usage_error("--pipeline and --reduce: one mode or the other");
            mode = c;
            cfg->reduce = c == 'R';
            break;
        case 'B': cfg->blocking = true; break;
        case 'T': cfg->timeout_s = (unsigned)cli_parse_u64(name, optarg, 1, 86400); break;
        case 'G': cfg->progress = true; break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (cfg->blocking && cfg->reduce)
        cli_usage_error("--blocking is how --pipeline sends; --reduce sends no numbers");
    if (saved_stderr >= 0) {            /* any later error, every rank says */
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
    }
}

/* --timeout: a watchdog of our own.  The rank that fires ends, and mpirun
 * then ends the whole job, on every node.  Every rank fires at once, and
 * rank 0 alone says so: the others first leave mpirun time to end them
 * (SIGTERM now ends them silently: it comes about a second after rank 0
 * ends), and speak only if it does not (rank 0 was given no --timeout, or
 * is cut off). */
static volatile sig_atomic_t alarm_speaks = 1;     /* rank 0 */

static void on_alarm(int sig)
{
    static const char msg[] = ": --timeout: the job is not done in time; ending it\n";
    const char *prog = cli_prog();

    (void)sig;
    if (!alarm_speaks) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        struct timespec wait = { .tv_sec = TIMEOUT_QUIET_S };

        sigaction(SIGTERM, &dfl, NULL);
        sigaction(SIGINT, &dfl, NULL);
        while (nanosleep(&wait, &wait) != 0 && errno == EINTR)
            ;
    }
    if (write(STDERR_FILENO, prog, strlen(prog)) < 0 ||
        write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* Nothing more to say it with. */
    }
    _exit(1);
}

/* Every rank's name, host and address, gathered on 'root' (others: NULL). */
static struct whoami *gather_nodes(const struct whoami *me, int root)
{
    struct whoami *all = me->rank == root ? calloc((size_t)me->size, sizeof(*all)) : NULL;

    MPI_Gather(me, (int)sizeof(*me), MPI_BYTE, all, (int)sizeof(*me), MPI_BYTE, root,
               MPI_COMM_WORLD);
    return all;
}

static bool result_ok(const struct mpi_result *r)
{
    return r->ended == r->workers && r->received == r->generated &&
           r->sum == u128_sum_of_squares(r->generated);
}

static void print_json(const struct mpi_config *cfg, const struct mpi_result *r,
                       const struct whoami *all, int size, double seconds)
{
    struct json j;

    json_init(&j);
    json_event_begin(&j, "summary", "mpi_squares");
    json_str(&j, "mode", cfg->reduce ? "reduce" : "pipeline");
    json_u64(&j, "count", cfg->count);
    json_u64(&j, "ranks", (uint64_t)size);
    json_u64(&j, "workers", r->workers);
    json_u64(&j, "batch", cfg->batch);
    json_u64(&j, "results", r->received);
    json_u128(&j, "sum", r->sum);
    json_u128(&j, "expected_sum", u128_sum_of_squares(r->generated));
    json_bool(&j, "ok", result_ok(r));
    json_bool(&j, "interrupted", r->generated < cfg->count);
    json_double(&j, "seconds", seconds, 6);
    json_double(&j, "per_sec", timing_rate(r->received, seconds), 0);
    json_array_begin(&j, "nodes");
    for (int i = 0; all != NULL && i < size; i++) {
        json_object_begin(&j, NULL);
        json_i64(&j, "rank", all[i].rank);
        json_str(&j, "host", all[i].host);
        json_str(&j, "addr", all[i].addr);
        json_i64(&j, "pid", all[i].pid);
        json_object_end(&j);
    }
    json_array_end(&j);
    cli_print_json(&j);
}

/* The summary, on the rank that holds the result: the lines of ipc_multiprocess, and the ranks. */
static void print_summary(const struct mpi_config *cfg, const struct mpi_result *r,
                          const struct whoami *all, int size, double seconds)
{
    char sum[U128_DEC_SIZE], expected[U128_DEC_SIZE];

    if (cfg->json) {
        print_json(cfg, r, all, size, seconds);
        return;
    }
    u128_format(r->sum, sum);
    u128_format(u128_sum_of_squares(r->generated), expected);
    if (r->generated < cfg->count)      /* a stop, or a worker short of its end mark */
        printf("stopped      after %llu of %llu numbers (interrupted)\n",
               (unsigned long long)r->generated, (unsigned long long)cfg->count);
    if (cfg->reduce)
        printf("received     %llu of %llu squares (%u ranks, each its share, one MPI_Reduce)\n",
               (unsigned long long)r->received, (unsigned long long)r->generated, r->workers);
    else if (r->max_batch == 0)     /* -n 0: no number, no message */
        printf("received     0 of 0 squares (%u worker%s, nothing to send)\n", r->workers,
               r->workers == 1 ? "" : "s");
    else
        printf("received     %llu of %llu squares (%u worker%s, up to %u per message)\n",
               (unsigned long long)r->received, (unsigned long long)r->generated, r->workers,
               r->workers == 1 ? "" : "s", r->max_batch);
    printf("sum          %s\n", sum);
    printf("expected     %s  (n(n+1)(2n+1)/6 for n = %llu)\n", expected,
           (unsigned long long)r->generated);
    printf("result       %s\n", result_ok(r) ? "OK" : "MISMATCH");
    printf("elapsed      %.3f s, %.0f numbers/s\n", seconds, timing_rate(r->received, seconds));
    for (int i = 0; all != NULL && i < size; i++)
        printf("rank %-7d %s (%s), pid %d\n", all[i].rank, all[i].host, all[i].addr,
               all[i].pid);
}

/* Who am I: rank, size, host, address, pid. */
static void identify(struct whoami *me)
{
    memset(me, 0, sizeof(*me));
    MPI_Comm_rank(MPI_COMM_WORLD, &me->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &me->size);
    me->pid = (int)getpid();
    gethostname(me->host, sizeof(me->host) - 1);
    net_first_ipv4(me->addr);
}

int main(int argc, char **argv)
{
    struct mpi_config cfg;
    struct mpi_result res = { 0 };
    struct whoami me, *all;
    int status, reporter;
    uint64_t start;
    bool steps;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);    /* --help, --version: no MPI needed */

    /* 1. A watchdog: a job that hangs is ended, not waited for (armed
     *    first: joining the job can hang too, when a node is cut). */
    if (cfg.timeout_s > 0) {
        alarm_speaks = launcher_rank() == 0;
        signal(SIGALRM, on_alarm);
        alarm(cfg.timeout_s);
    }
    /* 2. Join the job: mpirun started this copy; MPI says which rank it is.
     *    (Speed only: ranks on one machine copy a batch through shared
     *    memory, not by process_vm_readv, a system call per message that
     *    costs more than the copy at these sizes; your own setting wins.) */
    setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 0);
    signal(SIGPIPE, SIG_IGN);   /* a dead peer's socket: an error MPI names, not a silent end */
    MPI_Init(&argc, &argv);
    identify(&me);
    /*    Ctrl-C: mpirun passes it on to every rank as SIGTERM; the
     *    generator (or every rank, in --reduce) stops early, the others
     *    finish what is in flight, and the summary says how far it got. */
    stop_catch_signals();
    if (!cfg.reduce && me.size < 3) {
        if (me.rank == RANK_ROOT)
            cli_usage_report("--pipeline needs 3 ranks or more (a generator, a worker, "
                             "a storage); this job has %d: mpirun -np 3 ...", me.size);
        MPI_Finalize();
        return CLI_EXIT_USAGE;
    }
    /* 3. The lesson: this rank's part of the job. */
    steps = !cfg.quiet && !cfg.json && cfg.count <= STEP_LIMIT;
    /*    (--progress only when asked: Open MPI gives each rank a terminal
     *    for its output even when mpirun's own goes to a pipe or a file.) */
    cfg.progress = cfg.progress && !cfg.quiet && !cfg.json && !steps;
    MPI_Barrier(MPI_COMM_WORLD);
    start = timing_now_ns();
    if (cfg.reduce)
        status = reduce_run(&cfg, &me, steps, &res);
    else if (cfg.blocking)      /* the lesson as written: MPI_Send, MPI_Recv */
        status = pipeline_run(&cfg, &me, steps, &res);
    else                        /* the same, messages in flight (speed only) */
        status = pipeline_overlap_run(&cfg, &me, steps, &res);
    if (status != 0)
        MPI_Abort(MPI_COMM_WORLD, 1);   /* one rank cannot go on: nor can the job */

    /* 4. The rank that holds the result reports it, with where every rank ran. */
    reporter = cfg.reduce ? RANK_ROOT : me.size - 1;
    fflush(stdout);
    all = gather_nodes(&me, reporter);
    if (me.rank == reporter)
        print_summary(&cfg, &res, all, me.size, timing_seconds_since(start));
    free(all);
    status = me.rank == reporter && !result_ok(&res);
    MPI_Finalize();
    return status;
}
