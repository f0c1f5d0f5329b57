/*
 * tcp_server - what tcp_server's main() and its concurrency models share:
 * the configuration, the counters, accepting and releasing clients.
 */
#ifndef KIT_TCP_SERVER_H
#define KIT_TCP_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

enum {
    SERVER_SEND_TIMEOUT_S = 5,  /* default --send-timeout */
    SERVER_STOP_FLUSH_MS = 1000,    /* at the stop, replies get this long to leave */
    SERVER_ACCEPT_PAUSE_MS = 250,   /* out of descriptors, nobody to shed: wait */
};

struct server_config {
    const char *port;           /* "65432", or "0" for any free port */
    const char *bind;           /* NULL: every interface */
    const char *model;          /* "epoll", "thread", ... */
    unsigned threads;           /* event loops, pool threads or processes */
    unsigned max_clients;       /* clients served at once; more get "busy" */
    int idle_ms;                /* drop a silent client after this; -1: never */
    int send_timeout_ms;        /* drop a client that takes no reply byte this long */
    bool quiet;
    bool json;
};

/*
 * The counters, in memory shared with forked children (MAP_SHARED), so
 * that every model, threads or processes, counts in the same place.
 */
struct server_stats {
    atomic_ullong connections;  /* accepted and served */
    atomic_ullong requests;     /* request lines answered */
    atomic_ullong errors;       /* of those, answered with ERR */
    atomic_ullong refused;      /* turned away busy: --max-clients, descriptors */
    atomic_uint active;         /* slots taken: admitted and not yet released */
};

struct server {
    const struct server_config *cfg;
    struct server_stats *stats;
    int listen_fd;              /* non-blocking */
    int spare_fd;               /* kept open for the EMFILE trick */
    /*
     * NULL, or (in a prefork worker) a flag in memory shared with the
     * parent, true while this process holds a client's slot: if the
     * worker dies serving, the parent frees the slot it held.
     */
    atomic_bool *holding;
    /*
     * main()'s "listening" line, said by server_ready once the model is
     * set up: a setup that fails says only why, never that it listens.
     */
    void (*announce)(const struct server *srv);
    atomic_bool ready;
};

/*
 * A concurrency model: set up, call server_ready, serve until the stop
 * request; return the exit status.  A model that fails before it is
 * ready says why once and returns 1.
 */
typedef int serve_fn(struct server *srv);

serve_fn model_iterative, model_fork, model_prefork, model_thread,
         model_pool, model_epoll, model_uring;

/*
 * Wait for and accept one client, TCP_NODELAY set, counted in 'active'
 * (it holds a slot until server_release).  Clients past --max-clients
 * get "ERR server busy" and are closed here.
 * Returns the descriptor (blocking), or -1 once the server must stop.
 * Running out of descriptors turns the waiting clients away (as busy),
 * or, with nothing to shed them with, costs a pause: never a busy loop.
 * Thread-safe; call it from any thread or process that accepts.
 */
int server_accept(struct server *srv, struct sockaddr_storage *peer,
                  socklen_t *len);

/*
 * In a forked child: die with the parent, leave Ctrl-C to the parent
 * (the child stops by the stop pipe, after flushing its replies), and
 * give back the parent's spare descriptor.
 */
void server_child_setup(struct server *srv, pid_t parent);

/* The model is set up and serves: say so, once (thread-safe). */
void server_ready(struct server *srv);

/*
 * One try at accepting, without waiting: like server_accept, with
 * accept4 'flags' (SOCK_NONBLOCK for event loops).  Returns -1 with
 * errno EAGAIN when nobody is waiting, or EMFILE/ENFILE when out of
 * descriptors with a client that cannot be shed (see server_shed_one):
 * then stop watching the listening socket for a while, or its client
 * wakes the caller again at once.
 */
int server_accept_nowait(struct server *srv, struct sockaddr_storage *peer,
                         socklen_t *len, int flags);

/*
 * For a model that accepts by other means (io_uring): count the client
 * 'fd' in, TCP_NODELAY set, and return true; past --max-clients, tell
 * it "ERR server busy", close it and return false.
 */
bool server_admit(struct server *srv, int fd);

/*
 * Accepting failed for lack of descriptors (EMFILE, ENFILE): accept one
 * waiting client on the spare descriptor, tell it "ERR server busy" and
 * close it, so that the next try does not fail again at once.  Says so
 * on stderr the first time.  Returns true if one was shed; else false
 * with errno EAGAIN (nobody was waiting: wait for the next client), or
 * EMFILE/ENFILE (there was no spare descriptor: pause before trying
 * again).  Thread-safe.
 */
bool server_shed_one(struct server *srv);

/*
 * A client admitted that cannot be served after all ('what' failed with
 * 'err': fork, pthread_create): it hears "ERR server busy" and is closed,
 * its slot is given back, and the failure is said once for each 'what'
 * ('said' is the caller's), not once a client.
 */
void server_refuse(struct server *srv, int fd, int err, const char *what, bool *said);

/*
 * A client's slot is free again.  Called once per accepted client by
 * whoever outlives it: the thread or process that served it, or, in the
 * fork model, the parent when it reaps the child (a child killed with
 * SIGKILL releases nothing itself).  With 'holding' set, only the
 * first of the process and its parent to clear the flag frees the slot.
 * Async-signal-safe.
 */
void server_release(struct server *srv);

#endif
