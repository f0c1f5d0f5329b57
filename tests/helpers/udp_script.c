/*
 * udp_script - sends datagrams written as lines, for the tests.
 *
 * Usage: udp_script [-H HOST] PORT < script
 * Each input line is one datagram (without its newline), except:
 *   @empty          an empty datagram
 *   @binary         eight bytes that are not text (a NUL among them)
 *   @oversize N     N bytes of 'x'
 *   @sleep MS       wait MS milliseconds
 * Exit status: 0, or 1 if a datagram could not be sent (error on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    static char line[70000];
    struct addrinfo *ai;
    int fd, c;

    while ((c = getopt(argc, argv, "H:")) != -1)
        if (c == 'H')
            host = optarg;
        else
            return 2;
    if (optind != argc - 1 || net_resolve(host, argv[optind], SOCK_DGRAM, &ai) != 0) {
        fprintf(stderr, "usage: udp_script [-H HOST] PORT < script\n");
        return 2;
    }
    fd = socket(ai->ai_family, SOCK_DGRAM, 0);
    while (fd >= 0 && fgets(line, sizeof(line), stdin) != NULL) {
        size_t len = strcspn(line, "\n");
        long n;

        line[len] = '\0';
        if (strcmp(line, "@empty") == 0)
            len = 0;
        else if (strcmp(line, "@binary") == 0)
            memcpy(line, "HB\0\xff\x01\x02\x7f\x80", len = 8);
        else if (sscanf(line, "@oversize %ld", &n) == 1 && n > 0 && n < (long)sizeof(line))
            memset(line, 'x', len = (size_t)n);
        else if (sscanf(line, "@sleep %ld", &n) == 1) {
            struct timespec ts = { n / 1000, n % 1000 * 1000000 };

            nanosleep(&ts, NULL);
            continue;
        }
        if (sendto(fd, line, len, 0, ai->ai_addr, ai->ai_addrlen) != (ssize_t)len) {
            fprintf(stderr, "udp_script: send: %s\n", strerror(errno));
            return 1;
        }
    }
    freeaddrinfo(ai);
    return fd < 0;
}
