/*
 * report.h - verdicts for people (TAP, a table) and for graders
 * (Gradescope's results.json, JUnit XML).  See report.c.
 */
#ifndef GRADE_REPORT_H
#define GRADE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "grade.h"

/* A check as it ran: its weight (the default or --weights) and verdict. */
struct outcome {
    const struct check *check;
    double points;
    struct verdict verdict;
};

void report_tap_plan(FILE *to, size_t count);
/* "ok N - ID [TAG] TITLE (got/max)", then the log as "#" lines when the
 * check failed (always with 'verbose'). */
void report_tap_one(FILE *to, size_t number, const struct outcome *oc, bool verbose);
/* The closing table of points by category, as TAP comments. */
void report_table(FILE *to, const struct outcome *ocs, size_t count, const char *spec,
                  const char *profile);
/* Gradescope's results.json (its "output" says 'note' too, when not
 * NULL); JUnit XML.  Return 0, or -1 (errno set). */
int report_json(FILE *to, const struct outcome *ocs, size_t count, const char *spec,
                const char *profile, const char *note);
int report_junit(FILE *to, const struct outcome *ocs, size_t count, const char *spec,
                 const char *profile);

#endif
