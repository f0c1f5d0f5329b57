/*
 * summary - the final report of ipc_multiprocess, in text or JSON, shared
 * by the whole program and by '--stage store'.
 */
#ifndef KIT_SUMMARY_H
#define KIT_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc_multiprocess.h"

struct ipc_result {
    uint64_t count;             /* numbers asked for */
    unsigned workers;
    unsigned batch;
    bool have_report;           /* the storage lived to send its report */
    struct storage_report rep;
    double seconds;
};

/*
 * Whether every number that was generated came back squared, and the
 * sum equals the closed form.  A run stopped by SIGINT is OK when what
 * it did generate all came back.
 */
bool summary_ok(const struct ipc_result *r);

/* Print the summary on stdout: an aligned block, or one JSON line. */
void summary_print(const struct ipc_result *r, bool json);

#endif
