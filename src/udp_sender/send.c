/*
 * send - one heartbeat: its line, and what became of it (sent, skipped
 * by --drop-rate, or failed), counted and, unless -q or --json, shown.
 */
#include "udp_sender.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "timing.h"

enum { ERRORS_SHOWN_PER_S = 1 };        /* failed sends said, at most */

/* The name of node 'id': NAME, or NAME-1..NAME-N with --nodes. */
static void node_name(const struct udp_sender *s, uint32_t id, char buf[HB_NAME_MAX + 1])
{
    if (s->cfg->nodes > 1)
        snprintf(buf, HB_NAME_MAX + 1, "%s-%" PRIu32, s->cfg->name, id + 1);
    else
        snprintf(buf, HB_NAME_MAX + 1, "%s", s->cfg->name);
}

size_t send_format(const struct udp_sender *s, uint32_t id, uint64_t seq,
                   uint64_t sent_ms, bool leaving, char buf[HB_MAX_LEN + 1])
{
    struct heartbeat hb = { .inc = s->inc, .seq = seq, .sent_ms = sent_ms,
                            .interval_ms = s->cfg->interval_ms, .leaving = leaving };

    size_t len;

    node_name(s, id, hb.node);
    len = heartbeat_format(&hb, buf, HB_MAX_LEN + 1);
    if (s->ring.n > 0)                  /* --key: " mac=" and the line's HMAC */
        len = mac_sign(&s->ring.keys[0], buf, len, HB_MAX_LEN + 1);
    return len;
}

static bool chatty(const struct udp_sender *s)
{
    return !s->cfg->quiet && !s->cfg->json;
}

void send_done(struct udp_sender *s, const char *line, size_t len, bool leaving)
{
    *(leaving ? &s->leaving : &s->sent) += 1;
    if (chatty(s))
        printf("sent %.*s\n", (int)len - 1, line);
}

void send_skipped(struct udp_sender *s, uint32_t id, uint64_t seq)
{
    char name[HB_NAME_MAX + 1];

    s->skipped++;
    if (!chatty(s))
        return;
    node_name(s, id, name);
    printf("skipped seq=%" PRIu64 " of %s (--drop-rate)\n", seq, name);
}

/* Counted always; said at most once a second, with how many were not. */
void send_failed(struct udp_sender *s, int err)
{
    const char *hint = dest_hint(&s->dest, err);
    uint64_t unsaid;

    s->errors++;
    if (!ratelimit_allow(&s->send_errors, timing_now_ns(), 1000000000ULL,
                         ERRORS_SHOWN_PER_S))
        return;
    unsaid = ratelimit_take_suppressed(&s->send_errors);
    cli_error(0, "send to %s: %s%s%s%s", s->dest.text, strerror(err),
              hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
    if (unsaid > 0)
        cli_error(0, "(and %" PRIu64 " more send errors since the last message)", unsaid);
}
