/* results - the shared list of squares, under one mutex. */
#include "results.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

/*
 * The list is reserved whole, up front, and can be big (8 bytes a task).
 * Every fresh 4 KiB page costs a page fault on first touch; asking for
 * transparent huge pages makes that one fault per 2 MiB instead.  It is
 * only a hint: without THP the list simply uses small pages.
 */
static uint64_t *reserve(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

int results_init(struct results *r, size_t cap)
{
    int err;

    *r = (struct results){ .cap = cap };
    if (cap > SIZE_MAX / sizeof(*r->items) - 1)
        return ENOMEM;
    r->items = reserve((cap + 1) * sizeof(*r->items));
    if (r->items == NULL)
        return ENOMEM;
    err = pthread_mutex_init(&r->lock, NULL);
    if (err != 0)
        munmap(r->items, (cap + 1) * sizeof(*r->items));
    return err;
}

void results_destroy(struct results *r)
{
    pthread_mutex_destroy(&r->lock);
    munmap(r->items, (r->cap + 1) * sizeof(*r->items));
}

/*
 * --racy: the same three steps without the lock.  The yield between
 * reading len and writing it back lets another thread append in
 * between, as preemption would at the worst moment: the race that
 * strikes now and then on a real machine strikes on every run, so the
 * lesson does not depend on luck or on how busy the machine is.
 */
static void append_racy(struct results *r, const uint64_t *squares, size_t n)
{
    size_t len = r->len;                /* 1. read the shared length */

    sched_yield();                      /* another thread appends here... */
    for (size_t i = 0; i < n && len < r->cap; i++)
        r->items[len++] = squares[i];   /* 2. ...and we write over its squares */
    r->len = len;                       /* 3. and over its length: lost */
}

void results_append(struct results *r, const uint64_t *squares, size_t n,
                    bool locked)
{
    if (!locked) {
        append_racy(r, squares, n);
        return;
    }
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < n && r->len < r->cap; i++)
        r->items[r->len++] = squares[i];    /* read len, write, bump: 3 steps */
    pthread_mutex_unlock(&r->lock);
}

size_t results_count(struct results *r)
{
    size_t n;

    pthread_mutex_lock(&r->lock);
    n = r->len;
    pthread_mutex_unlock(&r->lock);
    return n;
}

u128 results_sum(const struct results *r)
{
    u128 sum = 0;

    for (size_t i = 0; i < r->len; i++)
        sum += r->items[i];
    return sum;
}
