/*
 * tcp_client - what tcp_client's parts share: the configuration, the
 * connection, and a conversation's requests, replies and counts.
 *
 *   tcp_client.c   main(): the steps, the options
 *   ask.c          the lesson: one request at a time (NUMBERs, 1..10)
 *   pipeline.c     '-': numbers from stdin, a window of them in flight
 *   replies.c      what a reply must be, checking it, the summary
 *   connect.c      reaching the server: every address, --retry, --timeout
 *   bench.c        --bench: the load generator
 */
#ifndef KIT_TCP_CLIENT_H
#define KIT_TCP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linebuf.h"
#include "proto.h"

/* --bench waits this long for a reply unless --timeout says otherwise. */
enum { CLIENT_BENCH_TIMEOUT_S = 10 };

struct client_config {
    const char *host;           /* default "localhost" */
    const char *port;           /* default "65432" */
    char **numbers;             /* NUMBER arguments, or NULL */
    int nnumbers;
    bool from_stdin;            /* '-': numbers from stdin */
    int retry_ms;               /* keep trying to connect this long; 0: once */
    int timeout_ms;             /* bound on connecting and on each reply; -1: none */
    bool quiet;
    bool json;
    /* --bench */
    bool bench;
    unsigned connections;
    unsigned pipeline;
    uint64_t requests;
    double duration;            /* seconds; 0: run REQUESTS */
    double rate;                /* requests per second; 0: as fast as replies come */
    const char *request;        /* --request: a fixed line, replies not checked */
};

enum { SHOWN = 40 };             /* request bytes shown in "square(...)" */

/* A request sent and not yet answered. */
struct pending {
    char shown[SHOWN + 4];      /* the request, as printed in "square(...)" */
    char expect[PROTO_MAX_REPLY];   /* the reply it must get */
    size_t expect_len;
};

/* One conversation with the server, one request at a time or pipelined. */
struct session {
    const struct client_config *cfg;
    int fd;
    struct linebuf replies;     /* from the server */
    unsigned unanswered;        /* requests sent and not yet answered */
    bool all_sent;              /* no more requests to come */
    uint64_t received, failures;
    uint64_t err_replies, wrong_replies;    /* the failures, by kind */
};

/* ask.c, pipeline.c: until every request is answered or Ctrl-C.  Return
 * 0, or -1 when the conversation broke off (said why). */
int ask_each(struct session *s);
int pipeline_ask(struct session *s);

/* replies.c */
/*
 * Remember what the reply to request 'line' ('len' bytes) must be.  A
 * line too long for the protocol (NULL when stdin's reader dropped it)
 * must get "ERR line too long".
 */
void reply_expect(struct pending *p, const char *line, size_t len);
/* Check one reply against the request it answers; count and show it. */
void reply_check(struct session *s, const struct pending *p, const char *line, size_t len);
/* Read what the server sent into s->replies.  0, or -1 when it is gone (said). */
int reply_read(struct session *s);
/* No reply within --timeout: say so. */
void reply_timed_out(const struct session *s);
/* The server went away (err: why, or 0 for an orderly close): say so. */
void reply_server_gone(const struct session *s, int err);
/* Sending failed with 'err': say so. */
void reply_send_failed(const struct session *s, int err);
/* The summary, text or JSON; returns the exit status. */
int reply_summary(const struct session *s, double seconds);

/*
 * Connect to the server as the configuration says (every address of
 * HOST in turn; again and again for --retry).  On failure, says why in
 * one line, with a hint, and returns -1.  Returns a blocking descriptor.
 */
int connect_to_server(const struct client_config *cfg);

/* --bench: the load generator.  Returns the exit status. */
int bench_run(const struct client_config *cfg);

#endif
