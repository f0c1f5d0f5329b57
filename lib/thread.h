/*
 * thread - starting a thread that signals leave alone.
 *
 * A process-directed signal (Ctrl-C's SIGINT, SIGTERM) goes to any one
 * thread that does not block it.  The kit's programs want it in the
 * thread that waits for it, so every helper thread starts with all
 * signals blocked: the new thread inherits the creator's mask, which is
 * blocked around pthread_create and restored at once.  Thread-safe.
 */
#ifndef KIT_THREAD_H
#define KIT_THREAD_H

#include <pthread.h>

/*
 * pthread_create(t, attr, fn, arg) with every signal blocked in the new
 * thread.  'attr' may be NULL.  Returns 0 or pthread_create's error.
 */
int thread_start(pthread_t *t, const pthread_attr_t *attr,
                 void *(*fn)(void *), void *arg);

#endif
