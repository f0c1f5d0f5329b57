/*
 * schedule - when each heartbeat is due.
 *
 * The nodes' first beats are spread evenly over one interval, then each
 * node beats one interval apart, late by a random share of --jitter so
 * that many senders do not beat in lockstep.  Times are on the monotonic
 * clock, so that no change of the wall clock can bunch or stall them.
 */
#include "udp_sender.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "stop.h"
#include "timing.h"

/* A small, fast random number generator (splitmix64): jitter and drops. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void schedule_init(struct schedule *sc, const struct sender_config *cfg)
{
    *sc = (struct schedule){ .start_ns = timing_now_ns(),
                             .interval_ns = cfg->interval_ms * 1000000ULL,
                             .nodes = cfg->nodes, .jitter_pct = cfg->jitter_pct,
                             .drop_pct = cfg->drop_pct };
    sc->rng = sc->start_ns ^ ((uint64_t)getpid() << 32);
}

uint64_t schedule_due(struct schedule *sc, uint32_t id, uint64_t seq)
{
    uint64_t t = sc->start_ns + id * (sc->interval_ns / sc->nodes) +
                 (seq - 1) * sc->interval_ns;
    uint64_t spread = sc->interval_ns / 100 * sc->jitter_pct;

    if (seq > 1 && spread > 0)
        t += next_random(&sc->rng) % spread;
    return t;
}

/*
 * More than an interval behind (the process was stopped with Ctrl-Z, or
 * the machine could not keep up): beat on from now, as a live node
 * would, instead of sending the backlog in a burst.  Shifting the clock
 * keeps the order of every deadline.
 */
uint64_t schedule_now(struct schedule *sc, uint64_t earliest_due)
{
    uint64_t now = timing_now_ns() - sc->behind_ns;

    if (earliest_due + sc->interval_ns < now) {
        sc->behind_ns += now - earliest_due;
        now = earliest_due;
    }
    return now;
}

void schedule_sleep(const struct schedule *sc, uint64_t due)
{
    uint64_t when = due + sc->behind_ns, now = timing_now_ns();
    struct pollfd p = { .fd = stop_fd(), .events = POLLIN };
    struct timespec ts;

    if (when <= now)
        return;
    ts.tv_sec = (time_t)((when - now) / 1000000000ULL);
    ts.tv_nsec = (long)((when - now) % 1000000000ULL);
    ppoll(&p, 1, &ts, NULL);            /* EINTR or the pipe: the caller looks */
}

bool schedule_drop(struct schedule *sc)
{
    return sc->drop_pct > 0 && next_random(&sc->rng) % 100 < sc->drop_pct;
}
