/* test_progress - the progress line: once a second, the numbers right. */
#include <stdint.h>

#include "progress.h"
#include "tap.h"

enum { S = 1000000000 };

static void no_line_before_a_second_then_one_a_second(void)
{
    struct progress p;
    char buf[128];

    progress_start(&p, 1000, "tasks", 5ULL * S);
    CHECK(!progress_due(&p, 10, 5ULL * S + S / 2, buf, sizeof(buf)));
    CHECK(progress_due(&p, 100, 6ULL * S, buf, sizeof(buf)));
    CHECK(!progress_due(&p, 150, 6ULL * S + S / 2, buf, sizeof(buf)));
    CHECK(progress_due(&p, 200, 7ULL * S, buf, sizeof(buf)));
}

static void done_total_percent_rate_and_time_left(void)
{
    struct progress p;
    char buf[128];

    progress_start(&p, 4000000000ULL, "squares", 0);
    progress_format(&p, 12500000, 2ULL * S, buf, sizeof(buf));
    CHECK_STR(buf, "12500000 of 4000000000 squares (0.3%), 6.25M/s, 10 min 38 s left");
    progress_format(&p, 1000, 1ULL * S, buf, sizeof(buf));
    CHECK_STR(buf, "1000 of 4000000000 squares (0.0%), 1k/s, 1111 h 06 min left");
    progress_format(&p, 500, 1ULL * S, buf, sizeof(buf));
    CHECK_STR(buf, "500 of 4000000000 squares (0.0%), 500/s, 2222 h 13 min left");
}

static void no_time_yet_no_rate_no_guess(void)
{
    struct progress p;
    char buf[128];

    progress_start(&p, 10, "tasks", 7);
    progress_format(&p, 0, 7, buf, sizeof(buf));
    CHECK_STR(buf, "0 of 10 tasks (0.0%), 0/s, ? left");
    progress_start(&p, 0, "tasks", 0);  /* no total: no share, no end */
    progress_format(&p, 42, 2ULL * S, buf, sizeof(buf));
    CHECK_STR(buf, "42 tasks, 21/s");
}

static void a_short_buffer_is_cut_not_overrun(void)
{
    struct progress p;
    char buf[8];

    progress_start(&p, 4000000000ULL, "squares", 0);
    progress_format(&p, 12500000, 2ULL * S, buf, sizeof(buf));
    CHECK_STR(buf, "1250000");
}

int main(void)
{
    RUN_TEST(no_line_before_a_second_then_one_a_second);
    RUN_TEST(done_total_percent_rate_and_time_left);
    RUN_TEST(no_time_yet_no_rate_no_guess);
    RUN_TEST(a_short_buffer_is_cut_not_overrun);
    return tap_done();
}
