/* nodes - the node table: hash by name, chunked storage, seq accounting. */
#include "nodes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 64 * 1024 };

const char *nodes_state_name(enum node_state s)
{
    static const char *const names[] = {
        [NODE_ALIVE] = "ALIVE", [NODE_SUSPECT] = "SUSPECT",
        [NODE_DEAD] = "DEAD", [NODE_LEFT] = "LEFT",
    };

    return names[s];
}

const char *nodes_state_key(enum node_state s)
{
    static const char *const keys[] = {
        [NODE_ALIVE] = "alive", [NODE_SUSPECT] = "suspect",
        [NODE_DEAD] = "dead", [NODE_LEFT] = "left",
    };

    return keys[s];
}

void nodes_init(struct node_table *t, size_t max)
{
    memset(t, 0, sizeof(*t));
    t->max = max;
}

void nodes_free(struct node_table *t)
{
    for (size_t i = 0; i < t->high; i++)
        free(nodes_get(t, (uint32_t)i)->phi);
    for (size_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i]);
    for (size_t i = 0; i < t->narenas; i++)
        free(t->arenas[i]);
    free(t->chunks);
    free(t->arenas);
    free(t->slots);
    nodes_init(t, t->max);
}

/* FNV-1a: simple, and good enough for names. */
static uint32_t hash_name(const char *s, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* Double the slots and put every node back. */
static int grow_slots(struct node_table *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof(*slots));

    if (slots == NULL)
        return -1;
    for (size_t id = 0; id < t->high; id++) {
        const struct node *node = nodes_at(t, id);
        size_t i;

        if (node == NULL)
            continue;
        i = node->hash & (n - 1);
        while (slots[i] != 0)
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return 0;
}

/* A copy of the name in the arena, or NULL. */
static const char *keep_name(struct node_table *t, const char *name, size_t len)
{
    char *p;

    if (t->arena_left < len + 1) {
        char **arenas = realloc(t->arenas, (t->narenas + 1) * sizeof(*arenas));

        if (arenas == NULL)
            return NULL;
        t->arenas = arenas;
        if ((t->arena = malloc(ARENA_BLOCK)) == NULL)
            return NULL;
        t->arenas[t->narenas++] = t->arena;
        t->arena_left = ARENA_BLOCK;
    }
    p = t->arena;
    memcpy(p, name, len);
    p[len] = '\0';
    t->arena += len + 1;
    t->arena_left -= len + 1;
    return p;
}

/* A new zeroed node: a freed index, or the next one; NULL if out of memory. */
static struct node *new_node(struct node_table *t, uint32_t *id)
{
    if (t->free_head != 0) {
        struct node *n = nodes_get(t, t->free_head - 1);

        *id = t->free_head - 1;
        t->free_head = n->hash;
        memset(n, 0, sizeof(*n));
        return n;
    }
    if (t->high == t->nchunks * NODES_CHUNK) {
        struct node **chunks = realloc(t->chunks, (t->nchunks + 1) * sizeof(*chunks));

        if (chunks == NULL)
            return NULL;
        t->chunks = chunks;
        if ((t->chunks[t->nchunks] = calloc(NODES_CHUNK, sizeof(struct node))) == NULL)
            return NULL;
        t->nchunks++;
    }
    *id = (uint32_t)t->high++;
    return nodes_get(t, *id);
}

struct node *nodes_find(const struct node_table *t, const char *name, size_t len,
                        uint32_t *id)
{
    uint32_t h = hash_name(name, len);

    for (size_t i = h & (t->nslots - 1); t->nslots > 0 && t->slots[i] != 0;
         i = (i + 1) & (t->nslots - 1)) {
        struct node *n = nodes_get(t, t->slots[i] - 1);

        if (n->hash == h && n->name_len == len && memcmp(n->name, name, len) == 0) {
            *id = t->slots[i] - 1;
            return n;
        }
    }
    return NULL;
}

struct node *nodes_lookup(struct node_table *t, const char *name, size_t len,
                          uint32_t *id, bool *created)
{
    uint32_t h = hash_name(name, len);
    struct node *n;
    size_t i;

    *created = false;
    if ((t->count + 1) * 2 > t->nslots && grow_slots(t) != 0)
        goto nomem;
    for (i = h & (t->nslots - 1); t->slots[i] != 0; i = (i + 1) & (t->nslots - 1)) {
        n = nodes_get(t, t->slots[i] - 1);
        if (n->hash == h && n->name_len == len && memcmp(n->name, name, len) == 0) {
            *id = t->slots[i] - 1;
            return n;
        }
    }
    if (t->max > 0 && t->count >= t->max) {
        errno = ENOSPC;
        return NULL;
    }
    if ((n = new_node(t, id)) == NULL)
        goto nomem;
    if ((n->name = keep_name(t, name, len)) == NULL) {
        n->hash = t->free_head;         /* give the index back */
        t->free_head = *id + 1;
        goto nomem;
    }
    n->hash = h;
    n->name_len = (uint8_t)len;
    t->name_bytes += len + 1;
    t->count++;
    t->slots[i] = *id + 1;
    *created = true;
    return n;
nomem:
    errno = ENOMEM;
    return NULL;
}

/*
 * Copy every live name into fresh arena blocks, and free the old ones.
 * Every block is allocated first, so that nothing fails half way: out
 * of memory, the table stays as it was.
 */
static void compact_names(struct node_table *t)
{
    size_t need = 0, left = 0, b = 0;
    char **blocks = NULL, *p = NULL;

    for (size_t id = 0; id < t->high; id++) {
        const struct node *n = nodes_at(t, id);

        if (n != NULL && left < n->name_len + 1u) {
            need++;
            left = ARENA_BLOCK;
        }
        if (n != NULL)
            left -= n->name_len + 1u;
    }
    if (need > 0 && (blocks = calloc(need, sizeof(*blocks))) == NULL)
        return;
    for (size_t i = 0; i < need; i++)
        if ((blocks[i] = malloc(ARENA_BLOCK)) == NULL) {
            for (size_t k = 0; k < i; k++)
                free(blocks[k]);
            free(blocks);
            return;
        }
    left = 0;
    for (size_t id = 0; id < t->high; id++) {
        struct node *n = nodes_at(t, id);

        if (n == NULL)
            continue;
        if (left < n->name_len + 1u) {
            p = blocks[b++];
            left = ARENA_BLOCK;
        }
        memcpy(p, n->name, n->name_len + 1u);
        n->name = p;
        p += n->name_len + 1u;
        left -= n->name_len + 1u;
    }
    for (size_t i = 0; i < t->narenas; i++)
        free(t->arenas[i]);
    free(t->arenas);
    t->arenas = blocks;
    t->narenas = need;
    t->arena = p;
    t->arena_left = left;
    t->wasted_bytes = 0;
}

void nodes_forget(struct node_table *t, uint32_t id)
{
    struct node *n = nodes_get(t, id);
    size_t mask = t->nslots - 1, i = n->hash & mask, j;

    while (t->slots[i] != id + 1)       /* its slot */
        i = (i + 1) & mask;
    /*
     * Remove it without a tombstone: move later members of the probe
     * run back into the hole, each that may live there (Knuth's
     * algorithm R for linear probing).
     */
    for (j = (i + 1) & mask; t->slots[j] != 0; j = (j + 1) & mask) {
        size_t home = nodes_get(t, t->slots[j] - 1)->hash & mask;

        if (((j - home) & mask) >= ((j - i) & mask)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i] = 0;
    t->name_bytes -= n->name_len + 1u;
    t->wasted_bytes += n->name_len + 1u;
    free(n->phi);
    memset(n, 0, sizeof(*n));
    n->hash = t->free_head;             /* the free list runs through 'hash' */
    t->free_head = id + 1;
    t->count--;
    if (t->wasted_bytes > 4 * (size_t)ARENA_BLOCK && t->wasted_bytes > t->name_bytes)
        compact_names(t);
}

/*
 * How many seqs a heartbeat may skip 'elapsed' ms after the node's last
 * one: what its interval allows, twice over, plus the window.
 */
static uint64_t max_ahead(const struct node *n, uint64_t elapsed)
{
    uint64_t interval = n->interval_ms > 0 ? n->interval_ms : 1;

    return 64 + 2 * (elapsed / interval + 1);
}

/*
 * Counting starts over, at a node's first heartbeat or at a restart.
 * The new incarnation's seqs before this one never came (or were not
 * believed): as lost, no more of them than 'may_lose'.
 */
static enum seq_event start_over(struct node *n, uint64_t inc, uint64_t seq, bool first,
                                 uint64_t may_lose)
{
    uint64_t missed = seq - 1 < may_lose ? seq - 1 : may_lose;

    n->first_seq = seq - missed;        /* a late one from here on fills a gap */
    n->lost += missed;
    if (!first)
        nodes_bump(&n->restarts);
    n->inc = inc;
    n->max_seq = seq;
    n->window = 1;
    return first ? SEQ_FIRST : SEQ_RESTART;
}

enum seq_event nodes_count_seq(struct node *n, uint64_t inc, uint64_t seq, unsigned how,
                               uint64_t now)
{
    bool first = n->received == 0, from_node = how & SEQ_FROM_NODE;
    uint64_t may_skip = max_ahead(n, now - n->last_seen);
    /* Unsigned, from elsewhere, the node silent: whoever beats takes it. */
    bool takes_over = !from_node && !(how & SEQ_SIGNED) && n->state != NODE_ALIVE;

    if (!first && inc < n->inc && !takes_over) {
        nodes_bump(&n->stale);
        return SEQ_STALE;
    }
    /*
     * One datagram from elsewhere must not take a node that beats: while
     * it is ALIVE, only its own address speaks for it (whatever the
     * incarnation or seq), and nothing else is looked at.
     */
    if (!first && !from_node && n->state == NODE_ALIVE) {
        nodes_bump(&n->implausible);
        return SEQ_RIVAL;
    }
    if (!first && inc == n->inc && seq > n->max_seq && seq - n->max_seq > may_skip) {
        nodes_bump(&n->implausible);
        return SEQ_IMPLAUSIBLE;
    }
    n->received++;
    if (first)                          /* nothing says what came before */
        return start_over(n, inc, seq, true, 0);
    /* Taken over at a seq the node has passed (its seqs taken first by
     * a forger, who has fallen silent): counted from here, as a move. */
    if (takes_over && inc == n->inc && seq <= n->max_seq)
        return start_over(n, inc, seq, false, 0);
    /*
     * A restart (or, from elsewhere, unsigned, a return to an older
     * incarnation).  From the node's address, its earlier seqs are lost,
     * as many as the time allows; from elsewhere (believed only now that
     * the node is silent) it is counted from here, as a first one is.
     */
    if (inc != n->inc)
        return start_over(n, inc, seq, false, from_node ? may_skip : 0);
    if (seq > n->max_seq) {
        uint64_t ahead = seq - n->max_seq;

        n->lost += ahead - 1;           /* the ones in between: lost, for now */
        n->window = ahead >= 64 ? 1 : (n->window << ahead) | 1;
        n->max_seq = seq;
        return SEQ_NEXT;
    }
    uint64_t behind = n->max_seq - seq;

    if (behind >= 64 || (n->window & (1ULL << behind))) {
        nodes_bump(&n->duplicates);
        return SEQ_DUPLICATE;
    }
    n->window |= 1ULL << behind;
    nodes_bump(&n->reordered);
    if (seq >= n->first_seq)
        n->lost--;                      /* a gap filled: it was late, not lost */
    return SEQ_LATE;
}
