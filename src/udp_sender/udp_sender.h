/*
 * udp_sender - what the parts of udp_sender share: the configuration,
 * the destination, the schedule of heartbeats and the counts.
 *
 *   udp_sender.c   main(): the steps, the options, the totals
 *   one_node.c     the lesson: one node, one sendto(2) per interval
 *   many_nodes.c   --nodes N: a deadline heap and sendmmsg(2) batches
 *   schedule.c     when each heartbeat is due: spread, jitter, catching up
 *   send.c         one heartbeat's line, and what became of it
 *   dest.c         where heartbeats go: unicast, broadcast, multicast
 *   keys.c         --key: the key it signs with, read again on SIGHUP
 */
#ifndef KIT_UDP_SENDER_H
#define KIT_UDP_SENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "heartbeat.h"
#include "mac.h"
#include "net.h"
#include "ratelimit.h"

struct sender_config {
    const char *host;           /* NULL only with --broadcast */
    char port[8];
    const char *name;           /* node name, or the prefix with --nodes */
    const char *iface;
    const char *key_file;       /* --key: sign with its first key; NULL: unsigned */
    uint64_t interval_ms, count, nodes;
    unsigned ttl, jitter_pct, drop_pct;
    bool broadcast, ttl_given, quiet, json;
};

struct dest {
    struct sockaddr_storage sa;
    socklen_t len;
    bool broadcast, multicast;
    char text[NET_ADDR_STRLEN];
};

/*
 * When heartbeats are due, in "schedule time": the monotonic clock less
 * the time the sender fell behind (stopped with Ctrl-Z, or too slow),
 * so that it beats on from now instead of sending a backlog in a burst.
 */
struct schedule {
    uint64_t start_ns, interval_ns;
    uint64_t nodes;
    unsigned jitter_pct, drop_pct;
    uint64_t behind_ns;         /* schedule time = monotonic time - this */
    uint64_t rng;               /* for jitter and --drop-rate */
};

/* One run of udp_sender (not to be confused with mpi_squares's send buffers). */
struct udp_sender {
    const struct sender_config *cfg;
    struct dest dest;
    int fd;
    uint64_t inc;               /* incarnation: the start time, Unix ms */
    struct schedule sched;
    uint64_t sent, skipped, errors, leaving;
    struct ratelimit send_errors;   /* failed sends: one message a second */
    struct mac_ring ring;       /* --key: keys[0] signs; n == 0: unsigned */
};

/* one_node.c, many_nodes.c: beat until Ctrl-C (then say goodbye with
 * leaving=1) or until COUNT heartbeats (then fall silent).  Return 0, or
 * -1 out of memory (said). */
int one_node_beat(struct udp_sender *s);
int many_nodes_beat(struct udp_sender *s);

/* schedule.c */
void schedule_init(struct schedule *sc, const struct sender_config *cfg);
/* When node 'id' (0..nodes-1) sends heartbeat 'seq' (from 1), in schedule time. */
uint64_t schedule_due(struct schedule *sc, uint32_t id, uint64_t seq);
/* Schedule time now; more than an interval past 'earliest_due', catch up first. */
uint64_t schedule_now(struct schedule *sc, uint64_t earliest_due);
/* Sleep until 'due' (schedule time) or a stop signal, whichever first. */
void schedule_sleep(const struct schedule *sc, uint64_t due);
/* Whether to skip this heartbeat (--drop-rate). */
bool schedule_drop(struct schedule *sc);

/* send.c */
/* The line of heartbeat 'seq' of node 'id' into 'buf'; returns its length. */
size_t send_format(const struct udp_sender *s, uint32_t id, uint64_t seq,
                   uint64_t sent_ms, bool leaving, char buf[HB_MAX_LEN + 1]);
/* Count (and unless -q, show) a heartbeat sent, skipped, or failed. */
void send_done(struct udp_sender *s, const char *line, size_t len, bool leaving);
void send_skipped(struct udp_sender *s, uint32_t id, uint64_t seq);
void send_failed(struct udp_sender *s, int err);

/* keys.c: read --key (0, or -1 said why) and catch SIGHUP; read the
 * file again if SIGHUP came (a failure is said, and the old key kept). */
int keys_open(struct udp_sender *s);
void keys_check_reload(struct udp_sender *s);

/* dest.c */
enum { DEST_FAILED = -1, DEST_MISUSE = -2 };
/*
 * Resolve the destination and open a UDP socket for it, with
 * SO_BROADCAST or the multicast TTL and interface as it needs.  Returns
 * the socket, or DEST_FAILED (said why), or DEST_MISUSE when options do
 * not fit the address (said as a usage error).
 */
int dest_open(const struct sender_config *cfg, struct dest *d);

/* A hint for a send error, or NULL. */
const char *dest_hint(const struct dest *d, int err);

#endif
