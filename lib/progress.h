/*
 * progress - how far a long run has got, as one line for a terminal:
 * "1234567 of 100000000 numbers (1.2%), 3.1M/s, 32 s left", like
 * dd status=progress.  It only counts and formats, once a second at
 * most; the program decides where the line goes (cli_progress_show).
 */
#ifndef KIT_PROGRESS_H
#define KIT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct progress {
    uint64_t total;             /* what the run will do; 0: unknown */
    uint64_t start_ns, next_ns; /* on timing_now_ns()'s clock */
    const char *unit;           /* "numbers", "tasks" */
};

/* A run of 'total' 'unit's that starts at 'now_ns'. */
void progress_start(struct progress *p, uint64_t total, const char *unit, uint64_t now_ns);

/*
 * Whether a line is due at 'now_ns' (a second after the last one, or
 * after the start): if so, the line for 'done' in 'buf' (cut to 'size')
 * and true.
 */
bool progress_due(struct progress *p, uint64_t done, uint64_t now_ns, char *buf, size_t size);

/* The line itself, due or not. */
void progress_format(const struct progress *p, uint64_t done, uint64_t now_ns, char *buf,
                     size_t size);

#endif
