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
 * silent, as a crashed node would.
 *
 * The lesson is one_node.c: a sendto(2) per interval.  --nodes N plays
 * N nodes at once (many_nodes.c: a timer heap, sendmmsg batches), to
 * load a receiver as a cluster would.
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
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "stop.h"
#include "udp_sender.h"
#include "timing.h"
#include "deadlines.h"

enum { BATCH = 64 };                    /* datagrams per sendmmsg(2) */

static const char usage_text[] =
"Usage: udp_sender [HOST] [-p PORT] [-i INTERVAL_MS] [-c COUNT] [-n NAME]\n"
"                  [--broadcast] [--iface IFNAME] [--ttl N] [--jitter PCT]\n"
"                  [--drop-rate PCT] [--nodes N] [--key FILE] [-q] [--json]\n"
"       udp_sender --genkey\n"
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
"      --key FILE         sign each heartbeat (HMAC-SHA-256, a final mac=\n"
"                         field) with the first key of FILE (mode 0600);\n"
"                         SIGHUP reads FILE again\n"
"      --genkey           print a new random key (64 hex digits) and exit\n"
"  -q, --quiet            only the totals\n"
"      --json             totals as one JSON object\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Wire format, one datagram (see udp_receiver --help):\n"
"  HEARTBEAT v=1 node=NAME inc=START_MS seq=N interval_ms=MS sent_ms=UNIX_MS\n"
"  and with --key: ... mac=HMAC_SHA256_HEX (see week3(7))\n"
"\n"
"Examples:\n"
"  udp_sender                         # to udp_receiver on this machine\n"
"  udp_sender 192.168.1.5 -n node-b   # to a receiver on another machine\n"
"  udp_sender --broadcast -i 500      # to every receiver on the LAN\n"
"  udp_sender 239.1.2.3 --ttl 1       # to receivers that joined the group\n"
"  udp_sender -c 5                    # five heartbeats, then a silent 'crash'\n"
"  udp_sender --nodes 1000 -q         # a thousand nodes, to load a receiver\n"
"  umask 077; udp_sender --genkey > hb.key; udp_sender --key hb.key\n";

/* --genkey: a key file's line, from the system's random source. */
static noreturn void print_new_key(void)
{
    char hex[MAC_HEX + 2];

    if (mac_generate(hex) != MAC_OK)
        cli_usage_error("--genkey: built without libsodium: apt-get install libsodium-dev");
    fputs(hex, stdout);
    exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1);
}

/* NAME, by default the host name; with --nodes, NAME-N must be a name too. */
static void check_name(struct sender_config *cfg)
{
    static char hostname[256];

    if (cfg->name == NULL) {
        if (gethostname(hostname, sizeof(hostname)) != 0)
            snprintf(hostname, sizeof(hostname), "node");
        hostname[sizeof(hostname) - 1] = '\0';
        cfg->name = hostname;
    }
    /* With --nodes, NAME-N must still be a valid name. */
    size_t room = HB_NAME_MAX - (cfg->nodes > 1 ? 1 + (size_t)snprintf(NULL, 0, "%" PRIu64, cfg->nodes) : 0);
    if (strlen(cfg->name) > room || !heartbeat_valid_name(cfg->name, strlen(cfg->name)))
        cli_usage_error("-n: '%s' is not a node name ([A-Za-z0-9._-], 1-%zu characters%s)",
                        cfg->name, room, cfg->nodes > 1 ? " before the -N suffix" : "");
}


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
        { "key", required_argument, NULL, 'K' },
        { "genkey", no_argument, NULL, 'G' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    const char *name;
    bool genkey = false;
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
        case 'K':
            if (cfg->key_file != NULL)
                cli_usage_error("--key: a sender signs with one key file (give it once)");
            cfg->key_file = optarg;
            break;
        case 'G': genkey = true; break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        }
    }
    if (genkey)
        print_new_key();
    if (optind < argc)
        cfg->host = argv[optind++];
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (cfg->host == NULL && !cfg->broadcast)
        cfg->host = "127.0.0.1";
    check_name(cfg);
}


/* What we are about to do, in one line (not with -q or --json). */
static void print_banner(const struct udp_sender *s)
{
    const struct sender_config *cfg = s->cfg;
    const char *kind = "";

    if (cfg->quiet || cfg->json)
        return;
    if (s->dest.broadcast)
        kind = " (broadcast)";
    else if (s->dest.multicast)
        kind = " (multicast)";
    printf("heartbeats to %s%s from ", s->dest.text, kind);
    if (cfg->nodes > 1)
        printf("%" PRIu64 " nodes %s-1..%s-%" PRIu64, cfg->nodes, cfg->name, cfg->name,
               cfg->nodes);
    else
        printf("node %s", cfg->name);
    printf(" every %" PRIu64 " ms, incarnation %" PRIu64 "; Ctrl-C to leave\n",
           cfg->interval_ms, s->inc);
}

static void print_totals(const struct udp_sender *s, double seconds)
{
    if (s->cfg->json) {
        struct json j;

        json_init(&j);
        json_event_begin(&j, "summary", "udp_sender");
        json_str(&j, "to", s->dest.text);
        json_u64(&j, "nodes", s->cfg->nodes);
        json_u64(&j, "sent", s->sent);
        json_u64(&j, "skipped", s->skipped);
        json_u64(&j, "errors", s->errors);
        json_u64(&j, "leaving", s->leaving);
        json_bool(&j, "ok", s->sent + s->leaving > 0 || s->errors == 0);
        json_double(&j, "seconds", seconds, 3);
        json_double(&j, "per_sec", timing_rate(s->sent, seconds), 0);
        cli_print_json(&j);
        return;
    }
    printf("sent         %" PRIu64 "\n", s->sent);
    printf("skipped      %" PRIu64 "\n", s->skipped);
    printf("errors       %" PRIu64 "\n", s->errors);
    printf("leaving      %" PRIu64 "\n", s->leaving);
    printf("seconds      %.3f\n", seconds);
}

int main(int argc, char **argv)
{
    struct sender_config cfg;
    struct udp_sender s = { .cfg = &cfg };
    int status;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);    /* exits 0 on --help, 2 on misuse */

    /* 1. A reader of our output that goes away costs an error, not our
     *    life; Ctrl-C and SIGTERM only ask us to say goodbye. */
    signal(SIGPIPE, SIG_IGN);
    if (stop_catch_signals() != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    /* 2. Who may believe us: with --key, every heartbeat is signed. */
    if (keys_open(&s) != 0)
        return CLI_EXIT_USAGE;

    /* 3. Where heartbeats go: a UDP socket, and no connection at all. */
    s.fd = dest_open(&cfg, &s.dest);
    if (s.fd < 0)
        return s.fd == DEST_MISUSE ? CLI_EXIT_USAGE : 1;

    /* 4. Who we are: a name, and an incarnation (our start time), so
     *    that a receiver tells a restart from a late packet. */
    s.inc = timing_wall_ms();
    schedule_init(&s.sched, &cfg);
    print_banner(&s);

    /* 5. The lesson: beat until Ctrl-C (goodbye) or COUNT (silence). */
    if (cfg.nodes == 1)
        status = one_node_beat(&s);
    else
        status = many_nodes_beat(&s);

    /* 6. Account for everything.  Nothing got through at all: a failure. */
    print_totals(&s, timing_seconds_since(s.sched.start_ns));
    close(s.fd);
    return status != 0 || (s.sent + s.leaving == 0 && s.errors > 0);
}
