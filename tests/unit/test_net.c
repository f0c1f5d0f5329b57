/* test_net - listening, connecting and printing addresses, on loopback only. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "tap.h"

/* Connect to host:port; returns the fd or -1 with errno. */
static int dial(const char *host, int port, int timeout_ms)
{
    struct addrinfo *res;
    char p[16];
    int fd;

    snprintf(p, sizeof(p), "%d", port);
    if (net_resolve(host, p, SOCK_STREAM, &res) != 0)
        return -1;
    fd = net_connect(res, timeout_ms);
    freeaddrinfo(res);
    return fd;
}

static void port_zero_picks_a_free_port_and_says_which(void)
{
    int gai, fd = net_listen_tcp("127.0.0.1", "0", 16, &gai);
    int port = net_local_port(fd);
    int c = dial("127.0.0.1", port, 1000);

    CHECK_INT(fd, >=, 0);
    CHECK_INT(port, >, 0);
    CHECK_INT(c, >=, 0);
    close(c);
    close(fd);
}

static void a_second_listener_on_a_busy_port_fails(void)
{
    int gai, fd = net_listen_tcp("127.0.0.1", "0", 16, &gai);
    char port[16];

    snprintf(port, sizeof(port), "%d", net_local_port(fd));
    errno = 0;
    CHECK_INT(net_listen_tcp("127.0.0.1", port, 16, &gai), ==, -1);
    CHECK_INT(errno, ==, EADDRINUSE);
    close(fd);
}

static void connecting_to_a_closed_port_is_refused(void)
{
    int gai, fd = net_listen_tcp("127.0.0.1", "0", 16, &gai);
    int port = net_local_port(fd);

    close(fd);                          /* nobody listens there now */
    errno = 0;
    CHECK_INT(dial("127.0.0.1", port, 1000), ==, -1);
    CHECK_INT(errno, ==, ECONNREFUSED);
}

static void every_interface_takes_ipv4_and_ipv6_clients(void)
{
    int gai, fd = net_listen_tcp(NULL, "0", 16, &gai);
    int port = net_local_port(fd);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char text[NET_ADDR_STRLEN], want[NET_ADDR_STRLEN];
    int c4 = dial("127.0.0.1", port, 1000);
    int a = accept(fd, (struct sockaddr *)&ss, &len);

    CHECK_INT(c4, >=, 0);
    CHECK_INT(a, >=, 0);
    /* An IPv4 peer of the dual-stack socket is shown as plain IPv4. */
    snprintf(want, sizeof(want), "127.0.0.1:%d", net_local_port(c4));
    CHECK_STR(net_format((struct sockaddr *)&ss, len, text), want);
    int c6 = dial("::1", port, 1000);

    if (c6 < 0)
        printf("# no IPv6 loopback here: %s\n", strerror(errno));
    else
        close(c6);
    close(a);
    close(c4);
    close(fd);
}

static void formats_ipv6_addresses_in_brackets(void)
{
    struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(65432) };
    char text[NET_ADDR_STRLEN];

    sa.sin6_addr = in6addr_loopback;
    CHECK_STR(net_format((struct sockaddr *)&sa, sizeof(sa), text), "[::1]:65432");
}

static void udp_sockets_bind_and_refuse_a_busy_port_unless_shared(void)
{
    int gai, fd = net_bind_udp("127.0.0.1", "0", false, &gai), shared;
    char port[16];

    CHECK_INT(fd, >=, 0);
    snprintf(port, sizeof(port), "%d", net_local_port(fd));
    errno = 0;
    CHECK_INT(net_bind_udp("127.0.0.1", port, false, &gai), ==, -1);
    CHECK_INT(errno, ==, EADDRINUSE);
    close(fd);
    /* Two multicast receivers on one host share their port. */
    fd = net_bind_udp("127.0.0.1", "0", true, &gai);
    snprintf(port, sizeof(port), "%d", net_local_port(fd));
    shared = net_bind_udp("127.0.0.1", port, true, &gai);
    CHECK_INT(shared, >=, 0);
    close(shared);
    close(fd);
}

/* 'text' as a socket address (numeric), for the predicates below. */
static const struct sockaddr *addr(const char *text, struct sockaddr_storage *ss)
{
    struct addrinfo *res;

    memset(ss, 0, sizeof(*ss));
    if (net_resolve(text, "5005", SOCK_DGRAM, &res) == 0) {
        memcpy(ss, res->ai_addr, res->ai_addrlen);
        freeaddrinfo(res);
    }
    return (const struct sockaddr *)ss;
}

static void tells_multicast_and_broadcast_addresses(void)
{
    struct sockaddr_storage ss;
    struct sockaddr_in sin;

    CHECK(net_is_multicast(addr("239.1.2.3", &ss)));
    CHECK(net_is_multicast(addr("224.0.0.1", &ss)));
    CHECK(!net_is_multicast(addr("223.255.255.255", &ss)));
    CHECK(!net_is_multicast(addr("127.0.0.1", &ss)));
    CHECK(net_is_broadcast(addr("255.255.255.255", &ss)));
    CHECK(!net_is_broadcast(addr("127.0.0.1", &ss)));
    errno = 0;
    CHECK_INT(net_iface_broadcast("lo", &sin), ==, -1);     /* loopback: no broadcast */
    CHECK_INT(errno, ==, EADDRNOTAVAIL);
    errno = 0;
    CHECK_INT(net_iface_broadcast("no-such-if0", &sin), ==, -1);
    CHECK_INT(errno, ==, ENODEV);
}

int main(void)
{
    RUN_TEST(port_zero_picks_a_free_port_and_says_which);
    RUN_TEST(a_second_listener_on_a_busy_port_fails);
    RUN_TEST(connecting_to_a_closed_port_is_refused);
    RUN_TEST(every_interface_takes_ipv4_and_ipv6_clients);
    RUN_TEST(formats_ipv6_addresses_in_brackets);
    RUN_TEST(udp_sockets_bind_and_refuse_a_busy_port_unless_shared);
    RUN_TEST(tells_multicast_and_broadcast_addresses);
    return tap_done();
}
