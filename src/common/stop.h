/*
 * stop - the stop request, in one place for every program: SIGINT and
 * SIGTERM, or a part of the program that gives up, ask the whole
 * program to stop, and every loop, thread and forked child can see it.
 *
 * Two things hold the request, and each has its own question:
 *  - stop_signal(): the signal that asked THIS process to stop (SIGINT
 *    or SIGTERM), or 0.  A plain atomic load: cheap enough for a loop
 *    that checks it before every step.
 *  - the stop pipe (the self-pipe trick): a handler or stop_request()
 *    writes one byte that is never read back, so its read end,
 *    stop_fd(), stays readable.  poll() and epoll on it wake every
 *    thread, and every forked child that inherited it, which a flag
 *    alone cannot do; stop_posted() asks it without waiting.
 *
 * Like cli, this is the program side of lib/: it keeps globals.
 */
#ifndef KIT_STOP_H
#define KIT_STOP_H

#include <stdbool.h>

/*
 * Install handlers for SIGINT and SIGTERM that only record the signal
 * and write the stop pipe, without SA_RESTART, so that a blocked system
 * call returns EINTR and the program looks.  The pipe (close-on-exec,
 * non-blocking) is made on the first call.  Returns 0, or -1 with errno
 * set.  Call it before starting threads or forking children.
 */
int stop_catch_signals(void);

/* The stop pipe's read end, for poll() or epoll, or -1 before
 * stop_catch_signals.  Never read it: it must stay readable. */
int stop_fd(void);

/* Ask for the stop from inside the program (a fatal error in one thread
 * or worker): every waiter on stop_fd wakes.  Async-signal-safe; does
 * not change stop_signal(). */
void stop_request(void);

/* The signal that asked this process to stop, or 0 while none has.
 * Thread-safe and async-signal-safe. */
int stop_signal(void);

/* Whether the stop pipe holds a request: a signal or stop_request() in
 * this process, or (through the inherited pipe) in the parent.  One
 * poll() with no wait. */
bool stop_posted(void);

#endif
