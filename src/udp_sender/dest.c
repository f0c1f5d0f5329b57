/*
 * dest - where heartbeats go: unicast, broadcast or multicast, and the
 * socket options each one needs.
 */
#include "udp_sender.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Resolve HOST, or pick the broadcast address.  Returns 0, or -1 (said why). */
static int resolve(const struct sender_config *cfg, struct dest *d)
{
    struct addrinfo *res;
    int err;

    if (cfg->host == NULL && cfg->broadcast) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&d->sa;

        memset(sin, 0, sizeof(*sin));
        sin->sin_family = AF_INET;
        if (cfg->iface == NULL)
            sin->sin_addr.s_addr = htonl(INADDR_BROADCAST);
        else if (net_iface_broadcast(cfg->iface, sin) != 0) {
            cli_error(0, "--iface %s: %s", cfg->iface,
                      errno == ENODEV ? "no such interface"
                                      : "it has no IPv4 broadcast address");
            return -1;
        }
        sin->sin_port = htons((uint16_t)atoi(cfg->port));
        d->len = sizeof(*sin);
        return 0;
    }
    err = net_resolve(cfg->host, cfg->port, SOCK_DGRAM, &res);
    if (err != 0) {
        cli_error(0, "cannot resolve %s: %s", cfg->host, gai_strerror(err));
        return -1;
    }
    memcpy(&d->sa, res->ai_addr, res->ai_addrlen);
    d->len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* Multicast: how far (TTL, hops) and out of which interface.  0, or -1 (errno). */
static int set_multicast(int fd, const struct sender_config *cfg, unsigned ifindex,
                         struct dest *d)
{
    int ttl = (int)cfg->ttl;

    if (d->sa.ss_family == AF_INET6) {
        int idx = (int)ifindex;

        if (ifindex != 0) {             /* ff02::1 and friends need a scope */
            ((struct sockaddr_in6 *)&d->sa)->sin6_scope_id = ifindex;
            if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) != 0)
                return -1;
        }
        return setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
    }
    if (ifindex != 0) {
        struct ip_mreqn m = { .imr_ifindex = (int)ifindex };

        if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m)) != 0)
            return -1;
    }
    return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
}

/* Options that only some addresses take.  0, or DEST_MISUSE (said). */
static int check_options(const struct sender_config *cfg, const struct dest *d)
{
    if (cfg->broadcast && d->sa.ss_family != AF_INET)
        cli_usage_report("--broadcast: %s is not IPv4 (IPv6 has no broadcast: "
                         "use a multicast HOST such as ff02::1)", d->text);
    else if (cfg->iface != NULL && !d->broadcast && !d->multicast)
        cli_usage_report("--iface is for --broadcast or a multicast HOST");
    else if (cfg->ttl_given && !d->multicast)
        cli_usage_report("--ttl is for a multicast HOST (224.0.0.0/4, ff00::/8)");
    else
        return 0;
    return DEST_MISUSE;
}

int dest_open(const struct sender_config *cfg, struct dest *d)
{
    const struct sockaddr *sa = (const struct sockaddr *)&d->sa;
    unsigned ifindex = 0;
    int fd, on = 1;

    memset(d, 0, sizeof(*d));
    if (resolve(cfg, d) != 0)
        return DEST_FAILED;
    d->multicast = net_is_multicast(sa);
    d->broadcast = !d->multicast && (cfg->broadcast || net_is_broadcast(sa));
    net_format(sa, d->len, d->text);
    if (check_options(cfg, d) != 0)
        return DEST_MISUSE;
    if (d->multicast && cfg->iface != NULL &&
        (ifindex = if_nametoindex(cfg->iface)) == 0) {
        cli_error(0, "--iface %s: no such interface", cfg->iface);
        return DEST_FAILED;
    }

    fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        cli_error(errno, "socket");
        return DEST_FAILED;
    }
    if ((d->broadcast && setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) != 0) ||
        (d->multicast && set_multicast(fd, cfg, ifindex, d) != 0)) {
        cli_error(errno, "socket options for %s", d->text);
        close(fd);
        return DEST_FAILED;
    }
    return fd;
}

const char *dest_hint(const struct dest *d, int err)
{
    switch (err) {
    case ENETUNREACH:
        return d->broadcast ? "no route for broadcast: give --iface IFNAME, "
                              "or add a default route"
                            : "no route to that network";
    case EACCES:
        return "a broadcast address needs --broadcast";
    case EPERM:
        return "a firewall rule refused it";
    case ENOBUFS:
    case EAGAIN:
        return "sending faster than the interface can take";
    case EADDRNOTAVAIL:
        return "no local address can reach it";
    default:
        return NULL;
    }
}
