/* test_bqueue - the bounded blocking queue: order, blocking, close. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "bqueue.h"
#include "tap.h"

static void sleep_ms(int ms)
{
    struct timespec ts = { 0, (long)ms * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void gives_items_back_in_order(void)
{
    struct bqueue q;
    uint64_t got[8];

    CHECK_INT(bqueue_init(&q, 4), ==, 0);
    for (uint64_t i = 1; i <= 3; i++)
        CHECK(bqueue_put(&q, i));
    CHECK_U64(bqueue_get_many(&q, got, 2), ==, 2);
    CHECK_U64(got[0], ==, 1);
    CHECK_U64(got[1], ==, 2);
    for (uint64_t i = 4; i <= 6; i++)   /* wraps around the ring */
        CHECK(bqueue_put(&q, i));
    CHECK_U64(bqueue_get_many(&q, got, 8), ==, 4);
    CHECK_U64(got[0], ==, 3);
    CHECK_U64(got[3], ==, 6);
    bqueue_destroy(&q);
}

static void get_drains_before_it_reports_closed(void)
{
    struct bqueue q;
    uint64_t x = 0;

    CHECK_INT(bqueue_init(&q, 8), ==, 0);
    CHECK(bqueue_put(&q, 7));
    CHECK(bqueue_put(&q, 8));
    bqueue_close(&q);
    CHECK(!bqueue_put(&q, 9));          /* closed: no more puts */
    CHECK(bqueue_get(&q, &x));
    CHECK_U64(x, ==, 7);
    CHECK(bqueue_get(&q, &x));
    CHECK_U64(x, ==, 8);
    CHECK(!bqueue_get(&q, &x));
    CHECK(!bqueue_get(&q, &x));         /* and stays closed */
    bqueue_destroy(&q);
}

static void rejects_a_capacity_of_zero(void)
{
    struct bqueue q;

    CHECK_INT(bqueue_init(&q, 0), ==, EINVAL);
}

struct taker {
    struct bqueue *q;
    pthread_t thread;
    uint64_t count, sum;
};

static void *take_all(void *arg)
{
    struct taker *t = arg;
    uint64_t x;

    while (bqueue_get(t->q, &x)) {
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
    struct bqueue q;
    uint64_t count = 0, sum = 0;

    CHECK_INT(bqueue_init(&q, 1), ==, 0);
    for (int i = 0; i < C; i++) {
        t[i] = (struct taker){ .q = &q };
        CHECK_INT(pthread_create(&t[i].thread, NULL, take_all, &t[i]), ==, 0);
    }
    for (uint64_t i = 1; i <= N; i++)
        CHECK(bqueue_put(&q, i));
    bqueue_close(&q);
    for (int i = 0; i < C; i++) {
        pthread_join(t[i].thread, NULL);
        count += t[i].count;
        sum += t[i].sum;
    }
    CHECK_U64(count, ==, N);
    CHECK_U64(sum, ==, (uint64_t)N * (N + 1) / 2);
    bqueue_destroy(&q);
}

/* Consumers asleep on an empty queue: close wakes every one of them. */
static void close_wakes_consumers_blocked_on_empty(void)
{
    enum { C = 8 };
    struct taker t[C];
    struct bqueue q;

    CHECK_INT(bqueue_init(&q, 4), ==, 0);
    for (int i = 0; i < C; i++) {
        t[i] = (struct taker){ .q = &q };
        CHECK_INT(pthread_create(&t[i].thread, NULL, take_all, &t[i]), ==, 0);
    }
    sleep_ms(50);                       /* let them block */
    pthread_mutex_lock(&q.lock);
    CHECK_INT(q.getters_waiting, ==, C);
    pthread_mutex_unlock(&q.lock);
    bqueue_close(&q);
    for (int i = 0; i < C; i++) {       /* a missed wake-up hangs here */
        pthread_join(t[i].thread, NULL);
        CHECK_U64(t[i].count, ==, 0);
    }
    bqueue_destroy(&q);
}

struct putter {
    struct bqueue *q;
    atomic_int returned;
    bool result;
};

static void *put_one(void *arg)
{
    struct putter *p = arg;

    p->result = bqueue_put(p->q, 99);
    atomic_store(&p->returned, 1);
    return NULL;
}

/* A producer asleep on a full queue: close wakes it, and its put fails. */
static void close_wakes_a_producer_blocked_on_full(void)
{
    struct putter p = { .result = true };
    struct bqueue q;
    pthread_t thread;
    uint64_t x;

    CHECK_INT(bqueue_init(&q, 2), ==, 0);
    p.q = &q;
    CHECK(bqueue_put(&q, 1));
    CHECK(bqueue_put(&q, 2));
    CHECK_INT(pthread_create(&thread, NULL, put_one, &p), ==, 0);
    sleep_ms(50);
    CHECK_INT(atomic_load(&p.returned), ==, 0);   /* still blocked: full */
    bqueue_close(&q);
    pthread_join(thread, NULL);
    CHECK(!p.result);
    CHECK(bqueue_get(&q, &x));          /* what was queued is still there */
    CHECK(bqueue_get(&q, &x));
    CHECK(!bqueue_get(&q, &x));
    bqueue_destroy(&q);
}

/* A put blocked on full goes through as soon as a get makes room. */
static void put_blocks_while_full_then_proceeds(void)
{
    struct putter p = { .result = false };
    struct bqueue q;
    pthread_t thread;
    uint64_t x;

    CHECK_INT(bqueue_init(&q, 1), ==, 0);
    p.q = &q;
    CHECK(bqueue_put(&q, 1));
    CHECK_INT(pthread_create(&thread, NULL, put_one, &p), ==, 0);
    sleep_ms(50);
    CHECK_INT(atomic_load(&p.returned), ==, 0);
    CHECK(bqueue_get(&q, &x));
    pthread_join(thread, NULL);
    CHECK(p.result);
    CHECK(bqueue_get(&q, &x));
    CHECK_U64(x, ==, 99);
    bqueue_destroy(&q);
}

static void put_many_fills_in_order_across_waits(void)
{
    enum { N = 1000 };
    uint64_t items[N];
    struct taker t = { 0 };
    struct bqueue q;

    CHECK_INT(bqueue_init(&q, 7), ==, 0);
    t.q = &q;
    for (int i = 0; i < N; i++)
        items[i] = (uint64_t)i + 1;
    CHECK_INT(pthread_create(&t.thread, NULL, take_all, &t), ==, 0);
    CHECK_U64(bqueue_put_many(&q, items, N), ==, N);
    bqueue_close(&q);
    pthread_join(t.thread, NULL);
    CHECK_U64(t.count, ==, N);
    CHECK_U64(t.sum, ==, (uint64_t)N * (N + 1) / 2);
    bqueue_destroy(&q);
}

int main(void)
{
    RUN_TEST(gives_items_back_in_order);
    RUN_TEST(get_drains_before_it_reports_closed);
    RUN_TEST(rejects_a_capacity_of_zero);
    RUN_TEST(capacity_one_with_sixteen_consumers_loses_nothing);
    RUN_TEST(close_wakes_consumers_blocked_on_empty);
    RUN_TEST(close_wakes_a_producer_blocked_on_full);
    RUN_TEST(put_blocks_while_full_then_proceeds);
    RUN_TEST(put_many_fills_in_order_across_waits);
    return tap_done();
}
