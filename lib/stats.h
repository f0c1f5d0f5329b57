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

#endif
