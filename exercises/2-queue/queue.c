/*
 * queue - exercise 2: a producer, consumer threads, and a bounded queue to write.
 *
 * Lesson: a bounded blocking queue is one mutex and two condition
 * variables.  put waits while the queue is full, get while it is empty,
 * each in a while loop (a wake-up may be spurious, or another thread may
 * take the item first), and each signals the other side.  close is how
 * the producer says "no more": it wakes every waiter, and get reports
 * the end only once the queue is drained.  Shutdown is a message.
 *
 * Usage: queue [-n TASKS] [-c CONSUMERS] [-s CAPACITY] [-q]
 * See also: src/threading_example/ and lib/bqueue.c (the kit's version:
 * read them after the exercise, not before).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opt.h"

enum { MAX_TASKS = 2000000, MAX_CONSUMERS = 256, MAX_CAPACITY = 1000000 };

struct queue {
    pthread_mutex_t lock;       /* guards every field below */
    pthread_cond_t not_empty;   /* getters wait here */
    pthread_cond_t not_full;    /* putters wait here */
    uint64_t *slots;            /* a ring of 'capacity' slots */
    size_t capacity;
    size_t head;                /* index of the oldest item */
    size_t len;                 /* items in the queue */
    bool closed;                /* no more puts */
};

/* The shared result: one lock, and what it guards. */
struct total {
    pthread_mutex_t lock;
    uint64_t sum;
    uint64_t count;
};

struct consumer {
    pthread_t thread;
    struct queue *q;
    struct total *total;
};

static int queue_init(struct queue *q, size_t capacity)
{
    *q = (struct queue){ .capacity = capacity };
    q->slots = calloc(capacity, sizeof(*q->slots));
    if (q->slots == NULL)
        return ENOMEM;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

static void queue_destroy(struct queue *q)
{
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->lock);
    free(q->slots);
}

/* Append 'item', blocking while the queue is full.  False once closed. */
static bool queue_put(struct queue *q, uint64_t item)
{
    pthread_mutex_lock(&q->lock);
    while (q->len == q->capacity && !q->closed)
        pthread_cond_wait(&q->not_full, &q->lock);
    bool open = !q->closed;
    if (open) {
        q->slots[(q->head + q->len) % q->capacity] = item;
        q->len++;
        pthread_cond_signal(&q->not_empty);     /* one getter may go on */
    }
    pthread_mutex_unlock(&q->lock);
    return open;
}

/*
 * Take the oldest item into *item, blocking while the queue is empty and
 * open.  Returns true with an item, false once the queue is closed and
 * drained: there will never be another.
 */
static bool queue_get(struct queue *q, uint64_t *item)
{
    /*
     * EXERCISE: write queue_get, in the manner of queue_put above: the
     * lock, a wait in a while loop, take from the head, wake one putter.
     * Items still queued when the queue is closed must be handed out.
     */
    (void)q;
    (void)item;
    return false;
}

/* No more puts: wake every waiter.  Items already queued stay for getters. */
static void queue_close(struct queue *q)
{
    /* EXERCISE: write queue_close (who waits where, and must be woken?). */
    (void)q;
}

/* A consumer: take, square, add to the total, until the queue ends. */
static void *consume(void *arg)
{
    struct consumer *c = arg;
    uint64_t x;

    while (queue_get(c->q, &x)) {
        uint64_t sq = x * x;

        pthread_mutex_lock(&c->total->lock);
        c->total->sum += sq;
        c->total->count++;
        pthread_mutex_unlock(&c->total->lock);
    }
    return NULL;
}

static int parse(int argc, char **argv, uint64_t *n, uint64_t *c, uint64_t *s)
{
    int opt;

    while ((opt = getopt(argc, argv, "n:c:s:q")) != -1) {
        enum opt_result r = OPT_OK;

        switch (opt) {
        case 'n': r = opt_parse_u64(optarg, 0, MAX_TASKS, n); break;
        case 'c': r = opt_parse_u64(optarg, 1, MAX_CONSUMERS, c); break;
        case 's': r = opt_parse_u64(optarg, 1, MAX_CAPACITY, s); break;
        case 'q': break;
        default: r = OPT_NOT_NUMBER; break;
        }
        if (r != OPT_OK) {
            fprintf(stderr, "usage: queue [-n TASKS] [-c CONSUMERS] [-s CAPACITY] [-q]\n");
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t n = 10, consumers = 2, capacity = 2;
    struct consumer c[MAX_CONSUMERS];
    struct total total = { .lock = PTHREAD_MUTEX_INITIALIZER };
    struct queue q;

    /* 1. Options. */
    if (parse(argc, argv, &n, &consumers, &capacity) < 0)
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* 2. The queue, then the consumers: they wait on it, empty. */
    if (queue_init(&q, capacity) != 0) {
        fprintf(stderr, "queue: %s\n", strerror(ENOMEM));
        return 1;
    }
    for (uint64_t i = 0; i < consumers; i++) {
        c[i] = (struct consumer){ .q = &q, .total = &total };
        int err = pthread_create(&c[i].thread, NULL, consume, &c[i]);
        if (err != 0) {
            fprintf(stderr, "queue: pthread_create: %s\n", strerror(err));
            return 1;
        }
    }

    /* 3. The producer (this thread): every task, then close. */
    for (uint64_t i = 1; i <= n; i++)
        queue_put(&q, i);
    queue_close(&q);

    /* 4. The consumers end once the queue is drained. */
    for (uint64_t i = 0; i < consumers; i++)
        pthread_join(c[i].thread, NULL);

    /* 5. Report, checked against n(n+1)(2n+1)/6. */
    uint64_t expected = n * (n + 1) / 2 * (2 * n + 1) / 3;
    printf("stored %" PRIu64 " of %" PRIu64 " results (%" PRIu64 " consumers, queue of %"
           PRIu64 ")\n", total.count, n, consumers, capacity);
    printf("sum %" PRIu64 "\n", total.sum);
    queue_destroy(&q);
    return total.sum == expected && total.count == n ? 0 : 1;
}
