/* test_u128 - exact 128-bit decimal text and the sum-of-squares formula. */
#include "tap.h"
#include "u128.h"

static const char *fmt(u128 v)
{
    static char buf[U128_DEC_SIZE];

    u128_format(v, buf);
    return buf;
}

static void formats_zero(void)
{
    CHECK_STR(fmt(0), "0");
}

static void formats_two_to_the_64(void)
{
    CHECK_STR(fmt((u128)1 << 64), "18446744073709551616");
    CHECK_STR(fmt(((u128)1 << 64) - 1), "18446744073709551615");
}

static void formats_two_to_the_126(void)
{
    CHECK_STR(fmt((u128)1 << 126), "85070591730234615865843651857942052864");
}

static void formats_two_to_the_128_minus_one(void)
{
    char buf[U128_DEC_SIZE];

    CHECK_INT(u128_format(~(u128)0, buf), ==, 39);
    CHECK_STR(buf, "340282366920938463463374607431768211455");
}

/* The formatter works in chunks of 10^19: the zeros inside must stay. */
static void keeps_zeros_at_chunk_edges(void)
{
    u128 e19 = (u128)10000000000000000000ULL;

    CHECK_STR(fmt(e19), "10000000000000000000");
    CHECK_STR(fmt(e19 * e19), "100000000000000000000000000000000000000");
    CHECK_STR(fmt(e19 * e19 + 5), "100000000000000000000000000000000000005");
    CHECK_STR(fmt(e19 * 3 + 7), "30000000000000000007");
}

static void parse_is_the_inverse_of_format(void)
{
    u128 v = 0;

    CHECK_INT(u128_parse("340282366920938463463374607431768211455", &v), ==, 0);
    CHECK(v == ~(u128)0);
    CHECK_INT(u128_parse("340282366920938463463374607431768211456", &v), ==, -1);
    CHECK_INT(u128_parse("", &v), ==, -1);
    CHECK_INT(u128_parse("12a", &v), ==, -1);
}

static void sum_of_squares_matches_the_loop_and_the_largest_count(void)
{
    u128 loop = 0;

    for (uint64_t i = 1; i <= 1000; i++) {
        loop += (u128)i * i;
        if (i == 10)
            CHECK(u128_sum_of_squares(10) == 385);
    }
    CHECK(u128_sum_of_squares(1000) == loop);
    CHECK(u128_sum_of_squares(0) == 0);
    CHECK_STR(fmt(u128_sum_of_squares(1ULL << 32)), "26409387513978151235418587136");
}

int main(void)
{
    RUN_TEST(formats_zero);
    RUN_TEST(formats_two_to_the_64);
    RUN_TEST(formats_two_to_the_126);
    RUN_TEST(formats_two_to_the_128_minus_one);
    RUN_TEST(keeps_zeros_at_chunk_edges);
    RUN_TEST(parse_is_the_inverse_of_format);
    RUN_TEST(sum_of_squares_matches_the_loop_and_the_largest_count);
    return tap_done();
}
