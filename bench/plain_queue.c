/*
 * plain_queue - the baseline for threading_example: the textbook bounded
 * queue, lib/bqueue.c (one mutex, two condition variables, a signal on
 * every put and get), one item per call, one producer, CONSUMERS
 * consumers.  With 'store', the consumers also append each square to one
 * shared list under its own mutex, one lock per task, as the textbook
 * would.  threading_example differs by the counted queue
 * (lib/bqueue_counted.c), -k tasks per lock, and 64 appends per lock.
 *
 * Usage: plain_queue TASKS CONSUMERS CAPACITY [store]   (tasks/s as JSON)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bqueue.h"
#include "timing.h"

static struct bqueue queue;
static uint64_t tasks;
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *list;                  /* NULL unless 'store' */
static size_t list_len;

static void *produce(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; i <= tasks; i++)
        bqueue_put(&queue, i);
    bqueue_close(&queue);
    return NULL;
}

static void *consume(void *arg)
{
    uint64_t *sum = arg, x;

    while (bqueue_get(&queue, &x)) {
        *sum += x * x;
        if (list != NULL) {
            pthread_mutex_lock(&list_lock);
            list[list_len++] = x * x;
            pthread_mutex_unlock(&list_lock);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t prod, cons[64];
    uint64_t sums[64] = { 0 };
    int n;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: plain_queue TASKS CONSUMERS CAPACITY [store]\n");
        return 2;
    }
    tasks = strtoull(argv[1], NULL, 10);
    n = atoi(argv[2]);
    if (n < 1 || n > 64 || bqueue_init(&queue, strtoull(argv[3], NULL, 10)) != 0)
        return 2;
    if (argc == 5 && (list = malloc(tasks * sizeof(*list) + 1)) == NULL)
        return 2;
    uint64_t start = timing_now_ns();
    for (int i = 0; i < n; i++)
        pthread_create(&cons[i], NULL, consume, &sums[i]);
    pthread_create(&prod, NULL, produce, NULL);
    pthread_join(prod, NULL);
    for (int i = 0; i < n; i++)
        pthread_join(cons[i], NULL);
    double s = timing_seconds_since(start);
    printf("{\"tasks\":%llu,\"seconds\":%.6f,\"per_sec\":%.0f}\n",
           (unsigned long long)tasks, s, timing_rate(tasks, s));
    bqueue_destroy(&queue);
    free(list);
    return 0;
}
