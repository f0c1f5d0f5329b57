/* progress - a line of how far a long run has got; see progress.h. */
#include "progress.h"

#include <stdio.h>

enum { SECOND_NS = 1000000000 };

void progress_start(struct progress *p, uint64_t total, const char *unit, uint64_t now_ns)
{
    *p = (struct progress){ .total = total, .start_ns = now_ns,
                            .next_ns = now_ns + SECOND_NS, .unit = unit };
}

/* A rate as people read it: 950/s, 12.3k/s, 4.56M/s, 1.23G/s. */
static void format_rate(double r, char *buf, size_t size)
{
    static const char *const prefix[] = { "", "k", "M", "G", "T" };
    unsigned i = 0;

    while (r >= 1000 && i < 4) {
        r /= 1000;
        i++;
    }
    snprintf(buf, size, i == 0 ? "%.0f%s/s" : "%.3g%s/s", r, prefix[i]);
}

/* A duration in whole seconds: "42 s", "3 min 07 s", "2 h 05 min". */
static void format_left(double s, char *buf, size_t size)
{
    unsigned long long t = s < 0 ? 0 : (unsigned long long)(s + 0.5);

    if (t < 60)
        snprintf(buf, size, "%llu s", t);
    else if (t < 3600)
        snprintf(buf, size, "%llu min %02llu s", t / 60, t % 60);
    else
        snprintf(buf, size, "%llu h %02llu min", t / 3600, t / 60 % 60);
}

void progress_format(const struct progress *p, uint64_t done, uint64_t now_ns, char *buf,
                     size_t size)
{
    double seconds = now_ns > p->start_ns ? (double)(now_ns - p->start_ns) / 1e9 : 0;
    double rate = seconds > 0 ? (double)done / seconds : 0;
    char r[32], left[32];

    format_rate(rate, r, sizeof(r));
    if (p->total == 0) {
        snprintf(buf, size, "%llu %s, %s", (unsigned long long)done, p->unit, r);
        return;
    }
    if (rate > 0 && done <= p->total)
        format_left((double)(p->total - done) / rate, left, sizeof(left));
    else
        snprintf(left, sizeof(left), "?");
    snprintf(buf, size, "%llu of %llu %s (%.1f%%), %s, %s left", (unsigned long long)done,
             (unsigned long long)p->total, p->unit, 100.0 * (double)done / (double)p->total, r,
             left);
}

bool progress_due(struct progress *p, uint64_t done, uint64_t now_ns, char *buf, size_t size)
{
    if (now_ns < p->next_ns)
        return false;
    p->next_ns = now_ns + SECOND_NS;
    progress_format(p, done, now_ns, buf, size);
    return true;
}
