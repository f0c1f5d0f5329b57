/* timing - the monotonic clock, durations and rates. */
#include "timing.h"

#include <time.h>
uint64_t timing_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);    /* cannot fail for this clock */
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double timing_seconds_since(uint64_t start_ns)
{
    return (double)(timing_now_ns() - start_ns) / 1e9;
}

uint64_t timing_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

double timing_rate(uint64_t count, double seconds)
{
    return seconds > 0 ? (double)count / seconds : 0.0;
}

