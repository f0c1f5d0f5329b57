/* summary - the final report of ipc_multiprocess, in text or JSON. */
#include "summary.h"

#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "timing.h"
#include "u128.h"

/* How many numbers the results should cover. */
static uint64_t expected_count(const struct ipc_result *r)
{
    bool complete = r->have_report && r->rep.ended == r->rep.inputs;

    return complete ? r->rep.generated : r->count;
}

bool summary_ok(const struct ipc_result *r)
{
    uint64_t n = expected_count(r);

    return r->have_report && r->rep.ended == r->rep.inputs &&
           r->rep.received == n && r->rep.sum == u128_sum_of_squares(n);
}

static void print_json(const struct ipc_result *r)
{
    struct json j;

    json_init(&j);
    json_event_begin(&j, "summary", "ipc_multiprocess");
    json_u64(&j, "count", r->count);
    json_u64(&j, "workers", r->workers);
    json_u64(&j, "batch", r->batch);
    json_u64(&j, "results", r->rep.received);
    json_u128(&j, "sum", r->rep.sum);
    json_u128(&j, "expected_sum", u128_sum_of_squares(expected_count(r)));
    json_bool(&j, "ok", summary_ok(r));
    json_double(&j, "seconds", r->seconds, 6);
    json_double(&j, "per_sec", timing_rate(r->rep.received, r->seconds), 0);
    json_bool(&j, "interrupted", r->rep.interrupted != 0);
    json_bool(&j, "complete", r->have_report && r->rep.ended == r->rep.inputs);
    cli_print_json(&j);
}

void summary_print(const struct ipc_result *r, bool json)
{
    uint64_t n = expected_count(r);
    char sum[U128_DEC_SIZE], expected[U128_DEC_SIZE];

    if (json) {
        print_json(r);
        return;
    }
    u128_format(r->rep.sum, sum);
    u128_format(u128_sum_of_squares(n), expected);
    if (r->rep.interrupted)
        printf("stopped      after %llu of %llu numbers (interrupted)\n",
               (unsigned long long)r->rep.generated,
               (unsigned long long)r->count);
    if (!r->have_report)
        printf("received     unknown: the storage process died with its results\n");
    else if (r->batch == 0)             /* --stage store that saw no squares */
        printf("received     %llu of %llu squares\n",
               (unsigned long long)r->rep.received, (unsigned long long)n);
    else
        printf("received     %llu of %llu squares (%u worker%s, up to %u per write)\n",
               (unsigned long long)r->rep.received, (unsigned long long)n,
               r->workers, r->workers == 1 ? "" : "s", r->batch);
    printf("sum          %s\n", r->have_report ? sum : "unknown");
    printf("expected     %s  (n(n+1)(2n+1)/6 for n = %llu)\n", expected,
           (unsigned long long)n);
    printf("result       %s\n", summary_ok(r) ? "OK" : "MISMATCH");
    printf("elapsed      %.3f s, %.0f numbers/s\n", r->seconds,
           timing_rate(r->rep.received, r->seconds));
}
