/*
 * tap.h - a tiny TAP producer for the unit tests.
 *
 * Each test is a static void function registered with RUN_TEST(); its
 * name is the TAP description.  A failing CHECK prints file:line, the
 * expression and both values, and marks the current test failed.
 */
#ifndef KIT_TAP_H
#define KIT_TAP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed_tests, tap_current_failed;

#define CHECK_INT(a, op, b) do {                                          \
        long long a_ = (long long)(a), b_ = (long long)(b);               \
        if (!(a_ op b_)) {                                                \
            printf("#   %s:%d: %s %s %s (%lld vs %lld)\n", __FILE__,      \
                   __LINE__, #a, #op, #b, a_, b_);                        \
            tap_current_failed = 1;                                       \
        }                                                                 \
    } while (0)

#define CHECK_U64(a, op, b) do {                                          \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                  \
        if (!(a_ op b_)) {                                                \
            printf("#   %s:%d: %s %s %s (%" PRIu64 " vs %" PRIu64 ")\n",  \
                   __FILE__, __LINE__, #a, #op, #b, a_, b_);              \
            tap_current_failed = 1;                                       \
        }                                                                 \
    } while (0)

#define CHECK_STR(a, b) do {                                              \
        const char *a_ = (a), *b_ = (b);                                  \
        if (strcmp(a_, b_) != 0) {                                        \
            printf("#   %s:%d: %s == %s (\"%s\" vs \"%s\")\n", __FILE__,  \
                   __LINE__, #a, #b, a_, b_);                             \
            tap_current_failed = 1;                                       \
        }                                                                 \
    } while (0)

#define CHECK(cond) CHECK_INT(!!(cond), ==, 1)

#define RUN_TEST(fn) do {                                                 \
        tap_current_failed = 0;                                           \
        fn();                                                             \
        tap_count++;                                                      \
        tap_failed_tests += tap_current_failed;                           \
        printf("%s %d - %s\n", tap_current_failed ? "not ok" : "ok",      \
               tap_count, #fn);                                           \
        fflush(stdout);                                                   \
    } while (0)

/* A test that cannot run here, and why: reported as a TAP skip. */
#define SKIP_TEST(fn, why) do {                                           \
        tap_count++;                                                      \
        printf("ok %d - %s # SKIP %s\n", tap_count, #fn, (why));         \
        fflush(stdout);                                                   \
    } while (0)

/* Print the plan; the exit status for main(). */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed_tests ? 1 : 0;
}

#endif
