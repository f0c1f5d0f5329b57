/*
 * tcp_client - what tcp_client's modes share: the configuration and the
 * connection to the server.
 */
#ifndef KIT_TCP_CLIENT_H
#define KIT_TCP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

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

/*
 * Connect to the server as the configuration says (every address of
 * HOST in turn; again and again for --retry).  On failure, says why in
 * one line, with a hint, and returns -1.  Returns a blocking descriptor.
 */
int connect_to_server(const struct client_config *cfg);

/* --bench: the load generator.  Returns the exit status. */
int bench_run(const struct client_config *cfg);

#endif
