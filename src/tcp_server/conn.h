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
    CONN_SPARES = 1024,         /* spare buffers of each kind a loop keeps, at most */
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

/*
 * An event loop's buffers that no client holds now.  A client of an
 * event loop holds buffers only while it has bytes in them: a request
 * line not yet whole, or replies not yet sent.  Otherwise (most clients
 * of a busy server, most of the time: they are thinking) its buffers go
 * back here, and the next client to speak takes them, so that an idle
 * client costs its struct and its socket, not 25 KiB; and a busy one
 * takes the same buffers again and again, with no malloc per request.
 * At most CONN_SPARES of each kind are kept (more are freed), and those
 * not taken between two conn_spares_trim are freed then: as many spares
 * as the loop's clients need at once, and no more for long.
 */
struct conn_spare_stack {
    unsigned count;
    unsigned unused;            /* the fewest there were since the trim */
    char *buf[CONN_SPARES];
};

struct conn_spares {
    struct conn_spare_stack in; /* line buffers (struct linebuf's storage) */
    struct conn_spare_stack out;        /* reply buffers, CONN_OUT_CAP bytes */
};

/* Free the spares no client took since the last trim (call it now and then). */
void conn_spares_trim(struct conn_spares *s);

/* Whether the loop holds spares: then it must trim now and then, even
 * with nothing else to time. */
static inline bool conn_spares_held(const struct conn_spares *s)
{
    return s->in.count > 0 || s->out.count > 0;
}

/* Free the spares (the loop's end). */
void conn_spares_free(struct conn_spares *s);

/* Set up a connection on 'fd', holding no buffer yet (conn_take). */
void conn_init(struct conn *c, int fd, const struct sockaddr_storage *peer,
               socklen_t len);

/*
 * Before the client's bytes are read or answered: the buffers it does
 * not hold, from 's' (or malloc, if 's' is NULL or has none).  Returns
 * 0, or -1 with errno ENOMEM.
 */
int conn_take(struct conn *c, struct conn_spares *s);

/*
 * After: the buffers the client has nothing in go back to 's' (NULL:
 * freed).  A line not yet whole keeps the line buffer; replies not yet
 * sent keep the reply buffer (so does a send in flight: it has them).
 */
void conn_rest(struct conn *c, struct conn_spares *s);

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

/* Close the descriptor; the buffers go back to 's' (NULL: freed). */
void conn_free(struct conn *c, struct conn_spares *s);

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
