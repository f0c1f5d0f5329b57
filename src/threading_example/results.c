/* results - the shared list of squares, under one mutex. */
#include "results.h"

#include <errno.h>
#include <stdlib.h>

int results_init(struct results *r, size_t cap)
{
    int err;

    *r = (struct results){ .cap = cap };
    r->items = malloc((cap ? cap : 1) * sizeof(*r->items));
    if (r->items == NULL)
        return ENOMEM;
    err = pthread_mutex_init(&r->lock, NULL);
    if (err != 0)
        free(r->items);
    return err;
}

void results_destroy(struct results *r)
{
    pthread_mutex_destroy(&r->lock);
    free(r->items);
}

void results_append(struct results *r, const uint64_t *squares, size_t n,
                    bool locked)
{
    if (locked)
        pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < n && r->len < r->cap; i++)
        r->items[r->len++] = squares[i];    /* read len, write, bump: 3 steps */
    if (locked)
        pthread_mutex_unlock(&r->lock);
}

u128 results_sum(const struct results *r)
{
    u128 sum = 0;

    for (size_t i = 0; i < r->len; i++)
        sum += r->items[i];
    return sum;
}
