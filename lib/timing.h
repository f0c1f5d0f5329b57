/*
 * timing - the monotonic clock, durations and rates.
 *
 * Durations are measured on CLOCK_MONOTONIC, which never jumps when
 * the wall clock is set.  Pure functions, thread-safe.
 */
#ifndef KIT_TIMING_H
#define KIT_TIMING_H

#include <stdint.h>

/* Nanoseconds on the monotonic clock since an arbitrary start. */
uint64_t timing_now_ns(void);

/* Seconds from 'start_ns' (a timing_now_ns() value) until now. */
double timing_seconds_since(uint64_t start_ns);

/*
 * Unix time in milliseconds, from the wall clock: for what crosses
 * machines (a heartbeat's incarnation and send time), never for durations.
 */
uint64_t timing_wall_ms(void);

/* 'count' per second over 'seconds'; 0 when no time has passed. */
double timing_rate(uint64_t count, double seconds);

#endif
