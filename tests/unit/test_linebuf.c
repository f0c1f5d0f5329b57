/* test_linebuf - lines out of a byte stream, however it is cut. */
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "tap.h"

/* Feed 'data' in pieces of 'step' bytes; write what comes out into 'out'. */
static void run(const char *data, size_t step, size_t max_line, char *out)
{
    struct linebuf lb;
    size_t len = strlen(data);

    out[0] = '\0';
    if (linebuf_init(&lb, max_line, 16) != 0)
        return;
    for (size_t at = 0; at < len;) {
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
        while ((ev = linebuf_next(&lb, &line, &ll)) != LINEBUF_MORE) {
            if (ev == LINEBUF_TOO_LONG)
                strcat(out, "<long>");
            else
                strncat(out, line, ll), strcat(out, "|");
        }
    }
    linebuf_free(&lb);
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
    RUN_TEST(refuses_a_too_long_line_once_and_goes_on);
    RUN_TEST(accepts_a_line_of_exactly_the_limit_with_crlf);
    RUN_TEST(drops_a_long_line_without_growing);
    return tap_done();
}
