/*
 * summary - the final report of threading_example, in text or JSON (as
 * ipc_multiprocess's summary.c is for that program).
 */
#ifndef KIT_SUMMARY_H
#define KIT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "results.h"
#include "u128.h"

/* What a run asked for and what it did, measured once, for the summary. */
struct summary {
    uint64_t tasks;             /* -n: asked for */
    unsigned consumers;
    size_t capacity;
    unsigned batch;
    bool racy;
    bool steps;                 /* a small run: the list is printed too */
    uint64_t produced;          /* put into the queue */
    const uint64_t *taken;      /* per consumer, 'consumers' of them */
    const struct results *results;
    u128 sum;                   /* of the stored squares */
    double seconds;
    bool ok;                    /* every result stored exactly once */
};

/* Print the summary on stdout: an aligned block, or one JSON line. */
void summary_print(const struct summary *s, bool json);

#endif
