/*
 * udp_sender - sends heartbeats over UDP: "I am alive", once a second.
 *
 * Lesson: UDP is fire-and-forget.  Each heartbeat is one datagram, to
 * one host (unicast), to every host of a LAN (broadcast) or to those
 * that joined a group (multicast); nothing says whether it arrived.
 * The receiver (udp_receiver) decides from the silence between
 * heartbeats whether a node is alive: that is failure detection.
 *
 * Every heartbeat carries the node's name, its incarnation (this
 * process's start time, so that a restart is told apart from a late
 * packet) and a sequence number (so that losses can be counted).  On
 * Ctrl-C the sender says goodbye (leaving=1); at --count it just falls
 * silent, as a crashed node would.  --nodes N plays N nodes at once.
 *
 * Usage: udp_sender [HOST] [-p PORT] [-i INTERVAL_MS] [-c COUNT] [-n NAME] ...
 * See also: udp_receiver; the wire format is in lib/heartbeat.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "sender.h"
#include "stats.h"
#include "timers.h"

enum { BATCH = 64 };                    /* datagrams per sendmmsg(2) */

static const char usage_text[] =
"Usage: udp_sender [HOST] [-p PORT] [-i INTERVAL_MS] [-c COUNT] [-n NAME]\n"
"                  [--broadcast] [--iface IFNAME] [--ttl N] [--jitter PCT]\n"
"                  [--drop-rate PCT] [--nodes N] [-q] [--json]\n"
"\n"
"Sends a heartbeat datagram to HOST (default 127.0.0.1) every INTERVAL_MS,\n"
"for udp_receiver to tell which nodes are alive.  Ctrl-C sends a last\n"
"heartbeat with leaving=1; after COUNT heartbeats it just falls silent.\n"
"\n"
"  -p, --port PORT        UDP port (default 5005)\n"
"  -i, --interval MS      milliseconds between heartbeats, 1..3600000\n"
"                         (default 1000)\n"
"  -c, --count COUNT      stop after COUNT heartbeats, without leaving=1\n"
"                         (default 0: until interrupted)\n"
"  -n, --name NAME        node name, [A-Za-z0-9._-], 1-64 characters\n"
"                         (default: the host name)\n"
"      --broadcast        to every host of the LAN: 255.255.255.255, or the\n"
"                         broadcast address of --iface (sets SO_BROADCAST)\n"
"      --iface IFNAME     broadcast or multicast out of this interface\n"
"      --ttl N            hops for a multicast HOST, 1..255 (default 1: this LAN)\n"
"      --jitter PCT       send up to PCT% of the interval late, 0..100, so that\n"
"                         many senders do not beat in lockstep (default 10)\n"
"      --drop-rate PCT    skip PCT% of heartbeats at random (their seq is\n"
"                         used): loss without touching the network\n"
"      --nodes N          play N nodes, NAME-1..NAME-N, 1..10000000\n"
"  -q, --quiet            only the totals\n"
"      --json             totals as one JSON object\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Wire format, one datagram (see udp_receiver --help):\n"
"  HEARTBEAT v=1 node=NAME inc=START_MS seq=N interval_ms=MS sent_ms=UNIX_MS\n"
"\n"
"Examples:\n"
"  udp_sender                         # to udp_receiver on this machine\n"
"  udp_sender 192.168.1.5 -n node-b   # to a receiver on another machine\n"
"  udp_sender --broadcast -i 500      # to every receiver on the LAN\n"
"  udp_sender 239.1.2.3 --ttl 1       # to receivers that joined the group\n"
"  udp_sender -c 5                    # five heartbeats, then a silent 'crash'\n"
"  udp_sender --nodes 1000 -q         # a thousand nodes, to load a receiver\n";

/* One run: the schedule of every node, the socket, and the counts. */
struct run {
    const struct sender_config *cfg;
    struct dest dest;
    int fd;
    int stop_pipe[2];
    uint64_t start_ns, interval_ns, inc;
    uint64_t behind_ns;                 /* schedule time = monotonic time - this */
    uint64_t *next_seq;                 /* per node: its next sequence number */
    struct timers due;                  /* per node: when its next heartbeat is due */
    uint64_t rng;
    uint64_t sent, skipped, errors, leaving;
    uint64_t reported_ns, unreported;   /* send errors: at most one message a second */
    /* One batch of datagrams for sendmmsg. */
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    char buf[BATCH][HB_MAX_LEN + 1];
};

static void parse_options(int argc, char **argv, struct sender_config *cfg)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, 'p' },
        { "interval", required_argument, NULL, 'i' },
        { "count", required_argument, NULL, 'c' },
        { "name", required_argument, NULL, 'n' },
        { "broadcast", no_argument, NULL, 'B' },
        { "iface", required_argument, NULL, 'I' },
        { "ttl", required_argument, NULL, 'T' },
        { "jitter", required_argument, NULL, 'J' },
        { "drop-rate", required_argument, NULL, 'D' },
        { "nodes", required_argument, NULL, 'N' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    static char hostname[256];
    const char *name;
    int c;

    *cfg = (struct sender_config){ .interval_ms = 1000, .nodes = 1, .ttl = 1,
                                   .jitter_pct = 10 };
    snprintf(cfg->port, sizeof(cfg->port), "%d", HB_PORT);
    while ((c = cli_next_option(argc, argv, ":p:i:c:n:qhV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'p': cli_parse_port(name, optarg, 1, cfg->port); break;
        case 'i': cfg->interval_ms = cli_parse_u64(name, optarg, 1, 3600000); break;
        case 'c': cfg->count = cli_parse_u64(name, optarg, 0, UINT64_MAX); break;
        case 'n': cfg->name = optarg; break;
        case 'B': cfg->broadcast = true; break;
        case 'I': cfg->iface = optarg; break;
        case 'T':
            cfg->ttl = (unsigned)cli_parse_u64(name, optarg, 1, 255);
            cfg->ttl_given = true;
            break;
        case 'J': cfg->jitter_pct = (unsigned)cli_parse_u64(name, optarg, 0, 100); break;
        case 'D': cfg->drop_pct = (unsigned)cli_parse_u64(name, optarg, 0, 100); break;
        case 'N': cfg->nodes = cli_parse_u64(name, optarg, 1, 10000000); break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        }
    }
    if (optind < argc)
        cfg->host = argv[optind++];
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (cfg->host == NULL && !cfg->broadcast)
        cfg->host = "127.0.0.1";

    if (cfg->name == NULL) {
        if (gethostname(hostname, sizeof(hostname)) != 0)
            snprintf(hostname, sizeof(hostname), "node");
        hostname[sizeof(hostname) - 1] = '\0';
        cfg->name = hostname;
    }
    /* With --nodes, NAME-N must still be a valid name. */
    size_t room = HB_NAME_MAX - (cfg->nodes > 1 ? 1 + (size_t)snprintf(NULL, 0, "%" PRIu64, cfg->nodes) : 0);
    if (strlen(cfg->name) > room || !hb_valid_name(cfg->name, strlen(cfg->name)))
        cli_usage_error("-n: '%s' is not a node name ([A-Za-z0-9._-], 1-%zu characters%s)",
                        cfg->name, room, cfg->nodes > 1 ? " before the -N suffix" : "");
}

/* A small, fast random number generator (splitmix64): jitter and drops. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * When node 'id' sends heartbeat 'seq': the nodes' first beats are
 * spread evenly over one interval, then one interval apart, each late
 * by a random share of --jitter (on the monotonic clock, so that no
 * change of the wall clock can bunch or stall them).
 */
static uint64_t due_time(struct run *r, uint32_t id, uint64_t seq)
{
    uint64_t t = r->start_ns + id * (r->interval_ns / r->cfg->nodes) +
                 (seq - 1) * r->interval_ns;
    uint64_t spread = r->interval_ns / 100 * r->cfg->jitter_pct;

    if (seq > 1 && spread > 0)
        t += next_random(&r->rng) % spread;
    return t;
}

/* The name of node 'id': NAME, or NAME-1..NAME-N with --nodes. */
static void node_name(const struct run *r, uint32_t id, char buf[HB_NAME_MAX + 1])
{
    if (r->cfg->nodes > 1)
        snprintf(buf, HB_NAME_MAX + 1, "%s-%" PRIu32, r->cfg->name, id + 1);
    else
        snprintf(buf, HB_NAME_MAX + 1, "%s", r->cfg->name);
}

/* Put heartbeat 'seq' of node 'id' into slot 'i' of the batch. */
static void prepare(struct run *r, int i, uint32_t id, uint64_t seq,
                    uint64_t sent_ms, bool leaving)
{
    struct heartbeat hb = { .inc = r->inc, .seq = seq, .sent_ms = sent_ms,
                            .interval_ms = r->cfg->interval_ms, .leaving = leaving };
    size_t len;

    node_name(r, id, hb.node);
    len = hb_format(&hb, r->buf[i], sizeof(r->buf[i]));
    r->iov[i] = (struct iovec){ .iov_base = r->buf[i], .iov_len = len };
    r->msgs[i].msg_hdr = (struct msghdr){
        .msg_name = &r->dest.sa, .msg_namelen = r->dest.len,
        .msg_iov = &r->iov[i], .msg_iovlen = 1,
    };
}

/* A failed send: counted, and reported at most once a second. */
static void send_failed(struct run *r, int err)
{
    uint64_t now = stats_now_ns();
    const char *hint = dest_hint(&r->dest, err);

    r->errors++;
    if (r->reported_ns != 0 && now - r->reported_ns < 1000000000ULL) {
        r->unreported++;
        return;
    }
    cli_error(0, "send to %s: %s%s%s%s", r->dest.text, strerror(err),
              hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
    if (r->unreported > 0)
        cli_error(0, "(and %" PRIu64 " more send errors since the last message)",
                  r->unreported);
    r->reported_ns = now;
    r->unreported = 0;
}

/* Send the first 'n' datagrams of the batch; each is sent or counted failed. */
static void send_batch(struct run *r, int n)
{
    int i = 0;

    while (i < n) {
        int done = sendmmsg(r->fd, r->msgs + i, (unsigned)(n - i), 0);

        if (done < 0) {
            if (errno == EINTR)
                continue;
            send_failed(r, errno);      /* the first one failed: skip it, go on */
            i++;
            continue;
        }
        for (int j = i; j < i + done; j++)
            if (!r->cfg->quiet && !r->cfg->json)
                printf("sent %.*s\n", (int)r->iov[j].iov_len - 1, r->buf[j]);
        r->sent += (uint64_t)done;
        i += done;
    }
}

/* Sleep until 'when' (monotonic ns) or a stop signal, whichever first. */
static void sleep_until(struct run *r, uint64_t when)
{
    uint64_t now = stats_now_ns();
    struct pollfd p = { .fd = r->stop_pipe[0], .events = POLLIN };
    struct timespec ts;

    if (when <= now)
        return;
    ts.tv_sec = (time_t)((when - now) / 1000000000ULL);
    ts.tv_nsec = (long)((when - now) % 1000000000ULL);
    ppoll(&p, 1, &ts, NULL);            /* EINTR or the pipe: the caller looks */
}

/*
 * The heart of it: take every heartbeat that is due, in time order,
 * send them in batches, and sleep until the next one.  Returns when a
 * stop signal came or every node has sent its COUNT.
 */
static void beat(struct run *r)
{
    const struct sender_config *cfg = r->cfg;

    while (!cli_stop_requested() && timers_first(&r->due) != NULL) {
        uint64_t now = stats_now_ns() - r->behind_ns, sent_ms = wall_ms();
        const struct timer *t = timers_first(&r->due);
        int n = 0;

        /*
         * More than an interval behind (the process was stopped with
         * Ctrl-Z, or the machine could not keep up): beat on from now,
         * as a live node would, instead of sending the backlog in a
         * burst.  Shifting the clock keeps the order of every deadline.
         */
        if (t->when + r->interval_ns < now) {
            r->behind_ns += now - t->when;
            now = t->when;
        }

        while (n < BATCH && (t = timers_first(&r->due)) != NULL && t->when <= now) {
            uint32_t id = t->id;
            uint64_t seq = r->next_seq[id]++;

            if (cfg->count != 0 && seq >= cfg->count)
                timers_pop(&r->due);    /* its last: from now on, silence */
            else
                timers_move_first(&r->due, due_time(r, id, seq + 1));
            if (cfg->drop_pct > 0 && next_random(&r->rng) % 100 < cfg->drop_pct) {
                char name[HB_NAME_MAX + 1];

                r->skipped++;
                node_name(r, id, name);
                if (!cfg->quiet && !cfg->json)
                    printf("skipped seq=%" PRIu64 " of %s (--drop-rate)\n", seq, name);
                continue;
            }
            prepare(r, n++, id, seq, sent_ms, false);
        }
        if (n > 0)
            send_batch(r, n);
        else if ((t = timers_first(&r->due)) != NULL)
            sleep_until(r, t->when + r->behind_ns);
        cli_check_stdout();
    }
}

/* Stopped by a signal: every node still beating says goodbye. */
static void leave(struct run *r)
{
    uint64_t sent_ms = wall_ms(), before = r->sent;
    int n = 0;

    for (size_t i = 0; i < r->due.n; i++) {
        uint32_t id = r->due.v[i].id;

        prepare(r, n++, id, r->next_seq[id], sent_ms, true);
        if (n == BATCH) {
            send_batch(r, n);
            n = 0;
        }
    }
    send_batch(r, n);
    r->leaving = r->sent - before;
    r->sent = before;
}

static void print_totals(const struct run *r, double seconds)
{
    if (r->cfg->json) {
        struct json j;

        json_init(&j);
        json_event_begin(&j, "summary", "udp_sender");
        json_str(&j, "to", r->dest.text);
        json_u64(&j, "nodes", r->cfg->nodes);
        json_u64(&j, "sent", r->sent);
        json_u64(&j, "skipped", r->skipped);
        json_u64(&j, "errors", r->errors);
        json_u64(&j, "leaving", r->leaving);
        json_bool(&j, "ok", r->sent + r->leaving > 0 || r->errors == 0);
        json_double(&j, "seconds", seconds, 3);
        json_double(&j, "per_sec", stats_rate(r->sent, seconds), 0);
        cli_print_json(&j);
        return;
    }
    printf("sent         %" PRIu64 "\n", r->sent);
    printf("skipped      %" PRIu64 "\n", r->skipped);
    printf("errors       %" PRIu64 "\n", r->errors);
    printf("leaving      %" PRIu64 "\n", r->leaving);
    printf("seconds      %.3f\n", seconds);
}

static struct run *run_new(const struct sender_config *cfg)
{
    struct run *r = calloc(1, sizeof(*r));

    if (r == NULL || (r->next_seq = malloc(cfg->nodes * sizeof(uint64_t))) == NULL ||
        pipe2(r->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        cli_error(errno ? errno : ENOMEM, "memory for %" PRIu64 " nodes", cfg->nodes);
        exit(1);
    }
    r->cfg = cfg;
    r->start_ns = stats_now_ns();
    r->interval_ns = cfg->interval_ms * 1000000ULL;
    r->inc = wall_ms();
    r->rng = r->start_ns ^ ((uint64_t)getpid() << 32);
    timers_init(&r->due);
    for (uint32_t id = 0; id < cfg->nodes; id++) {
        r->next_seq[id] = 1;
        if (timers_add(&r->due, due_time(r, id, 1), id) != 0) {
            cli_error(errno, "memory for %" PRIu64 " nodes", cfg->nodes);
            exit(1);
        }
    }
    return r;
}

int main(int argc, char **argv)
{
    struct sender_config cfg;
    struct run *r;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);
    r = run_new(&cfg);
    r->fd = dest_open(&cfg, &r->dest);

    if (!cfg.quiet && !cfg.json) {
        if (cfg.nodes > 1)
            printf("heartbeats to %s%s from %" PRIu64 " nodes %s-1..%s-%" PRIu64,
                   r->dest.text, r->dest.broadcast ? " (broadcast)" : r->dest.multicast ? " (multicast)" : "",
                   cfg.nodes, cfg.name, cfg.name, cfg.nodes);
        else
            printf("heartbeats to %s%s from node %s", r->dest.text,
                   r->dest.broadcast ? " (broadcast)" : r->dest.multicast ? " (multicast)" : "",
                   cfg.name);
        printf(" every %" PRIu64 " ms, incarnation %" PRIu64 "; Ctrl-C to leave\n",
               cfg.interval_ms, r->inc);
    }
    /* A reader of our output that goes away costs an error, not our life. */
    signal(SIGPIPE, SIG_IGN);
    if (cli_catch_stop_signals() != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    cli_set_stop_fd(r->stop_pipe[1]);

    beat(r);                            /* until Ctrl-C or COUNT */
    if (cli_stop_requested())
        leave(r);                       /* goodbye: leaving=1 */

    print_totals(r, stats_seconds_since(r->start_ns));
    close(r->fd);
    cli_set_stop_fd(-1);
    timers_free(&r->due);
    free(r->next_seq);
    /* Nothing got through at all: that is a failure, not a run. */
    int status = r->sent + r->leaving == 0 && r->errors > 0 ? 1 : 0;
    free(r);
    return status;
}
