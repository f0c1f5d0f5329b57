/*
 * model_pool - THREADS threads started up front, fed by a bounded queue.
 *
 * No thread is created per client, and the number of threads is fixed:
 * when all are busy, new clients wait in the queue (and, once it is
 * full, in the kernel's accept queue).  The queue is the one of
 * threading_example, carrying descriptors instead of numbers.
 */
#include "tcp_server.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "bqueue.h"
#include "cli.h"
#include "conn.h"
#include "thread.h"

struct pool {
    struct server *srv;
    struct bqueue queue;        /* accepted descriptors */
};

struct job {
    int fd;
    struct sockaddr_storage peer;
    socklen_t len;
};

/*
 * A descriptor travels through the queue as a number; its peer address
 * is looked up again by the thread that serves it.
 */
static void *pool_thread(void *arg)
{
    struct pool *p = arg;
    uint64_t item;

    while (bqueue_get(&p->queue, &item)) {
        struct job j = { .fd = (int)item, .len = sizeof(j.peer) };

        if (getpeername(j.fd, (struct sockaddr *)&j.peer, &j.len) != 0)
            j.len = 0;
        conn_run(p->srv, j.fd, &j.peer, j.len);
        server_release(p->srv);
    }
    return NULL;
}

/* Start the threads with every signal blocked.  Returns how many started. */
static unsigned start_threads(struct pool *p, pthread_t *t, unsigned n)
{
    unsigned i;
    int err = 0;

    for (i = 0; i < n && (err = thread_start(&t[i], NULL, pool_thread, p)) == 0; i++)
        ;
    if (err != 0)
        cli_error(err, "pthread_create");
    return i;
}

int model_pool(struct server *srv)
{
    unsigned n = srv->cfg->threads;
    struct pool p = { .srv = srv };
    pthread_t *threads = calloc(n, sizeof(*threads));
    struct sockaddr_storage peer;
    socklen_t len;
    unsigned started;
    int fd, err;

    if (threads == NULL || (err = bqueue_init(&p.queue, 2 * (size_t)n)) != 0) {
        cli_error(threads == NULL ? ENOMEM : err, "thread pool");
        free(threads);
        return 1;
    }
    /* A pool short of threads is a failed setup: it serves nobody. */
    started = start_threads(&p, threads, n);
    if (started == n)
        server_ready(srv);
    while (started == n && (fd = server_accept(srv, &peer, &len)) >= 0) {
        if (!bqueue_put(&p.queue, (uint64_t)fd)) {  /* waits while all are busy */
            close(fd);
            server_release(srv);
        }
    }
    /* Queued clients are served (briefly: they see the stop at once). */
    bqueue_close(&p.queue);
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    bqueue_destroy(&p.queue);
    free(threads);
    return started == n ? 0 : 1;
}
