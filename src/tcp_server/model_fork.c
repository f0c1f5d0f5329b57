/*
 * model_fork - a new process for each client (the classic Unix server).
 *
 * Each client gets a process of its own, isolated from the others: a
 * crash there costs one connection, not the server.  The cost is a
 * fork per client.  The parent reaps its children in a SIGCHLD handler
 * (no zombies), and that is where a client's slot is given back: a
 * child killed with SIGKILL cannot give it back itself.  At the stop,
 * waitpid() waits until the last child has finished its client, and
 * fails with ECHILD.
 */
#include "tcp_server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"

static struct server *reaping_for;      /* the server whose slots children hold */

/* Children have ended, normally or not: reap each, free its client's slot. */
static void on_child_exit(int sig)
{
    int saved = errno;

    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        server_release(reaping_for);
    errno = saved;
}

static int reap_children(struct server *srv)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    reaping_for = srv;
    sa.sa_handler = on_child_exit;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    return sigaction(SIGCHLD, &sa, NULL);
}

int model_fork(struct server *srv)
{
    struct sockaddr_storage peer;
    socklen_t len;
    pid_t parent = getpid();
    bool said = false;                  /* a failed fork, said once */
    int fd;

    if (reap_children(srv) != 0) {
        cli_error(errno, "SIGCHLD handler");
        return 1;
    }
    server_ready(srv);
    while ((fd = server_accept(srv, &peer, &len)) >= 0) {
        fflush(stdout);                 /* or the child prints our buffer again */
        pid_t pid = fork();

        if (pid == 0) {
            close(srv->listen_fd);      /* the child only talks to its client */
            server_child_setup(srv, parent);
            conn_run(srv, fd, &peer, len);
            fflush(stdout);
            _exit(0);                   /* the parent frees the slot when it reaps */
        }
        if (pid < 0)
            server_refuse(srv, fd, errno, "fork", &said);   /* closes it */
        else
            close(fd);                  /* the parent's copy: the child has its own */
    }
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;                               /* ECHILD: every child has finished */
    return 0;
}
