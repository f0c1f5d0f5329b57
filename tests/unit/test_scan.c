/* test_scan - a number or a name as a whole word in a program's output. */
#include <string.h>

#include "scan.h"
#include "tap.h"

static bool has(const char *text, const char *word)
{
    return scan_has_word(text, strlen(text), word);
}

static void finds_a_sum_however_it_is_printed(void)
{
    CHECK(has("sum = 338350\n", "338350"));
    CHECK(has("sum=338350.", "338350"));
    CHECK(has("338350", "338350"));
    CHECK(has("total: 338350 (expected 338350)", "338350"));
    CHECK(has("[338350]", "338350"));
    CHECK(has("sum\t338350\r\n", "338350"));
}

static void a_number_inside_another_is_not_it(void)
{
    CHECK(!has("3383501", "338350"));
    CHECK(!has("1338350", "338350"));
    CHECK(!has("-338350", "338350"));
    CHECK(!has("338350.5", "338350"));
    CHECK(!has("1.338350", "338350"));
    CHECK(!has("338350,5", "338350"));
    CHECK(!has("x338350", "338350"));
    CHECK(!has("338350_1", "338350"));
}

static void names_are_whole(void)
{
    CHECK(has("node-1 DEAD\n", "node-1"));
    CHECK(!has("node-10 DEAD\n", "node-1"));
    CHECK(!has("my-node-1 DEAD\n", "node-1"));
    CHECK(!has("node-1-b DEAD\n", "node-1"));
    CHECK(has("heartbeat from node-1: seq 3", "node-1"));
    CHECK(has("(node-1)", "node-1"));
}

static void finds_the_second_when_the_first_is_not_whole(void)
{
    const char *t = "49494 49 x";
    CHECK_INT(scan_find_word(t, strlen(t), 0, "49"), ==, 6);
    CHECK_INT(scan_find_word(t, strlen(t), 7, "49"), ==, -1);
}

static void empty_and_oversized_words_are_never_found(void)
{
    CHECK(!has("anything", ""));
    CHECK(!has("", "1"));
    CHECK(!has("12", "123"));
    /* bytes past the length given are not looked at */
    CHECK(!scan_has_word("12 123", 4, "123"));
}

static void binary_output_is_fine(void)
{
    const char t[] = { '\0', '4', '9', '\n', '\xff', '4', '9' };
    CHECK_INT(scan_find_word(t, sizeof t, 0, "49"), ==, 1);
    CHECK_INT(scan_find_word(t, sizeof t, 2, "49"), ==, 5);
}

static void lines_with_lf_or_crlf_and_a_last_without(void)
{
    const char *t = "a\r\nbb\n\nccc";
    size_t len = strlen(t), n, next, pos = 0;
    const char *l;
    const char *want[] = { "a", "bb", "", "ccc" };
    for (int i = 0; i < 4; i++) {
        l = scan_line(t, len, pos, &n, &next);
        CHECK(l != NULL);
        if (l == NULL)
            return;
        CHECK_INT(n, ==, strlen(want[i]));
        CHECK(memcmp(l, want[i], n) == 0);
        pos = next;
    }
    CHECK(scan_line(t, len, pos, &n, &next) == NULL);
}

static void a_line_with_both_words(void)
{
    const char *t = "node-1 ALIVE\nnode-10 DEAD\nnode-1 SUSPECT\nnode-1 DEAD\n";
    size_t len = strlen(t);
    CHECK_INT(scan_find_line(t, len, 0, "node-1", "DEAD"), ==, 41);
    CHECK_INT(scan_find_line(t, len, 0, "node-1", NULL), ==, 0);
    CHECK_INT(scan_find_line(t, len, 1, "node-1", NULL), ==, 26);
    CHECK_INT(scan_find_line(t, len, 0, "node-2", NULL), ==, -1);
}

static void another_number_than_the_sum(void)
{
    const char *a = "sum 119617411 expected 333833500";
    const char *b = "sum of 1..1000 = 333833500";
    const char *c = "sum 333833500 (1000 numbers, 4 consumers)";
    CHECK(scan_other_number(a, strlen(a), "333833500", 4));
    CHECK(!scan_other_number(b, strlen(b), "333833500", 4));
    CHECK(!scan_other_number(c, strlen(c), "333833500", 4));
    /* a longer number that begins with the sum is another */
    CHECK(scan_other_number("3338335001", 10, "333833500", 4));
    CHECK(!scan_other_number("", 0, "1", 0));
}

static void replies_strict_and_forgiving(void)
{
    CHECK(scan_reply_is("49\n", 3, "49", true));
    CHECK(!scan_reply_is("49", 2, "49", true));
    CHECK(!scan_reply_is("49\r\n", 4, "49", true));
    CHECK(!scan_reply_is("49\n50\n", 6, "49", true));
    CHECK(scan_reply_is("49", 2, "49", false));
    CHECK(scan_reply_is(" 49\r\n", 5, "49", false));
    CHECK(!scan_reply_is("490", 3, "49", false));
    CHECK(!scan_reply_is("4 9", 3, "49", false));
    CHECK(!scan_reply_is("", 0, "49", false));
}

int main(void)
{
    RUN_TEST(finds_a_sum_however_it_is_printed);
    RUN_TEST(a_number_inside_another_is_not_it);
    RUN_TEST(names_are_whole);
    RUN_TEST(finds_the_second_when_the_first_is_not_whole);
    RUN_TEST(empty_and_oversized_words_are_never_found);
    RUN_TEST(binary_output_is_fine);
    RUN_TEST(lines_with_lf_or_crlf_and_a_last_without);
    RUN_TEST(a_line_with_both_words);
    RUN_TEST(another_number_than_the_sum);
    RUN_TEST(replies_strict_and_forgiving);
    return tap_done();
}
