/*
 * fuzz_seq - the receiver's per-node sequence accounting against a
 * plain model, on any mix of a real sender's heartbeats and restarts
 * and forged ones (duplicated, reordered, stale, far ahead, the real
 * incarnation copied with a seq a little ahead, or a newer incarnation
 * at any seq), chosen by the input.  The harness keeps the
 * node's address and state as track.c and the deadline detector would:
 * the address of its latest news, SUSPECT after two intervals of
 * silence.  It checks that:
 *   - no counter goes negative or wraps, and no heartbeat adds more to
 *     lost than the time since the node's last news allows (twice its
 *     interval's worth, plus 64), a restart at seq 2^64-1 included;
 *   - an incarnation's loss is never less than what truly never came
 *     nor more than its span of seqs (a restart believed from another
 *     address is counted from there);
 *   - no heartbeat from another address than the node's, of its
 *     incarnation or a newer one, counts while the node is ALIVE: it is
 *     ignored as a rival, and leaves the counts as they were (an older
 *     incarnation is stale while it is ALIVE);
 *   - an older incarnation is stale from the node's own address, and
 *     from anywhere when heartbeats are signed (the input's first byte
 *     says which); unsigned, once the node is not ALIVE, a heartbeat of
 *     another incarnation from elsewhere takes it (a restart), older or
 *     newer, and so does one of its incarnation at a seq it has passed:
 *     so the real sender, beating on, takes its node back from a forged
 *     far-future incarnation or seq once the forger is silent;
 *   - while no forged heartbeat has been believed (or since the real
 *     sender took its node back), each real one is news: the next seq,
 *     or its restart (at once from the node's address; from a new port
 *     once the node is SUSPECT).
 * (The first heartbeat heard of a node is believed as it is: nothing
 * before it says what to expect; the harness makes it real.)
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "nodes.h"

enum { SEQ_SPACE = 4096, INTERVAL = 100, SPOOFER = 0 };

struct model {
    uint64_t inc, first, max;
    uint64_t base;                      /* the node's lost when this incarnation began */
    bool seen[SEQ_SPACE + 2];           /* of the current incarnation */
    bool any;
};

/* What truly never came, between the first accounted for and the newest. */
static uint64_t truly_lost(const struct model *m)
{
    uint64_t lost = 0;

    for (uint64_t s = m->first; s <= m->max && s <= SEQ_SPACE; s++)
        lost += !m->seen[s];
    return lost;
}

/* The most one heartbeat may add to lost, from the node as it is now. */
static uint64_t allowance(const struct node *n, uint64_t now)
{
    uint64_t interval = n->interval_ms > 0 ? n->interval_ms : 1;

    return 64 + 2 * ((now - n->last_seen) / interval + 1);
}

/* A forged seq for a newer incarnation: small, huge, or anything. */
static uint64_t any_seq(unsigned char a, unsigned char b)
{
    switch (b % 4) {
    case 0:  return 1 + a;
    case 1:  return UINT64_MAX;
    case 2:  return UINT64_MAX - a;
    default: return (uint64_t)a << 56 | b;
    }
}

/* What a real heartbeat must be while no forged one has been believed. */
static bool real_is_news(enum seq_event ev, uint64_t inc, uint64_t node_inc,
                         bool from_node, bool alive)
{
    if (!from_node && alive)
        return ev == SEQ_RIVAL;         /* its restart shows once it is SUSPECT */
    return ev == (inc == node_inc ? SEQ_NEXT : SEQ_RESTART);
}

/*
 * Update the model with a believed heartbeat; 'may_lose' as allowance(),
 * 'lost' the node's count before it.
 */
static void model_count(struct model *m, enum seq_event ev, uint64_t inc, uint64_t seq,
                        bool from_node, bool signed_hb, uint64_t may_lose, uint64_t lost)
{
    if (!m->any || inc != m->inc || ev == SEQ_RESTART) {
        uint64_t missed = 0;

        if (m->any)
            FUZZ_CHECK(ev == SEQ_RESTART && (inc > m->inc || (!from_node && !signed_hb)));
        if (m->any && from_node)        /* from elsewhere: counted from here */
            missed = seq - 1 < may_lose ? seq - 1 : may_lose;
        memset(m->seen, 0, sizeof(m->seen));
        m->first = seq - missed;
        m->base = lost;
        m->max = 0;
        m->inc = inc;
        m->any = true;
    }
    if (seq <= SEQ_SPACE)
        m->seen[seq] = true;
    if (seq > m->max)
        m->max = seq;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct node n;
    struct model m = { .any = false };
    uint64_t now = 0, real_seq = 0, real_inc = 1000, counted = 0, sent = 0;
    unsigned real_addr = 1, node_addr = 1;
    bool tainted = false;               /* a forged heartbeat was believed */
    bool signed_hb = size > 0 && (data[0] & 0x80);  /* as with --key */

    memset(&n, 0, sizeof(n));
    for (size_t i = 0; i + 4 <= size; i += 4) {
        /* The node's first heartbeat is believed as it is: make it real. */
        unsigned kind = i == 0 ? 0 : data[i] % 7, from = SPOOFER;
        uint64_t inc, seq, lost_before = n.lost, may_lose;
        struct node before;
        enum seq_event ev;
        bool alive, from_node;

        now += (uint64_t)data[i + 3] * 10;
        if (n.state == NODE_ALIVE && now - n.last_seen >= 2 * INTERVAL)
            n.state = NODE_SUSPECT;     /* as the deadline detector's timer */
        switch (kind) {
        case 5:                         /* the real sender restarts ... */
            real_inc += 1 + data[i + 1];
            real_seq = 0;
            if (data[i + 2] & 1)
                real_addr++;            /* ... from a new port, or the same */
            /* fall through */
        case 0:                         /* the real sender's next heartbeat */
        case 1:
            inc = real_inc;
            seq = ++real_seq;
            from = real_addr;
            if (seq > SEQ_SPACE)
                return 0;
            break;
        case 2:                         /* far ahead: cannot be true */
            inc = real_inc;
            seq = ((uint64_t)1 << 40) + data[i + 1];
            break;
        case 3:                         /* anything: old, duplicate, other inc */
            inc = real_inc + (uint64_t)(data[i + 1] % 3) - 1;
            seq = 1 + data[i + 2] + (uint64_t)(data[i + 1] & 0xf0) * 4;
            break;
        case 6:                         /* the node's inc copied, seq a little ahead */
            inc = n.inc;
            seq = n.max_seq + 1 + data[i + 1] % 66;
            break;
        default:                        /* a newer incarnation, at any seq */
            inc = (n.inc > real_inc ? n.inc : real_inc) + 1 + data[i + 1] % 4;
            seq = any_seq(data[i + 1], data[i + 2]);
            break;
        }
        sent++;
        before = n;
        alive = n.state == NODE_ALIVE;
        from_node = from == node_addr;
        may_lose = allowance(&n, now);
        ev = nodes_count_seq(&n, inc, seq, (from_node ? SEQ_FROM_NODE : 0) |
                             (signed_hb ? SEQ_SIGNED : 0), now);
        FUZZ_CHECK(n.lost < (uint64_t)1 << 62);     /* never below zero, wrapped */
        FUZZ_CHECK(n.lost <= lost_before + may_lose);
        if (alive && !from_node)        /* only the node speaks for it */
            FUZZ_CHECK(inc < before.inc ? ev == SEQ_STALE : ev == SEQ_RIVAL);
        if (i > 0 && inc < before.inc && (from_node || signed_hb))
            FUZZ_CHECK(ev == SEQ_STALE);    /* the past */
        if (i > 0 && !alive && !from_node && !signed_hb &&
            (inc != before.inc || seq <= before.max_seq))
            FUZZ_CHECK(ev == SEQ_RESTART);  /* whoever beats takes a silent node */
        if (i > 0 && from == real_addr && !tainted)
            FUZZ_CHECK(real_is_news(ev, inc, before.inc, from_node, alive));
        if (ev == SEQ_STALE || ev == SEQ_IMPLAUSIBLE || ev == SEQ_RIVAL) {
            FUZZ_CHECK(ev != SEQ_STALE || inc < n.inc);
            FUZZ_CHECK(ev != SEQ_IMPLAUSIBLE || (inc == n.inc && seq > n.max_seq));
            FUZZ_CHECK(ev != SEQ_RIVAL || (inc >= n.inc && alive && !from_node));
            FUZZ_CHECK(ev == SEQ_STALE ? n.stale == before.stale + 1
                                       : n.implausible == before.implausible + 1);
            FUZZ_CHECK(n.inc == before.inc && n.max_seq == before.max_seq &&
                       n.lost == before.lost && n.received == before.received &&
                       n.window == before.window);
            continue;
        }
        counted++;
        if (seq_advances(ev)) {         /* as the receiver does */
            n.last_seen = now;
            n.interval_ms = INTERVAL;
            n.state = NODE_ALIVE;
            node_addr = from;
            tainted |= from == SPOOFER;
            if (from == real_addr && ev == SEQ_RESTART && !from_node)
                tainted = false;        /* the real sender took its node back */
        }
        if (ev != SEQ_NEXT && ev != SEQ_RESTART && ev != SEQ_FIRST)
            FUZZ_CHECK(n.lost <= lost_before);
        model_count(&m, ev, inc, seq, from_node, signed_hb, may_lose, lost_before);
        if (seq < m.first && ev != SEQ_RESTART && ev != SEQ_FIRST)
            FUZZ_CHECK(ev == SEQ_LATE || ev == SEQ_DUPLICATE);
        FUZZ_CHECK(n.max_seq == m.max);
        FUZZ_CHECK(n.received == counted);
        FUZZ_CHECK(n.duplicates <= n.received && n.reordered <= n.received);
        FUZZ_CHECK(n.restarts <= sent);
        /* This incarnation's loss: what never came, at most its span. */
        FUZZ_CHECK(n.lost >= m.base);
        FUZZ_CHECK(n.lost - m.base <= m.max - m.first + 1);
        if (m.max <= SEQ_SPACE)
            FUZZ_CHECK(n.lost - m.base >= truly_lost(&m));
    }
    return 0;
}
