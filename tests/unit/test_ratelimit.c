/* test_ratelimit - N messages a window go out, the rest are counted. */
#include <stdint.h>

#include "ratelimit.h"
#include "tap.h"

static void the_first_burst_goes_out_the_rest_is_counted(void)
{
    struct ratelimit rl = { 0 };
    unsigned allowed = 0;

    for (int i = 0; i < 100; i++)
        allowed += ratelimit_allow(&rl, 500 + (uint64_t)i, 1000, 10);
    CHECK_INT(allowed, ==, 10);
    CHECK_U64(ratelimit_take_suppressed(&rl), ==, 90);
    CHECK_U64(ratelimit_take_suppressed(&rl), ==, 0);
}

static void a_new_window_lets_more_through(void)
{
    struct ratelimit rl = { 0 };

    CHECK(ratelimit_allow(&rl, 1000, 1000, 1));
    CHECK(!ratelimit_allow(&rl, 1999, 1000, 1));
    CHECK(ratelimit_allow(&rl, 2000, 1000, 1));
    CHECK(!ratelimit_allow(&rl, 2500, 1000, 1));
    CHECK_U64(ratelimit_take_suppressed(&rl), ==, 2);
}

static void time_zero_is_a_time_like_any_other(void)
{
    struct ratelimit rl = { 0 };

    CHECK(ratelimit_allow(&rl, 0, 1000, 2));
    CHECK(ratelimit_allow(&rl, 0, 1000, 2));
    CHECK(!ratelimit_allow(&rl, 999, 1000, 2));
    CHECK(ratelimit_allow(&rl, 1000, 1000, 2));
}

int main(void)
{
    RUN_TEST(the_first_burst_goes_out_the_rest_is_counted);
    RUN_TEST(a_new_window_lets_more_through);
    RUN_TEST(time_zero_is_a_time_like_any_other);
    return tap_done();
}
