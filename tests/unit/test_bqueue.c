/* test_bqueue - the bounded blocking queue, textbook (bqueue.c) and
 * counted (bqueue_counted.c): order, blocking, close.  Every test runs
 * on both. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "bqueue.h"
#include "bqueue_counted.h"
#include "tap.h"

/* The queue under test: the textbook one, or (counted) its variant. */
static bool counted;

struct anyq {
    struct bqueue_counted cq;   /* cq.q alone is the textbook queue */
};

static int q_init(struct anyq *a, size_t capacity)
{
    return counted ? bqueue_counted_init(&a->cq, capacity) : bqueue_init(&a->cq.q, capacity);
}

static void q_destroy(struct anyq *a)
{
    if (counted)
        bqueue_counted_destroy(&a->cq);
    else
        bqueue_destroy(&a->cq.q);
}

static size_t q_put_many(struct anyq *a, const uint64_t *items, size_t n)
{
    return counted ? bqueue_counted_put_many(&a->cq, items, n) :
                     bqueue_put_many(&a->cq.q, items, n);
}

static size_t q_get_many(struct anyq *a, uint64_t *items, size_t max)
{
    return counted ? bqueue_counted_get_many(&a->cq, items, max) :
                     bqueue_get_many(&a->cq.q, items, max);
}

static bool q_put(struct anyq *a, uint64_t item)
{
    return counted ? q_put_many(a, &item, 1) == 1 : bqueue_put(&a->cq.q, item);
}

static bool q_get(struct anyq *a, uint64_t *item)
{
    return counted ? q_get_many(a, item, 1) == 1 : bqueue_get(&a->cq.q, item);
}

static void q_close(struct anyq *a)
{
    if (counted)
        bqueue_counted_close(&a->cq);
    else
        bqueue_close(&a->cq.q);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { 0, (long)ms * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void gives_items_back_in_order(void)
{
    struct anyq q;
    uint64_t got[8];

    CHECK_INT(q_init(&q, 4), ==, 0);
    for (uint64_t i = 1; i <= 3; i++)
        CHECK(q_put(&q, i));
    CHECK_U64(q_get_many(&q, got, 2), ==, 2);
    CHECK_U64(got[0], ==, 1);
    CHECK_U64(got[1], ==, 2);
    for (uint64_t i = 4; i <= 6; i++)   /* wraps around the ring */
        CHECK(q_put(&q, i));
    CHECK_U64(q_get_many(&q, got, 8), ==, 4);
    CHECK_U64(got[0], ==, 3);
    CHECK_U64(got[3], ==, 6);
    q_destroy(&q);
}

static void get_drains_before_it_reports_closed(void)
{
    struct anyq q;
    uint64_t x = 0;

    CHECK_INT(q_init(&q, 8), ==, 0);
    CHECK(q_put(&q, 7));
    CHECK(q_put(&q, 8));
    q_close(&q);
    CHECK(!q_put(&q, 9));          /* closed: no more puts */
    CHECK(q_get(&q, &x));
    CHECK_U64(x, ==, 7);
    CHECK(q_get(&q, &x));
    CHECK_U64(x, ==, 8);
    CHECK(!q_get(&q, &x));
    CHECK(!q_get(&q, &x));         /* and stays closed */
    q_destroy(&q);
}

static void rejects_a_capacity_of_zero(void)
{
    struct anyq q;

    CHECK_INT(q_init(&q, 0), ==, EINVAL);
}

struct taker {
    struct anyq *q;
    pthread_t thread;
    uint64_t count, sum;
};

static void *take_all(void *arg)
{
    struct taker *t = arg;
    uint64_t x;

    while (q_get(t->q, &x)) {
        t->count++;
        t->sum += x;
    }
    return NULL;
}

/* Sixteen consumers fight over one slot: each item is taken exactly once. */
static void capacity_one_with_sixteen_consumers_loses_nothing(void)
{
    enum { N = 20000, C = 16 };
    struct taker t[C];
    struct anyq q;
    uint64_t count = 0, sum = 0;

    CHECK_INT(q_init(&q, 1), ==, 0);
    for (int i = 0; i < C; i++) {
        t[i] = (struct taker){ .q = &q };
        CHECK_INT(pthread_create(&t[i].thread, NULL, take_all, &t[i]), ==, 0);
    }
    for (uint64_t i = 1; i <= N; i++)
        CHECK(q_put(&q, i));
    q_close(&q);
    for (int i = 0; i < C; i++) {
        pthread_join(t[i].thread, NULL);
        count += t[i].count;
        sum += t[i].sum;
    }
    CHECK_U64(count, ==, N);
    CHECK_U64(sum, ==, (uint64_t)N * (N + 1) / 2);
    q_destroy(&q);
}

/* Consumers asleep on an empty queue: close wakes every one of them. */
static void close_wakes_consumers_blocked_on_empty(void)
{
    enum { C = 8 };
    struct taker t[C];
    struct anyq q;

    CHECK_INT(q_init(&q, 4), ==, 0);
    for (int i = 0; i < C; i++) {
        t[i] = (struct taker){ .q = &q };
        CHECK_INT(pthread_create(&t[i].thread, NULL, take_all, &t[i]), ==, 0);
    }
    sleep_ms(50);                       /* let them block */
    if (counted) {                      /* the textbook queue does not count them */
        pthread_mutex_lock(&q.cq.q.lock);
        CHECK_INT(q.cq.getters_waiting, ==, C);
        pthread_mutex_unlock(&q.cq.q.lock);
    }
    q_close(&q);
    for (int i = 0; i < C; i++) {       /* a missed wake-up hangs here */
        pthread_join(t[i].thread, NULL);
        CHECK_U64(t[i].count, ==, 0);
    }
    q_destroy(&q);
}

struct putter {
    struct anyq *q;
    atomic_int returned;
    bool result;
};

static void *put_one(void *arg)
{
    struct putter *p = arg;

    p->result = q_put(p->q, 99);
    atomic_store(&p->returned, 1);
    return NULL;
}

/* A producer asleep on a full queue: close wakes it, and its put fails. */
static void close_wakes_a_producer_blocked_on_full(void)
{
    struct putter p = { .result = true };
    struct anyq q;
    pthread_t thread;
    uint64_t x;

    CHECK_INT(q_init(&q, 2), ==, 0);
    p.q = &q;
    CHECK(q_put(&q, 1));
    CHECK(q_put(&q, 2));
    CHECK_INT(pthread_create(&thread, NULL, put_one, &p), ==, 0);
    sleep_ms(50);
    CHECK_INT(atomic_load(&p.returned), ==, 0);   /* still blocked: full */
    q_close(&q);
    pthread_join(thread, NULL);
    CHECK(!p.result);
    CHECK(q_get(&q, &x));          /* what was queued is still there */
    CHECK(q_get(&q, &x));
    CHECK(!q_get(&q, &x));
    q_destroy(&q);
}

/* A put blocked on full goes through as soon as a get makes room. */
static void put_blocks_while_full_then_proceeds(void)
{
    struct putter p = { .result = false };
    struct anyq q;
    pthread_t thread;
    uint64_t x;

    CHECK_INT(q_init(&q, 1), ==, 0);
    p.q = &q;
    CHECK(q_put(&q, 1));
    CHECK_INT(pthread_create(&thread, NULL, put_one, &p), ==, 0);
    sleep_ms(50);
    CHECK_INT(atomic_load(&p.returned), ==, 0);
    CHECK(q_get(&q, &x));
    pthread_join(thread, NULL);
    CHECK(p.result);
    CHECK(q_get(&q, &x));
    CHECK_U64(x, ==, 99);
    q_destroy(&q);
}

static void put_many_fills_in_order_across_waits(void)
{
    enum { N = 1000 };
    uint64_t items[N];
    struct taker t = { 0 };
    struct anyq q;

    CHECK_INT(q_init(&q, 7), ==, 0);
    t.q = &q;
    for (int i = 0; i < N; i++)
        items[i] = (uint64_t)i + 1;
    CHECK_INT(pthread_create(&t.thread, NULL, take_all, &t), ==, 0);
    CHECK_U64(q_put_many(&q, items, N), ==, N);
    q_close(&q);
    pthread_join(t.thread, NULL);
    CHECK_U64(t.count, ==, N);
    CHECK_U64(t.sum, ==, (uint64_t)N * (N + 1) / 2);
    q_destroy(&q);
}

int main(void)
{
    for (int pass = 0; pass < 2; pass++) {
        counted = pass == 1;
        RUN_TEST(gives_items_back_in_order);
        RUN_TEST(get_drains_before_it_reports_closed);
        RUN_TEST(rejects_a_capacity_of_zero);
        RUN_TEST(capacity_one_with_sixteen_consumers_loses_nothing);
        RUN_TEST(close_wakes_consumers_blocked_on_empty);
        RUN_TEST(close_wakes_a_producer_blocked_on_full);
        RUN_TEST(put_blocks_while_full_then_proceeds);
        RUN_TEST(put_many_fills_in_order_across_waits);
    }
    return tap_done();
}
