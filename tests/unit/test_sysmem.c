/*
 * test_sysmem - giving freed heap pages back to the system: it works
 * where glibc's malloc is the one in use, and many threads may ask at
 * once, even as a process's first call (glibc sets its malloc up then,
 * and under a sanitizer that set-up crashed when two threads raced it).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysmem.h"
#include "tap.h"

enum { THREADS = 4, CHILDREN = 60, BLOCKS = 2000, BLOCK = 8192 };

static long resident_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, pages = -1;

    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &size, &pages) != 2)
            pages = -1;
        fclose(f);
    }
    return pages < 0 ? -1 : pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* 16 MB in blocks malloc keeps in its heap, freed below a block that
 * stays: the heap cannot shrink from its top, only give pages back. */
static char *volatile pin;              /* kept, so malloc cannot drop it */

static void freed_pages_go_back(void)
{
    char **blocks = malloc(BLOCKS * sizeof(*blocks));
    long before, after;

    CHECK(blocks != NULL);
    if (blocks == NULL)
        return;
    for (int i = 0; i < BLOCKS; i++) {
        blocks[i] = malloc(BLOCK);
        CHECK(blocks[i] != NULL);
        for (int j = 0; blocks[i] != NULL && j < BLOCK; j += 512)
            ((volatile char *)blocks[i])[j] = 1;    /* written, so resident */
    }
    pin = malloc(64);
    for (int i = 0; i < BLOCKS; i++)
        free(blocks[i]);
    before = resident_kib();
    CHECK_INT(sysmem_trim(), ==, 1);
    after = resident_kib();
    CHECK(before > 0 && after > 0);
    CHECK_INT(before - after, >=, BLOCKS * (BLOCK / 1024) / 2);
    free(pin);
    free(blocks);
}

static pthread_barrier_t all_ready;

static void *trim_at_once(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&all_ready);
    sysmem_trim();
    return NULL;
}

/* In fresh processes (children), THREADS threads make the first call
 * together: every child lives to exit 0. */
static void threads_may_trim_at_once_as_the_first_call(void)
{
    int clean = 0;

    for (int k = 0; k < CHILDREN; k++) {
        pid_t pid = fork();
        int st = -1;

        if (pid == 0) {
            pthread_t t[THREADS];

            pthread_barrier_init(&all_ready, NULL, THREADS);
            for (int i = 0; i < THREADS; i++)
                if (pthread_create(&t[i], NULL, trim_at_once, NULL) != 0)
                    _exit(3);
            for (int i = 0; i < THREADS; i++)
                pthread_join(t[i], NULL);
            _exit(0);
        }
        if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
            clean++;
    }
    CHECK_INT(clean, ==, CHILDREN);
}

int main(void)
{
#ifdef SYSMEM_SANITIZER_MALLOC
    (void)freed_pages_go_back;
    SKIP_TEST(freed_pages_go_back, "malloc is the sanitizer's here: sysmem_trim does nothing");
#else
    RUN_TEST(freed_pages_go_back);
#endif
    RUN_TEST(threads_may_trim_at_once_as_the_first_call);
    return tap_done();
}
