/*
 * model_thread - a new thread for each client.
 *
 * Simple and concurrent: a slow client blocks only its own thread.  The
 * cost is a thread (a stack, a kernel task) per client, created and
 * destroyed each time.  To stop, the main thread waits until the last
 * client thread has seen the stop request and finished.
 */
#include "tcp_server.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "thread.h"

struct client {
    struct server *srv;
    int fd;
    struct sockaddr_storage peer;
    socklen_t len;
};

/* How many client threads are running, so that stopping can wait for them. */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t running_done = PTHREAD_COND_INITIALIZER;
static unsigned running;

static void *serve_client(void *arg)
{
    struct client *cl = arg;

    conn_run(cl->srv, cl->fd, &cl->peer, cl->len);
    server_release(cl->srv);
    free(cl);
    pthread_mutex_lock(&running_lock);
    if (--running == 0)
        pthread_cond_signal(&running_done);
    pthread_mutex_unlock(&running_lock);
    return NULL;
}

/* Start a detached thread for one client, with the stop signals blocked. */
static int start_client(struct client *cl)
{
    pthread_attr_t attr;
    pthread_t t;
    int err;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);   /* a client needs little */
    pthread_mutex_lock(&running_lock);
    err = thread_start(&t, &attr, serve_client, cl);
    running += err == 0;
    pthread_mutex_unlock(&running_lock);
    pthread_attr_destroy(&attr);
    return err;
}

int model_thread(struct server *srv)
{
    bool said = false;                  /* a failed pthread_create, said once */

    server_ready(srv);
    for (;;) {
        struct client *cl = malloc(sizeof(*cl));
        int err;

        if (cl == NULL) {
            cli_error(ENOMEM, "client");
            break;
        }
        cl->srv = srv;
        cl->fd = server_accept(srv, &cl->peer, &cl->len);
        if (cl->fd < 0) {
            free(cl);
            break;
        }
        if ((err = start_client(cl)) != 0) {
            server_refuse(srv, cl->fd, err, "pthread_create", &said);
            free(cl);
        }
    }
    pthread_mutex_lock(&running_lock);
    while (running > 0)                 /* each sees the stop pipe and ends */
        pthread_cond_wait(&running_done, &running_lock);
    pthread_mutex_unlock(&running_lock);
    return 0;
}
