/*
 * hist - a latency histogram with log-spaced buckets: 16 per power of
 * two, so any value is counted within 1/16 (6%) of itself, from 1 ns to
 * hours, in a fixed 8 KiB and constant time per value.  Zero it to
 * start.  Not thread-safe: one per thread, merged at the end.
 */
#ifndef KIT_HIST_H
#define KIT_HIST_H

#include <stdint.h>

enum { HIST_BUCKETS = 16 + 60 * 16 };

struct hist {
    uint64_t counts[HIST_BUCKETS];
    uint64_t total;
    uint64_t max;               /* the largest value added, exact */
};

void hist_add(struct hist *h, uint64_t value);

/*
 * The value below which fraction 'q' (0..1) of the values lie, to the
 * bucket's precision (its midpoint; the exact max for q = 1).  0 when
 * the histogram is empty.
 */
uint64_t hist_quantile(const struct hist *h, double q);

#endif
