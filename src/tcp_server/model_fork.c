/*
 * model_fork - a new process for each client (the classic Unix server).
 *
 * Each client gets a process of its own, isolated from the others: a
 * crash there costs one connection, not the server.  The cost is a
 * fork per client.  SIGCHLD is ignored, which tells the kernel to reap
 * the children itself (no zombies); at the stop, waitpid() then waits
 * until the last child has finished its client, and fails with ECHILD.
 */
#include "server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"

int model_fork(struct server *srv)
{
    struct sockaddr_storage peer;
    socklen_t len;
    pid_t parent = getpid();
    int fd;

    signal(SIGCHLD, SIG_IGN);           /* the kernel reaps for us */
    while ((fd = server_accept(srv, &peer, &len)) >= 0) {
        fflush(stdout);                 /* or the child prints our buffer again */
        pid_t pid = fork();

        if (pid == 0) {
            close(srv->listen_fd);      /* the child only talks to its client */
            server_child_setup(srv, parent);
            conn_run(srv, fd, &peer, len);
            fflush(stdout);
            _exit(0);
        }
        if (pid < 0) {
            cli_error(errno, "fork");
            atomic_fetch_sub(&srv->stats->active, 1);
        }
        close(fd);                      /* the parent's copy: the child has its own */
    }
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;                               /* ECHILD: every child has finished */
    return 0;
}
