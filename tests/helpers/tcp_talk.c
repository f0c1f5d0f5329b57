/*
 * tcp_talk - a scriptable TCP client for the tests: sends its stdin,
 * prints what comes back.
 *
 * Usage: tcp_talk [-1] [-l LINES] [-w] [-H HOST] PORT < input
 *   -1        send one byte per write(2), to split every request
 *   -l LINES  stop after LINES reply lines instead of at end of stream
 *   -w        keep the sending side open (no shutdown) while reading
 *   -H HOST   connect to HOST (default 127.0.0.1)
 * Exit status: 0, or 1 if it cannot connect (the error on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "net.h"

static void send_input(int fd, int bytewise)
{
    char buf[65536];
    ssize_t n;

    while ((n = io_read_some(STDIN_FILENO, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; bytewise && i < n; i++)
            if (io_write_all(fd, buf + i, 1) != 0)
                return;
        if (!bytewise && io_write_all(fd, buf, (size_t)n) != 0)
            return;
    }
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long lines = -1;
    int bytewise = 0, keep_open = 0, c, fd;
    struct addrinfo *ai;
    char buf[65536];
    ssize_t n;

    while ((c = getopt(argc, argv, "1l:wH:")) != -1) {
        if (c == '1')
            bytewise = 1;
        else if (c == 'l')
            lines = strtol(optarg, NULL, 10);
        else if (c == 'w')
            keep_open = 1;
        else if (c == 'H')
            host = optarg;
        else
            return 2;
    }
    if (optind != argc - 1 || net_resolve(host, argv[optind], SOCK_STREAM, &ai) != 0) {
        fprintf(stderr, "usage: tcp_talk [-1] [-l LINES] [-w] [-H HOST] PORT\n");
        return 2;
    }
    fd = net_connect(ai, 5000);
    freeaddrinfo(ai);
    if (fd < 0) {
        fprintf(stderr, "tcp_talk: connect: %s\n", strerror(errno));
        return 1;
    }
    send_input(fd, bytewise);
    if (!keep_open)
        shutdown(fd, SHUT_WR);          /* the server sees EOF after the last line */
    while (lines != 0 && (n = io_read_some(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n && lines != 0; i++) {
            putchar(buf[i]);
            if (buf[i] == '\n' && lines > 0)
                lines--;
        }
    }
    fflush(stdout);
    close(fd);
    return 0;
}
