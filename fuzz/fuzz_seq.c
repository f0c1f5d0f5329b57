/*
 * fuzz_seq - the receiver's per-node sequence accounting against a
 * plain model, on any mix of a real sender's heartbeats and forged,
 * duplicated, reordered, stale or far-future ones (chosen by the input):
 * no counter goes negative or past what was sent, what is lost is never
 * less than what truly never came, and while every forged seq is beyond
 * what the time allows, each real heartbeat is news (the node stays
 * alive).  (The first heartbeat heard of a node is believed as it is:
 * nothing before it says what to expect.)
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "nodes.h"

enum { SEQ_SPACE = 4096, INTERVAL = 100 };

struct model {
    uint64_t inc, first, max;
    bool seen[SEQ_SPACE + 2];           /* of the current incarnation */
    bool any;
};

/* What truly never came, between the first and the newest seen. */
static uint64_t truly_lost(const struct model *m)
{
    uint64_t lost = 0;

    for (uint64_t s = m->first; s <= m->max && s <= SEQ_SPACE; s++)
        lost += !m->seen[s];
    return lost;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct node n;
    struct model m = { .any = false };
    uint64_t now = 0, real_seq = 0, real_inc = 1000, counted = 0, sent = 0;
    bool tainted = false;               /* a forged seq may have been believed */

    memset(&n, 0, sizeof(n));
    for (size_t i = 0; i + 4 <= size; i += 4) {
        /* The node's first heartbeat is believed as it is: make it real. */
        unsigned kind = i == 0 ? 0 : data[i] % 4;
        uint64_t inc, seq;
        enum seq_event ev;

        now += (uint64_t)data[i + 3] * 10;
        switch (kind) {
        case 0:                         /* the real sender's next heartbeat */
        case 1:
            inc = real_inc;
            seq = ++real_seq;
            if (seq > SEQ_SPACE)
                return 0;
            break;
        case 2:                         /* far ahead: cannot be true */
            inc = real_inc;
            seq = ((uint64_t)1 << 40) + data[i + 1];
            break;
        default:                        /* anything: old, duplicate, other inc */
            inc = real_inc + (uint64_t)(data[i + 1] % 3) - 1;
            seq = 1 + data[i + 2] + (uint64_t)(data[i + 1] & 0xf0) * 4;
            tainted = true;
            break;
        }
        sent++;
        ev = nodes_count_seq(&n, inc, seq, now);
        if (ev == SEQ_STALE || ev == SEQ_IMPLAUSIBLE) {
            FUZZ_CHECK(inc < n.inc || seq > n.max_seq);
            continue;
        }
        counted++;
        if (seq_advances(ev)) {         /* as the receiver does */
            n.last_seen = now;
            n.interval_ms = INTERVAL;
        }
        if (kind <= 1 && !tainted)
            FUZZ_CHECK(ev == SEQ_NEXT || ev == SEQ_FIRST);
        /* The model: the seqs of the current incarnation that came. */
        if (!m.any || inc != m.inc) {
            if (m.any)
                FUZZ_CHECK(inc > m.inc && ev == SEQ_RESTART);
            memset(m.seen, 0, sizeof(m.seen));
            m.first = m.any ? 1 : seq;
            m.max = 0;
            m.inc = inc;
            m.any = true;
        }
        if (seq <= SEQ_SPACE)
            m.seen[seq] = true;
        if (seq > m.max)
            m.max = seq;
        if (seq < m.first && ev != SEQ_RESTART && ev != SEQ_FIRST)
            FUZZ_CHECK(ev == SEQ_LATE || ev == SEQ_DUPLICATE);
        FUZZ_CHECK(n.max_seq == m.max);
        FUZZ_CHECK(n.received == counted);
        FUZZ_CHECK(n.duplicates <= n.received && n.reordered <= n.received);
        FUZZ_CHECK(n.restarts <= sent);
        FUZZ_CHECK(n.lost < (uint64_t)1 << 62);     /* never below zero, wrapped */
        if (m.max <= SEQ_SPACE) {
            uint64_t span = m.max >= m.first ? m.max - m.first + 1 : 0;

            FUZZ_CHECK(n.lost >= truly_lost(&m));
            FUZZ_CHECK(n.lost <= span || n.restarts > 0);
        }
    }
    return 0;
}
