/* net - resolve, listen, connect with a timeout, print addresses. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int net_resolve(const char *host, const char *port, int socktype,
                struct addrinfo **res)
{
    struct addrinfo hints;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;            /* IPv4 or IPv6, as the name says */
    hints.ai_socktype = socktype;
    hints.ai_flags = host == NULL ? AI_PASSIVE : AI_ADDRCONFIG;
    return getaddrinfo(host, port, &hints, res);
}

/*
 * A socket of 'socktype' bound to one address, listening if it is TCP
 * ('backlog').  Returns the fd, or -1 with errno.
 */
static int bind_one(int family, int socktype, const struct sockaddr *sa,
                    socklen_t len, int backlog, bool reuse)
{
    int fd = socket(family, socktype | SOCK_CLOEXEC, 0);
    int on = 1, off = 0, saved;

    if (fd < 0)
        return -1;
    if (reuse)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    /* "::" then takes IPv4 too, as ::ffff:a.b.c.d. */
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    if (bind(fd, sa, len) == 0 &&
        (socktype != SOCK_STREAM || listen(fd, backlog) == 0))
        return fd;
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* What net_listen_tcp and net_bind_udp share: which address, in turn. */
static int bind_host(const char *host, const char *port, int socktype,
                     int backlog, bool reuse, int *gai_err)
{
    struct addrinfo *res, *ai;
    int fd = -1, err;

    *gai_err = 0;
    if (host == NULL) {                 /* every interface: one dual-stack socket */
        err = net_resolve("::", port, socktype, &res);
        if (err == 0) {
            fd = bind_one(res->ai_family, socktype, res->ai_addr, res->ai_addrlen,
                          backlog, reuse);
            freeaddrinfo(res);
            if (fd >= 0 || (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL))
                return fd;
        }
        host = "0.0.0.0";               /* no IPv6 here: IPv4 alone */
    }
    err = net_resolve(host, port, socktype, &res);
    if (err != 0) {
        *gai_err = err;
        errno = EADDRNOTAVAIL;
        return -1;
    }
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
        fd = bind_one(ai->ai_family, socktype, ai->ai_addr, ai->ai_addrlen,
                      backlog, reuse);
    err = errno;
    freeaddrinfo(res);
    errno = err;
    return fd;
}

int net_listen_tcp(const char *host, const char *port, int backlog,
                   int *gai_err)
{
    /* SO_REUSEADDR: restart at once, without waiting out TIME_WAIT. */
    return bind_host(host, port, SOCK_STREAM, backlog, true, gai_err);
}

int net_bind_udp(const char *host, const char *port, bool reuse, int *gai_err)
{
    return bind_host(host, port, SOCK_DGRAM, 0, reuse, gai_err);
}

/* Wait for a non-blocking connect to finish.  Returns 0 or -1 with errno. */
static int finish_connect(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int err = 0, n;
    socklen_t len = sizeof(err);

    do
        n = poll(&p, 1, timeout_ms);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return -1;
    errno = err;
    return err == 0 ? 0 : -1;
}

int net_connect_fd(int fd, const struct addrinfo *ai, int timeout_ms)
{
    int flags = fcntl(fd, F_GETFL);

    /* Non-blocking only while connecting, so that poll can bound the wait. */
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
        (errno != EINPROGRESS || finish_connect(fd, timeout_ms) != 0))
        return -1;
    return fcntl(fd, F_SETFL, flags) != 0 ? -1 : 0;
}

int net_connect(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

    if (fd < 0)
        return -1;
    if (net_connect_fd(fd, ai, timeout_ms) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

const char *net_format(const struct sockaddr *sa, socklen_t len, char *buf)
{
    char host[INET6_ADDRSTRLEN + 8], port[8];
    const char *h = host;

    if (getnameinfo(sa, len, host, sizeof(host), port, sizeof(port),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, NET_ADDR_STRLEN, "(unknown)");
        return buf;
    }
    if (strncmp(h, "::ffff:", 7) == 0 && strchr(h + 7, ':') == NULL)
        h += 7;                         /* an IPv4 client of a dual-stack socket */
    if (strchr(h, ':') != NULL)
        snprintf(buf, NET_ADDR_STRLEN, "[%s]:%s", h, port);
    else
        snprintf(buf, NET_ADDR_STRLEN, "%s:%s", h, port);
    return buf;
}

int net_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int net_iface_broadcast(const char *ifname, struct sockaddr_in *out)
{
    struct ifaddrs *list, *ifa;
    int err = ENODEV;

    if (if_nametoindex(ifname) == 0) {
        errno = ENODEV;
        return -1;
    }
    if (getifaddrs(&list) != 0)
        return -1;
    for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
        if (strcmp(ifa->ifa_name, ifname) != 0 || ifa->ifa_addr == NULL ||
            ifa->ifa_addr->sa_family != AF_INET)
            continue;
        err = EADDRNOTAVAIL;            /* the interface has IPv4, but... */
        if ((ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr != NULL) {
            memcpy(out, ifa->ifa_broadaddr, sizeof(*out));
            err = 0;
            break;
        }
    }
    freeifaddrs(list);
    if (err == ENODEV)
        err = EADDRNOTAVAIL;            /* exists, but no IPv4 address */
    errno = err;
    return err == 0 ? 0 : -1;
}

bool net_is_broadcast(const struct sockaddr *sa)
{
    struct ifaddrs *list, *ifa;
    struct in_addr a;
    bool found = false;

    if (sa->sa_family != AF_INET)
        return false;                   /* IPv6 has multicast only */
    a = ((const struct sockaddr_in *)sa)->sin_addr;
    if (a.s_addr == htonl(INADDR_BROADCAST))
        return true;
    if (getifaddrs(&list) != 0)
        return false;
    for (ifa = list; ifa != NULL && !found; ifa = ifa->ifa_next)
        found = ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == AF_INET &&
                (ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr != NULL &&
                ((struct sockaddr_in *)ifa->ifa_broadaddr)->sin_addr.s_addr == a.s_addr;
    freeifaddrs(list);
    return found;
}

bool net_is_multicast(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return IN_MULTICAST(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_MULTICAST(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return false;
}

const char *net_first_ipv4(char *buf)
{
    struct ifaddrs *ifs, *i;

    snprintf(buf, NET_ADDR_STRLEN, "127.0.0.1");
    if (getifaddrs(&ifs) != 0)
        return buf;
    for (i = ifs; i != NULL; i = i->ifa_next)
        if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
            (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK)) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
                      NET_ADDR_STRLEN);
            break;
        }
    freeifaddrs(ifs);
    return buf;
}
