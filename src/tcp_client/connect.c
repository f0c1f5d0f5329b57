/* connect - reaching the server, with --timeout, --retry and a clear error. */
#include "tcp_client.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "net.h"
#include "stop.h"
#include "timing.h"

/* Try every address of the name once.  Returns an fd, or -1 with errno. */
static int try_once(const struct client_config *cfg, int *gai_err)
{
    struct addrinfo *res, *ai;
    int fd = -1, err = ECONNREFUSED;

    *gai_err = net_resolve(cfg->host, cfg->port, SOCK_STREAM, &res);
    if (*gai_err != 0)
        return -1;
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = net_connect(ai, cfg->timeout_ms);
        if (fd < 0)
            err = errno;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        int on = 1;

        /* Each request goes out at once, not held back for a fuller packet. */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    }
    errno = err;
    return fd;
}

int connect_to_server(const struct client_config *cfg)
{
    uint64_t start = timing_now_ns();
    int fd, gai;

    for (;;) {
        fd = try_once(cfg, &gai);
        if (fd >= 0)
            return fd;
        if (gai != 0 || stop_signal() ||
            timing_seconds_since(start) * 1000 >= cfg->retry_ms)
            break;
        struct timespec pause = { 0, 200 * 1000000L };  /* then try again */

        nanosleep(&pause, NULL);
    }
    if (gai != 0)
        cli_error(0, "cannot resolve %s: %s", cfg->host, gai_strerror(gai));
    else
        cli_error(0, "cannot connect to %s%s%s:%s: %s (is tcp_server running there?)",
                  strchr(cfg->host, ':') ? "[" : "", cfg->host,
                  strchr(cfg->host, ':') ? "]" : "", cfg->port, strerror(errno));
    return -1;
}
