/* test_proto - requests parsed and replies formatted to the byte. */
#include <stdint.h>
#include <string.h>

#include "proto.h"
#include "tap.h"

/* The reply to one request line, as a NUL-terminated string. */
static const char *reply(const char *line)
{
    static char buf[PROTO_MAX_REPLY + 1];
    int64_t v = 0;
    enum proto_request r = proto_parse(line, strlen(line), &v);

    buf[proto_format_reply(r, v, buf)] = '\0';
    return buf;
}

static void squares_plain_numbers(void)
{
    CHECK_STR(reply("7"), "49\n");
    CHECK_STR(reply("0"), "0\n");
    CHECK_STR(reply("-12"), "144\n");
    CHECK_STR(reply("+12"), "144\n");
    CHECK_STR(reply("007"), "49\n");
}

static void allows_blanks_around(void)
{
    CHECK_STR(reply("  7 \t"), "49\n");
    CHECK_STR(reply(" QUIT "), "BYE\n");
}

/* The line reader removes the line end; a "\r" left is not the parser's. */
static void refuses_a_carriage_return_left_in_the_line(void)
{
    CHECK_STR(reply("7\r"), "ERR not an integer\n");
    CHECK_STR(reply("\t-3\r"), "ERR not an integer\n");
    CHECK_STR(reply("QUIT\r"), "ERR not an integer\n");
    CHECK_STR(reply("\r"), "ERR not an integer\n");
}

static void squares_the_ends_of_the_int64_range_exactly(void)
{
    CHECK_STR(reply("-9223372036854775808"), "85070591730234615865843651857942052864\n");
    CHECK_STR(reply("9223372036854775807"), "85070591730234615847396907784232501249\n");
    CHECK_STR(reply("4294967296"), "18446744073709551616\n");
}

static void reports_empty_requests(void)
{
    CHECK_STR(reply(""), "ERR empty request\n");
    CHECK_STR(reply("   "), "ERR empty request\n");
}

static void reports_what_is_not_an_integer(void)
{
    CHECK_STR(reply("abc"), "ERR not an integer\n");
    CHECK_STR(reply("12a"), "ERR not an integer\n");
    CHECK_STR(reply("1 2"), "ERR not an integer\n");
    CHECK_STR(reply("0x10"), "ERR not an integer\n");
    CHECK_STR(reply("1e3"), "ERR not an integer\n");
    CHECK_STR(reply("-"), "ERR not an integer\n");
    CHECK_STR(reply("+"), "ERR not an integer\n");
    CHECK_STR(reply("+-5"), "ERR not an integer\n");
    CHECK_STR(reply("--5"), "ERR not an integer\n");
    CHECK_STR(reply("quit"), "ERR not an integer\n");
    CHECK_STR(reply("QUITS"), "ERR not an integer\n");
}

static void reports_numbers_beyond_64_bits_as_out_of_range(void)
{
    CHECK_STR(reply("9223372036854775808"), "ERR out of range\n");
    CHECK_STR(reply("-9223372036854775809"), "ERR out of range\n");
    CHECK_STR(reply("99999999999999999999999999"), "ERR out of range\n");
}

static void formats_the_line_reader_s_too_long(void)
{
    char buf[PROTO_MAX_REPLY];
    size_t n = proto_format_reply(PROTO_ERR_TOO_LONG, 0, buf);

    CHECK_INT(n, ==, 18);
    CHECK(memcmp(buf, "ERR line too long\n", n) == 0);
}

static void parses_a_line_that_is_not_nul_terminated(void)
{
    const char line[] = "12345";
    int64_t v = 0;

    CHECK_INT(proto_parse(line, 2, &v), ==, PROTO_NUMBER);
    CHECK_INT(v, ==, 12);
}

int main(void)
{
    RUN_TEST(squares_plain_numbers);
    RUN_TEST(allows_blanks_around);
    RUN_TEST(refuses_a_carriage_return_left_in_the_line);
    RUN_TEST(squares_the_ends_of_the_int64_range_exactly);
    RUN_TEST(reports_empty_requests);
    RUN_TEST(reports_what_is_not_an_integer);
    RUN_TEST(reports_numbers_beyond_64_bits_as_out_of_range);
    RUN_TEST(formats_the_line_reader_s_too_long);
    RUN_TEST(parses_a_line_that_is_not_nul_terminated);
    return tap_done();
}
