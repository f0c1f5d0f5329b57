/*
 * server - exercise 3, solved: a TCP server that squares numbers, a process per client.
 *
 * Lesson: an iterative server serves one client until it leaves, and
 * only then accepts the next: the others wait in the kernel's accept
 * queue, and one client that sends nothing holds everyone up.  The
 * classic Unix cure is a process per client: fork() after accept(),
 * the child serves, the parent goes back to accept() at once.
 *
 * Usage: server [-p PORT] [-b HOST]      (PORT 0: any free port)
 * See also: src/tcp_server/model_iterative.c and model_fork.c (the kit's),
 * exercises/README.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "linebuf.h"
#include "net.h"
#include "opt.h"
#include "proto.h"

/* One client, until it leaves or says QUIT: a reply for every line. */
static void serve(int fd)
{
    struct linebuf lb;
    bool quit = false;

    if (linebuf_init(&lb, PROTO_MAX_LINE, 4096) < 0)
        return;
    while (!quit) {
        size_t room;
        char *space = linebuf_space(&lb, &room);
        ssize_t got = io_read_some(fd, space, room);

        if (got <= 0)
            break;                      /* end of file, or a reset */
        linebuf_commit(&lb, (size_t)got);
        const char *line;
        size_t len;
        enum linebuf_event ev;
        while (!quit && (ev = linebuf_next(&lb, &line, &len)) != LINEBUF_MORE) {
            int64_t value = 0;
            enum proto_request req = ev == LINEBUF_TOO_LONG ? PROTO_ERR_TOO_LONG
                                     : proto_parse(line, len, &value);
            char reply[PROTO_MAX_REPLY];

            quit = req == PROTO_QUIT;
            if (io_write_all(fd, reply, proto_format_reply(req, value, reply)) < 0)
                quit = true;            /* the client is gone */
        }
    }
    linebuf_free(&lb);
}

static int parse(int argc, char **argv, const char **port, const char **host)
{
    uint64_t p;
    int opt;

    while ((opt = getopt(argc, argv, "p:b:")) != -1) {
        if (opt == 'p' && opt_parse_u64(optarg, 0, 65535, &p) == OPT_OK)
            *port = optarg;
        else if (opt == 'b')
            *host = optarg;
        else {
            fprintf(stderr, "usage: server [-p PORT] [-b HOST]\n");
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *port = "65432", *host = NULL;
    char where[NET_ADDR_STRLEN];
    int gai_err, lfd;

    /* 1. Options; a client that vanishes is EPIPE, not our death. */
    if (parse(argc, argv, &port, &host) < 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* 2. Listen, and say on which port (-p 0: the kernel chose). */
    lfd = net_listen_tcp(host, port, 128, &gai_err);
    if (lfd < 0) {
        fprintf(stderr, "server: cannot listen on port %s: %s\n", port,
                gai_err ? gai_strerror(gai_err) : strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", net_local_port(lfd));

    /* 3. Accept a client, serve it, close it; then the next. */
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof(peer);
        int fd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            fprintf(stderr, "server: accept: %s\n", strerror(errno));
            break;
        }
        printf("connection from %s\n", net_format((struct sockaddr *)&peer, len, where));
        fflush(stdout);                 /* or the child prints our buffer again */
        pid_t pid = fork();
        if (pid == 0) {
            close(lfd);                 /* the child only talks to its client */
            serve(fd);
            _exit(0);
        }
        if (pid < 0)
            fprintf(stderr, "server: fork: %s\n", strerror(errno));
        close(fd);                      /* the parent's copy: the child has its own */
        /* Children that have ended, reaped here, in the normal flow. */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
    close(lfd);
    return 1;
}
