/*
 * fuzz.h - what the libFuzzer targets share: a check that aborts with
 * the failed condition (libFuzzer then saves the input that did it).
 */
#ifndef KIT_FUZZ_H
#define KIT_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond) do {                                             \
        if (!(cond)) {                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                     \
            abort();                                                      \
        }                                                                 \
    } while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#endif
