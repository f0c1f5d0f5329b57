/*
 * opt - strict numbers for command-line options.
 *
 * Error dialect: pure parser, returns an enum opt_result.  The whole
 * string must be a plain decimal number: no blanks, no '+', no hex, no
 * exponent.  Nothing here prints or exits: the caller names the option.
 */
#ifndef KIT_OPT_H
#define KIT_OPT_H

#include <stddef.h>
#include <stdint.h>

enum opt_result {
    OPT_OK,
    OPT_EMPTY,          /* "" */
    OPT_NOT_NUMBER,     /* anything but decimal digits (and '-' for signed) */
    OPT_RANGE,          /* a number, but outside [min, max] */
};

/*
 * Parse 'text' as an unsigned decimal number in [min, max] into *out.
 * A leading '-' before digits other than zero is OPT_RANGE (the user
 * meant a negative number, which is below any unsigned minimum); "-0"
 * is OPT_NOT_NUMBER.  *out is written only on OPT_OK.
 */
enum opt_result opt_parse_u64(const char *text, uint64_t min, uint64_t max,
                              uint64_t *out);

/*
 * Like opt_parse_u64, for the 'len' bytes at 'text' (not NUL-terminated):
 * for numbers inside a larger buffer, such as a protocol line.
 */
enum opt_result opt_parse_u64n(const char *text, size_t len, uint64_t min,
                               uint64_t max, uint64_t *out);

/* Like opt_parse_u64, for a signed number with an optional '-'. */
enum opt_result opt_parse_i64(const char *text, int64_t min, int64_t max,
                              int64_t *out);

/*
 * Like opt_parse_i64, for the 'len' bytes at 'text' (not NUL-terminated):
 * for numbers inside a larger buffer, such as a protocol line.
 */
enum opt_result opt_parse_i64n(const char *text, size_t len, int64_t min,
                               int64_t max, int64_t *out);

/*
 * A decimal fraction such as "8", "0.5" or "12.25" in [min, max]: digits
 * with at most one point between digits (no sign, exponent or hex).
 */
enum opt_result opt_parse_decimal(const char *text, double min, double max,
                                  double *out);

/*
 * The fixed words for a result, to follow the quoted text in a
 * message: "is empty", "is not a number", "is out of range".
 */
const char *opt_result_str(enum opt_result r);

#endif
