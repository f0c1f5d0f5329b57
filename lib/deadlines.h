/*
 * deadlines - many deadlines, the earliest first: a binary min-heap.
 * (The clock they are measured on is timing.h's.)
 *
 * Each deadline is a (when, id) pair; 'id' says whose it is (a node's
 * index, say).  Adding, and taking the earliest, cost O(log n); looking
 * at the earliest costs O(1).  The heap never looks inside ids, so a
 * caller may leave a deadline in it that no longer matters and skip it
 * when it comes out ("lazy cancellation"), which is cheaper than
 * finding and removing it.
 *
 * Error dialect: deadlines_add returns 0, or -1 with errno ENOMEM.  Not
 * thread-safe: one owner.
 */
#ifndef KIT_DEADLINES_H
#define KIT_DEADLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct deadline {
    uint64_t when;              /* in the caller's unit (ns, ms...) */
    uint32_t id;
};

struct deadlines {
    struct deadline *v;
    size_t n, cap;
};

void deadlines_init(struct deadlines *t);
void deadlines_free(struct deadlines *t);
int deadlines_add(struct deadlines *t, uint64_t when, uint32_t id);
/* The earliest deadline, or NULL when there is none. */
static inline const struct deadline *deadlines_first(const struct deadlines *t)
{
    return t->n > 0 ? &t->v[0] : NULL;
}
/* Remove the earliest deadline (there must be one). */
void deadlines_pop(struct deadlines *t);
/* Move the earliest deadline to 'when', keeping its id: a pop and an add in one. */
void deadlines_move_first(struct deadlines *t, uint64_t when);

#endif
