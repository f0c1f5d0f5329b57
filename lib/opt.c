/* opt - strict decimal numbers for command-line options. */
#include "opt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * Accumulate the 'len' digits at 's' into *value.  Returns false if
 * there are none or one is not a digit; sets *overflow if the value
 * passed UINT64_MAX (the digits are still checked to the end, so that
 * "99999999999999999999x" is "not a number" rather than "out of range").
 */
static bool parse_digits(const char *s, size_t len, uint64_t *value,
                         bool *overflow)
{
    uint64_t v = 0;

    *overflow = false;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');

        if (d > 9)
            return false;
        if (v > (UINT64_MAX - d) / 10)
            *overflow = true;
        else
            v = v * 10 + d;
    }
    *value = v;
    return true;
}

enum opt_result opt_parse_u64n(const char *text, size_t len, uint64_t min,
                               uint64_t max, uint64_t *out)
{
    uint64_t v;
    bool overflow;

    if (len == 0)
        return OPT_EMPTY;
    if (*text == '-') {
        if (!parse_digits(text + 1, len - 1, &v, &overflow))
            return OPT_NOT_NUMBER;
        return (v == 0 && !overflow) ? OPT_NOT_NUMBER : OPT_RANGE;
    }
    if (!parse_digits(text, len, &v, &overflow))
        return OPT_NOT_NUMBER;
    if (overflow || v < min || v > max)
        return OPT_RANGE;
    *out = v;
    return OPT_OK;
}

enum opt_result opt_parse_u64(const char *text, uint64_t min, uint64_t max,
                              uint64_t *out)
{
    return opt_parse_u64n(text, text == NULL ? 0 : strlen(text), min, max, out);
}

enum opt_result opt_parse_i64n(const char *text, size_t len, int64_t min,
                               int64_t max, int64_t *out)
{
    bool negative = len > 0 && *text == '-';
    uint64_t mag;
    bool overflow;
    int64_t v;

    if (len == 0)
        return OPT_EMPTY;
    if (!parse_digits(text + negative, len - negative, &mag, &overflow))
        return OPT_NOT_NUMBER;
    if (overflow || mag > (uint64_t)INT64_MAX + negative)
        return OPT_RANGE;
    /* -2^63 has no positive twin: build negatives from -(mag - 1) - 1. */
    v = negative ? (mag == 0 ? 0 : -(int64_t)(mag - 1) - 1) : (int64_t)mag;
    if (v < min || v > max)
        return OPT_RANGE;
    *out = v;
    return OPT_OK;
}

enum opt_result opt_parse_i64(const char *text, int64_t min, int64_t max,
                              int64_t *out)
{
    return opt_parse_i64n(text, text ? strlen(text) : 0, min, max, out);
}

const char *opt_result_str(enum opt_result r)
{
    switch (r) {
    case OPT_OK:
        return "is fine";
    case OPT_EMPTY:
        return "is empty";
    case OPT_NOT_NUMBER:
        return "is not a number";
    case OPT_RANGE:
        return "is out of range";
    }
    return "is invalid";
}

enum opt_result opt_parse_decimal(const char *text, double min, double max,
                                  double *out)
{
    size_t i = 0, digits = 0;
    double v;

    if (text == NULL || *text == '\0')
        return OPT_EMPTY;
    if (text[0] == '-' && text[1] != '\0' && strspn(text + 1, "0123456789.") == strlen(text + 1))
        return OPT_RANGE;               /* a negative number: below any minimum here */
    for (; text[i] >= '0' && text[i] <= '9'; i++)
        digits++;
    if (text[i] == '.')
        for (i++; text[i] >= '0' && text[i] <= '9'; i++)
            digits++;
    if (digits == 0 || text[i] != '\0' || text[0] == '.' || text[i - 1] == '.')
        return OPT_NOT_NUMBER;
    v = strtod(text, NULL);             /* only digits and one point: always parses */
    if (v < min || v > max)
        return OPT_RANGE;
    *out = v;
    return OPT_OK;
}
