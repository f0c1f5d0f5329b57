/* sender - what the parts of udp_sender share. */
#ifndef KIT_SENDER_H
#define KIT_SENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "heartbeat.h"
#include "net.h"

struct sender_config {
    const char *host;           /* NULL only with --broadcast */
    char port[8];
    const char *name;           /* node name, or the prefix with --nodes */
    const char *iface;
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
 * Resolve the destination and open a UDP socket for it, with
 * SO_BROADCAST or the multicast TTL and interface as it needs.  Exits
 * with a message on failure (2 for options that do not fit the address).
 */
int dest_open(const struct sender_config *cfg, struct dest *d);

/* A hint for a send error, or NULL. */
const char *dest_hint(const struct dest *d, int err);

#endif
