/* test_timers - the deadline heap gives timers back in time order. */
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "timers.h"

static void empty_has_no_first(void)
{
    struct timers t;

    timers_init(&t);
    CHECK(timers_first(&t) == NULL);
    timers_free(&t);
}

static void random_deadlines_come_out_sorted(void)
{
    struct timers t;
    uint64_t last = 0, x = 88172645463325252ULL;
    size_t n = 0;

    timers_init(&t);
    for (uint32_t i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        CHECK_INT(timers_add(&t, x % 1000, i), ==, 0);
    }
    while (timers_first(&t) != NULL) {
        CHECK_U64(timers_first(&t)->when, >=, last);
        last = timers_first(&t)->when;
        timers_pop(&t);
        n++;
    }
    CHECK_U64(n, ==, 100000);
    timers_free(&t);
}

static void moving_the_first_keeps_its_id_and_the_order(void)
{
    struct timers t;

    timers_init(&t);
    timers_add(&t, 10, 1);
    timers_add(&t, 20, 2);
    timers_add(&t, 30, 3);
    timers_move_first(&t, 25);          /* 1 now due at 25: after 2 */
    CHECK_INT(timers_first(&t)->id, ==, 2);
    timers_pop(&t);
    CHECK_INT(timers_first(&t)->id, ==, 1);
    CHECK_U64(timers_first(&t)->when, ==, 25);
    timers_move_first(&t, 5);           /* earlier still: stays first */
    CHECK_INT(timers_first(&t)->id, ==, 1);
    timers_pop(&t);
    CHECK_INT(timers_first(&t)->id, ==, 3);
    timers_pop(&t);
    CHECK(timers_first(&t) == NULL);
    timers_free(&t);
}

static void equal_deadlines_all_come_out(void)
{
    struct timers t;
    unsigned seen = 0;

    timers_init(&t);
    for (uint32_t i = 0; i < 8; i++)
        timers_add(&t, 7, i);
    while (timers_first(&t) != NULL) {
        seen |= 1u << timers_first(&t)->id;
        timers_pop(&t);
    }
    CHECK_INT(seen, ==, 0xff);
    timers_free(&t);
}

int main(void)
{
    RUN_TEST(empty_has_no_first);
    RUN_TEST(random_deadlines_come_out_sorted);
    RUN_TEST(moving_the_first_keeps_its_id_and_the_order);
    RUN_TEST(equal_deadlines_all_come_out);
    return tap_done();
}
