/* stats - monotonic time and rates. */
#include "stats.h"

#include <time.h>

uint64_t stats_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);    /* cannot fail for this clock */
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double stats_seconds_since(uint64_t start_ns)
{
    return (double)(stats_now_ns() - start_ns) / 1e9;
}

double stats_rate(uint64_t count, double seconds)
{
    return seconds > 0 ? (double)count / seconds : 0.0;
}
