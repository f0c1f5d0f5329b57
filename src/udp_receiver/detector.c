/* detector - deadlines for SUSPECT and DEAD: fixed, or phi-accrual. */
#include "detector.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

enum { PHI_MIN_SAMPLES = 4 };       /* fewer: trust the announced interval */

/* P(X > z) for a standard normal X. */
static double tail(double z)
{
    return 0.5 * erfc(z / M_SQRT2);
}

/* The z whose tail is 10^-phi: phi's threshold in deviations. */
static double z_for_phi(double phi)
{
    double lo = 0, hi = 40, p = pow(10, -phi);

    for (int i = 0; i < 100; i++) {
        double mid = (lo + hi) / 2;

        if (tail(mid) > p)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

void detector_init(struct detector *d, enum detector_kind kind,
                   uint64_t suspect_ms, uint64_t dead_ms, double phi)
{
    d->kind = kind;
    d->suspect_ms = suspect_ms;
    d->dead_ms = dead_ms;
    d->phi = phi;
    d->z_suspect = z_for_phi(phi / 2);
    d->z_dead = z_for_phi(phi);
}

/*
 * The node's gaps as mean and deviation, in ms.  Until there are a few,
 * the announced interval with a quarter of it as deviation; until half
 * the window is filled, never a smaller deviation than that (a dozen
 * gaps that happened to come evenly say little: a node sending with
 * jitter was suspected at 287 ms of a 200 ms interval); and never less
 * than a tenth of the mean, so that a very steady node is not declared
 * dead by a few ms of scheduling delay.
 */
static void gap_stats(const struct node *n, double *mean, double *dev)
{
    const struct phi_window *w = n->phi;
    double m = n->interval_ms, s = m / 4;

    if (w != NULL && w->count >= PHI_MIN_SAMPLES) {
        double var;

        m = (double)w->sum / w->count;
        var = (double)w->sumsq / w->count - m * m;
        s = var > 0 ? sqrt(var) : 0;
    }
    if (s < m / 10)
        s = m / 10;
    if ((w == NULL || w->count < PHI_WINDOW / 2) && s < n->interval_ms / 4.0)
        s = n->interval_ms / 4.0;
    if (s < 1)
        s = 1;
    *mean = m;
    *dev = s;
}

int detector_arrival(const struct detector *d, struct node *n, uint64_t now)
{
    struct phi_window *w = n->phi;
    uint64_t gap = now - n->last_seen;

    if (d->kind != DETECT_PHI)
        return 0;
    if (w == NULL && (w = n->phi = calloc(1, sizeof(*w))) == NULL) {
        errno = ENOMEM;
        return -1;
    }
    if (gap > UINT32_MAX)
        gap = UINT32_MAX;
    if (w->count == PHI_WINDOW) {       /* the oldest gap leaves the window */
        uint64_t old = w->gap_ms[w->next];

        w->sum -= old;
        w->sumsq -= old * old;
    } else {
        w->count++;
    }
    w->gap_ms[w->next] = (uint32_t)gap;
    w->next = (w->next + 1) % PHI_WINDOW;
    w->sum += gap;
    w->sumsq += gap * gap;
    return 0;
}

uint64_t detector_deadline(const struct detector *d, const struct node *n,
                           enum node_state state)
{
    double mean, dev;
    uint64_t after;

    if (d->kind == DETECT_DEADLINE) {
        uint64_t dead = d->dead_ms ? d->dead_ms : 5 * (uint64_t)n->interval_ms;
        uint64_t suspect = d->suspect_ms ? d->suspect_ms : 2 * (uint64_t)n->interval_ms;

        after = state == NODE_DEAD ? dead : (suspect < dead ? suspect : dead);
    } else {
        gap_stats(n, &mean, &dev);
        after = (uint64_t)ceil(mean + (state == NODE_DEAD ? d->z_dead : d->z_suspect) * dev);
    }
    return n->last_seen + after;
}

double detector_phi(const struct detector *d, const struct node *n, uint64_t now)
{
    double mean, dev, p;

    (void)d;
    gap_stats(n, &mean, &dev);
    p = tail(((double)(now - n->last_seen) - mean) / dev);
    return p > 0 ? -log10(p) : 999;
}
