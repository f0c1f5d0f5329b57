/*
 * model_prefork - THREADS processes started up front, all accepting on
 * the one listening socket they inherited.
 *
 * No fork per client (Apache's old design): the kernel hands each new
 * connection to one of the waiting processes.  Each serves one client
 * at a time, so THREADS is also how many are served at once.
 */
#include "server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"

static void accept_loop(struct server *srv)
{
    struct sockaddr_storage peer;
    socklen_t len;
    int fd;

    while ((fd = server_accept(srv, &peer, &len)) >= 0)
        conn_run(srv, fd, &peer, len);
}

/* The parent only waits for the stop request, then for its children. */
static void wait_for_stop(struct server *srv)
{
    struct pollfd p = { .fd = srv->stop_fd[0], .events = POLLIN };

    while (poll(&p, 1, -1) <= 0)
        ;                               /* EINTR: the handler wrote the pipe */
}

int model_prefork(struct server *srv)
{
    pid_t parent = getpid();
    unsigned started = 0;

    for (; started < srv->cfg->threads; started++) {
        fflush(stdout);
        pid_t pid = fork();

        if (pid == 0) {
            server_child_setup(srv, parent);
            accept_loop(srv);
            fflush(stdout);
            _exit(0);
        }
        if (pid < 0) {
            cli_error(errno, "fork");
            server_stop(srv);
            break;
        }
    }
    wait_for_stop(srv);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;                               /* each child finishes its client */
    return started == srv->cfg->threads ? 0 : 1;
}
