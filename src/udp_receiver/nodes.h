/*
 * nodes - every node the receiver has heard of, found by name in
 * constant time, and what its sequence numbers say.
 *
 * Nodes live in fixed chunks that never move (no realloc copies a
 * million of them) and are named by their index.  Names are kept once,
 * in an arena.  A node is removed only when the receiver forgets it
 * (--forget-after): its index is then reused by the next new node, and
 * the arena is compacted once most of it holds forgotten names.
 */
#ifndef KIT_NODES_H
#define KIT_NODES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum node_state { NODE_ALIVE, NODE_SUSPECT, NODE_DEAD, NODE_LEFT };

/* An IPv4 or IPv6 address, without the 128 bytes of sockaddr_storage. */
union node_addr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
};

struct phi_window;

struct node {
    const char *name;           /* NUL-terminated, in the table's arena; NULL: free */
    uint32_t hash;
    uint8_t name_len;
    uint8_t state;              /* enum node_state */
    bool armed;                 /* it has a live timer, due at timer_at */
    uint64_t inc;               /* its incarnation (sender's start time) */
    uint64_t first_seq;         /* the lowest seq it can account for in this one */
    uint64_t max_seq;           /* the highest seq seen in this incarnation */
    uint64_t window;            /* bit i set: seq max_seq - i was received */
    uint64_t received;          /* valid heartbeats, duplicates included */
    uint64_t lost;              /* seqs skipped and not (yet) filled in */
    /* One per datagram, so within reach of a flood: they stop at UINT32_MAX. */
    uint32_t duplicates, reordered, restarts;
    uint32_t stale;             /* of an older incarnation: ignored */
    uint32_t implausible;       /* too far ahead for the time, or forged: ignored */
    uint32_t interval_ms;       /* the interval its latest heartbeat announced */
    uint64_t last_seen;         /* receiver's clock, ms */
    uint64_t timer_at;          /* receiver's clock, ms, when armed */
    struct phi_window *phi;     /* --detector phi only */
    union node_addr addr;       /* where its latest heartbeat came from */
};

enum { NODES_CHUNK = 4096 };

struct node_table {
    struct node **chunks;       /* NODES_CHUNK nodes each */
    size_t count;               /* nodes in the table */
    size_t high;                /* indexes in use or freed: iterate below this */
    size_t nchunks;
    uint32_t free_head;         /* a freed index + 1, 0: none (list through 'hash') */
    uint32_t *slots;            /* open addressing: node index + 1, 0 = free */
    size_t nslots;              /* a power of two, at least twice count */
    char *arena;                /* where the next name goes */
    size_t arena_left;
    char **arenas;              /* every arena block, to free them */
    size_t narenas;
    size_t name_bytes;          /* of live nodes' names, NULs included */
    size_t wasted_bytes;        /* of forgotten names, still in the arena */
    size_t max;                 /* nodes at most; 0: no limit */
};

/* An empty table that holds at most 'max' nodes (0: no limit). */
/* "ALIVE", "SUSPECT", "DEAD", "LEFT": as the text output shows a state. */
const char *nodes_state_name(enum node_state s);

/* "alive", ...: as JSON names it, in the one case of events ({"event":"dead"}). */
const char *nodes_state_key(enum node_state s);

void nodes_init(struct node_table *t, size_t max);
void nodes_free(struct node_table *t);

static inline struct node *nodes_get(const struct node_table *t, uint32_t id)
{
    return &t->chunks[id / NODES_CHUNK][id % NODES_CHUNK];
}

/*
 * Every node in the table, for (id = 0; id < t->high; id++) with the
 * free ones (name NULL) skipped: the node, or NULL.
 */
static inline struct node *nodes_at(const struct node_table *t, size_t id)
{
    struct node *n = nodes_get(t, (uint32_t)id);

    return n->name != NULL ? n : NULL;
}

/*
 * One more of a node's 32-bit counts.  It stops at UINT32_MAX: wrapped
 * to 0, a count that a flood of forged datagrams had filled would say
 * "none".
 */
static inline void nodes_bump(uint32_t *count)
{
    if (*count < UINT32_MAX)
        (*count)++;
}

/* Remove node 'id' from the table; its index and name's room are reused. */
void nodes_forget(struct node_table *t, uint32_t id);

/*
 * The node named 'name' ('len' bytes, a valid heartbeat name), added
 * zeroed (but for its name) if it is new: then *created is true.
 * Returns NULL with errno ENOSPC if a new one would pass the table's
 * limit, or ENOMEM if memory runs out.
 */
struct node *nodes_lookup(struct node_table *t, const char *name, size_t len,
                          uint32_t *id, bool *created);

/* The node named 'name' ('len' bytes) and its *id, or NULL: none such. */
struct node *nodes_find(const struct node_table *t, const char *name, size_t len,
                        uint32_t *id);

/* What one heartbeat's (inc, seq) meant for the node's counts. */
enum seq_event {
    SEQ_FIRST,          /* the node's first heartbeat */
    SEQ_NEXT,           /* newer than any before (maybe after a gap: lost) */
    SEQ_LATE,           /* older, filling a gap: reordered, no longer lost */
    SEQ_DUPLICATE,      /* seen already (or too old to tell) */
    SEQ_RESTART,        /* a new incarnation: counting starts over */
    SEQ_STALE,          /* of an older incarnation: ignored */
    SEQ_IMPLAUSIBLE,    /* further ahead than the time since allows: ignored */
    SEQ_RIVAL,          /* from another address, the node ALIVE: ignored */
};

/* Whether the event makes the node's latest state (address, last seen). */
static inline bool seq_advances(enum seq_event ev)
{
    return ev == SEQ_FIRST || ev == SEQ_NEXT || ev == SEQ_RESTART;
}

/*
 * Count heartbeat (inc, seq) of node 'n', arriving at 'now' (ms, the
 * receiver's clock) from the node's own address ('from_node') or from
 * another: received, lost, duplicates, reordered, restarts.
 *
 * A gap counts as lost until a late arrival fills it; arrivals more
 * than 64 behind the newest cannot be told apart from duplicates and
 * count as such; one older than the first seen is reordered, never a
 * negative loss.  No heartbeat adds more to lost than the node's
 * interval allows for the time since its last one, twice over plus 64
 * (max_ahead): neither a jump of seq nor a restart at a huge seq.
 *
 * Not believed, counted apart, and changing nothing else, so that one
 * forged or corrupted datagram cannot capture the node:
 *   - an older incarnation (stale), from the node's address, or while
 *     it is ALIVE, or when heartbeats are signed;
 *   - a seq further ahead than max_ahead (implausible);
 *   - any heartbeat of the current or a newer incarnation from another
 *     address while the node is ALIVE (a rival, counted as implausible):
 *     a live node keeps beating from its address, and a node that moved
 *     or restarted elsewhere is believed once it is SUSPECT, DEAD or
 *     LEFT.  A restart so believed is counted from its first believed
 *     heartbeat, as a first heartbeat is: the ones before may have come
 *     and been ignored.
 * Unsigned, an incarnation or a seq is only a number anyone may write:
 * once the node is not ALIVE, the address that beats takes it, whatever
 * its incarnation (older ones too) or seq (one the node has passed is
 * counted over from there, a restart).  So one forged far-future
 * incarnation, or seq, holds a node only until its sender falls silent
 * (SUSPECT, two intervals), and the real node, beating on, then takes
 * it back.
 *
 * 'how': SEQ_FROM_NODE (it comes from the node's address), SEQ_SIGNED
 * (its MAC was right: incarnations can be trusted to order lives).
 * Uses n->last_seen, n->interval_ms and n->state as they were before
 * this heartbeat.
 */
enum { SEQ_FROM_NODE = 1, SEQ_SIGNED = 2 };
enum seq_event nodes_count_seq(struct node *n, uint64_t inc, uint64_t seq, unsigned how,
                               uint64_t now);

#endif
