/* thread - starting a thread that signals leave alone. */
#include "thread.h"

#include <signal.h>

int thread_start(pthread_t *t, const pthread_attr_t *attr,
                 void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    int err;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);     /* the new thread inherits this */
    err = pthread_create(t, attr, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return err;
}
