/* test_opt - strict option numbers: whole string, decimal only, range. */
#include <stdint.h>

#include "opt.h"
#include "tap.h"

static enum opt_result u(const char *text, uint64_t max, uint64_t *out)
{
    return opt_parse_u64(text, 0, max, out);
}

static void accepts_plain_decimal_numbers(void)
{
    uint64_t v = 99;

    CHECK_INT(u("0", 10, &v), ==, OPT_OK);
    CHECK_U64(v, ==, 0);
    CHECK_INT(u("007", 10, &v), ==, OPT_OK);
    CHECK_U64(v, ==, 7);
    CHECK_INT(u("4294967296", 1ULL << 32, &v), ==, OPT_OK);
    CHECK_U64(v, ==, 1ULL << 32);
}

static void accepts_two_to_the_64_minus_one(void)
{
    uint64_t v = 0;

    CHECK_INT(u("18446744073709551615", UINT64_MAX, &v), ==, OPT_OK);
    CHECK_U64(v, ==, UINT64_MAX);
}

static void rejects_two_to_the_64_as_out_of_range(void)
{
    uint64_t v = 5;

    CHECK_INT(u("18446744073709551616", UINT64_MAX, &v), ==, OPT_RANGE);
    CHECK_INT(u("99999999999999999999999", UINT64_MAX, &v), ==, OPT_RANGE);
    CHECK_U64(v, ==, 5);                /* untouched on failure */
}

static void rejects_minus_one_for_an_unsigned_option(void)
{
    uint64_t v = 5;

    CHECK_INT(u("-1", UINT64_MAX, &v), ==, OPT_RANGE);
    CHECK_U64(v, ==, 5);
}

static void rejects_minus_zero(void)
{
    uint64_t v = 5;

    CHECK_INT(u("-0", 10, &v), ==, OPT_NOT_NUMBER);
}

static void rejects_blanks_signs_hex_and_exponents(void)
{
    uint64_t v;

    CHECK_INT(u(" 12", 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(u("12 ", 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(u("+5", 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(u("1e3", 10000, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(u("0x10", 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(u("12abc", 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(u("-", 100, &v), ==, OPT_NOT_NUMBER);
}

static void rejects_the_empty_string(void)
{
    uint64_t v;

    CHECK_INT(u("", 100, &v), ==, OPT_EMPTY);
}

static void checks_both_ends_of_the_range(void)
{
    uint64_t v;

    CHECK_INT(opt_parse_u64("0", 1, 128, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_u64("1", 1, 128, &v), ==, OPT_OK);
    CHECK_INT(opt_parse_u64("128", 1, 128, &v), ==, OPT_OK);
    CHECK_INT(opt_parse_u64("129", 1, 128, &v), ==, OPT_RANGE);
}

static void signed_numbers_cover_the_whole_int64_range(void)
{
    int64_t v = 0;

    CHECK_INT(opt_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), ==, OPT_OK);
    CHECK(v == INT64_MIN);
    CHECK_INT(opt_parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v), ==, OPT_OK);
    CHECK(v == INT64_MAX);
    CHECK_INT(opt_parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_i64("-9223372036854775809", INT64_MIN, INT64_MAX, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_i64("-0", -5, 5, &v), ==, OPT_OK);
    CHECK_INT(v, ==, 0);
    CHECK_INT(opt_parse_i64("-6", -5, 5, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_i64("--5", -5, 5, &v), ==, OPT_NOT_NUMBER);
}

static void decimals_take_one_point_between_digits(void)
{
    double v = -1;

    CHECK_INT(opt_parse_decimal("8", 0.5, 100, &v), ==, OPT_OK);
    CHECK(v == 8);
    CHECK_INT(opt_parse_decimal("12.25", 0.5, 100, &v), ==, OPT_OK);
    CHECK(v == 12.25);
    CHECK_INT(opt_parse_decimal("0.5", 0.5, 100, &v), ==, OPT_OK);
    CHECK(v == 0.5);
    CHECK_INT(opt_parse_decimal("0.4", 0.5, 100, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_decimal("100.5", 0.5, 100, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_decimal("-3", 0.5, 100, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_decimal("", 0.5, 100, &v), ==, OPT_EMPTY);
    CHECK_INT(opt_parse_decimal(".5", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_decimal("5.", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_decimal("1.2.3", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_decimal("1e3", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_decimal("nan", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_decimal("inf", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_decimal("0x10", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_decimal(" 5", 0.5, 100, &v), ==, OPT_NOT_NUMBER);
    CHECK(v == 0.5);                    /* untouched by the failures */
}

static void counted_numbers_stop_at_their_length(void)
{
    uint64_t v = 0;

    CHECK_INT(opt_parse_u64n("123abc", 3, 0, 1000, &v), ==, OPT_OK);
    CHECK_U64(v, ==, 123);
    CHECK_INT(opt_parse_u64n("123abc", 4, 0, 1000, &v), ==, OPT_NOT_NUMBER);
    CHECK_INT(opt_parse_u64n("-1", 2, 0, 1000, &v), ==, OPT_RANGE);
    CHECK_INT(opt_parse_u64n("5", 0, 0, 1000, &v), ==, OPT_EMPTY);
}

static void result_words_fit_after_the_quoted_text(void)
{
    CHECK_STR(opt_result_str(OPT_NOT_NUMBER), "is not a number");
    CHECK_STR(opt_result_str(OPT_RANGE), "is out of range");
    CHECK_STR(opt_result_str(OPT_EMPTY), "is empty");
}

int main(void)
{
    RUN_TEST(accepts_plain_decimal_numbers);
    RUN_TEST(accepts_two_to_the_64_minus_one);
    RUN_TEST(rejects_two_to_the_64_as_out_of_range);
    RUN_TEST(rejects_minus_one_for_an_unsigned_option);
    RUN_TEST(rejects_minus_zero);
    RUN_TEST(rejects_blanks_signs_hex_and_exponents);
    RUN_TEST(rejects_the_empty_string);
    RUN_TEST(checks_both_ends_of_the_range);
    RUN_TEST(signed_numbers_cover_the_whole_int64_range);
    RUN_TEST(decimals_take_one_point_between_digits);
    RUN_TEST(counted_numbers_stop_at_their_length);
    RUN_TEST(result_words_fit_after_the_quoted_text);
    return tap_done();
}
