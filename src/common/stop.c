/* stop - the stop request: a signal number and a self-pipe, for every program. */
#include "stop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

/*
 * Written by a signal handler, read by any thread: a lock-free atomic
 * is both async-signal-safe and free of data races.
 */
static atomic_int stop_signum;
static int stop_pipe[2] = { -1, -1 };   /* made once, before any handler runs */

/* Write the stop pipe: never read back, so it stays readable for every waiter. */
static void post_stop(void)
{
    char byte = 1;

    if (stop_pipe[1] >= 0 && write(stop_pipe[1], &byte, 1) < 0) {
        /* A full pipe already says "stop". */
    }
}

static void on_stop_signal(int sig)
{
    int saved = errno;                  /* the interrupted code may need it */

    atomic_store(&stop_signum, sig);
    post_stop();
    errno = saved;
}

int stop_catch_signals(void)
{
    struct sigaction sa;

    if (stop_pipe[0] < 0 && pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;                    /* no SA_RESTART: let calls see EINTR */
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

int stop_fd(void)
{
    return stop_pipe[0];
}

void stop_request(void)
{
    int saved = errno;

    post_stop();
    errno = saved;
}

int stop_signal(void)
{
    return atomic_load_explicit(&stop_signum, memory_order_relaxed);
}

bool stop_posted(void)
{
    struct pollfd p = { .fd = stop_pipe[0], .events = POLLIN };

    return stop_signal() || (stop_pipe[0] >= 0 && poll(&p, 1, 0) > 0);
}
