/* receiver - what the parts of udp_receiver share. */
#ifndef KIT_RECEIVER_H
#define KIT_RECEIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "detector.h"
#include "heartbeat.h"
#include "json.h"
#include "nodes.h"
#include "timers.h"

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
};

struct receiver {
    const struct receiver_config *cfg;
    struct detector det;
    struct node_table nodes;
    struct timers timers;       /* per armed node: when to look at it again */
    uint64_t start_ns;          /* the receiver's clock starts here (ms: 0) */
    uint64_t flushed;           /* when stdout was last flushed, ms */
    uint64_t wall_now;          /* Unix time, ms, read once per batch of datagrams */
    uint64_t heartbeats, malformed;
    uint64_t stale, implausible;    /* well-formed, but not believed: ignored */
    uint64_t refused;           /* of nodes past --max-nodes */
    uint64_t forgotten;         /* nodes removed by --forget-after */
    uint64_t malformed_by[HB_NERRORS];
    /* Malformed datagrams: at most REPORTS_PER_SECOND messages a second. */
    uint64_t report_second, reports, unreported;
    struct json j;              /* reused for every JSON event */
};

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
void report_malformed(struct receiver *r, enum hb_error err, const char *key,
                      const struct sockaddr *from, socklen_t fromlen, uint64_t now);
/* A heartbeat not believed or refused, and why: reported the same way. */
void report_ignored(struct receiver *r, const struct heartbeat *hb, const char *why,
                    const struct sockaddr *from, socklen_t fromlen, uint64_t now);
void report_summary(struct receiver *r, uint64_t now);

const char *node_state_name(enum node_state s);

#endif
