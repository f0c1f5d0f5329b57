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
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "stop.h"
#include "io.h"
#include "proc.h"
#include "timing.h"
#include "ipc_multiprocess.h"
#include "summary.h"

enum { STEP_LIMIT = 20 };       /* print each step up to this COUNT */

/* Where the signals of a child go: see the comments at each role. */
static void child_signals(const struct child *kid, const sigset_t *orig_mask)
{
    signal(SIGCHLD, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (kid->role == ROLE_GENERATE)
        stop_catch_signals();       /* Ctrl-C: stop early, end mark says so */
    else
        signal(SIGINT, SIG_IGN);        /* Ctrl-C: finish what the generator sent */
    sigprocmask(SIG_SETMASK, orig_mask, NULL);
}

/* Run a child's role on the ends it kept ('fds', as plumbing_role_ends gave them). */
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
    child_name_process(kid);
    child_signals(kid, orig_mask);
    /*
     * Close every pipe end but our own.  A reader gets EOF only once all
     * copies of the write end are closed, and a writer EPIPE only once
     * all read ends are: an end kept by mistake turns a dead peer into
     * a hang.
     */
    nkeep = plumbing_role_ends(p, kid->role, kid->id, keep);
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
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR || stop_catch_signals() != 0 ||
        sigaction(SIGCHLD, &sa, NULL) != 0)
        return -1;
    return sigprocmask(SIG_BLOCK, &block, orig_mask);
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
            kid = child_find(kids, n, pid);
            if (kid != NULL && !kid->reaped) {
                kid->status = st;
                kid->reaped = true;
                left--;
            }
        }
        if (pid < 0 && errno == ECHILD)
            break;
        if (stop_signal() && !forwarded && !kids[0].reaped) {
            kill(kids[0].pid, stop_signal());
            forwarded = true;
        }
        if (left > 0)
            sigsuspend(orig_mask);
    }
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
    options_parse(argc, argv, &cfg);    /* exits 0 on --help, 2 on misuse */
    if (cfg.stage != ROLE_NONE)
        return stage_run(&cfg);

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
    status = child_report_failures(kids, started) > 0 || started < n ||
             !summary_ok(&res);
    summary_print(&res, cfg.json);
out:
    plumbing_free(&pipes);
    return status;
}
