/*
 * bqueue_counted - lib/bqueue.c's queue with fewer wake-ups: speed only
 * (read bqueue.h first).  The same ring, lock, condition variables and
 * close; what differs is who is signalled.  Counters of the threads
 * asleep on each condition, and of those already signalled, spare a
 * signal when nobody sleeps or the sleeper has been woken already
 * (each wake-up is a system call), and a blocked putter is woken only
 * once the queue is down to half, to refill many slots per wake-up.
 * threading_example uses it; at one task per lock on 2 cores it moves
 * several times the tasks of the textbook queue (bench/README.md).
 * Error dialect and thread-safety: as bqueue.h.
 */
#ifndef KIT_BQUEUE_COUNTED_H
#define KIT_BQUEUE_COUNTED_H

#include "bqueue.h"

struct bqueue_counted {
    struct bqueue q;            /* q.lock guards the counters too */
    unsigned getters_waiting;   /* asleep on q.not_empty */
    unsigned getters_woken;     /* of those, signalled but not yet running */
    unsigned putters_waiting;   /* asleep on q.not_full */
    unsigned putters_woken;
};

/* As bqueue_init, bqueue_destroy. */
int bqueue_counted_init(struct bqueue_counted *cq, size_t capacity);
void bqueue_counted_destroy(struct bqueue_counted *cq);

/* As bqueue_put_many, bqueue_get_many, bqueue_close. */
size_t bqueue_counted_put_many(struct bqueue_counted *cq, const uint64_t *items, size_t n);
size_t bqueue_counted_get_many(struct bqueue_counted *cq, uint64_t *items, size_t max);
void bqueue_counted_close(struct bqueue_counted *cq);

#endif
