/* stats - monotonic time and rates. */
#include "stats.h"

#include <math.h>
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

/* Bucket of a value: exact below 16, then 16 steps per power of two. */
static unsigned bucket_of(uint64_t v)
{
    if (v < 16)
        return (unsigned)v;
    unsigned e = 63 - (unsigned)__builtin_clzll(v);   /* 4..63 */

    return 16 + (e - 4) * 16 + (unsigned)((v >> (e - 4)) & 15);
}

/* The midpoint of a bucket's range of values. */
static uint64_t bucket_mid(unsigned b)
{
    if (b < 16)
        return b;
    unsigned e = (b - 16) / 16 + 4, m = (b - 16) % 16;
    uint64_t low = (uint64_t)(16 + m) << (e - 4);

    return low + ((uint64_t)1 << (e - 4)) / 2;
}

void stats_hist_add(struct stats_hist *h, uint64_t value)
{
    h->counts[bucket_of(value)]++;
    h->total++;
    if (value > h->max)
        h->max = value;
}

uint64_t stats_hist_quantile(const struct stats_hist *h, double q)
{
    uint64_t rank, seen = 0;

    if (h->total == 0)
        return 0;
    if (q >= 1.0)
        return h->max;
    rank = (uint64_t)ceil(q * (double)h->total);    /* nearest rank */
    if (rank == 0)
        rank = 1;
    for (unsigned b = 0; b < STATS_HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank)
            return bucket_mid(b) < h->max ? bucket_mid(b) : h->max;
    }
    return h->max;
}
