/*
 * ipc_multiprocess - the three jobs of ipc_multiprocess, each run by its own process
 * (or, with --stage, alone on stdin/stdout).
 *
 * Each role reads and writes only the descriptors it is given, prints
 * its steps when 'steps' is set, reports its own failures on stderr,
 * and returns the process's exit status (0 or 1).  None of them exits.
 */
#ifndef KIT_IPC_MULTIPROCESS_H
#define KIT_IPC_MULTIPROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "u128.h"

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
 * early, with an interrupted end frame, once cli_stop_requested().
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

#endif
