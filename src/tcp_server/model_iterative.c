/*
 * model_iterative - one client at a time.
 *
 * The simplest server, and the reason for all the others: while it
 * serves one client, the next waits in the kernel's accept queue, and
 * a client that sends nothing holds everyone up.
 */
#include "tcp_server.h"

#include "conn.h"

int model_iterative(struct server *srv)
{
    struct sockaddr_storage peer;
    socklen_t len;
    int fd;

    server_ready(srv);
    while ((fd = server_accept(srv, &peer, &len)) >= 0) {
        conn_run(srv, fd, &peer, len);  /* the next client waits meanwhile */
        server_release(srv);
    }
    return 0;
}
