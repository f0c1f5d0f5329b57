/* ratelimit - at most N messages per time window, and a count of the rest. */
#include "ratelimit.h"

bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t window,
                     unsigned burst)
{
    if (rl->used == 0 || now - rl->window_start >= window) {
        rl->window_start = now;
        rl->used = 0;
    }
    if (rl->used >= burst) {
        rl->suppressed++;
        return false;
    }
    rl->used++;
    return true;
}

uint64_t ratelimit_take_suppressed(struct ratelimit *rl)
{
    uint64_t n = rl->suppressed;

    rl->suppressed = 0;
    return n;
}
