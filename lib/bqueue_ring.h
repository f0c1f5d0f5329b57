/*
 * bqueue_ring - the ring of slots inside struct bqueue, for bqueue.c and
 * bqueue_counted.c only, with q->lock held: copy up to 'n' items in at
 * the tail, or up to 'max' out from the head; each returns how many.
 * Inline (speed only), as when the queue was one file: a call each way
 * cost threading_example 5 to 7% of its rate at one task per lock.
 */
#ifndef KIT_BQUEUE_RING_H
#define KIT_BQUEUE_RING_H

#include "bqueue.h"

static inline size_t bqueue_ring_push(struct bqueue *q, const uint64_t *items, size_t n)
{
    size_t tail = q->head + q->len;     /* no '%': a division costs more */

    if (n > q->capacity - q->len)
        n = q->capacity - q->len;
    for (size_t i = 0; i < n; i++, tail++) {
        if (tail >= q->capacity)
            tail -= q->capacity;
        q->slots[tail] = items[i];
    }
    q->len += n;
    return n;
}

static inline size_t bqueue_ring_pop(struct bqueue *q, uint64_t *items, size_t max)
{
    size_t n = q->len < max ? q->len : max;

    for (size_t i = 0; i < n; i++) {
        items[i] = q->slots[q->head];
        if (++q->head == q->capacity)
            q->head = 0;
    }
    q->len -= n;
    return n;
}

#endif
