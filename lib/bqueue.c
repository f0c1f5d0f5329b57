/* bqueue - a bounded blocking queue with close, on one mutex and two condvars. */
#include "bqueue.h"

#include <errno.h>
#include <stdlib.h>

#include "bqueue_ring.h"

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

size_t bqueue_put_many(struct bqueue *q, const uint64_t *items, size_t n)
{
    size_t done = 0;

    pthread_mutex_lock(&q->lock);
    while (done < n) {
        /* A loop, not an if: a wake-up can be spurious, or another
         * putter can take the room first. */
        while (q->len == q->capacity && !q->closed)
            pthread_cond_wait(&q->not_full, &q->lock);
        if (q->closed)
            break;
        size_t added = bqueue_ring_push(q, items + done, n - done);

        done += added;
        for (size_t i = 0; i < added; i++)     /* a getter for each item */
            pthread_cond_signal(&q->not_empty);
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
        pthread_cond_wait(&q->not_empty, &q->lock);
    /* Closed or not, what is queued is handed out first. */
    n = bqueue_ring_pop(q, items, max);
    for (size_t i = 0; i < n; i++)      /* a putter for each free slot */
        pthread_cond_signal(&q->not_full);
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
