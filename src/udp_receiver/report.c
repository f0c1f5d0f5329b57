/*
 * report - every line udp_receiver prints: events as they happen (text
 * with the time of day, or one JSON object each) and the final table.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net.h"
#include "udp_receiver.h"

enum { REPORTS_PER_SECOND = 10 };       /* malformed datagrams reported, at most */

const char *report_addr(const struct node *n, char buf[NET_ADDR_STRLEN])
{
    socklen_t len = n->addr.sa.sa_family == AF_INET6 ? sizeof(n->addr.in6)
                                                     : sizeof(n->addr.in);

    return net_format(&n->addr.sa, len, buf);
}

/*
 * "12:00:01.234 ": the time of day, to compare with other terminals.
 * Every line of text begins here: with --live, the table goes first,
 * and comes back below the line.
 */
static void print_time(struct receiver *r)
{
    struct timespec ts;
    struct tm tm;

    live_wipe(r);
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    printf("%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000);
}

/* Begin a JSON event: {"event":EVENT[,"node":NAME] */
static struct json *event(struct receiver *r, const char *name, const struct node *n)
{
    json_reset(&r->j);
    json_event_begin(&r->j, name, "udp_receiver");
    if (n != NULL)
        json_str(&r->j, "node", n->name);
    return &r->j;
}

/* End it with the receiver's clock, and print it. */
static void emit(struct receiver *r, uint64_t now)
{
    json_u64(&r->j, "t_ms", now);
    json_object_end(&r->j);
    if (json_finish(&r->j) == 0)
        fputs(r->j.buf, stdout);
}

/*
 * The deadlines as detector_deadline applies them: each option given,
 * or its default in the node's own intervals; a SUSPECT deadline that
 * is not before the DEAD one is skipped (the node goes straight to
 * DEAD), which only a mix of the two can bring.
 */
static void say_deadlines(const struct detector *d)
{
    char suspect[48], dead[48];

    if (d->suspect_ms)
        snprintf(suspect, sizeof(suspect), "%" PRIu64 " ms", d->suspect_ms);
    else
        snprintf(suspect, sizeof(suspect), "2 intervals");
    if (d->dead_ms)
        snprintf(dead, sizeof(dead), "%" PRIu64 " ms", d->dead_ms);
    else
        snprintf(dead, sizeof(dead), "%s", d->suspect_ms ? "5 intervals" : "5");
    printf("deadline detector: SUSPECT after %s of silence%s, DEAD after %s\n", suspect,
           (d->suspect_ms == 0) != (d->dead_ms == 0) ? " (unless DEAD comes first)" : "",
           dead);
}

void report_listening(struct receiver *r, const char *addr, int port, const char *how)
{
    const struct detector *d = &r->det;

    if (r->cfg->json) {
        struct json *j = event(r, "listening", NULL);

        json_str(j, "addr", addr);
        json_i64(j, "port", port);
        json_str(j, "detector", d->kind == DETECT_PHI ? "phi" : "deadline");
        emit(r, 0);
        return;
    }
    printf("listening on %s (%s)\n", addr, how);
    if (d->kind == DETECT_PHI)
        printf("phi detector: SUSPECT at phi %.1f, DEAD at phi %.1f\n", d->phi / 2, d->phi);
    else
        say_deadlines(d);
}

void report_heartbeat(struct receiver *r, const struct node *n,
                      const struct heartbeat *hb, uint64_t now)
{
    char addr[NET_ADDR_STRLEN];

    if (r->cfg->quiet || r->cfg->live)  /* --live: the table shows them */
        return;
    report_addr(n, addr);
    if (r->cfg->json) {
        struct json *j = event(r, "heartbeat", n);

        json_str(j, "addr", addr);
        json_u64(j, "seq", hb->seq);
        json_u64(j, "inc", hb->inc);
        if (hb->leaving)
            json_bool(j, "leaving", true);
        emit(r, now);
        return;
    }
    print_time(r);
    printf("heartbeat from %s (%s) seq=%" PRIu64 "%s\n", n->name, addr, hb->seq,
           hb->leaving ? " leaving=1" : "");
}

void report_alive(struct receiver *r, const struct node *n, uint64_t now,
                  bool first, uint64_t down_ms)
{
    char addr[NET_ADDR_STRLEN];

    report_addr(n, addr);
    if (r->cfg->json) {
        struct json *j = event(r, "alive", n);

        json_str(j, "addr", addr);
        if (!first)
            json_u64(j, "down_ms", down_ms);
        emit(r, now);
        return;
    }
    print_time(r);
    if (first)
        printf("%s ALIVE: first heartbeat, from %s, every %" PRIu32 " ms\n",
               n->name, addr, n->interval_ms);
    else
        printf("%s ALIVE again after %" PRIu64 " ms\n", n->name, down_ms);
}

void report_restart(struct receiver *r, const struct node *n, uint64_t old_inc,
                    uint64_t now)
{
    (void)now;
    if (r->cfg->json)
        return;                         /* JSON: heartbeat events carry inc */
    print_time(r);
    printf("%s restarted (incarnation %" PRIu64 ", was %" PRIu64 ")\n",
           n->name, n->inc, old_inc);
}

void report_forgotten(struct receiver *r, const struct node *n, uint64_t now)
{
    if (r->cfg->json) {
        struct json *j = event(r, "forgotten", n);

        json_str(j, "state", nodes_state_key(n->state));
        json_u64(j, "silent_ms", now - n->last_seen);
        emit(r, now);
        return;
    }
    print_time(r);
    printf("%s forgotten (%s, silent for %" PRIu64 " ms)\n", n->name,
           nodes_state_name(n->state), now - n->last_seen);
}

void report_state(struct receiver *r, const struct node *n, uint64_t now,
                  uint64_t silent_ms)
{
    bool phi = r->det.kind == DETECT_PHI && n->state != NODE_LEFT;

    if (r->cfg->json) {
        struct json *j = event(r, nodes_state_key(n->state), n);

        if (n->state != NODE_LEFT)
            json_u64(j, "silent_ms", silent_ms);
        if (phi)
            json_double(j, "phi", detector_phi(&r->det, n, now), 1);
        emit(r, now);
        return;
    }
    print_time(r);
    if (n->state == NODE_LEFT)
        printf("%s LEFT (said goodbye)\n", n->name);
    else if (phi)
        printf("%s %s: silent for %" PRIu64 " ms, phi %.1f\n", n->name,
               nodes_state_name(n->state), silent_ms, detector_phi(&r->det, n, now));
    else
        printf("%s %s: silent for %" PRIu64 " ms\n", n->name,
               nodes_state_name(n->state), silent_ms);
}

/*
 * Whether one more problem datagram may be reported this second; past
 * REPORTS_PER_SECOND it is only counted, and a flood costs a count, not
 * a name lookup.
 */
static bool may_report(struct receiver *r, uint64_t now)
{
    return ratelimit_allow(&r->problems, now, 1000, REPORTS_PER_SECOND);
}

/* One problem datagram: EVENT from ADDR, REASON (and what was not shown). */
static void report_problem(struct receiver *r, const char *what, const char *node,
                           const char *reason, const struct sockaddr *from,
                           socklen_t fromlen, uint64_t now)
{
    char addr[NET_ADDR_STRLEN];
    uint64_t unsaid = ratelimit_take_suppressed(&r->problems);

    net_format(from, fromlen, addr);
    if (r->cfg->json) {
        struct json *j = event(r, what, NULL);

        if (node != NULL)
            json_str(j, "node", node);
        json_str(j, "addr", addr);
        json_str(j, "reason", reason);
        if (unsaid > 0)
            json_u64(j, "not_shown", unsaid);
        emit(r, now);
    } else {
        print_time(r);
        printf("%s %s from %s: %s", what, node ? "heartbeat" : "datagram", addr, reason);
        if (node != NULL)
            printf(" (node %s)", node);
        if (unsaid > 0)
            printf(" (and %" PRIu64 " more not shown)", unsaid);
        printf("\n");
    }
}

void report_malformed(struct receiver *r, enum heartbeat_error err, const char *key,
                      const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
    char reason[64];

    if (!may_report(r, now))
        return;
    heartbeat_error_str(err, key, reason, sizeof(reason));
    report_problem(r, "malformed", NULL, reason, from, fromlen, now);
}

void report_ignored(struct receiver *r, const struct heartbeat *hb, const char *why,
                    const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
    char node[HB_NAME_MAX + 1];

    if (!may_report(r, now))
        return;
    snprintf(node, sizeof(node), "%.*s", (int)hb->node_len, hb->node);
    report_problem(r, "ignored", node, why, from, fromlen, now);
}

void report_rejected(struct receiver *r, const struct heartbeat *hb, const char *why,
                     const struct sockaddr *from, socklen_t fromlen, uint64_t now)
{
    char node[HB_NAME_MAX + 1];

    if (!may_report(r, now))
        return;
    if (hb != NULL)
        snprintf(node, sizeof(node), "%.*s", (int)hb->node_len, hb->node);
    report_problem(r, "rejected", hb != NULL ? node : NULL, why, from, fromlen, now);
}

void report_keyring(struct receiver *r, uint64_t now)
{
    if (r->cfg->json) {
        struct json *j = event(r, "keyring", NULL);

        json_u64(j, "keys", r->ring.n);
        json_array_begin(j, "ids");
        for (size_t i = 0; i < r->ring.n; i++)
            json_str(j, NULL, r->ring.keys[i].id);
        json_array_end(j);
        json_u64(j, "max_skew_ms", r->cfg->max_skew_ms);
        emit(r, now);
        return;
    }
    if (now > 0)
        print_time(r);
    printf("keyring: %zu key%s (", r->ring.n, r->ring.n == 1 ? "" : "s");
    for (size_t i = 0; i < r->ring.n; i++)
        printf("%s%s", i ? " " : "", r->ring.keys[i].id);
    printf("): only signed heartbeats are believed, first ones and goodbyes sent "
           "within %" PRIu64 " ms of our clock\n", r->cfg->max_skew_ms);
}

/* "0.3 s ago", "never". */
static void print_age(uint64_t ms)
{
    if (ms < 10000)
        printf("%.1f s ago\n", ms / 1000.0);
    else
        printf("%" PRIu64 " s ago\n", ms / 1000);
}

double report_loss_pct(const struct node *n)
{
    uint64_t expected = n->received - n->duplicates + n->lost;

    return expected ? 100.0 * (double)n->lost / (double)expected : 0;
}

static void summary_json(struct receiver *r, uint64_t now)
{
    struct json *j = event(r, "summary", NULL);
    char addr[NET_ADDR_STRLEN];

    json_u64(j, "heartbeats", r->heartbeats);
    json_u64(j, "malformed", r->malformed);
    json_object_begin(j, "malformed_by_reason");
    for (int e = HB_EMPTY; e < HB_NERRORS; e++)
        if (r->malformed_by[e] > 0)
            json_u64(j, heartbeat_error_name((enum heartbeat_error)e), r->malformed_by[e]);
    json_object_end(j);
    json_u64(j, "stale", r->stale);
    json_u64(j, "implausible", r->implausible);
    json_u64(j, "refused", r->refused);
    json_u64(j, "forgotten", r->forgotten);
    if (r->ring.n > 0) {                /* keyed: what was not believed */
        json_u64(j, "unsigned", r->unsigned_dgrams);
        json_u64(j, "bad_mac", r->bad_mac);
        json_u64(j, "replayed", r->replayed);
    }
    json_array_begin(j, "nodes");
    for (size_t i = 0; i < r->nodes.high; i++) {
        const struct node *n = nodes_at(&r->nodes, i);

        if (n == NULL)
            continue;
        json_object_begin(j, NULL);
        json_str(j, "node", n->name);
        json_str(j, "addr", report_addr(n, addr));
        json_str(j, "state", nodes_state_key(n->state));
        json_u64(j, "received", n->received);
        json_u64(j, "lost", n->lost);
        json_u64(j, "duplicates", n->duplicates);
        json_u64(j, "reordered", n->reordered);
        json_u64(j, "restarts", n->restarts);
        json_u64(j, "last_seen_ms", now - n->last_seen);
        json_u64(j, "stale", n->stale);
        json_u64(j, "implausible", n->implausible);
        json_object_end(j);
        if (j->len > 65536 && !j->failed) {     /* a million nodes: stream them */
            fputs(j->buf, stdout);
            json_drain(j);
        }
    }
    json_array_end(j);
    json_bool(j, "ok", true);
    json_double(j, "seconds", now / 1000.0, 3);
    json_double(j, "per_sec", now > 0 ? r->heartbeats * 1000.0 / (double)now : 0, 0);
    emit(r, now);
}

void report_summary(struct receiver *r, uint64_t now)
{
    uint64_t by_state[4] = { 0 };
    char addr[NET_ADDR_STRLEN];
    int width = 4;

    if (r->cfg->json) {
        summary_json(r, now);
        return;
    }
    live_wipe(r);                       /* the table below replaces it */
    for (size_t i = 0; i < r->nodes.high; i++) {
        const struct node *n = nodes_at(&r->nodes, i);

        if (n == NULL)
            continue;
        if (n->name_len > width)
            width = n->name_len;
        by_state[n->state]++;
    }
    if (r->nodes.count > 0)
        printf("%-*s  %-22s %-7s %10s %8s %6s  %s\n", width, "node", "address",
               "state", "received", "lost", "loss%", "last seen");
    for (size_t i = 0; i < r->nodes.high; i++) {
        const struct node *n = nodes_at(&r->nodes, i);

        if (n == NULL)
            continue;
        printf("%-*s  %-22s %-7s %10" PRIu64 " %8" PRIu64 " %5.1f%%  ", width,
               n->name, report_addr(n, addr), nodes_state_name(n->state),
               n->received, n->lost, report_loss_pct(n));
        print_age(now - n->last_seen);
    }
    printf("%zu node%s (%" PRIu64 " alive, %" PRIu64 " suspect, %" PRIu64 " dead, %"
           PRIu64 " left), %" PRIu64 " heartbeat%s, %" PRIu64 " malformed",
           r->nodes.count, r->nodes.count == 1 ? "" : "s", by_state[NODE_ALIVE],
           by_state[NODE_SUSPECT], by_state[NODE_DEAD], by_state[NODE_LEFT],
           r->heartbeats, r->heartbeats == 1 ? "" : "s", r->malformed);
    for (int e = HB_EMPTY, sep = 0; e < HB_NERRORS; e++)
        if (r->malformed_by[e] > 0)
            printf("%s%s %" PRIu64, sep++ ? ", " : " (", heartbeat_error_name((enum heartbeat_error)e),
                   r->malformed_by[e]);
    printf("%s\n", r->malformed > 0 ? ")" : "");
    if (r->forgotten > 0)
        printf("forgotten: %" PRIu64 " dead or left node%s (--forget-after)\n",
               r->forgotten, r->forgotten == 1 ? "" : "s");
    if (r->stale + r->implausible + r->refused > 0)
        printf("ignored: %" PRIu64 " of older incarnations, %" PRIu64 " implausible, %"
               PRIu64 " past --max-nodes\n", r->stale, r->implausible, r->refused);
    if (r->ring.n > 0)
        printf("rejected (--key): %" PRIu64 " unsigned, %" PRIu64 " bad mac, %" PRIu64
               " replayed\n", r->unsigned_dgrams, r->bad_mac, r->replayed);
}
