/*
 * listen - the receiver's socket: every interface on one dual-stack
 * socket by default, one address with -b, and a multicast group's
 * family with --group (then several receivers may share the port).
 */
#include "udp_receiver.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "net.h"

/*
 * Join the multicast group 'group' (an address of fd's family).  0, or
 * LISTEN_FAILED or LISTEN_MISUSE (said).
 */
static int join_group(int fd, const char *group)
{
    struct addrinfo *ai;
    int err = net_resolve(group, NULL, SOCK_DGRAM, &ai), rc = -1;

    if (err != 0) {
        cli_error(0, "--group %s: %s", group, gai_strerror(err));
        return LISTEN_FAILED;
    }
    if (!net_is_multicast(ai->ai_addr)) {
        freeaddrinfo(ai);
        cli_usage_report("--group: '%s' is not a multicast address (224.0.0.0/4, ff00::/8)",
                         group);
        return LISTEN_MISUSE;
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
        return LISTEN_FAILED;
    }
    return 0;
}

int listen_open(const struct receiver_config *cfg, const char **how)
{
    const char *host = cfg->bind;
    int fd, gai, err, size = cfg->rcvbuf;

    *how = host ? "this address only" : "every interface, IPv4 and IPv6";
    if (cfg->group != NULL && host == NULL) {
        host = strchr(cfg->group, ':') ? "::" : "0.0.0.0";
        *how = "every interface";
    }
    fd = net_bind_udp(host, cfg->port, cfg->group != NULL, &gai);
    if (fd < 0) {
        cli_listen_error(host, cfg->port, gai);
        return LISTEN_FAILED;
    }
    /* Room for bursts; the kernel caps it at net.core.rmem_max. */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    if (cfg->group != NULL && (err = join_group(fd, cfg->group)) != 0) {
        close(fd);
        return err;
    }
    return fd;
}
