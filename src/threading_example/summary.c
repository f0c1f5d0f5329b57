/* summary - the final report of threading_example, in text or JSON. */
#include "summary.h"

#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "timing.h"

static void print_json(const struct summary *s)
{
    struct json j;

    json_init(&j);
    json_event_begin(&j, "summary", "threading_example");
    json_u64(&j, "count", s->tasks);
    json_u64(&j, "consumers", s->consumers);
    json_u64(&j, "capacity", s->capacity);
    json_u64(&j, "results", s->results->len);
    json_array_begin(&j, "per_consumer");
    for (unsigned i = 0; i < s->consumers; i++)
        json_u64(&j, NULL, s->taken[i]);
    json_array_end(&j);
    json_u128(&j, "sum", s->sum);
    json_u128(&j, "expected_sum", u128_sum_of_squares(s->produced));
    json_bool(&j, "ok", s->ok);
    json_double(&j, "seconds", s->seconds, 6);
    json_double(&j, "per_sec", timing_rate(s->results->len, s->seconds), 0);
    json_u64(&j, "produced", s->produced);
    json_u64(&j, "batch", s->batch);
    json_bool(&j, "racy", s->racy);
    json_bool(&j, "interrupted", s->produced < s->tasks);
    cli_print_json(&j);
}

static void print_text(const struct summary *s)
{
    char sum[U128_DEC_SIZE], expected[U128_DEC_SIZE];

    u128_format(s->sum, sum);
    u128_format(u128_sum_of_squares(s->produced), expected);
    if (s->steps) {
        printf("list        ");
        for (size_t i = 0; i < s->results->len; i++)
            printf(" %" PRIu64, s->results->items[i]);
        printf("\n");
    }
    if (s->produced < s->tasks)
        printf("stopped      after %" PRIu64 " of %" PRIu64 " tasks (interrupted)\n",
               s->produced, s->tasks);
    printf("stored       %zu of %" PRIu64 " results (%u consumer%s, queue of %zu)\n",
           s->results->len, s->produced, s->consumers,
           s->consumers == 1 ? "" : "s", s->capacity);
    printf("per consumer");
    for (unsigned i = 0; i < s->consumers; i++)
        printf(" %" PRIu64, s->taken[i]);
    printf("\nsum          %s\n", sum);
    printf("expected     %s  (n(n+1)(2n+1)/6 for n = %" PRIu64 ")\n", expected,
           s->produced);
    printf("result       %s\n", s->ok ? "OK" : "MISMATCH");
    if (s->racy)
        printf("racy         %" PRIu64 " results lost: --racy appends without "
               "the lock, wrong on purpose\n", s->produced - s->results->len);
    printf("elapsed      %.3f s, %.0f tasks/s\n", s->seconds,
           timing_rate(s->results->len, s->seconds));
}

void summary_print(const struct summary *s, bool json)
{
    if (json)
        print_json(s);
    else
        print_text(s);
}
