/*
 * udp_receiver - what the parts of udp_receiver share.
 *
 *   udp_receiver.c    main(): the steps, the options, the receive loop
 *   track.c           what a heartbeat, or silence, does to a node
 *   detector.c        when silence means SUSPECT or DEAD (deadline, phi)
 *   nodes.c           the table of nodes and their sequence numbers
 *   report.c          every line printed, as text or JSON
 *   live.c            --live: the node table redrawn in place on a terminal
 *   listen.c          the socket: every interface, an address, a group
 *   datagram_batch.c  datagrams 64 at a time (recvmmsg): speed only
 *   keyring.c         --key: only signed datagrams believed; SIGHUP reloads
 */
#ifndef KIT_UDP_RECEIVER_H
#define KIT_UDP_RECEIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "detector.h"
#include "heartbeat.h"
#include "json.h"
#include "mac.h"
#include "net.h"
#include "nodes.h"
#include "ratelimit.h"
#include "deadlines.h"

/* An incarnation (a start time) further ahead of our clock is not believed. */
enum { MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000 };

struct receiver_config {
    const char *bind;           /* NULL: every interface */
    const char *group;          /* multicast group to join, or NULL */
    char port[8];
    uint64_t suspect_ms, dead_ms;   /* 0: from each node's interval */
    enum detector_kind kind;
    double phi;
    int rcvbuf;                 /* bytes asked for SO_RCVBUF */
    uint64_t max_nodes;         /* --max-nodes */
    uint64_t forget_ms;         /* --forget-after: DEAD or LEFT this long; 0: never */
    bool quiet, json;
    bool live;                  /* --live: the table redrawn on the terminal */
    const char *keys[MAC_RING_MAX]; /* --key files; none: believe any datagram */
    size_t nkeys;
    uint64_t max_skew_ms;       /* --max-skew: first, restart, goodbye sent_ms */
};

/* --live: the frame now on the screen, and when to draw it again. */
struct live {
    bool on;
    int shown;                  /* lines of the frame on the screen; 0: none */
    uint64_t drawn_at, due;     /* receiver's clock, ms */
};

struct receiver {
    const struct receiver_config *cfg;
    struct detector det;
    struct node_table nodes;
    struct deadlines timers;       /* per armed node: when to look at it again */
    uint64_t start_ns;          /* the receiver's clock starts here (ms: 0) */
    uint64_t flushed;           /* when stdout was last flushed, ms */
    uint64_t wall_now;          /* Unix time, ms, read once per batch of datagrams */
    uint64_t heartbeats, malformed;
    uint64_t stale, implausible;    /* well-formed, but not believed: ignored */
    uint64_t refused;           /* of nodes past --max-nodes */
    uint64_t forgotten;         /* nodes removed by --forget-after */
    uint64_t malformed_by[HB_NERRORS];
    struct ratelimit problems;  /* datagrams malformed or ignored: 10 said a second */
    struct mac_ring ring;       /* --key: the keys that verify; n == 0: unkeyed */
    uint64_t unsigned_dgrams, bad_mac;  /* keyed: rejected, no or a wrong MAC */
    uint64_t replayed;          /* keyed: sent_ms outside --max-skew where it counts */
    bool said_unchecked;        /* unkeyed: "MACs are not checked" said */
    struct json j;              /* reused for every JSON event */
    struct live live;
};

/* One datagram as received: its bytes and who sent it. */
struct datagram {
    const char *buf;
    size_t len;
    bool truncated;             /* longer than any heartbeat: cut short */
    const union node_addr *from;
    socklen_t fromlen;
};

/* listen.c: the socket, or LISTEN_FAILED / LISTEN_MISUSE (said why). */
enum { LISTEN_FAILED = -1, LISTEN_MISUSE = -2 };
int listen_open(const struct receiver_config *cfg, const char **how);

/* datagram_batch.c: datagrams from the socket, up to DATAGRAM_BATCH at a time. */
enum { DATAGRAM_BATCH = 64 };
struct datagram_batch {
    int n;                      /* datagrams held */
    struct mmsghdr msgs[DATAGRAM_BATCH];
    struct iovec iov[DATAGRAM_BATCH];
    union node_addr from[DATAGRAM_BATCH];
    char bufs[DATAGRAM_BATCH][HB_MAX_LEN + 1];
};
void datagram_batch_init(struct datagram_batch *in);
/* Take what waits on 'fd', without waiting: how many (0: none), or -1 (errno). */
int datagram_batch_fill(struct datagram_batch *in, int fd);
struct datagram datagram_batch_at(const struct datagram_batch *in, int i);

/* track.c: one datagram, at 'now' (the receiver's clock, ms).  0, or -1 out
 * of memory (errno). */
int track_datagram(struct receiver *r, const struct datagram *d, uint64_t now);
/* Fire every node timer due by 'now': SUSPECT, DEAD, forgotten on time. */
void track_timers(struct receiver *r, uint64_t now);

/*
 * keyring.c: keyring_open reads every --key file (0, or -1 said why)
 * and catches SIGHUP; keyring_check_reload reads them again if SIGHUP
 * came.  keyring_admit: 0 if datagram 'd' may go on (*len: the bytes to
 * parse, its MAC left off), or -1 (rejected, counted and reported);
 * unkeyed, it says once that MACs are not checked.  keyring_fresh: is
 * the heartbeat's sent_ms within --max-skew of our wall clock?
 */
int keyring_open(struct receiver *r);
void keyring_check_reload(struct receiver *r, uint64_t now);
int keyring_admit(struct receiver *r, const struct datagram *d, size_t *len, uint64_t now);
bool keyring_fresh(const struct receiver *r, const struct heartbeat *hb);

/* report.c: every line the receiver prints, as text or as JSON. */
void report_listening(struct receiver *r, const char *addr, int port,
                      const char *how);
void report_heartbeat(struct receiver *r, const struct node *n,
                      const struct heartbeat *hb, uint64_t now);
void report_alive(struct receiver *r, const struct node *n, uint64_t now,
                  bool first, uint64_t down_ms);
void report_restart(struct receiver *r, const struct node *n, uint64_t old_inc,
                    uint64_t now);
void report_forgotten(struct receiver *r, const struct node *n, uint64_t now);
void report_state(struct receiver *r, const struct node *n, uint64_t now,
                  uint64_t silent_ms);
/* A datagram that is not a heartbeat: reported, at most 10 a second. */
void report_malformed(struct receiver *r, enum heartbeat_error err, const char *key,
                      const struct sockaddr *from, socklen_t fromlen, uint64_t now);
/* A heartbeat not believed or refused, and why: reported the same way. */
void report_ignored(struct receiver *r, const struct heartbeat *hb, const char *why,
                    const struct sockaddr *from, socklen_t fromlen, uint64_t now);
/* A datagram a keyed receiver does not believe (hb: NULL before parsing). */
void report_rejected(struct receiver *r, const struct heartbeat *hb, const char *why,
                     const struct sockaddr *from, socklen_t fromlen, uint64_t now);
/* The keys now in the ring: at the start, and after each SIGHUP. */
void report_keyring(struct receiver *r, uint64_t now);
void report_summary(struct receiver *r, uint64_t now);
/* For the live table: a node's address as text, and its loss in percent. */
const char *report_addr(const struct node *n, char buf[NET_ADDR_STRLEN]);
double report_loss_pct(const struct node *n);

/*
 * live.c: the table of every node, redrawn in place at the bottom of a
 * terminal (stdout), each second, and soon after each state change;
 * the lines of report.c go above it.  live_start turns it on (0, or -1
 * with errno if SIGCONT's handler cannot be had); live_wipe takes the
 * frame off the screen, before any other line is printed; live_tick
 * draws it if it is due at 'now'; live_next says when it is due next
 * (UINT64_MAX: never, without --live).
 */
int live_start(struct receiver *r);
void live_wipe(struct receiver *r);
void live_tick(struct receiver *r, uint64_t now);
uint64_t live_next(const struct receiver *r);

#endif
