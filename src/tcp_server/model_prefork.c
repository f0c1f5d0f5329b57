/*
 * model_prefork - THREADS processes started up front, all accepting on
 * the one listening socket they inherited.
 *
 * No fork per client (Apache's old design): the kernel hands each new
 * connection to one of the waiting processes.  Each worker is the
 * iterative server (model_iterative.c), unchanged: prefork is THREADS
 * iterative servers on one socket, so THREADS is also how many clients
 * are served at once.  The parent serves nobody: it supervises.  A
 * worker that dies is reaped and replaced (at most ten a second), and
 * the slot of the client it was serving is given back.
 */
#include "tcp_server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "conn.h"
#include "stop.h"
#include "timing.h"

enum {
    REFORK_GAP_MS = 100,        /* at most ten replacements a second */
    FORK_TRIES = 10,            /* failed forks in a row before giving up */
};

struct worker {
    pid_t pid;                  /* 0: not running */
    atomic_bool serving;        /* holds a client's slot (in shared memory) */
};

static int start_worker(struct server *srv, struct worker *w, pid_t parent)
{
    fflush(stdout);
    pid_t pid = fork();

    if (pid == 0) {                     /* a worker: an iterative server */
        server_child_setup(srv, parent);
        srv->holding = &w->serving;     /* the parent frees our slot if we die */
        atomic_store(&srv->ready, true);    /* "listening" is the parent's to say */
        model_iterative(srv);
        fflush(stdout);
        _exit(0);
    }
    if (pid < 0)
        return -1;
    w->pid = pid;
    return 0;
}

/* Reap the workers that have died; say how, and free their clients' slots. */
static void reap(struct server *srv, struct worker *w, unsigned n)
{
    pid_t pid;
    int status;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (unsigned i = 0; i < n; i++) {
            if (w[i].pid != pid)
                continue;
            w[i].pid = 0;
            if (atomic_exchange(&w[i].serving, false))
                server_release(srv);
            if (WIFSIGNALED(status))
                cli_error(0, "worker %u (pid %d) killed by signal %d; starting another",
                          i + 1, (int)pid, WTERMSIG(status));
            else
                cli_error(0, "worker %u (pid %d) exited with status %d; starting another",
                          i + 1, (int)pid, WEXITSTATUS(status));
        }
}

static void on_child_exit(int sig)
{
    (void)sig;                          /* only to wake the parent's poll */
}

/*
 * The parent's loop until the stop: wake when a worker dies (SIGCHLD
 * interrupts poll) or at least once a second, reap, replace.  Returns 0,
 * or 1 if workers could not be replaced.
 */
static int supervise(struct server *srv, struct worker *w, unsigned n, pid_t parent)
{
    uint64_t last_fork = 0;
    int failures = 0;

    while (!stop_posted()) {
        struct pollfd p = { .fd = stop_fd(), .events = POLLIN };
        int wait_ms = 1000;

        reap(srv, w, n);
        for (unsigned i = 0; i < n; i++) {
            uint64_t now = timing_now_ns();

            if (w[i].pid != 0)
                continue;
            if (now - last_fork < REFORK_GAP_MS * 1000000ull) {
                wait_ms = REFORK_GAP_MS;
                break;
            }
            last_fork = now;
            if (start_worker(srv, &w[i], parent) == 0) {
                failures = 0;
                continue;
            }
            cli_error(errno, "fork (a worker to replace)");
            if (++failures >= FORK_TRIES) {
                cli_error(0, "cannot replace workers after %d tries: stopping", failures);
                return 1;
            }
            wait_ms = REFORK_GAP_MS;
            break;
        }
        poll(&p, 1, wait_ms);
    }
    return 0;
}

int model_prefork(struct server *srv)
{
    unsigned n = srv->cfg->threads, started = 0;
    pid_t parent = getpid();
    struct sigaction sa;
    struct worker *w = mmap(NULL, n * sizeof(*w), PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int status = 0;

    if (w == MAP_FAILED) {
        cli_error(errno, "worker table");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_child_exit;      /* no SA_RESTART: poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    for (; started < n; started++)
        if (start_worker(srv, &w[started], parent) != 0) {
            cli_error(errno, "fork");
            status = 1;
            break;
        }
    if (status == 0) {
        server_ready(srv);
        status = supervise(srv, w, n, parent);
    }
    stop_request();                   /* the workers too, if we gave up */
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;                               /* each worker finishes its client */
    munmap(w, n * sizeof(*w));
    return status;
}
