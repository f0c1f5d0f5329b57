/* server - accepting clients and stopping, the same for every model. */
#include "tcp_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "cli.h"
#include "proc.h"
#include "stop.h"

void server_release(struct server *srv)
{
    /* A prefork worker and its parent may race to free one slot: once. */
    if (srv->holding != NULL && !atomic_exchange(srv->holding, false))
        return;
    atomic_fetch_sub_explicit(&srv->stats->active, 1, memory_order_relaxed);
}

void server_ready(struct server *srv)
{
    if (!atomic_exchange(&srv->ready, true) && srv->announce != NULL)
        srv->announce(srv);
}

/* What a client turned away hears, whatever the reason. */
static const char busy[] = "ERR server busy\n";

static void turn_away(struct server *srv, int fd)
{
    atomic_fetch_add(&srv->stats->refused, 1);
    /* A fresh socket's buffer takes 16 bytes without blocking. */
    if (write(fd, busy, sizeof(busy) - 1) < 0) {
        /* The client is gone already: nothing to tell it. */
    }
    close(fd);
}

/*
 * Every accept of this process's threads takes this lock to read, the
 * shedding below to write: while the spare is given back, no other
 * thread's accept can take the slot it leaves (which would leave us
 * with no spare, and the next clients waiting instead of turned away).
 */
static pthread_rwlock_t accept_lock = PTHREAD_RWLOCK_INITIALIZER;

/*
 * Out of descriptors, the pending client would make accept fail again
 * at once, for ever: a busy loop.  So give back the spare descriptor
 * kept for this, accept the client, tell it the server is busy and
 * close it, and take the spare again.  (libuv does the same.)  Where
 * there is no spare (there never was room for one, or io_uring's own
 * accepts took the slot), nobody can be shed: the caller pauses.
 */
bool server_shed_one(struct server *srv)
{
    int fd, err;

    static bool said;

    pthread_rwlock_wrlock(&accept_lock);
    if (!said) {
        cli_error(EMFILE, "accept (clients are turned away until some leave)");
        said = true;
    }
    if (srv->spare_fd >= 0)
        close(srv->spare_fd);
    fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    err = errno;                        /* EMFILE comes even with nobody waiting */
    if (fd >= 0)
        turn_away(srv, fd);
    srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    pthread_rwlock_unlock(&accept_lock);
    if (fd >= 0)
        return true;
    errno = err == EMFILE || err == ENFILE ? err : EAGAIN;
    return false;
}

void server_refuse(struct server *srv, int fd, int err, const char *what, bool *said)
{
    if (!*said) {
        cli_error(err, "%s (clients are turned away until it works again)", what);
        *said = true;
    }
    turn_away(srv, fd);
    server_release(srv);
}

bool server_admit(struct server *srv, int fd)
{
    int on = 1;

    /* Replies go out at once: no waiting for a full packet (Nagle). */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    if (atomic_fetch_add(&srv->stats->active, 1) < srv->cfg->max_clients) {
        if (srv->holding != NULL)
            atomic_store(srv->holding, true);
        return true;
    }
    atomic_fetch_sub(&srv->stats->active, 1);
    turn_away(srv, fd);
    return false;
}

int server_accept_nowait(struct server *srv, struct sockaddr_storage *peer,
                         socklen_t *len, int flags)
{
    for (;;) {
        int fd, err;

        *len = sizeof(*peer);
        pthread_rwlock_rdlock(&accept_lock);
        fd = accept4(srv->listen_fd, (struct sockaddr *)peer, len,
                     SOCK_CLOEXEC | flags);
        err = errno;
        pthread_rwlock_unlock(&accept_lock);
        errno = err;
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                if (server_shed_one(srv))
                    continue;           /* then try the next one */
                return -1;              /* EAGAIN, or EMFILE: nothing to shed with */
            }
            if (errno != EINTR && errno != ECONNABORTED)
                return -1;              /* EAGAIN: nobody is waiting */
            continue;
        }
        if (server_admit(srv, fd))
            return fd;
    }
}

int server_accept(struct server *srv, struct sockaddr_storage *peer,
                  socklen_t *len)
{
    int pause_ms = -1;

    for (;;) {
        struct pollfd p[2] = {
            { .fd = stop_fd(), .events = POLLIN },
            { .fd = srv->listen_fd, .events = POLLIN },
        };
        int fd;

        /* While out of descriptors with nothing to shed with, the
         * waiting client would wake us at once, again and again:
         * watch only the stop pipe for a while. */
        if (poll(p, pause_ms < 0 ? 2 : 1, pause_ms) < 0)
            continue;                   /* EINTR: the handler wrote the stop pipe */
        if (p[0].revents != 0)
            return -1;
        fd = server_accept_nowait(srv, peer, len, 0);
        if (fd >= 0)
            return fd;                  /* else another process or thread took it */
        pause_ms = errno == EMFILE || errno == ENFILE ? SERVER_ACCEPT_PAUSE_MS : -1;
    }
}

void server_child_setup(struct server *srv, pid_t parent)
{
    /* If the server dies, so do its children: none outlives it. */
    if (proc_die_with_parent(parent) != 0)
        _exit(1);
    signal(SIGINT, SIG_IGN);            /* Ctrl-C reaches the whole group */
    signal(SIGTERM, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    close(srv->spare_fd);
    srv->spare_fd = -1;
}
