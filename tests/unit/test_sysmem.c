/*
 * test_sysmem - giving freed heap pages back to the system: it works
 * where glibc's malloc is the one in use, a sanitizer's malloc is told
 * apart from it, and many threads may ask at once, even as a process's
 * first call (glibc sets its malloc up then, and under a sanitizer that
 * set-up crashed or hung when two threads raced it).
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
    int clean = 0, signalled = 0;

    for (int k = 0; k < CHILDREN; k++) {
        pid_t pid = fork();
        int st = -1;

        if (pid == 0) {
            pthread_t t[THREADS];

            alarm(10);                  /* a hang fails, and is counted */
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
        else if (pid > 0 && WIFSIGNALED(st))
            signalled++;
    }
    CHECK_INT(signalled, ==, 0);
    CHECK_INT(clean, ==, CHILDREN);
}

/* Built with ASan or TSan, whose malloc replaces glibc's? */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZER_MALLOC 1
#endif
#endif

/* There, malloc is told apart from glibc's, and nothing is trimmed. */
static void a_sanitizer_malloc_is_not_glibc(void)
{
    CHECK(!sysmem_malloc_is_glibc());
    CHECK_INT(sysmem_trim(), ==, 0);
}

int main(void)
{
    if (sysmem_malloc_is_glibc())
        RUN_TEST(freed_pages_go_back);
    else
        SKIP_TEST(freed_pages_go_back, "malloc is not glibc's here: sysmem_trim does nothing");
#ifdef SANITIZER_MALLOC
    RUN_TEST(a_sanitizer_malloc_is_not_glibc);
#else
    (void)a_sanitizer_malloc_is_not_glibc;
    SKIP_TEST(a_sanitizer_malloc_is_not_glibc, "not built with ASan or TSan");
#endif
    RUN_TEST(threads_may_trim_at_once_as_the_first_call);
    return tap_done();
}
