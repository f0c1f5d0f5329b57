/*
 * conn - one client connection: request lines in, reply lines out,
 * with bounded memory whatever the client sends or fails to read.
 */
#ifndef KIT_CONN_H
#define KIT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "linebuf.h"
#include "net.h"
#include "tcp_server.h"

enum {
    CONN_READ_SIZE = 8 * 1024,  /* bytes read at a time */
    CONN_OUT_CAP = 16 * 1024,   /* replies held before they must be sent */
};

struct conn {
    int fd;
    char peer[NET_ADDR_STRLEN];
    struct linebuf in;          /* request bytes not yet answered */
    char *out;                  /* replies not yet sent */
    size_t out_len;
    size_t out_sent;            /* of out_len, already written */
    uint64_t requests;          /* answered on this connection */
    bool quit;                  /* QUIT answered: send BYE, then close */
    bool eof;                   /* the client has closed its side */
    struct conn *prev, *next;   /* an event loop's list of its clients */
};

/* Set up a connection on 'fd'.  Returns 0, or -1 with errno ENOMEM. */
int conn_init(struct conn *c, int fd, const struct sockaddr_storage *peer,
              socklen_t len);

/*
 * An event loop (epoll, uring) keeps its clients on a list, to look for
 * the idle and the stalled ones: 'c' goes on the front of '*list', or
 * off it.  The loop's own struct begins with the conn, so the loop gets
 * it back from a conn by a cast.
 */
void conn_list_add(struct conn **list, struct conn *c);
void conn_list_remove(struct conn **list, struct conn *c);

/*
 * The event loops' sweep: why a client is to be dropped now, or NULL.
 * The one policy of conn_send and conn_serve, by clock: replies waiting
 * ('sending') that have not moved for --send-timeout since
 * 'progress_ns'; or, with none waiting, silence for --idle-timeout
 * since 'active_ns'.
 */
const char *conn_overdue(const struct server *srv, bool sending, uint64_t progress_ns,
                         uint64_t active_ns, uint64_t now);

/* Close the descriptor and free the buffers. */
void conn_free(struct conn *c);

/*
 * Answer every complete request line buffered, as long as the replies
 * fit in the output buffer; what does not fit waits for the next call.
 * Counts requests and errors in 'stats'.  Returns true if it stopped
 * for lack of room (send the replies, then call again).
 */
bool conn_answer(struct conn *c, struct server_stats *stats);

/*
 * The client closed its side: a last request without its "\n" is a
 * request too.  Answer it (conn_answer) before closing.
 */
void conn_end_of_input(struct conn *c);

/*
 * Send the replies held, blocking while the client takes them.  The one
 * sending policy of every model: a client that takes no byte for
 * --send-timeout seconds is given up on, and once the server stops,
 * what is left gets SERVER_STOP_FLUSH_MS more at most.  Returns 0, or
 * -1 with errno (ETIMEDOUT: the client took nothing for that long).
 */
int conn_send(struct conn *c, struct server *srv);

/*
 * Serve the client with blocking I/O until it closes, sends QUIT, stays
 * silent longer than the idle limit, or the server stops: read what has
 * come, answer every whole line, send the replies in one write.
 */
void conn_serve(struct conn *c, struct server *srv);

/*
 * The whole life of a client in a blocking model: set up, log, serve,
 * log, close.  Takes ownership of 'fd'; the slot that server_accept
 * counted it in is the caller's to release.
 */
void conn_run(struct server *srv, int fd, const struct sockaddr_storage *peer,
              socklen_t len);

/* Log the connection (unless -q) and count it; the end is logged by conn_end. */
void conn_begin(struct conn *c, struct server *srv);
void conn_end(struct conn *c, struct server *srv, const char *why);

#endif
