/*
 * ipc_multiprocess - a generator, workers and a storage process joined by pipes.
 *
 * Lesson: processes share nothing but what they send each other.  The
 * parent makes the pipes, forks one process per role, and each child
 * keeps only the pipe ends it uses: a reader sees end-of-file only
 * when every write end is closed, so one forgotten descriptor means a
 * hang.  If a child dies, the others see EOF or EPIPE and finish, and
 * the parent, which reaps them all, says who died and how.
 *
 * Usage: ipc_multiprocess [-n COUNT] [-w WORKERS] [-b BATCH] [-q] [--json]
 *        ipc_multiprocess --stage generate|square|store [-n COUNT] [-b BATCH]
 * See also: threading_example, the same job with threads and shared memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "frame.h"
#include "io.h"
#include "proc.h"
#include "timing.h"
#include "ipc_multiprocess.h"
#include "summary.h"

enum { STEP_LIMIT = 20, MAX_WORKERS = 128, PIPE_SIZE = 1 << 20 };

enum role { ROLE_NONE, ROLE_GENERATE, ROLE_SQUARE, ROLE_STORE };

struct ipc_config {
    uint64_t count;
    unsigned workers;
    unsigned batch;
    bool quiet;
    bool json;
    enum role stage;            /* --stage: run one role on stdin/stdout */
    uint64_t progress_of;       /* a progress line on the terminal: of count; 0: none */
};

/* The pipes: generator -> worker i -> storage -> parent (the report). */
struct plumbing {
    unsigned workers;
    int (*task)[2];             /* [i][1] generator writes, [i][0] worker i reads */
    int (*result)[2];           /* [i][1] worker i writes, [i][0] storage reads */
    int report[2];              /* storage writes its totals, the parent reads */
};

struct child {
    enum role role;             /* ROLE_GENERATE, ROLE_SQUARE or ROLE_STORE */
    unsigned id;                /* worker number, from 1; 0 for the others */
    pid_t pid;
    int status;                 /* from waitpid */
    bool reaped;
};

static const char usage_text[] =
"Usage: ipc_multiprocess [-n COUNT] [-w WORKERS] [-b BATCH] [-q] [--json]\n"
"       ipc_multiprocess --stage generate|square|store [-n COUNT] [-b BATCH]\n"
"\n"
"A generator process sends the numbers 1..COUNT through pipes to WORKERS\n"
"worker processes, which square them and send the squares to a storage\n"
"process, which adds them up.  The sum is checked against n(n+1)(2n+1)/6.\n"
"\n"
"  -n, --count COUNT      numbers to square, 0..4294967296 (default 10)\n"
"  -w, --workers WORKERS  worker processes, 1..128 (default 1)\n"
"  -b, --batch BATCH      numbers per write, 1..65536 (default 1)\n"
"  -q, --quiet            print only the summary\n"
"      --json             print the summary as one JSON object (with\n"
"                         --stage, only store has one)\n"
"      --stage ROLE       run one role alone, stdin to stdout, so that the\n"
"                         shell can build the same pipeline\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Each step is printed when COUNT is at most 20.  Ctrl-C stops the run\n"
"with a summary of what was done.\n"
"\n"
"Examples:\n"
"  ipc_multiprocess -n 5 -w 2\n"
"  ipc_multiprocess -n 100000000 -b 1024 -q\n"
"  ipc_multiprocess --stage generate -n 1000 | ipc_multiprocess --stage square |\n"
"      ipc_multiprocess --stage store\n";

static enum role parse_role(const char *name)
{
    if (strcmp(name, "generate") == 0)
        return ROLE_GENERATE;
    if (strcmp(name, "square") == 0)
        return ROLE_SQUARE;
    if (strcmp(name, "store") == 0)
        return ROLE_STORE;
    cli_usage_error("--stage: '%s' is not generate, square or store", name);
}

static void parse_options(int argc, char **argv, struct ipc_config *cfg)
{
    static const struct option longopts[] = {
        { "count", required_argument, NULL, 'n' },
        { "workers", required_argument, NULL, 'w' },
        { "batch", required_argument, NULL, 'b' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        { "stage", required_argument, NULL, 's' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    const char *name;
    int c;

    *cfg = (struct ipc_config){ .count = 10, .workers = 1, .batch = 1 };
    while ((c = cli_next_option(argc, argv, ":n:w:b:qhV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'n': cfg->count = cli_parse_u64(name, optarg, 0, 1ULL << 32); break;
        case 'w': cfg->workers = (unsigned)cli_parse_u64(name, optarg, 1, MAX_WORKERS); break;
        case 'b': cfg->batch = (unsigned)cli_parse_u64(name, optarg, 1, FRAME_MAX_BATCH); break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        case 's': cfg->stage = parse_role(optarg); break;
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (cfg->json && (cfg->stage == ROLE_GENERATE || cfg->stage == ROLE_SQUARE))
        cli_usage_error("--json: --stage %s writes frames, not a summary "
                        "(--json goes with --stage store)",
                        cfg->stage == ROLE_GENERATE ? "generate" : "square");
    if (!cfg->quiet && !cfg->json && cli_progress_wanted(stderr))
        cfg->progress_of = cfg->count;
}

/* Make every pipe up front, close-on-exec.  Returns 0 or -1 with errno. */
static int plumbing_open(struct plumbing *p, unsigned workers)
{
    p->report[0] = p->report[1] = -1;
    p->task = calloc(workers, sizeof(*p->task));
    p->result = calloc(workers, sizeof(*p->result));
    if (p->task == NULL || p->result == NULL)
        return -1;
    p->workers = workers;
    for (unsigned i = 0; i < workers; i++)
        p->task[i][0] = p->task[i][1] = p->result[i][0] = p->result[i][1] = -1;
    for (unsigned i = 0; i < workers; i++) {
        if (pipe2(p->task[i], O_CLOEXEC) != 0 || pipe2(p->result[i], O_CLOEXEC) != 0)
            return -1;
        /*
         * A bigger pipe lets a writer run further ahead before it must
         * sleep, so big batches cost fewer context switches.  Only a
         * hint, and only for a few workers: a user's pipes share a
         * budget (/proc/sys/fs/pipe-user-pages-soft).  Refusal is fine.
         */
        if (workers <= 8) {
            fcntl(p->task[i][1], F_SETPIPE_SZ, PIPE_SIZE);
            fcntl(p->result[i][1], F_SETPIPE_SZ, PIPE_SIZE);
        }
    }
    return pipe2(p->report, O_CLOEXEC);
}

static void close_unless_kept(int *fd, const int *keep, size_t nkeep)
{
    for (size_t k = 0; k < nkeep; k++)
        if (keep[k] == *fd)
            return;
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Close every pipe end except those in 'keep' (see spawn for why). */
static void plumbing_keep_only(struct plumbing *p, const int *keep, size_t nkeep)
{
    for (unsigned i = 0; i < p->workers; i++)
        for (int end = 0; end < 2; end++) {
            close_unless_kept(&p->task[i][end], keep, nkeep);
            close_unless_kept(&p->result[i][end], keep, nkeep);
        }
    for (int end = 0; end < 2; end++)
        close_unless_kept(&p->report[end], keep, nkeep);
}

static void plumbing_free(struct plumbing *p)
{
    plumbing_keep_only(p, NULL, 0);
    free(p->task);
    free(p->result);
}

/* "generator", "worker 3", "storage": how messages name a child. */
static const char *child_label(const struct child *kid)
{
    static char label[32];

    if (kid->role == ROLE_SQUARE)
        snprintf(label, sizeof(label), "worker %u", kid->id);
    else
        snprintf(label, sizeof(label), "%s",
                 kid->role == ROLE_GENERATE ? "generator" : "storage");
    return label;
}

/* Where the signals of a child go: see the comments at each role. */
static void child_signals(const struct child *kid, const sigset_t *orig_mask)
{
    signal(SIGCHLD, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (kid->role == ROLE_GENERATE)
        cli_catch_stop_signals();       /* Ctrl-C: stop early, end mark says so */
    else
        signal(SIGINT, SIG_IGN);        /* Ctrl-C: finish what the generator sent */
    sigprocmask(SIG_SETMASK, orig_mask, NULL);
}

/*
 * The pipe ends a role keeps, into 'keep'; returns how many.  The
 * generator writes every task pipe; worker i reads task pipe i and
 * writes result pipe i; the storage reads every result pipe and writes
 * the report to the parent.
 */
static size_t role_ends(const struct child *kid, const struct plumbing *p, int *keep)
{
    size_t n = 0;

    switch (kid->role) {
    case ROLE_GENERATE:
        for (unsigned i = 0; i < p->workers; i++)
            keep[n++] = p->task[i][1];
        break;
    case ROLE_SQUARE:
        keep[n++] = p->task[kid->id - 1][0];
        keep[n++] = p->result[kid->id - 1][1];
        break;
    default:
        for (unsigned i = 0; i < p->workers; i++)
            keep[n++] = p->result[i][0];
        keep[n++] = p->report[1];
    }
    return n;
}

/* Run a child's role on the ends it kept ('fds', as role_ends gave them). */
static int run_role(const struct child *kid, const int *fds, unsigned workers,
                    const struct ipc_config *cfg, bool steps)
{
    struct storage_report rep;
    int status;

    switch (kid->role) {
    case ROLE_GENERATE:
        return generator_run(fds, workers, cfg->count, cfg->batch, steps);
    case ROLE_SQUARE:
        return worker_run(fds[0], fds[1], kid->id, steps);
    default:
        status = storage_run(fds, workers, steps, steps ? 0 : cfg->progress_of, &rep);
        if (io_write_all(fds[workers], &rep, sizeof(rep)) != 0)
            status = 1;
        return status;
    }
}

/* What ps and top show for a child: "ipc-generator", "ipc-worker-3". */
static void name_process(const struct child *kid)
{
    char name[16];

    if (kid->role == ROLE_SQUARE)
        snprintf(name, sizeof(name), "ipc-worker-%u", kid->id);
    else
        snprintf(name, sizeof(name), "ipc-%.11s", child_label(kid));
    prctl(PR_SET_NAME, name);
}

/*
 * Fork one child, and the whole life of that child, in one place.
 * Returns 0 in the parent, or -1 with errno set if fork failed.
 */
static int spawn(struct child *kid, struct plumbing *p,
                 const struct ipc_config *cfg, const sigset_t *orig_mask)
{
    bool steps = !cfg->quiet && !cfg->json && cfg->count <= STEP_LIMIT;
    pid_t parent = getpid();
    int keep[MAX_WORKERS + 1];
    size_t nkeep;

    fflush(stdout);                     /* or the child prints our buffer again */
    kid->pid = fork();
    if (kid->pid < 0)
        return -1;
    if (kid->pid > 0)
        return 0;                       /* the parent: on to the next child */

    /* The child.  If the parent dies, nobody will read our results. */
    if (proc_die_with_parent(parent) != 0)
        _exit(1);
    name_process(kid);
    child_signals(kid, orig_mask);
    /*
     * Close every pipe end but our own.  A reader gets EOF only once all
     * copies of the write end are closed, and a writer EPIPE only once
     * all read ends are: an end kept by mistake turns a dead peer into
     * a hang.
     */
    nkeep = role_ends(kid, p, keep);
    plumbing_keep_only(p, keep, nkeep);
    /* Run the role, then _exit(): exit() would flush stdio buffers and
     * run atexit handlers that belong to the parent. */
    int status = run_role(kid, keep, p->workers, cfg, steps);

    fflush(stdout);
    _exit(status);
}

static void on_sigchld(int sig)
{
    (void)sig;                          /* only here to wake sigsuspend() */
}

/*
 * Ignore SIGPIPE (a dead reader costs us EPIPE, not our life), catch
 * SIGINT/SIGTERM and SIGCHLD, and block all three: they are let in
 * only inside sigsuspend() in reap_all().  The children inherit the
 * block, so no signal reaches one before it has set its own handlers.
 */
static int protect(sigset_t *orig_mask)
{
    struct sigaction sa = { .sa_handler = on_sigchld };
    sigset_t block;

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR || cli_catch_stop_signals() != 0 ||
        sigaction(SIGCHLD, &sa, NULL) != 0)
        return -1;
    return sigprocmask(SIG_BLOCK, &block, orig_mask);
}

static struct child *find_child(struct child *kids, unsigned n, pid_t pid)
{
    for (unsigned i = 0; i < n; i++)
        if (kids[i].pid == pid)
            return &kids[i];
    return NULL;
}

/*
 * Wait until every child has ended, reaping each (no zombies).  A stop
 * request is passed to the generator once; the others drain and end.
 * sigsuspend() unblocks the signals and sleeps in one atomic step, so
 * a signal cannot slip in between "anything left?" and "sleep".
 */
static void reap_all(struct child *kids, unsigned n, const sigset_t *orig_mask)
{
    unsigned left = n;
    bool forwarded = false;

    while (left > 0) {
        struct child *kid;
        pid_t pid;
        int st;

        while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
            kid = find_child(kids, n, pid);
            if (kid != NULL && !kid->reaped) {
                kid->status = st;
                kid->reaped = true;
                left--;
            }
        }
        if (pid < 0 && errno == ECHILD)
            break;
        if (cli_stop_requested() && !forwarded && !kids[0].reaped) {
            kill(kids[0].pid, cli_stop_requested());
            forwarded = true;
        }
        if (left > 0)
            sigsuspend(orig_mask);
    }
}

/* Say which children failed and how.  Returns how many did. */
static unsigned report_children(const struct child *kids, unsigned n)
{
    unsigned failed = 0;

    for (unsigned i = 0; i < n; i++) {
        const struct child *kid = &kids[i];

        if (WIFSIGNALED(kid->status)) {
            int sig = WTERMSIG(kid->status);

            cli_error(0, "%s (pid %d) was killed by signal %d (%s)",
                      child_label(kid), (int)kid->pid, sig, strsignal(sig));
            failed++;
        } else if (WIFEXITED(kid->status) && WEXITSTATUS(kid->status) != 0) {
            cli_error(0, "%s (pid %d) exited with status %d",
                      child_label(kid), (int)kid->pid, WEXITSTATUS(kid->status));
            failed++;
        }
    }
    return failed;
}

/* A binary stage refuses a terminal, as gzip does. */
static void refuse_terminal(int fd, const char *stage, const char *what)
{
    if (isatty(fd))
        cli_usage_error("--stage %s %s frames through a pipe, not a terminal",
                        stage, what);
}

/* --stage: one role alone, stdin to stdout, for a pipeline built by the shell. */
static int run_stage(const struct ipc_config *cfg)
{
    int in = STDIN_FILENO, out = STDOUT_FILENO;
    struct ipc_result res = { .workers = 1 };
    uint64_t start = timing_now_ns();
    int status;

    signal(SIGPIPE, SIG_IGN);
    if (cfg->stage == ROLE_GENERATE) {
        refuse_terminal(out, "generate", "writes");
        cli_catch_stop_signals();       /* Ctrl-C: an end mark that says so */
        return generator_run(&out, 1, cfg->count, cfg->batch, false);
    }
    refuse_terminal(in, cfg->stage == ROLE_SQUARE ? "square" : "store", "reads");
    signal(SIGINT, SIG_IGN);            /* Ctrl-C: wait for the end mark */
    if (cfg->stage == ROLE_SQUARE) {
        refuse_terminal(out, "square", "writes");
        return worker_run(in, out, 1, false);
    }
    status = storage_run(&in, 1, false, 0, &res.rep);
    if (res.rep.received == 0 && res.rep.ended == 0)
        return 1;                       /* it said why: no summary of nothing */
    res.have_report = true;
    res.count = res.rep.ended ? res.rep.generated : res.rep.received;
    res.batch = res.rep.max_batch;
    res.seconds = timing_seconds_since(start);
    summary_print(&res, cfg->json);
    return status != 0 || !summary_ok(&res);
}

int main(int argc, char **argv)
{
    struct ipc_config cfg;
    struct plumbing pipes = { 0 };
    struct child kids[MAX_WORKERS + 2];
    struct ipc_result res = { 0 };
    unsigned n = 0, started = 0;
    sigset_t orig_mask;
    int status = 1;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);    /* exits 0 on --help, 2 on misuse */
    if (cfg.stage != ROLE_NONE)
        return run_stage(&cfg);

    /* 1. Protect: EPIPE instead of SIGPIPE; signals wait for reap_all(). */
    if (protect(&orig_mask) != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    /* 2. Every pipe first, so that each child inherits the ends it needs. */
    if (plumbing_open(&pipes, cfg.workers) != 0) {
        cli_error(errno, "pipe");
        goto out;
    }
    /* 3. One process per role, in the order the data flows (spawn: the
     *    fork, and the child's whole life from there to _exit). */
    kids[n++] = (struct child){ .role = ROLE_GENERATE };
    for (unsigned i = 1; i <= cfg.workers; i++)
        kids[n++] = (struct child){ .role = ROLE_SQUARE, .id = i };
    kids[n++] = (struct child){ .role = ROLE_STORE };
    uint64_t start = timing_now_ns();
    for (; started < n; started++)
        if (spawn(&kids[started], &pipes, &cfg, &orig_mask) != 0) {
            cli_error(errno, "fork %s", child_label(&kids[started]));
            break;
        }
    /* 4. The parent only reads the report: all other ends must go. */
    plumbing_keep_only(&pipes, &pipes.report[0], 1);

    /* 5. Wait for all of them; Ctrl-C goes to the generator. */
    reap_all(kids, started, &orig_mask);
    res = (struct ipc_result){ .count = cfg.count, .workers = cfg.workers,
                               .batch = cfg.batch,
                               .seconds = timing_seconds_since(start) };

    /* 6. Report what arrived, checked, and who failed. */
    res.have_report = io_read_full(pipes.report[0], &res.rep, sizeof(res.rep)) ==
                      (ssize_t)sizeof(res.rep);
    status = report_children(kids, started) > 0 || started < n ||
             !summary_ok(&res);
    summary_print(&res, cfg.json);
out:
    plumbing_free(&pipes);
    return status;
}
