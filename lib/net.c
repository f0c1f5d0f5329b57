/* net - resolve, listen, connect with a timeout, print addresses. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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

/* Bind and listen on one address.  Returns the fd, or -1 with errno. */
static int listen_on(int family, const struct sockaddr *sa, socklen_t len,
                     int backlog)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1, off = 0, saved;

    if (fd < 0)
        return -1;
    /* Restart at once, without waiting out the old connections' TIME_WAIT. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    /* "::" then takes IPv4 clients too, as ::ffff:a.b.c.d. */
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    if (bind(fd, sa, len) == 0 && listen(fd, backlog) == 0)
        return fd;
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

int net_listen_tcp(const char *host, const char *port, int backlog,
                   int *gai_err)
{
    struct addrinfo *res, *ai;
    int fd = -1, err;

    *gai_err = 0;
    if (host == NULL) {                 /* every interface: one dual-stack socket */
        err = net_resolve("::", port, SOCK_STREAM, &res);
        if (err == 0) {
            fd = listen_on(res->ai_family, res->ai_addr, res->ai_addrlen, backlog);
            freeaddrinfo(res);
            if (fd >= 0 || (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL))
                return fd;
        }
        host = "0.0.0.0";               /* no IPv6 here: IPv4 alone */
    }
    err = net_resolve(host, port, SOCK_STREAM, &res);
    if (err != 0) {
        *gai_err = err;
        errno = EADDRNOTAVAIL;
        return -1;
    }
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
        fd = listen_on(ai->ai_family, ai->ai_addr, ai->ai_addrlen, backlog);
    err = errno;
    freeaddrinfo(res);
    errno = err;
    return fd;
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

int net_connect(const struct addrinfo *ai, int timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int flags, saved;

    if (fd < 0)
        return -1;
    flags = fcntl(fd, F_GETFL);
    /* Non-blocking only while connecting, so that poll can bound the wait. */
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        goto fail;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
        (errno != EINPROGRESS || finish_connect(fd, timeout_ms) != 0))
        goto fail;
    if (fcntl(fd, F_SETFL, flags) != 0)
        goto fail;
    return fd;
fail:
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
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
