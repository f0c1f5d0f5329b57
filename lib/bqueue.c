/* bqueue - a bounded blocking queue with close, on one mutex and two condvars. */
#include "bqueue.h"

#include <errno.h>
#include <stdlib.h>

int bqueue_init(struct bqueue *q, size_t capacity)
{
    int err;

    *q = (struct bqueue){ .capacity = capacity };
    q->slots = malloc(capacity * sizeof(*q->slots));
    if (capacity == 0 || q->slots == NULL) {
        free(q->slots);
        return capacity == 0 ? EINVAL : ENOMEM;
    }
    err = pthread_mutex_init(&q->lock, NULL);
    if (err == 0 && (err = pthread_cond_init(&q->not_empty, NULL)) != 0)
        pthread_mutex_destroy(&q->lock);
    if (err == 0 && (err = pthread_cond_init(&q->not_full, NULL)) != 0) {
        pthread_cond_destroy(&q->not_empty);
        pthread_mutex_destroy(&q->lock);
    }
    if (err != 0)
        free(q->slots);
    return err;
}

void bqueue_destroy(struct bqueue *q)
{
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->lock);
    free(q->slots);
}

/*
 * Speed only (skip it aloud; the textbook queue is bench/plain_queue.c):
 * the waiting/woken counters below spare a signal when nobody sleeps.
 *
 * Sleep on 'cond' (the caller holds 'lock' and loops on its condition:
 * wake-ups can be spurious or stolen), counted in *waiting.  A signaller
 * counts in *woken the sleepers it has woken, so as not to wake them
 * twice; each sleeper takes itself off both counts when it runs again.
 */
static void wait_on(pthread_cond_t *cond, pthread_mutex_t *lock,
                    unsigned *waiting, unsigned *woken)
{
    (*waiting)++;
    pthread_cond_wait(cond, lock);
    (*waiting)--;
    if (*woken > 0)
        (*woken)--;
}

/* Copy up to 'n' items in at the tail; the caller holds the lock. */
static size_t ring_push(struct bqueue *q, const uint64_t *items, size_t n)
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

/* Copy up to 'max' items out from the head; the caller holds the lock. */
static size_t ring_pop(struct bqueue *q, uint64_t *items, size_t max)
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

size_t bqueue_put_many(struct bqueue *q, const uint64_t *items, size_t n)
{
    size_t done = 0;

    pthread_mutex_lock(&q->lock);
    while (done < n) {
        while (q->len == q->capacity && !q->closed)
            wait_on(&q->not_full, &q->lock, &q->putters_waiting, &q->putters_woken);
        if (q->closed)
            break;
        size_t before = done;

        done += ring_push(q, items + done, n - done);
        /*
         * One wake-up per item added, for getters asleep and not yet
         * signalled: a broadcast would wake every idle consumer to fight
         * over one item, and a second signal to the same sleeper is a
         * wasted system call.
         */
        for (size_t i = before; i < done && q->getters_waiting > q->getters_woken; i++) {
            q->getters_woken++;
            pthread_cond_signal(&q->not_empty);
        }
    }
    pthread_mutex_unlock(&q->lock);
    return done;
}

bool bqueue_put(struct bqueue *q, uint64_t item)
{
    return bqueue_put_many(q, &item, 1) == 1;
}

size_t bqueue_get_many(struct bqueue *q, uint64_t *items, size_t max)
{
    size_t n;

    pthread_mutex_lock(&q->lock);
    while (q->len == 0 && !q->closed)
        wait_on(&q->not_empty, &q->lock, &q->getters_waiting, &q->getters_woken);
    /* Closed or not, what is queued is handed out first. */
    n = ring_pop(q, items, max);
    /*
     * Wake a blocked putter only once the queue is down to half: it then
     * refills many slots per wake-up instead of one, and a blocked
     * putter is still always woken, since getters drain to empty.
     */
    if (q->putters_waiting > q->putters_woken && q->len <= q->capacity / 2) {
        q->putters_woken = q->putters_waiting;
        pthread_cond_broadcast(&q->not_full);
    }
    pthread_mutex_unlock(&q->lock);
    return n;
}

bool bqueue_get(struct bqueue *q, uint64_t *item)
{
    return bqueue_get_many(q, item, 1) == 1;
}

void bqueue_close(struct bqueue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}
