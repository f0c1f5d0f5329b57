/* test_linebuf - lines out of a byte stream, however it is cut. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "tap.h"

/*
 * Feed 'data' in pieces of 'step' bytes; write what comes out into 'out'
 * (lines shown with "|" after them, a "\r" left in a line as "<CR>").
 * With 'finish', the stream then ends.
 */
static void run_stream(const char *data, size_t step, size_t max_line, char *out,
                       bool finish)
{
    struct linebuf lb;
    size_t len = strlen(data);

    out[0] = '\0';
    if (linebuf_init(&lb, max_line, 16) != 0)
        return;
    for (size_t at = 0; at < len || finish;) {
        size_t room;
        char *space = linebuf_space(&lb, &room);
        size_t n = len - at < step ? len - at : step;
        const char *line;
        size_t ll;
        enum linebuf_event ev;

        if (n > room)
            n = room;
        memcpy(space, data + at, n);
        linebuf_commit(&lb, n);
        at += n;
        if (at == len && finish) {
            linebuf_finish(&lb);
            finish = false;
        }
        while ((ev = linebuf_next(&lb, &line, &ll)) != LINEBUF_MORE) {
            if (ev == LINEBUF_TOO_LONG) {
                strcat(out, "<long>");
                continue;
            }
            for (size_t i = 0; i < ll; i++)
                strcat(out, line[i] == '\r' ? "<CR>" : (char[2]){ line[i], 0 });
            strcat(out, "|");
        }
    }
    linebuf_free(&lb);
}

static void run(const char *data, size_t step, size_t max_line, char *out)
{
    run_stream(data, step, max_line, out, false);
}

static void splits_lines_whatever_the_read_size(void)
{
    char out[256];

    for (size_t step = 1; step <= 20; step++) {
        run("1\n22\r\n\n333\n", step, 8, out);
        CHECK_STR(out, "1|22||333|");
    }
}

static void keeps_an_unfinished_line_for_later(void)
{
    char out[256];

    run("12\n34", 3, 8, out);
    CHECK_STR(out, "12|");
}

static void removes_one_carriage_return_only(void)
{
    char out[256];

    for (size_t step = 1; step <= 6; step++) {
        run("7\r\r\n8\r\n\r\n\r9\n", step, 8, out);
        CHECK_STR(out, "7<CR>|8||<CR>9|");
    }
}

static void ends_the_last_line_at_the_end_of_the_stream(void)
{
    char out[256];

    for (size_t step = 1; step <= 6; step++) {
        run_stream("7\n5", step, 8, out, true);
        CHECK_STR(out, "7|5|");
        run_stream("7\n5\r", step, 8, out, true);
        CHECK_STR(out, "7|5|");
        run_stream("7\n", step, 8, out, true);
        CHECK_STR(out, "7|");
        run_stream("", step, 8, out, true);
        CHECK_STR(out, "");
        run_stream("1\n0123456789", step, 8, out, true);
        CHECK_STR(out, "1|<long>");
        run_stream("12345678\r", step, 8, out, true);
        CHECK_STR(out, "12345678|");
    }
}

static void refuses_a_too_long_line_once_and_goes_on(void)
{
    char out[256];

    for (size_t step = 1; step <= 40; step += 3) {
        run("ok\n0123456789abcdef\nnext\n", step, 8, out);
        CHECK_STR(out, "ok|<long>next|");
    }
}

static void accepts_a_line_of_exactly_the_limit_with_crlf(void)
{
    char out[256];

    run("12345678\r\n123456789\n", 1, 8, out);
    CHECK_STR(out, "12345678|<long>");
}

static void drops_a_long_line_without_growing(void)
{
    size_t big = 100000;
    char *data = malloc(big + 8);
    char out[256];

    memset(data, 'x', big);
    strcpy(data + big, "\n7\n");
    run(data, 4096, 1024, out);
    CHECK_STR(out, "<long>7|");
    free(data);
}

int main(void)
{
    RUN_TEST(splits_lines_whatever_the_read_size);
    RUN_TEST(keeps_an_unfinished_line_for_later);
    RUN_TEST(removes_one_carriage_return_only);
    RUN_TEST(ends_the_last_line_at_the_end_of_the_stream);
    RUN_TEST(refuses_a_too_long_line_once_and_goes_on);
    RUN_TEST(accepts_a_line_of_exactly_the_limit_with_crlf);
    RUN_TEST(drops_a_long_line_without_growing);
    return tap_done();
}
