/*
 * bqueue - a bounded blocking queue of numbers (tasks, descriptors), for threads.
 *
 * put blocks while the queue is full, get blocks while it is empty.
 * close is how the producer says "no more": it wakes every waiter;
 * later puts fail, and gets go on returning what is left, then report
 * the queue closed.  So consumers stop by message, never by polling.
 *
 * The textbook queue: one mutex guards everything; getters wait on one
 * condition variable (not_empty), putters on the other (not_full), and
 * each item put or taken signals the other side once.
 * lib/bqueue_counted.[ch] is the same queue with fewer wake-ups (speed
 * only), for threading_example.
 * Error dialect: thread-shaped (init returns an error number); the
 * other calls cannot fail on a correctly initialised queue.
 * All calls but init/destroy are thread-safe.
 */
#ifndef KIT_BQUEUE_H
#define KIT_BQUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bqueue {
    pthread_mutex_t lock;       /* guards every field below */
    pthread_cond_t not_empty;   /* getters wait here */
    pthread_cond_t not_full;    /* putters wait here */
    uint64_t *slots;            /* a ring of 'capacity' slots */
    size_t capacity;
    size_t head;                /* index of the oldest item */
    size_t len;                 /* items in the queue */
    bool closed;
};

/* Returns 0, or an error number (EINVAL for 0 slots, ENOMEM, or one from pthread_*_init). */
int bqueue_init(struct bqueue *q, size_t capacity);
void bqueue_destroy(struct bqueue *q);

/*
 * Append 'item', blocking while the queue is full.  Returns true once
 * it is queued, false if the queue is (or becomes) closed first.
 */
bool bqueue_put(struct bqueue *q, uint64_t item);

/*
 * Append the 'n' items in order, as many per lock as there is room
 * for, blocking while the queue is full.  Returns how many were queued:
 * 'n', or fewer if the queue was closed first.
 */
size_t bqueue_put_many(struct bqueue *q, const uint64_t *items, size_t n);

/*
 * Take up to 'max' items (at least 1) into 'items', oldest first,
 * blocking while the queue is empty and open.  Returns how many were
 * taken; 0 means closed and drained: there will never be more.
 */
size_t bqueue_get_many(struct bqueue *q, uint64_t *items, size_t max);

/* Take one item.  Returns false once the queue is closed and drained. */
bool bqueue_get(struct bqueue *q, uint64_t *item);

/* No more puts: wake every waiter.  Items already queued stay for getters. */
void bqueue_close(struct bqueue *q);

#endif
