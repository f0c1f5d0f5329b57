/*
 * detector - when a silent node becomes SUSPECT, then DEAD.
 *
 * Two ways to decide, both as a deadline computed once per heartbeat
 * (so a timer can fire at it, with no scan of all nodes):
 *
 *   deadline  fixed: SUSPECT after --suspect-after ms of silence, DEAD
 *             after --dead-after; by default 2 and 5 of the node's own
 *             announced intervals.
 *   phi       phi-accrual (Hayashibara et al., 2004): from the node's
 *             recent inter-arrival times (mean m, deviation s), the
 *             suspicion after t ms of silence is
 *                 phi(t) = -log10(P(a gap longer than t)),
 *             with gaps taken as normal(m, s).  phi = 8 means: one gap
 *             in 10^8 would be this long.  DEAD at --phi, SUSPECT at
 *             half of it.  phi grows with t, so the deadline is the t
 *             where phi reaches the threshold: m + z*s, with z fixed
 *             by the threshold (computed once).
 */
#ifndef KIT_DETECTOR_H
#define KIT_DETECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "nodes.h"

enum detector_kind { DETECT_DEADLINE, DETECT_PHI };

struct detector {
    enum detector_kind kind;
    uint64_t suspect_ms, dead_ms;   /* deadline: 0 = from the node's interval */
    double phi;                     /* phi: the DEAD threshold */
    double z_suspect, z_dead;       /* phi: deviations from the mean */
};

enum { PHI_WINDOW = 32 };           /* inter-arrival times kept per node */

struct phi_window {
    uint32_t gap_ms[PHI_WINDOW];
    uint32_t count, next;
    uint64_t sum, sumsq;            /* of the gaps in the window */
};

void detector_init(struct detector *d, enum detector_kind kind,
                   uint64_t suspect_ms, uint64_t dead_ms, double phi);

/*
 * A heartbeat arrived at 'now' for a node last seen at n->last_seen:
 * record the gap (phi only, and only between heartbeats of a live
 * node).  Returns -1 with errno ENOMEM if the window cannot be made.
 */
int detector_arrival(const struct detector *d, struct node *n, uint64_t now);

/* When node 'n' is due to become 'state' (SUSPECT or DEAD) if silent. */
uint64_t detector_deadline(const struct detector *d, const struct node *n,
                           enum node_state state);

/* phi after a silence that lasted until 'now' (phi detector only). */
double detector_phi(const struct detector *d, const struct node *n, uint64_t now);

#endif
