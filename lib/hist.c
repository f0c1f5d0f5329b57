/* hist - a latency histogram with log-spaced buckets. */
#include "hist.h"

#include <math.h>

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

void hist_add(struct hist *h, uint64_t value)
{
    h->counts[bucket_of(value)]++;
    h->total++;
    if (value > h->max)
        h->max = value;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
    uint64_t rank, seen = 0;

    if (h->total == 0)
        return 0;
    if (q >= 1.0)
        return h->max;
    rank = (uint64_t)ceil(q * (double)h->total);    /* nearest rank */
    if (rank == 0)
        rank = 1;
    for (unsigned b = 0; b < HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank)
            return bucket_mid(b) < h->max ? bucket_mid(b) : h->max;
    }
    return h->max;
}
