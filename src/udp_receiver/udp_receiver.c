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
 * At scale: one hash lookup and one counter update per heartbeat,
 * timers in a heap (no scan of all nodes), datagrams taken 64 at a time
 * (recvmmsg).  A bad datagram is counted and reported, never fatal.
 *
 * Usage: udp_receiver [-p PORT] [-b ADDRESS] [--group MCAST_ADDR] ...
 * See also: udp_sender; the wire format is in lib/heartbeat.h.
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
#include "net.h"
#include "receiver.h"
#include "stats.h"

enum {
    BATCH = 64,                         /* datagrams per recvmmsg(2) */
    TICK_MS = 10,                       /* a busy receiver's timers run this often */
    MAX_NODES = 1 << 20,                /* default --max-nodes: a million and more */
    FLUSH_MS = 100,                     /* output waits this long at most */
};

static const char usage_text[] =
"Usage: udp_receiver [-p PORT] [-b ADDRESS] [--group MCAST_ADDR]\n"
"                    [--suspect-after MS] [--dead-after MS]\n"
"                    [--detector deadline|phi] [--phi THRESHOLD]\n"
"                    [--rcvbuf BYTES] [--max-nodes N] [--forget-after MS]\n"
"                    [-q] [--json]\n"
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
"  -q, --quiet                no line per heartbeat; state changes and the\n"
"                             table still\n"
"      --json                 one JSON object per event, and the summary\n"
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
"  udp_receiver --detector phi --json\n";

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
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *name;
    bool phi_given = false;
    int c;

    *cfg = (struct receiver_config){ .kind = DETECT_DEADLINE, .phi = 8,
                                     .rcvbuf = 4 << 20, .max_nodes = MAX_NODES };
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
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (cfg->suspect_ms && cfg->dead_ms && cfg->suspect_ms >= cfg->dead_ms)
        cli_usage_error("--suspect-after (%" PRIu64 ") must be less than --dead-after (%" PRIu64 ")",
                        cfg->suspect_ms, cfg->dead_ms);
    if (cfg->kind == DETECT_PHI && (cfg->suspect_ms || cfg->dead_ms))
        cli_usage_error("--suspect-after and --dead-after are for --detector deadline");
    if (phi_given && cfg->kind != DETECT_PHI)
        cli_usage_error("--phi is for --detector phi");
}

/* Join the multicast group 'group' (an address of fd's family). */
static void join_group(int fd, const char *group)
{
    struct addrinfo *ai;
    int err = net_resolve(group, NULL, SOCK_DGRAM, &ai), rc = -1;

    if (err != 0) {
        cli_error(0, "--group %s: %s", group, gai_strerror(err));
        exit(1);
    }
    if (!net_is_multicast(ai->ai_addr)) {
        freeaddrinfo(ai);
        cli_usage_error("--group: '%s' is not a multicast address (224.0.0.0/4, ff00::/8)", group);
    }
    if (ai->ai_family == AF_INET) {
        struct ip_mreqn m = { .imr_multiaddr = ((struct sockaddr_in *)ai->ai_addr)->sin_addr };

        rc = setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m));
    } else {
        struct ipv6_mreq m = { .ipv6mr_multiaddr = ((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr };

        rc = setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m));
    }
    freeaddrinfo(ai);
    if (rc != 0) {
        cli_error(errno, "cannot join multicast group %s", group);
        exit(1);
    }
}

/*
 * The socket: every interface on one dual-stack socket by default; the
 * group's family with --group (several receivers may share the port).
 */
static int open_socket(const struct receiver_config *cfg, const char **how)
{
    const char *host = cfg->bind;
    int fd, gai, size = cfg->rcvbuf;

    *how = host ? "this address only" : "every interface, IPv4 and IPv6";
    if (cfg->group != NULL && host == NULL) {
        host = strchr(cfg->group, ':') ? "::" : "0.0.0.0";
        *how = "every interface";
    }
    fd = net_bind_udp(host, cfg->port, cfg->group != NULL, &gai);
    if (fd < 0) {
        if (gai != 0)
            cli_error(0, "cannot listen on %s: %s", host, gai_strerror(gai));
        else
            cli_error(errno, "cannot listen on %s port %s", host ? host : "every interface",
                      cfg->port);
        exit(1);
    }
    /* Room for bursts; the kernel caps it at net.core.rmem_max. */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    if (cfg->group != NULL)
        join_group(fd, cfg->group);
    return fd;
}

/* The receiver's clock: ms since it started, monotonic. */
static uint64_t now_ms(const struct receiver *r)
{
    return (stats_now_ns() - r->start_ns) / 1000000;
}

/* Make sure node 'id' has a timer due no later than 'at'. */
static void arm(struct receiver *r, struct node *n, uint32_t id, uint64_t at)
{
    if (n->armed && n->timer_at <= at)
        return;                         /* it fires earlier and will look again */
    if (timers_add(&r->timers, at, id) != 0) {
        cli_error(errno, "timer for node %s", n->name);
        exit(1);
    }
    n->armed = true;
    n->timer_at = at;
}

/*
 * A DEAD or LEFT node: when to forget it (0: never), or forget it now
 * if that time has come (then 0 too).
 */
static uint64_t forget_at(struct receiver *r, struct node *n, uint32_t id, uint64_t now)
{
    uint64_t since = n->state == NODE_LEFT ? n->last_seen
                                           : detector_deadline(&r->det, n, NODE_DEAD);
    uint64_t at = since + r->cfg->forget_ms;

    if (r->cfg->forget_ms == 0)
        return 0;
    if (now < at)
        return at;
    report_forgotten(r, n, now);
    r->forgotten++;
    nodes_forget(&r->nodes, id);
    return 0;
}

/*
 * A node's timer fired at 'now': move it along ALIVE -> SUSPECT -> DEAD
 * (-> forgotten, with --forget-after) as far as its silence says.
 * Returns when to look again, or 0 (never: only a heartbeat can change
 * that).
 */
static uint64_t look_at(struct receiver *r, struct node *n, uint32_t id, uint64_t now)
{
    uint64_t suspect_at, dead_at;

    if (n->state == NODE_DEAD || n->state == NODE_LEFT)
        return forget_at(r, n, id, now);
    suspect_at = detector_deadline(&r->det, n, NODE_SUSPECT);
    dead_at = detector_deadline(&r->det, n, NODE_DEAD);
    if (n->state == NODE_ALIVE && now >= suspect_at && suspect_at < dead_at) {
        n->state = NODE_SUSPECT;
        report_state(r, n, now, now - n->last_seen);
    }
    if (now >= dead_at) {
        n->state = NODE_DEAD;
        report_state(r, n, now, now - n->last_seen);
        return forget_at(r, n, id, now);
    }
    return n->state == NODE_ALIVE ? suspect_at : dead_at;
}

/* Fire every timer that is due.  Stale ones (moved since) are dropped. */
static void run_timers(struct receiver *r, uint64_t now)
{
    const struct timer *t;

    while ((t = timers_first(&r->timers)) != NULL && t->when <= now) {
        struct node *n = nodes_get(&r->nodes, t->id);
        uint64_t next;

        if (!n->armed || n->timer_at != t->when) {
            timers_pop(&r->timers);
            continue;
        }
        next = look_at(r, n, t->id, now);
        if (next != 0) {
            n->timer_at = next;
            timers_move_first(&r->timers, next);
        } else {
            n->armed = false;
            timers_pop(&r->timers);
        }
    }
}

/* The same sender: address and port. */
static bool same_addr(const union node_addr *a, const union node_addr *b)
{
    if (a->sa.sa_family != b->sa.sa_family)
        return false;
    if (a->sa.sa_family == AF_INET)
        return a->in.sin_port == b->in.sin_port &&
               a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
    return a->in6.sin6_port == b->in6.sin6_port &&
           memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof(a->in6.sin6_addr)) == 0;
}

/* Unix time in ms, to tell an incarnation from the future (once a batch). */
static uint64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}


/* One datagram: a heartbeat for some node, or counted as malformed. */
static void on_datagram(struct receiver *r, const char *buf, size_t len,
                        bool truncated, const union node_addr *from,
                        socklen_t fromlen, uint64_t now)
{
    struct heartbeat hb;
    const char *key = NULL;
    enum hb_error e = truncated ? HB_OVERSIZE : hb_parse(buf, len, &hb, &key);
    enum node_state was;
    enum seq_event ev;
    uint64_t old_inc, last_seen;
    struct node *n;
    bool created;
    uint32_t id;

    if (e != HB_OK) {
        r->malformed++;
        r->malformed_by[e]++;
        report_malformed(r, e, key, &from->sa, fromlen, now);
        return;
    }
    /* An incarnation from the future would make every real one stale. */
    if (hb.inc > r->wall_now + MAX_CLOCK_SKEW_MS) {
        r->implausible++;
        report_ignored(r, &hb, "incarnation from the future", &from->sa, fromlen, now);
        return;
    }
    n = nodes_lookup(&r->nodes, hb.node, hb.node_len, &id, &created);
    if (n == NULL && errno == ENOSPC) {
        r->refused++;                   /* --max-nodes: memory stays bounded */
        report_ignored(r, &hb, "node limit reached (--max-nodes)", &from->sa, fromlen, now);
        return;
    }
    if (n == NULL) {
        cli_error(errno, "memory for node %s (%zu nodes so far)", hb.node, r->nodes.count);
        exit(1);
    }
    if (hb.leaving && !created && !same_addr(from, &n->addr)) {
        r->implausible++;               /* only the node itself may say goodbye */
        n->implausible++;
        report_ignored(r, &hb, "goodbye from another address than the node's",
                       &from->sa, fromlen, now);
        return;
    }
    was = n->state;
    old_inc = n->inc;
    last_seen = n->last_seen;
    ev = nodes_count_seq(n, hb.inc, hb.seq, now);
    if (ev == SEQ_STALE || ev == SEQ_IMPLAUSIBLE) {
        *(ev == SEQ_STALE ? &r->stale : &r->implausible) += 1;
        report_ignored(r, &hb, ev == SEQ_STALE ? "an older incarnation"
                                              : "seq too far ahead for the time since",
                       &from->sa, fromlen, now);
        return;
    }
    r->heartbeats++;
    if (seq_advances(ev)) {             /* only news moves the node's address */
        memcpy(&n->addr, from, fromlen < sizeof(n->addr) ? fromlen : sizeof(n->addr));
        n->interval_ms = (uint32_t)hb.interval_ms;
    }
    report_heartbeat(r, n, &hb, now);
    if (!seq_advances(ev))
        return;                         /* old news: says nothing about now */

    /* The gap since the last one teaches phi this node's rhythm. */
    if (ev == SEQ_NEXT && (was == NODE_ALIVE || was == NODE_SUSPECT) &&
        detector_arrival(&r->det, n, now) != 0) {
        cli_error(errno, "memory for node %s", n->name);
        exit(1);
    }
    n->last_seen = now;
    if (created)
        report_alive(r, n, now, true, 0);
    else if (ev == SEQ_RESTART)
        report_restart(r, n, old_inc, now);
    if (hb.leaving) {
        n->state = NODE_LEFT;           /* its timer, if any, finds it LEFT */
        report_state(r, n, now, 0);
        if (r->cfg->forget_ms > 0)
            arm(r, n, id, now + r->cfg->forget_ms);
        return;
    }
    if (!created && was != NODE_ALIVE) {
        n->state = NODE_ALIVE;
        report_alive(r, n, now, false, now - last_seen);
    }
    arm(r, n, id, detector_deadline(&r->det, n, NODE_SUSPECT));
}

/* Wait for datagrams, a timer or a stop signal, whichever comes first. */
static void wait_for_work(struct receiver *r, int fd, int stop_fd, uint64_t now)
{
    const struct timer *t = timers_first(&r->timers);
    struct pollfd p[2] = {
        { .fd = fd, .events = POLLIN },
        { .fd = stop_fd, .events = POLLIN },
    };
    int timeout = -1;

    if (t != NULL)
        timeout = t->when <= now ? 0 : t->when - now > 3600000 ? 3600000 : (int)(t->when - now);
    fflush(stdout);                     /* idle: show what happened, at once */
    cli_check_stdout();
    r->flushed = now;
    poll(p, 2, timeout);                /* EINTR: the caller looks at the stop flag */
}

/*
 * Receive until a stop signal: batches of datagrams, and the timers.
 * Heartbeats that already wait in the socket are taken before any node
 * is judged silent (after the receiver itself was held up, say by
 * Ctrl-Z, its queue holds the proof that nodes are alive); a busy
 * receiver still runs its timers every TICK_MS.  So a node is found
 * SUSPECT or DEAD at its deadline, or at most one tick after it.
 */
static void receive(struct receiver *r, int fd, int stop_fd)
{
    static char bufs[BATCH][HB_MAX_LEN + 1];
    static union node_addr from[BATCH];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    uint64_t timers_ran = 0;

    for (int i = 0; i < BATCH; i++) {
        iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
        msgs[i].msg_hdr = (struct msghdr){
            .msg_name = &from[i], .msg_namelen = sizeof(from[i]),
            .msg_iov = &iov[i], .msg_iovlen = 1,
        };
    }
    while (!cli_stop_requested()) {
        uint64_t now;
        int n;

        n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        now = now_ms(r);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                run_timers(r, now);     /* all caught up: judge the silent */
                timers_ran = now;
                wait_for_work(r, fd, stop_fd, now);
            } else if (errno != EINTR) {
                cli_error(errno, "receive");
                exit(1);
            }
            continue;
        }
        r->wall_now = wall_ms();
        for (int i = 0; i < n; i++) {
            on_datagram(r, bufs[i], msgs[i].msg_len,
                        msgs[i].msg_len > HB_MAX_LEN || (msgs[i].msg_hdr.msg_flags & MSG_TRUNC),
                        &from[i], msgs[i].msg_hdr.msg_namelen, now);
            msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);  /* the kernel shrank it */
        }
        if (now - timers_ran >= TICK_MS) {      /* busy: the timers still run */
            run_timers(r, now);
            timers_ran = now;
        }
        if (now - r->flushed >= FLUSH_MS) {     /* busy: still, show it soon */
            fflush(stdout);
            cli_check_stdout();
            r->flushed = now;
        }
    }
}

int main(int argc, char **argv)
{
    struct receiver_config cfg;
    struct receiver r;
    struct sockaddr_storage local;
    socklen_t len = sizeof(local);
    char addr[NET_ADDR_STRLEN];
    const char *how;
    int fd, stop_pipe[2];

    cli_init(argv[0]);
    /*
     * Events come in bursts (a thousand nodes seen at once, a thousand
     * gone dead): one write per line would cost more than the work.  So
     * stdout is flushed when the receiver has nothing to do, or after
     * FLUSH_MS when it is busy, rather than at every line.
     */
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    parse_options(argc, argv, &cfg);
    memset(&r, 0, sizeof(r));
    r.cfg = &cfg;
    detector_init(&r.det, cfg.kind, cfg.suspect_ms, cfg.dead_ms, cfg.phi);
    nodes_init(&r.nodes, cfg.max_nodes);
    timers_init(&r.timers);
    json_init(&r.j);
    r.start_ns = stats_now_ns();

    fd = open_socket(&cfg, &how);
    getsockname(fd, (struct sockaddr *)&local, &len);
    report_listening(&r, net_format((struct sockaddr *)&local, len, addr),
                     net_local_port(fd), how);
    /* A reader of our output that goes away costs an error, not our life. */
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0 || cli_catch_stop_signals() != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    cli_set_stop_fd(stop_pipe[1]);

    receive(&r, fd, stop_pipe[0]);      /* until Ctrl-C or SIGTERM */

    report_summary(&r, now_ms(&r));
    cli_set_stop_fd(-1);
    close(fd);
    nodes_free(&r.nodes);
    timers_free(&r.timers);
    json_free(&r.j);
    return 0;
}
