/*
 * timers - many deadlines, the earliest first: a binary min-heap.
 *
 * Each timer is a (when, id) pair; 'id' says whose it is (a node's
 * index, say).  Adding, and taking the earliest, cost O(log n); looking
 * at the earliest costs O(1).  The heap never looks inside ids, so a
 * caller may leave a timer in it that no longer matters and skip it
 * when it comes out ("lazy cancellation"), which is cheaper than
 * finding and removing it.
 *
 * Error dialect: timers_add returns 0, or -1 with errno ENOMEM.  Not
 * thread-safe: one owner.
 */
#ifndef KIT_TIMERS_H
#define KIT_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timer {
    uint64_t when;              /* in the caller's unit (ns, ms...) */
    uint32_t id;
};

struct timers {
    struct timer *v;
    size_t n, cap;
};

void timers_init(struct timers *t);
void timers_free(struct timers *t);
int timers_add(struct timers *t, uint64_t when, uint32_t id);
/* The earliest timer, or NULL when there is none. */
static inline const struct timer *timers_first(const struct timers *t)
{
    return t->n > 0 ? &t->v[0] : NULL;
}
/* Remove the earliest timer (there must be one). */
void timers_pop(struct timers *t);
/* Move the earliest timer to 'when', keeping its id: a pop and an add in one. */
void timers_move_first(struct timers *t, uint64_t when);

#endif
