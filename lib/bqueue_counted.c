/* bqueue_counted - bqueue's queue, signalling only sleepers not yet signalled. */
#include "bqueue_counted.h"

#include "bqueue_ring.h"

int bqueue_counted_init(struct bqueue_counted *cq, size_t capacity)
{
    *cq = (struct bqueue_counted){ 0 };
    return bqueue_init(&cq->q, capacity);
}

void bqueue_counted_destroy(struct bqueue_counted *cq)
{
    bqueue_destroy(&cq->q);
}

/*
 * Sleep on 'cond' (the caller holds the lock and loops on its
 * condition: wake-ups can be spurious or stolen), counted in *waiting.
 * A signaller counts in *woken the sleepers it has woken, so as not to
 * wake them twice; each sleeper takes itself off both counts when it
 * runs again.
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

size_t bqueue_counted_put_many(struct bqueue_counted *cq, const uint64_t *items, size_t n)
{
    struct bqueue *q = &cq->q;
    size_t done = 0;

    pthread_mutex_lock(&q->lock);
    while (done < n) {
        while (q->len == q->capacity && !q->closed)
            wait_on(&q->not_full, &q->lock, &cq->putters_waiting, &cq->putters_woken);
        if (q->closed)
            break;
        size_t before = done;

        done += bqueue_ring_push(q, items + done, n - done);
        /*
         * One wake-up per item added, for getters asleep and not yet
         * signalled: a broadcast would wake every idle consumer to fight
         * over one item, and a second signal to the same sleeper is a
         * wasted system call.
         */
        for (size_t i = before; i < done && cq->getters_waiting > cq->getters_woken; i++) {
            cq->getters_woken++;
            pthread_cond_signal(&q->not_empty);
        }
    }
    pthread_mutex_unlock(&q->lock);
    return done;
}

size_t bqueue_counted_get_many(struct bqueue_counted *cq, uint64_t *items, size_t max)
{
    struct bqueue *q = &cq->q;
    size_t n;

    pthread_mutex_lock(&q->lock);
    while (q->len == 0 && !q->closed)
        wait_on(&q->not_empty, &q->lock, &cq->getters_waiting, &cq->getters_woken);
    /* Closed or not, what is queued is handed out first. */
    n = bqueue_ring_pop(q, items, max);
    /*
     * Wake a blocked putter only once the queue is down to half: it then
     * refills many slots per wake-up instead of one, and a blocked
     * putter is still always woken, since getters drain to empty.
     */
    if (cq->putters_waiting > cq->putters_woken && q->len <= q->capacity / 2) {
        cq->putters_woken = cq->putters_waiting;
        pthread_cond_broadcast(&q->not_full);
    }
    pthread_mutex_unlock(&q->lock);
    return n;
}

void bqueue_counted_close(struct bqueue_counted *cq)
{
    bqueue_close(&cq->q);
}
