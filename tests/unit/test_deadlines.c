/* test_deadlines - the deadline heap gives deadlines back in time order. */
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "deadlines.h"

static void empty_has_no_first(void)
{
    struct deadlines t;

    deadlines_init(&t);
    CHECK(deadlines_first(&t) == NULL);
    deadlines_free(&t);
}

static void random_deadlines_come_out_sorted(void)
{
    struct deadlines t;
    uint64_t last = 0, x = 88172645463325252ULL;
    size_t n = 0;

    deadlines_init(&t);
    for (uint32_t i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        CHECK_INT(deadlines_add(&t, x % 1000, i), ==, 0);
    }
    while (deadlines_first(&t) != NULL) {
        CHECK_U64(deadlines_first(&t)->when, >=, last);
        last = deadlines_first(&t)->when;
        deadlines_pop(&t);
        n++;
    }
    CHECK_U64(n, ==, 100000);
    deadlines_free(&t);
}

static void moving_the_first_keeps_its_id_and_the_order(void)
{
    struct deadlines t;

    deadlines_init(&t);
    deadlines_add(&t, 10, 1);
    deadlines_add(&t, 20, 2);
    deadlines_add(&t, 30, 3);
    deadlines_move_first(&t, 25);          /* 1 now due at 25: after 2 */
    CHECK_INT(deadlines_first(&t)->id, ==, 2);
    deadlines_pop(&t);
    CHECK_INT(deadlines_first(&t)->id, ==, 1);
    CHECK_U64(deadlines_first(&t)->when, ==, 25);
    deadlines_move_first(&t, 5);           /* earlier still: stays first */
    CHECK_INT(deadlines_first(&t)->id, ==, 1);
    deadlines_pop(&t);
    CHECK_INT(deadlines_first(&t)->id, ==, 3);
    deadlines_pop(&t);
    CHECK(deadlines_first(&t) == NULL);
    deadlines_free(&t);
}

static void equal_deadlines_all_come_out(void)
{
    struct deadlines t;
    unsigned seen = 0;

    deadlines_init(&t);
    for (uint32_t i = 0; i < 8; i++)
        deadlines_add(&t, 7, i);
    while (deadlines_first(&t) != NULL) {
        seen |= 1u << deadlines_first(&t)->id;
        deadlines_pop(&t);
    }
    CHECK_INT(seen, ==, 0xff);
    deadlines_free(&t);
}

int main(void)
{
    RUN_TEST(empty_has_no_first);
    RUN_TEST(random_deadlines_come_out_sorted);
    RUN_TEST(moving_the_first_keeps_its_id_and_the_order);
    RUN_TEST(equal_deadlines_all_come_out);
    return tap_done();
}
