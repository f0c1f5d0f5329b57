/*
 * stats - monotonic time and rates.
 *
 * Durations are measured on CLOCK_MONOTONIC, which never jumps when
 * the wall clock is set.  Pure functions, thread-safe.
 */
#ifndef KIT_STATS_H
#define KIT_STATS_H

#include <stdint.h>

/* Nanoseconds on the monotonic clock since an arbitrary start. */
uint64_t stats_now_ns(void);

/* Seconds from 'start_ns' (a stats_now_ns() value) until now. */
double stats_seconds_since(uint64_t start_ns);

/* 'count' per second over 'seconds'; 0 when no time has passed. */
double stats_rate(uint64_t count, double seconds);

/*
 * A latency histogram with log-spaced buckets: 16 per power of two, so
 * any value is counted within 1/16 (6%) of itself, from 1 ns to hours,
 * in a fixed 8 KiB and constant time per value.  Zero it to start.
 * Not thread-safe: one per thread, merged at the end.
 */
enum { STATS_HIST_BUCKETS = 16 + 60 * 16 };

struct stats_hist {
    uint64_t counts[STATS_HIST_BUCKETS];
    uint64_t total;
    uint64_t max;               /* the largest value added, exact */
};

void stats_hist_add(struct stats_hist *h, uint64_t value);

/*
 * The value below which fraction 'q' (0..1) of the values lie, to the
 * bucket's precision (its midpoint; the exact max for q = 1).  0 when
 * the histogram is empty.
 */
uint64_t stats_hist_quantile(const struct stats_hist *h, double q);

#endif
