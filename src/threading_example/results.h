/*
 * results - the one list of squares that every consumer appends to.
 *
 * One mutex guards it.  The space for every result is reserved up
 * front, so that an append never moves the list: that keeps the
 * deliberately racy mode of threading_example from crashing, so that
 * what it shows is lost results, not a segfault.
 * Error dialect: thread-shaped (init returns an error number).
 */
#ifndef KIT_RESULTS_H
#define KIT_RESULTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "u128.h"

struct results {
    pthread_mutex_t lock;       /* guards items and len */
    uint64_t *items;            /* squares, in the order they were stored */
    size_t len;
    size_t cap;                 /* reserved; appends past it are dropped */
};

/* Reserve room for 'cap' results.  Returns 0 or an error number. */
int results_init(struct results *r, size_t cap);
void results_destroy(struct results *r);

/*
 * Append 'n' squares under the lock.  With locked = false it skips the
 * lock: two threads then read the same len and overwrite each other's
 * slot.  That is a data race, wrong on purpose, for --racy only.
 */
void results_append(struct results *r, const uint64_t *squares, size_t n,
                    bool locked);

/* How many squares are stored so far (under the lock): for a progress line. */
size_t results_count(struct results *r);

/* The sum of every stored square.  Call once the appending threads are joined. */
u128 results_sum(const struct results *r);

#endif
