/*
 * net - addresses and sockets: resolve, listen, connect with a timeout,
 * and print an address the way users type it.
 *
 * Error dialects, as the calls they wrap: net_resolve returns a
 * getaddrinfo EAI_* code (report it with gai_strerror); the others
 * return a descriptor or 0, or -1 with errno set.  Descriptors are
 * close-on-exec.  Thread-safe; nothing here prints.
 */
#ifndef KIT_NET_H
#define KIT_NET_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* "[ffff:...:ffff]:65535" and its NUL fit. */
enum { NET_ADDR_STRLEN = 64 };

/*
 * Resolve 'host' (a name, an IPv4 or an IPv6 literal; NULL for every
 * local interface, with AI_PASSIVE) and 'port' for 'socktype' into
 * *res, to be freed with freeaddrinfo.  Returns 0 or an EAI_* code.
 */
int net_resolve(const char *host, const char *port, int socktype,
                struct addrinfo **res);

/*
 * A listening TCP socket on 'host' (NULL: every interface, IPv6 and
 * IPv4 on one dual-stack socket where the system has IPv6) and 'port'
 * ("0": any free port), with SO_REUSEADDR so that a restarted server
 * binds at once (but no SO_REUSEPORT: a second server on a busy port
 * must fail with EADDRINUSE).  Tries each resolved address in turn.
 * Returns the descriptor, or -1 with errno set; a failed resolution
 * sets *gai_err (else 0) and errno to EADDRNOTAVAIL.
 */
int net_listen_tcp(const char *host, const char *port, int backlog,
                   int *gai_err);

/*
 * A UDP socket bound to 'host' (NULL: every interface, IPv6 and IPv4 on
 * one dual-stack socket where the system has IPv6) and 'port'.  'reuse'
 * sets SO_REUSEADDR, so that several receivers of one multicast group
 * can share the port; without it a busy port fails with EADDRINUSE.
 * Returns the descriptor or -1, as net_listen_tcp.
 */
int net_bind_udp(const char *host, const char *port, bool reuse, int *gai_err);

/*
 * Connect a new socket of the kind in 'ai' to its address, waiting at
 * most 'timeout_ms' (negative: as long as the system does).  Returns
 * a blocking, connected descriptor, or -1 with errno set (ETIMEDOUT
 * when the time ran out, ECONNREFUSED when nobody listens).
 */
int net_connect(const struct addrinfo *ai, int timeout_ms);
/* The same for a socket 'fd' the caller made (and closes): 0 or -1. */
int net_connect_fd(int fd, const struct addrinfo *ai, int timeout_ms);

/*
 * 'sa' as text, "192.0.2.1:80" or "[2001:db8::1]:80" (an IPv4 address
 * mapped into IPv6 is shown as IPv4).  Returns 'buf' (NET_ADDR_STRLEN).
 */
const char *net_format(const struct sockaddr *sa, socklen_t len, char *buf);

/*
 * The IPv4 broadcast address of interface 'ifname' (its subnet's, such
 * as 192.168.1.255), with port 0.  Returns 0, or -1 with errno ENODEV
 * (no such interface) or EADDRNOTAVAIL (it has no IPv4 broadcast).
 */
int net_iface_broadcast(const char *ifname, struct sockaddr_in *out);

/* Is 'sa' 255.255.255.255 or the broadcast address of a local interface? */
bool net_is_broadcast(const struct sockaddr *sa);

/* Is 'sa' a multicast address (224.0.0.0/4, ff00::/8)? */
bool net_is_multicast(const struct sockaddr *sa);

/*
 * This machine's (or network namespace's) first IPv4 address on an
 * interface that is up and not loopback, as text in 'buf' (at least
 * NET_ADDR_STRLEN bytes); "127.0.0.1" when there is none.  Returns 'buf'.
 */
const char *net_first_ipv4(char *buf);

/* The local port 'fd' is bound to, or -1 with errno set. */
int net_local_port(int fd);

#endif
