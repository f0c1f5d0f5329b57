/*
 * receiver - exercise 4: a heartbeat receiver whose detector knows ALIVE and DEAD.
 *
 * Lesson: a failure detector cannot tell a dead node from a slow one;
 * it can only wait.  It decides on a timer, not when a datagram comes:
 * poll() sleeps until the next node's deadline, so that silence itself
 * is noticed.  A detector with one deadline must choose between quick
 * and wrong, or right and slow; a SUSPECT state between ALIVE and DEAD
 * says "late" early, and "dead" only after a longer silence.
 *
 * Usage: receiver [-p PORT] [-b HOST]     (heartbeats of week3(7))
 * See also: src/udp_receiver/track.c and detector.c (the kit's),
 * exercises/README.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "heartbeat.h"
#include "net.h"
#include "opt.h"
#include "timing.h"

enum { MAX_NODES = 64, DEAD_AFTER = 5 };    /* DEAD after 5 intervals of silence */

enum state { ALIVE, DEAD, LEFT };
static const char *const state_word[] = { "ALIVE", "DEAD", "LEFT" };

struct node {
    char name[HB_NAME_MAX + 1];
    uint64_t interval_ms;       /* from its last heartbeat */
    uint64_t last_ms;           /* when that came (monotonic) */
    enum state state;
};

struct table {
    struct node node[MAX_NODES];
    int count;
};

static uint64_t now_ms(void)
{
    return timing_now_ns() / 1000000;
}

static void say(const struct node *nd, uint64_t silent_ms)
{
    if (nd->state == ALIVE || nd->state == LEFT)
        printf("%s %s\n", nd->name, state_word[nd->state]);
    else
        printf("%s %s: silent for %" PRIu64 " ms\n", nd->name, state_word[nd->state],
               silent_ms);
}

/* A heartbeat from 'hb': the node is ALIVE (again), or LEFT. */
static void heard(struct table *t, const struct heartbeat *hb)
{
    struct node *nd = NULL;

    for (int i = 0; i < t->count && nd == NULL; i++)
        if (strcmp(t->node[i].name, hb->node) == 0)
            nd = &t->node[i];
    if (nd == NULL) {
        if (t->count == MAX_NODES)
            return;                     /* full: a node too many is not shown */
        nd = &t->node[t->count++];
        snprintf(nd->name, sizeof(nd->name), "%s", hb->node);
        nd->state = DEAD;               /* so that its first beat says ALIVE */
    }
    nd->interval_ms = hb->interval_ms;
    nd->last_ms = now_ms();
    enum state was = nd->state;
    nd->state = hb->leaving ? LEFT : ALIVE;
    if (nd->state != was)
        say(nd, 0);
}

/*
 * The timer: every node whose silence has passed a deadline changes
 * state now.  Returns how long poll() may sleep: until the next
 * deadline, or -1 (for ever) when no node has one.
 */
static int check_deadlines(struct table *t)
{
    uint64_t now = now_ms();
    int64_t sleep_ms = -1;

    for (int i = 0; i < t->count; i++) {
        struct node *nd = &t->node[i];
        uint64_t silent = now - nd->last_ms;
        uint64_t dead_at = DEAD_AFTER * nd->interval_ms;

        /*
         * EXERCISE: add SUSPECT, between ALIVE and DEAD: after 2 intervals
         * of silence, a line with the node's name and SUSPECT; DEAD after
         * 5 as now; a heartbeat from a SUSPECT node makes it ALIVE again.
         * Mind when poll() must wake up.
         */
        if (nd->state != ALIVE)
            continue;
        if (silent >= dead_at) {
            nd->state = DEAD;
            say(nd, silent);
        } else if (sleep_ms < 0 || (int64_t)(dead_at - silent) < sleep_ms) {
            sleep_ms = (int64_t)(dead_at - silent);
        }
    }
    return (int)sleep_ms;
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
            fprintf(stderr, "usage: receiver [-p PORT] [-b HOST]\n");
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *port = "5005", *host = NULL;
    static struct table table;
    int gai_err;

    /* 1. Options. */
    if (parse(argc, argv, &port, &host) < 0)
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* 2. The socket. */
    int fd = net_bind_udp(host, port, false, &gai_err);
    if (fd < 0) {
        fprintf(stderr, "receiver: cannot bind port %s: %s\n", port,
                gai_err ? gai_strerror(gai_err) : strerror(errno));
        return 1;
    }
    printf("listening on port %d\n", net_local_port(fd));

    /* 3. Wait for a datagram or the next deadline, whichever comes first. */
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int ready = poll(&pfd, 1, check_deadlines(&table));

        if (ready < 0 && errno != EINTR) {
            fprintf(stderr, "receiver: poll: %s\n", strerror(errno));
            return 1;
        }
        if (ready <= 0)
            continue;                   /* a deadline: checked at the top */

        /* One more than a heartbeat may have: a longer one is refused. */
        char buf[HB_MAX_LEN + 1];
        struct heartbeat hb;
        ssize_t len = recv(fd, buf, sizeof(buf), 0);

        if (len >= 0 && heartbeat_parse(buf, (size_t)len, &hb, NULL) == HB_OK)
            heard(&table, &hb);
    }
}
