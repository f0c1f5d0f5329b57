/* test_diag - the one message format, "PROG: what failed: why". */
#include <errno.h>
#include <stdarg.h>

#include "diag.h"
#include "tap.h"

static size_t format(char *buf, size_t size, int err, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = diag_vformat(buf, size, "prog", err, fmt, ap);
    va_end(ap);
    return n;
}

static void adds_strerror_after_the_message(void)
{
    char buf[128];

    format(buf, sizeof(buf), ENOENT, "cannot open %s", "x");
    CHECK_STR(buf, "prog: cannot open x: No such file or directory\n");
}

static void leaves_out_why_when_there_is_no_error_number(void)
{
    char buf[128];

    CHECK_INT(format(buf, sizeof(buf), 0, "-n: '%s' is not a number", "abc"), ==, 32);
    CHECK_STR(buf, "prog: -n: 'abc' is not a number\n");
}

static void cuts_a_long_message_but_keeps_the_newline(void)
{
    char buf[16];

    CHECK_INT(format(buf, sizeof(buf), EPIPE, "a very long message"), ==, 15);
    CHECK_STR(buf, "prog: a very l\n");
}

int main(void)
{
    RUN_TEST(adds_strerror_after_the_message);
    RUN_TEST(leaves_out_why_when_there_is_no_error_number);
    RUN_TEST(cuts_a_long_message_but_keeps_the_newline);
    return tap_done();
}
