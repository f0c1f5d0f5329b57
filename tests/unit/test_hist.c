/* test_hist - the latency histogram: buckets within 6%, quantiles, max. */
#include <string.h>

#include "hist.h"
#include "tap.h"

static void quantiles_of_a_uniform_spread(void)
{
    static struct hist h;

    for (uint64_t v = 1; v <= 100000; v++)
        hist_add(&h, v);
    CHECK_U64(h.total, ==, 100000);
    uint64_t p50 = hist_quantile(&h, 0.5), p99 = hist_quantile(&h, 0.99);

    CHECK_U64(p50, >=, 50000 * 94 / 100);
    CHECK_U64(p50, <=, 50000 * 106 / 100);
    CHECK_U64(p99, >=, 99000 * 94 / 100);
    CHECK_U64(p99, <=, 99000 * 106 / 100);
    CHECK_U64(hist_quantile(&h, 1.0), ==, 100000);
}

static void small_values_are_exact_and_one_outlier_is_the_max(void)
{
    static struct hist h;

    for (int i = 0; i < 999; i++)
        hist_add(&h, 7);
    hist_add(&h, 123456789012ULL);
    CHECK_U64(hist_quantile(&h, 0.5), ==, 7);
    CHECK_U64(hist_quantile(&h, 0.999), ==, 7);
    CHECK_U64(hist_quantile(&h, 1.0), ==, 123456789012ULL);
}

static void an_empty_histogram_says_zero(void)
{
    static struct hist h;

    CHECK_U64(hist_quantile(&h, 0.99), ==, 0);
}

static void the_largest_values_fit(void)
{
    static struct hist h;

    hist_add(&h, UINT64_MAX);
    CHECK_U64(hist_quantile(&h, 0.5), >=, UINT64_MAX / 100 * 94);
}

int main(void)
{
    RUN_TEST(quantiles_of_a_uniform_spread);
    RUN_TEST(small_values_are_exact_and_one_outlier_is_the_max);
    RUN_TEST(an_empty_histogram_says_zero);
    RUN_TEST(the_largest_values_fit);
    return tap_done();
}
