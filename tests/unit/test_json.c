/* test_json - the JSON-line writer: nesting, escapes, exact big numbers. */
#include <math.h>
#include <stdint.h>

#include <string.h>

#include "json.h"
#include "tap.h"

static void writes_nested_objects_and_arrays_on_one_line(void)
{
    struct json j;

    json_init(&j);
    json_object_begin(&j, NULL);
    json_u64(&j, "count", 10);
    json_array_begin(&j, "per");
    json_u64(&j, NULL, 1);
    json_u64(&j, NULL, 2);
    json_array_end(&j);
    json_object_begin(&j, "lat");
    json_i64(&j, "min", -3);
    json_object_end(&j);
    json_bool(&j, "ok", true);
    json_object_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    CHECK_STR(j.buf, "{\"count\":10,\"per\":[1,2],\"lat\":{\"min\":-3},\"ok\":true}\n");
    json_free(&j);
}

static void escapes_quotes_backslashes_and_controls(void)
{
    struct json j;

    json_init(&j);
    json_object_begin(&j, NULL);
    json_str(&j, "s", "a\"b\\c\nd\x01");
    json_object_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    CHECK_STR(j.buf, "{\"s\":\"a\\\"b\\\\c\\u000ad\\u0001\"}\n");
    json_free(&j);
}

static void keeps_utf8_and_replaces_bytes_that_are_not(void)
{
    struct json j;

    json_init(&j);
    json_object_begin(&j, NULL);
    json_str(&j, "ok", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    json_str(&j, "bad", "a\xff\xc3(\xe0\x80\x80\xed\xa0\x80\xf4\x90\x80\x80\xc3");
    json_object_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    CHECK_STR(j.buf, "{\"ok\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
                     "\"bad\":\"a\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
                     "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"}\n");
    json_free(&j);
}

static void starts_each_event_with_its_name_and_program(void)
{
    struct json j;

    json_init(&j);
    json_event_begin(&j, "summary", "tcp_server");
    json_u64(&j, "requests", 3);
    json_object_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    CHECK_STR(j.buf, "{\"event\":\"summary\",\"program\":\"tcp_server\",\"requests\":3}\n");
    json_free(&j);
}

static void writes_128_bit_numbers_as_exact_strings(void)
{
    struct json j;

    json_init(&j);
    json_object_begin(&j, NULL);
    json_u128(&j, "sum", ~(u128)0);
    json_u64(&j, "max", UINT64_MAX);
    json_object_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    CHECK_STR(j.buf, "{\"sum\":\"340282366920938463463374607431768211455\","
                     "\"max\":18446744073709551615}\n");
    json_free(&j);
}

static void writes_null_for_numbers_json_cannot_hold(void)
{
    struct json j;

    json_init(&j);
    json_object_begin(&j, NULL);
    json_double(&j, "a", 1.5, 2);
    json_double(&j, "b", NAN, 2);
    json_double(&j, "c", 1e300, 0);
    json_object_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    CHECK(strncmp(j.buf, "{\"a\":1.50,\"b\":null,\"c\":1000000000000000052504", 40) == 0);
    CHECK_STR(j.buf + j.len - 2, "}\n");
    json_free(&j);
}

static void grows_past_its_first_buffer(void)
{
    struct json j;

    json_init(&j);
    json_array_begin(&j, NULL);
    for (int i = 0; i < 10000; i++)
        json_u64(&j, NULL, 1234567);
    json_array_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    CHECK_U64(j.len, ==, 10000 * 8 + 2);
    json_free(&j);
}

static void reset_starts_over_and_drain_streams_a_long_array(void)
{
    struct json j;
    char all[256] = "";

    json_init(&j);
    json_object_begin(&j, NULL);
    json_u64(&j, "a", 1);
    json_reset(&j);                     /* a new object, same buffer */
    json_object_begin(&j, NULL);
    json_array_begin(&j, "n");
    json_u64(&j, NULL, 1);
    strcat(all, j.buf);                 /* written out: */
    json_drain(&j);                     /* forget the text, not the place */
    CHECK_INT(j.len, ==, 0);
    json_u64(&j, NULL, 2);
    json_array_end(&j);
    json_object_end(&j);
    CHECK_INT(json_finish(&j), ==, 0);
    strcat(all, j.buf);
    CHECK_STR(all, "{\"n\":[1,2]}\n");
    json_free(&j);
}

int main(void)
{
    RUN_TEST(writes_nested_objects_and_arrays_on_one_line);
    RUN_TEST(escapes_quotes_backslashes_and_controls);
    RUN_TEST(writes_128_bit_numbers_as_exact_strings);
    RUN_TEST(writes_null_for_numbers_json_cannot_hold);
    RUN_TEST(keeps_utf8_and_replaces_bytes_that_are_not);
    RUN_TEST(starts_each_event_with_its_name_and_program);
    RUN_TEST(grows_past_its_first_buffer);
    RUN_TEST(reset_starts_over_and_drain_streams_a_long_array);
    return tap_done();
}
