/* deadlines - many deadlines, the earliest first: a binary min-heap. */
#include "deadlines.h"

#include <errno.h>
#include <stdlib.h>

void deadlines_init(struct deadlines *t)
{
    t->v = NULL;
    t->n = t->cap = 0;
}

void deadlines_free(struct deadlines *t)
{
    free(t->v);
    deadlines_init(t);
}

static void sift_up(struct deadlines *t, size_t i)
{
    struct deadline x = t->v[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (t->v[parent].when <= x.when)
            break;
        t->v[i] = t->v[parent];
        i = parent;
    }
    t->v[i] = x;
}

static void sift_down(struct deadlines *t, size_t i)
{
    struct deadline x = t->v[i];

    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= t->n)
            break;
        if (child + 1 < t->n && t->v[child + 1].when < t->v[child].when)
            child++;
        if (x.when <= t->v[child].when)
            break;
        t->v[i] = t->v[child];
        i = child;
    }
    t->v[i] = x;
}

int deadlines_add(struct deadlines *t, uint64_t when, uint32_t id)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct deadline *v = realloc(t->v, cap * sizeof(*v));

        if (v == NULL) {
            errno = ENOMEM;
            return -1;
        }
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n] = (struct deadline){ .when = when, .id = id };
    sift_up(t, t->n++);
    return 0;
}

void deadlines_pop(struct deadlines *t)
{
    t->v[0] = t->v[--t->n];
    if (t->n > 0)
        sift_down(t, 0);
}

void deadlines_move_first(struct deadlines *t, uint64_t when)
{
    t->v[0].when = when;
    sift_down(t, 0);
}
