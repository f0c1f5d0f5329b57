/*
 * ipc_multiprocess - the three jobs of ipc_multiprocess, each run by its own process
 * (or, with --stage, alone on stdin/stdout), and what joins them: the
 * options (ipc_multiprocess.c), the pipes (plumbing.c), --stage (stage.c).
 *
 * Each role reads and writes only the descriptors it is given, prints
 * its steps when 'steps' is set, reports its own failures on stderr,
 * and returns the process's exit status (0 or 1).  None of them exits.
 */
#ifndef KIT_IPC_MULTIPROCESS_H
#define KIT_IPC_MULTIPROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "u128.h"

enum { MAX_WORKERS = 128 };

enum role { ROLE_NONE, ROLE_GENERATE, ROLE_SQUARE, ROLE_STORE };

/* The command line, parsed. */
struct ipc_config {
    uint64_t count;
    unsigned workers;
    unsigned batch;
    bool quiet;
    bool json;
    enum role stage;            /* --stage: run one role on stdin/stdout */
    uint64_t progress_of;       /* a progress line on the terminal: of count; 0: none */
};

/* What the storage knows at the end, sent to the parent over a pipe. */
struct storage_report {
    uint64_t received;      /* squares that arrived */
    u128 sum;               /* their sum */
    uint64_t generated;     /* numbers the generator made (from the end mark) */
    uint32_t inputs;        /* input streams read */
    uint32_t ended;         /* inputs that ended with the end mark */
    uint32_t interrupted;   /* the end mark said the generator was stopped */
    uint32_t max_batch;     /* most squares seen in one frame */
};

/*
 * Generate 1..count in frames of up to 'batch' numbers, dealt round
 * robin to the 'nout' descriptors, then an end frame on each.  Stops
 * early, with an interrupted end frame, once stop_signal().
 */
int generator_run(const int *out_fds, unsigned nout, uint64_t count,
                  unsigned batch, bool steps);

/* Square every number read from 'in_fd'; pass the end frame on. */
int worker_run(int in_fd, int out_fd, unsigned id, bool steps);

/*
 * Add up the squares read from 'nin' descriptors until each ends, and
 * fill *rep.  Returns 1 if an input held garbage or failed to read,
 * 0 otherwise (an input cut short is not the storage's failure: *rep
 * tells it, and the summary says so).  With 'progress_of' > 0, a line
 * on the terminal each second says how many of those have arrived.
 */
int storage_run(const int *in_fds, unsigned nin, bool steps, uint64_t progress_of,
                struct storage_report *rep);

/* options.c: parse the command line into *cfg; exits 0 on --help and
 * --version, 2 on misuse (one line on stderr). */
void options_parse(int argc, char **argv, struct ipc_config *cfg);

/* child.c: the processes the parent forks, one per role. */
struct child {
    enum role role;             /* ROLE_GENERATE, ROLE_SQUARE or ROLE_STORE */
    unsigned id;                /* worker number, from 1; 0 for the others */
    pid_t pid;
    int status;                 /* from waitpid */
    bool reaped;
};

/* "generator", "worker 3", "storage": how messages name a child (a
 * static buffer: use it before the next call). */
const char *child_label(const struct child *kid);

/* Name the calling process as ps and top show it: "ipc-worker-3". */
void child_name_process(const struct child *kid);

/* The child of 'pid' among 'n' in 'kids', or NULL. */
struct child *child_find(struct child *kids, unsigned n, pid_t pid);

/* Say on stderr which children failed and how.  Returns how many did. */
unsigned child_report_failures(const struct child *kids, unsigned n);

/* plumbing.c: the pipes, generator -> worker i -> storage -> parent (the report). */
struct plumbing {
    unsigned workers;
    int (*task)[2];             /* [i][1] generator writes, [i][0] worker i reads */
    int (*result)[2];           /* [i][1] worker i writes, [i][0] storage reads */
    int report[2];              /* storage writes its totals, the parent reads */
};

/* Make every pipe up front, close-on-exec.  Returns 0, or -1 with errno
 * set (what was made is freed by plumbing_free). */
int plumbing_open(struct plumbing *p, unsigned workers);

/*
 * The pipe ends that 'role' (worker 'id', from 1) keeps, into 'keep'
 * (room for MAX_WORKERS + 1); returns how many.  The generator writes
 * every task pipe; worker i reads task pipe i and writes result pipe i;
 * the storage reads every result pipe, then writes the report.
 */
size_t plumbing_role_ends(const struct plumbing *p, enum role role, unsigned id,
                          int *keep);

/* Close every pipe end except the 'nkeep' in 'keep'. */
void plumbing_keep_only(struct plumbing *p, const int *keep, size_t nkeep);

/* Close every end still open and free the arrays. */
void plumbing_free(struct plumbing *p);

/* stage.c: --stage ROLE, the role's name to its enum (a usage error otherwise). */
enum role stage_parse(const char *name);

/* Run one role alone, stdin to stdout; returns the exit status. */
int stage_run(const struct ipc_config *cfg);

#endif
