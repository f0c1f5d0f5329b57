/*
 * track - what a datagram does to the node it names, and what silence
 * does: the failure detector's bookkeeping.
 *
 * A heartbeat is checked (well-formed? believable?), counted against
 * its node's sequence numbers, and moves the node's deadline; a timer
 * per node fires at that deadline and moves it ALIVE -> SUSPECT -> DEAD
 * with no packet arriving.  A bad datagram is counted and reported,
 * never fatal.
 */
#include "udp_receiver.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { TAKEOVER_STRETCH = 10 };         /* see heartbeat() */

/* Make sure node 'id' has a timer due no later than 'at'.  0, or -1 (ENOMEM). */
static int arm(struct receiver *r, struct node *n, uint32_t id, uint64_t at)
{
    if (n->armed && n->timer_at <= at)
        return 0;                       /* it fires earlier and will look again */
    if (deadlines_add(&r->timers, at, id) != 0)
        return -1;
    n->armed = true;
    n->timer_at = at;
    return 0;
}

/* The same sender: address and port. */
static bool same_addr(const union node_addr *a, const union node_addr *b)
{
    if (a->sa.sa_family != b->sa.sa_family)
        return false;
    if (a->sa.sa_family == AF_INET)
        return a->in.sin_port == b->in.sin_port &&
               a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
    return a->in6.sin6_port == b->in6.sin6_port &&
           memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof(a->in6.sin6_addr)) == 0;
}

/* A heartbeat counted, not believed: why, and for which node (or NULL). */
static int ignore(struct receiver *r, uint64_t *counter, struct node *n,
                  const struct heartbeat *hb, const char *why,
                  const struct datagram *d, uint64_t now)
{
    (*counter)++;
    if (n != NULL)
        nodes_bump(&n->implausible);
    report_ignored(r, hb, why, &d->from->sa, d->fromlen, now);
    return 0;
}

/* A node as it was before a heartbeat was counted. */
struct before {
    enum node_state state;
    uint64_t inc, last_seen;
};

/*
 * A believed heartbeat that brings news (a first, a next, a restart):
 * the node is alive now; its deadline moves.  0, or -1 out of memory.
 */
static int news(struct receiver *r, struct node *n, uint32_t id, const struct before *was,
                bool created, enum seq_event ev, bool leaving, uint64_t now)
{
    /* The gap since the last one teaches phi this node's rhythm. */
    if (ev == SEQ_NEXT && (was->state == NODE_ALIVE || was->state == NODE_SUSPECT) &&
        detector_arrival(&r->det, n, now) != 0)
        return -1;
    n->last_seen = now;
    if (created)
        report_alive(r, n, now, true, 0);
    else if (ev == SEQ_RESTART)
        report_restart(r, n, was->inc, now);
    if (leaving) {
        n->state = NODE_LEFT;           /* its timer, if any, finds it LEFT */
        report_state(r, n, now, 0);
        return r->cfg->forget_ms > 0 ? arm(r, n, id, now + r->cfg->forget_ms) : 0;
    }
    if (!created && was->state != NODE_ALIVE) {
        n->state = NODE_ALIVE;
        report_alive(r, n, now, false, now - was->last_seen);
    }
    return arm(r, n, id, detector_deadline(&r->det, n, NODE_SUSPECT));
}

/* A well-formed heartbeat for node 'n' (new if 'created').  0, or -1 out of memory. */
static int heartbeat(struct receiver *r, struct node *n, uint32_t id, bool created,
                     const struct heartbeat *hb, const struct datagram *d, uint64_t now)
{
    struct before was = { n->state, n->inc, n->last_seen };
    bool from_node = !created && same_addr(d->from, &n->addr);
    enum seq_event ev;

    if (hb->leaving && !created && !from_node)      /* only the node may */
        return ignore(r, &r->implausible, n, hb,
                      "goodbye from another address than the node's", d, now);
    ev = nodes_count_seq(n, hb->inc, hb->seq, (from_node ? SEQ_FROM_NODE : 0) |
                         (r->ring.n > 0 ? SEQ_SIGNED : 0), now);
    if (ev == SEQ_STALE)
        return ignore(r, &r->stale, NULL, hb, "an older incarnation", d, now);
    if (ev == SEQ_IMPLAUSIBLE)
        return ignore(r, &r->implausible, NULL, hb, "seq too far ahead for the time since",
                      d, now);
    if (ev == SEQ_RIVAL)
        return ignore(r, &r->implausible, NULL, hb,
                      "from another address while the node is alive", d, now);
    r->heartbeats++;
    if (seq_advances(ev)) {             /* only news moves the node's address */
        memcpy(&n->addr, d->from, d->fromlen < sizeof(n->addr) ? d->fromlen : sizeof(n->addr));
        uint64_t interval = hb->interval_ms;

        /* Unsigned, the first word from a new address stretches the
         * deadlines ten times at most: one forged datagram announcing a
         * day would keep the node its sender's for two days.  (A real
         * restart at a longer interval shows in full from its next.) */
        if (!created && !from_node && r->ring.n == 0 && n->interval_ms > 0 &&
            interval > TAKEOVER_STRETCH * (uint64_t)n->interval_ms)
            interval = TAKEOVER_STRETCH * (uint64_t)n->interval_ms;
        n->interval_ms = (uint32_t)interval;
    }
    report_heartbeat(r, n, hb, now);
    if (!seq_advances(ev))
        return 0;                       /* old news: says nothing about now */
    return news(r, n, id, &was, created, ev, hb->leaving, now);
}

/*
 * Keyed: a signed heartbeat may still be a copy, captured and sent again
 * later.  Seqs tell a copy of one the node has sent since (a duplicate,
 * or stale); what they cannot tell is a node's first heartbeat, a new
 * incarnation's, a goodbye (the last word: nothing comes after it to be
 * newer), or one the receiver never had, kept back by whoever captured
 * it: its seq is newer than any we saw.  That last one matters once the
 * node is DEAD or LEFT, when it would bring the node back.  All these
 * must carry a sent_ms within --max-skew of our clock.
 */
static bool fresh_enough(const struct receiver *r, const struct heartbeat *hb)
{
    uint32_t id;
    const struct node *n;

    if (keyring_fresh(r, hb))
        return true;
    n = nodes_find(&r->nodes, hb->node, hb->node_len, &id);
    return n != NULL && !hb->leaving && hb->inc == n->inc &&
           n->state != NODE_DEAD && n->state != NODE_LEFT;
}

static int reject_replay(struct receiver *r, const struct heartbeat *hb,
                         const struct datagram *d, uint64_t now)
{
    char why[128];
    uint64_t off = hb->sent_ms > r->wall_now ? hb->sent_ms - r->wall_now
                                             : r->wall_now - hb->sent_ms;

    r->replayed++;
    snprintf(why, sizeof(why), "replayed: sent_ms %s our clock by %" PRIu64
             " ms, more than --max-skew %" PRIu64 " ms", hb->sent_ms > r->wall_now ?
             "ahead of" : "behind", off, r->cfg->max_skew_ms);
    report_rejected(r, hb, why, &d->from->sa, d->fromlen, now);
    return 0;
}

int track_datagram(struct receiver *r, const struct datagram *d, uint64_t now)
{
    struct heartbeat hb;
    const char *key = NULL;
    size_t len = d->len;
    enum heartbeat_error e;
    struct node *n;
    bool created;
    uint32_t id;

    /* Keyed: what is not signed by a key of ours goes no further. */
    if (!d->truncated && keyring_admit(r, d, &len, now) != 0)
        return 0;
    e = d->truncated ? HB_OVERSIZE : heartbeat_parse(d->buf, len, &hb, &key);
    if (e != HB_OK) {
        r->malformed++;
        r->malformed_by[e]++;
        report_malformed(r, e, key, &d->from->sa, d->fromlen, now);
        return 0;
    }
    /* An incarnation from the future would make every real one stale. */
    if (hb.inc > r->wall_now + MAX_CLOCK_SKEW_MS)
        return ignore(r, &r->implausible, NULL, &hb, "incarnation from the future", d, now);
    if (r->ring.n > 0 && !fresh_enough(r, &hb))
        return reject_replay(r, &hb, d, now);
    n = nodes_lookup(&r->nodes, hb.node, hb.node_len, &id, &created);
    if (n == NULL && errno == ENOSPC)   /* --max-nodes: memory stays bounded */
        return ignore(r, &r->refused, NULL, &hb, "node limit reached (--max-nodes)", d, now);
    if (n == NULL)
        return -1;
    return heartbeat(r, n, id, created, &hb, d, now);
}

/*
 * A DEAD or LEFT node: when to forget it (0: never), or forget it now
 * if that time has come (then 0 too).
 */
static uint64_t forget_at(struct receiver *r, struct node *n, uint32_t id, uint64_t now)
{
    uint64_t since = n->state == NODE_LEFT ? n->last_seen
                                           : detector_deadline(&r->det, n, NODE_DEAD);
    uint64_t at = since + r->cfg->forget_ms;

    if (r->cfg->forget_ms == 0)
        return 0;
    if (now < at)
        return at;
    report_forgotten(r, n, now);
    r->forgotten++;
    nodes_forget(&r->nodes, id);
    return 0;
}

/*
 * A node's timer fired at 'now': move it along ALIVE -> SUSPECT -> DEAD
 * (-> forgotten, with --forget-after) as far as its silence says.
 * Returns when to look again, or 0 (never: only a heartbeat can change
 * that).
 */
static uint64_t look_at(struct receiver *r, struct node *n, uint32_t id, uint64_t now)
{
    uint64_t suspect_at, dead_at;

    if (n->state == NODE_DEAD || n->state == NODE_LEFT)
        return forget_at(r, n, id, now);
    suspect_at = detector_deadline(&r->det, n, NODE_SUSPECT);
    dead_at = detector_deadline(&r->det, n, NODE_DEAD);
    if (n->state == NODE_ALIVE && now >= suspect_at && suspect_at < dead_at) {
        n->state = NODE_SUSPECT;
        report_state(r, n, now, now - n->last_seen);
    }
    if (now >= dead_at) {
        n->state = NODE_DEAD;
        report_state(r, n, now, now - n->last_seen);
        return forget_at(r, n, id, now);
    }
    return n->state == NODE_ALIVE ? suspect_at : dead_at;
}

void track_timers(struct receiver *r, uint64_t now)
{
    const struct deadline *t;

    while ((t = deadlines_first(&r->timers)) != NULL && t->when <= now) {
        struct node *n = nodes_get(&r->nodes, t->id);
        uint64_t next;

        if (!n->armed || n->timer_at != t->when) {
            deadlines_pop(&r->timers);     /* stale: moved since */
            continue;
        }
        next = look_at(r, n, t->id, now);
        if (next != 0) {
            n->timer_at = next;
            deadlines_move_first(&r->timers, next);
        } else {
            n->armed = false;
            deadlines_pop(&r->timers);
        }
    }
}
