/*
 * ratelimit - at most N messages per time window, and a count of the rest.
 *
 * A flood of bad input (or of failed sends) must cost a counter, not a
 * line of output each: the first 'burst' messages of a window go out,
 * the rest are only counted, and the next message that goes out can say
 * how many were not shown.  Time is the caller's, in any unit.  Zero the
 * struct to start.  Not thread-safe: one per thread.
 */
#ifndef KIT_RATELIMIT_H
#define KIT_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
    uint64_t window_start;
    unsigned used;              /* messages let through in this window */
    uint64_t suppressed;        /* refused since the last ratelimit_take_suppressed */
};

/*
 * Whether one more message may go out at 'now': at most 'burst' in each
 * 'window' (a window starts at the first message after the last one
 * ended).  A refused message is counted as suppressed.
 */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t window,
                     unsigned burst);

/* How many were suppressed since the last call; the count starts again. */
uint64_t ratelimit_take_suppressed(struct ratelimit *rl);

#endif
