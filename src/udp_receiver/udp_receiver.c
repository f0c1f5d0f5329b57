/*
 * udp_receiver - hears heartbeats over UDP and says which nodes are
 * alive, suspect, dead or gone.
 *
 * Lesson: a failure detector.  Nothing tells a receiver that a node
 * crashed; it only notices silence.  Each node's silence is measured
 * against a deadline (fixed multiples of its interval, or phi-accrual,
 * learnt from its own rhythm), and a timer fires at that deadline: a
 * node goes SUSPECT, then DEAD, on time, with no packet arriving.  A
 * heartbeat brings it back; a goodbye (leaving=1) makes it LEFT, not
 * DEAD.  Sequence numbers tell lost, duplicated and reordered packets
 * apart, and the incarnation tells a restart from a late packet.
 *
 * The lesson is receive() below, as plain as recvfrom(2) in a loop, and
 * track.c: what a heartbeat, or a deadline passing, does to a node.
 * At scale: one hash lookup and one counter update per heartbeat,
 * timers in a heap (no scan of all nodes), datagrams taken 64 at a time
 * (datagram_batch.c).  A bad datagram is counted and reported, never fatal.
 *
 * Usage: udp_receiver [-p PORT] [-b ADDRESS] [--group MCAST_ADDR] ...
 * See also: udp_sender; the wire format is in lib/heartbeat.h.
 */
#include <errno.h>
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
#include "net.h"
#include "stop.h"
#include "timing.h"
#include "udp_receiver.h"

enum {
    TICK_MS = 10,                       /* a busy receiver's timers run this often */
    MAX_NODES = 1 << 20,                /* default --max-nodes: a million and more */
    FLUSH_MS = 100,                     /* output waits this long at most */
    MAX_SKEW_MS = 5000,                 /* default --max-skew */
};

static const char usage_text[] =
"Usage: udp_receiver [-p PORT] [-b ADDRESS] [--group MCAST_ADDR]\n"
"                    [--suspect-after MS] [--dead-after MS]\n"
"                    [--detector deadline|phi] [--phi THRESHOLD]\n"
"                    [--rcvbuf BYTES] [--max-nodes N] [--forget-after MS]\n"
"                    [--key FILE]... [--max-skew MS] [-q] [--json | --live]\n"
"\n"
"Listens for udp_sender's heartbeats and tracks every node: ALIVE while it\n"
"beats, SUSPECT and then DEAD when it falls silent, LEFT when it says\n"
"goodbye.  Ctrl-C prints a table of every node.\n"
"\n"
"  -p, --port PORT            UDP port, 0 for any free one (default 5005)\n"
"  -b, --bind ADDRESS         only this address (default: every interface,\n"
"                             IPv4 and IPv6; unicast and broadcast)\n"
"      --group MCAST_ADDR     also join this multicast group\n"
"      --suspect-after MS     SUSPECT after MS of silence (default: 2 of the\n"
"                             node's own intervals)\n"
"      --dead-after MS        DEAD after MS of silence (default: 5 intervals)\n"
"      --detector KIND        deadline (default: the two above) or phi\n"
"      --phi THRESHOLD        phi detector: DEAD at this phi, SUSPECT at half\n"
"                             of it, 0.5..100 (default 8)\n"
"      --rcvbuf BYTES         socket receive buffer (default: 4 MiB, as far\n"
"                             as net.core.rmem_max allows)\n"
"      --max-nodes N          nodes tracked at most; heartbeats of more are\n"
"                             counted and refused (default 1048576)\n"
"      --forget-after MS      forget a node DEAD or LEFT for MS (default:\n"
"                             never); a node heard again is new again\n"
"      --key FILE             believe only heartbeats signed (a final mac=\n"
"                             field, HMAC-SHA-256) by a key of FILE (mode\n"
"                             0600; one key a line); more than once: a keyring;\n"
"                             SIGHUP reads every FILE again\n"
"      --max-skew MS          keyed: a node's first heartbeat, a restart and\n"
"                             a goodbye must have sent_ms within MS of our\n"
"                             clock, or they are replays (default 5000)\n"
"  -q, --quiet                no line per heartbeat; state changes and the\n"
"                             table still\n"
"      --json                 one JSON object per event, and the summary\n"
"      --live                 on a terminal: the table of every node, redrawn\n"
"                             in place each second, state changes above it\n"
"  -h, --help                 show this help\n"
"  -V, --version              show the version\n"
"\n"
"A heartbeat is one datagram, one line of at most 512 bytes:\n"
"  HEARTBEAT v=1 node=NAME inc=START_MS seq=N interval_ms=MS sent_ms=UNIX_MS\n"
"Anything else is counted as malformed and reported (10 a second at most).\n"
"\n"
"Examples:\n"
"  udp_receiver                          # then, anywhere: udp_sender HOST\n"
"  udp_receiver --dead-after 3000 -q\n"
"  udp_receiver --group 239.1.2.3        # for udp_sender 239.1.2.3\n"
"  udp_receiver --detector phi --json\n"
"  udp_receiver --key hb.key             # for udp_sender --key hb.key\n";

/* Options that must agree with each other and with --detector. */
static void check_detector_options(const struct receiver_config *cfg, bool phi_given)
{
    if (cfg->suspect_ms && cfg->dead_ms && cfg->suspect_ms >= cfg->dead_ms)
        cli_usage_error("--suspect-after (%" PRIu64 ") must be less than --dead-after (%" PRIu64 ")",
                        cfg->suspect_ms, cfg->dead_ms);
    if (cfg->kind == DETECT_PHI && (cfg->suspect_ms || cfg->dead_ms))
        cli_usage_error("--suspect-after and --dead-after are for --detector deadline");
    if (phi_given && cfg->kind != DETECT_PHI)
        cli_usage_error("--phi is for --detector phi");
}

/*
 * --live draws with cursor movements, which mean something on a
 * terminal only: in a pipe or a file it is refused rather than ignored,
 * so that a script asking for it learns at once what it gets instead.
 */
static void check_live(const struct receiver_config *cfg)
{
    const char *term = getenv("TERM");

    if (!cfg->live)
        return;
    if (cfg->json)
        cli_usage_error("--live and --json do not go together (a table for a person, or lines for a program)");
    if (!isatty(STDOUT_FILENO))
        cli_usage_error("--live needs a terminal on standard output; in a pipe or a file, leave it out for one line per event");
    if (term != NULL && strcmp(term, "dumb") == 0)
        cli_usage_error("--live needs a terminal that can move its cursor, and TERM is dumb");
}

static void parse_options(int argc, char **argv, struct receiver_config *cfg)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, 'p' },
        { "bind", required_argument, NULL, 'b' },
        { "group", required_argument, NULL, 'G' },
        { "suspect-after", required_argument, NULL, 'S' },
        { "dead-after", required_argument, NULL, 'D' },
        { "detector", required_argument, NULL, 'd' },
        { "phi", required_argument, NULL, 'P' },
        { "rcvbuf", required_argument, NULL, 'R' },
        { "max-nodes", required_argument, NULL, 'M' },
        { "forget-after", required_argument, NULL, 'F' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        { "live", no_argument, NULL, 'L' },
        { "key", required_argument, NULL, 'K' },
        { "max-skew", required_argument, NULL, 'W' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    const char *name;
    bool phi_given = false, skew_given = false;
    int c;

    *cfg = (struct receiver_config){ .kind = DETECT_DEADLINE, .phi = 8,
                                     .rcvbuf = 4 << 20, .max_nodes = MAX_NODES,
                                     .max_skew_ms = MAX_SKEW_MS };
    snprintf(cfg->port, sizeof(cfg->port), "%d", HB_PORT);
    while ((c = cli_next_option(argc, argv, ":p:b:qhV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'p': cli_parse_port(name, optarg, 0, cfg->port); break;
        case 'b': cfg->bind = optarg; break;
        case 'G': cfg->group = optarg; break;
        case 'S': cfg->suspect_ms = cli_parse_u64(name, optarg, 1, 86400000); break;
        case 'D': cfg->dead_ms = cli_parse_u64(name, optarg, 1, 86400000); break;
        case 'd':
            if (strcmp(optarg, "phi") == 0)
                cfg->kind = DETECT_PHI;
            else if (strcmp(optarg, "deadline") != 0)
                cli_usage_error("--detector: '%s' is not deadline or phi", optarg);
            else
                cfg->kind = DETECT_DEADLINE;
            break;
        case 'P': cfg->phi = cli_parse_decimal(name, optarg, 0.5, 100); phi_given = true; break;
        case 'R': cfg->rcvbuf = (int)cli_parse_u64(name, optarg, 1024, 1 << 30); break;
        case 'M': cfg->max_nodes = cli_parse_u64(name, optarg, 1, UINT32_MAX - 1); break;
        case 'F': cfg->forget_ms = cli_parse_u64(name, optarg, 1, UINT32_MAX); break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        case 'L': cfg->live = true; break;
        case 'K':
            if (cfg->nkeys == MAC_RING_MAX)
                cli_usage_error("--key: %d key files at most", MAC_RING_MAX);
            cfg->keys[cfg->nkeys++] = optarg;
            break;
        case 'W':
            cfg->max_skew_ms = cli_parse_u64(name, optarg, 1, 86400000);
            skew_given = true;
            break;
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (skew_given && cfg->nkeys == 0)
        cli_usage_error("--max-skew is for a keyed receiver (--key): unsigned sent_ms proves nothing");
    check_detector_options(cfg, phi_given);
    check_live(cfg);
}


/* The receiver's clock: ms since it started, monotonic. */
static uint64_t now_ms(const struct receiver *r)
{
    return (timing_now_ns() - r->start_ns) / 1000000;
}

/* Show what happened: at once when idle, within FLUSH_MS when busy. */
static void flush_output(struct receiver *r, uint64_t now)
{
    fflush(stdout);
    cli_check_stdout();
    r->flushed = now;
}

/* Wait for datagrams, a timer or a stop signal, whichever comes first. */
static void wait_for_work(struct receiver *r, int fd, uint64_t now)
{
    const struct deadline *t = deadlines_first(&r->timers);
    uint64_t next = live_next(r);       /* UINT64_MAX without --live */
    struct pollfd p[2] = {
        { .fd = fd, .events = POLLIN },
        { .fd = stop_fd(), .events = POLLIN },
    };
    int timeout = -1;

    if (t != NULL && t->when < next)
        next = t->when;
    if (next != UINT64_MAX)
        timeout = next <= now ? 0 : next - now > 3600000 ? 3600000 : (int)(next - now);
    flush_output(r, now);
    poll(p, 2, timeout);                /* EINTR: the caller looks at the stop flag */
}

/*
 * The lesson: receive until a stop signal.  Take each datagram that
 * waits and track it; when none waits, judge the silent nodes, and sleep
 * until the next deadline or datagram.  Heartbeats that already wait are
 * taken before any node is judged silent (after the receiver itself was
 * held up, say by Ctrl-Z, its queue holds the proof that nodes are
 * alive); a busy receiver still runs its timers every TICK_MS.  So a
 * node is found SUSPECT or DEAD at its deadline, or one tick after it.
 * Returns 0, or -1 (said why).
 */
static int receive(struct receiver *r, int fd)
{
    static struct datagram_batch in;    /* recvfrom(2), 64 datagrams at a time */
    uint64_t judged = 0;

    datagram_batch_init(&in);
    while (!stop_signal()) {
        int n = datagram_batch_fill(&in, fd);
        uint64_t now = now_ms(r);

        keyring_check_reload(r, now);   /* SIGHUP: the key files read again */
        if (n < 0) {
            live_wipe(r);
            cli_error(errno, "receive");
            return -1;
        }
        if (n == 0) {                   /* all caught up: judge the silent, wait */
            track_timers(r, now);
            judged = now;
            live_tick(r, now);
            wait_for_work(r, fd, now);
            continue;
        }
        r->wall_now = timing_wall_ms();   /* for the future-incarnation check */
        for (int i = 0; i < n; i++) {
            struct datagram d = datagram_batch_at(&in, i);

            if (track_datagram(r, &d, now) != 0) {
                live_wipe(r);
                cli_error(errno, "memory for nodes (%zu so far)", r->nodes.count);
                return -1;
            }
        }
        if (now - judged >= TICK_MS) {  /* busy: the timers still run */
            track_timers(r, now);
            judged = now;
        }
        live_tick(r, now);
        if (now - r->flushed >= FLUSH_MS)
            flush_output(r, now);
    }
    return 0;
}

/* "listening on ADDR (how)", and the detector's settings. */
static void say_listening(struct receiver *r, int fd, const char *how)
{
    struct sockaddr_storage local;
    socklen_t len = sizeof(local);
    char addr[NET_ADDR_STRLEN];

    getsockname(fd, (struct sockaddr *)&local, &len);
    report_listening(r, net_format((struct sockaddr *)&local, len, addr),
                     net_local_port(fd), how);
}

int main(int argc, char **argv)
{
    struct receiver_config cfg;
    struct receiver r = { .cfg = &cfg };
    const char *how;
    int fd, status;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);    /* exits 0 on --help, 2 on misuse */
    /*
     * Events come in bursts (a thousand nodes seen at once, a thousand
     * gone dead): one write per line would cost more than the work.  So
     * stdout is flushed when the receiver has nothing to do, or after
     * FLUSH_MS when it is busy, rather than at every line.
     */
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);

    /* 1. A reader of our output that goes away costs an error, not our
     *    life; Ctrl-C and SIGTERM only ask for the table and the end. */
    signal(SIGPIPE, SIG_IGN);
    if (stop_catch_signals() != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    /* 2. Keyed: only what a key of ours signed will be believed. */
    if (keyring_open(&r) != 0)
        return CLI_EXIT_USAGE;
    /* 3. One UDP socket: every interface, or -b ADDRESS, or a group. */
    fd = listen_open(&cfg, &how);
    if (fd < 0)
        return fd == LISTEN_MISUSE ? CLI_EXIT_USAGE : 1;

    /* 4. What a failure detector keeps: each node, and a timer per node. */
    detector_init(&r.det, cfg.kind, cfg.suspect_ms, cfg.dead_ms, cfg.phi);
    nodes_init(&r.nodes, cfg.max_nodes);
    deadlines_init(&r.timers);
    json_init(&r.j);
    r.start_ns = timing_now_ns();
    say_listening(&r, fd, how);
    if (r.ring.n > 0)
        report_keyring(&r, 0);
    if (cfg.live && live_start(&r) != 0)
        cli_error(errno, "SIGCONT handler (the table may be redrawn over other lines)");

    /* 5. The lesson: receive, track, judge the silent, until Ctrl-C. */
    status = receive(&r, fd);

    /* 6. The table of every node, and release. */
    report_summary(&r, now_ms(&r));
    close(fd);
    nodes_free(&r.nodes);
    deadlines_free(&r.timers);
    json_free(&r.j);
    return status != 0;
}
