/*
 * fuzz_opt - the strict option parsers against the C library's: every
 * string that opt_parse_u64/i64 accept is a plain decimal number that
 * strtoull/strtoll read to the same value within the range asked, and
 * every refusal is of the right kind.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "opt.h"

/* All digits, at least one. */
static bool digits(const char *s)
{
    return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static void check_u64(const char *s, uint64_t min, uint64_t max)
{
    uint64_t got = 0;
    enum opt_result r = opt_parse_u64(s, min, max, &got);
    unsigned long long want;

    if (*s == '\0') {
        FUZZ_CHECK(r == OPT_EMPTY);
        return;
    }
    if (s[0] == '-' && digits(s + 1)) {     /* a negative number: below any minimum */
        FUZZ_CHECK(r == (strspn(s + 1, "0") == strlen(s + 1) ? OPT_NOT_NUMBER : OPT_RANGE));
        return;
    }
    if (!digits(s)) {
        FUZZ_CHECK(r == OPT_NOT_NUMBER);
        return;
    }
    errno = 0;
    want = strtoull(s, NULL, 10);
    if (errno == ERANGE || want < min || want > max) {
        FUZZ_CHECK(r == OPT_RANGE);
        return;
    }
    FUZZ_CHECK(r == OPT_OK && got == want);
}

static void check_i64(const char *s, int64_t min, int64_t max)
{
    int64_t got = 0;
    enum opt_result r = opt_parse_i64(s, min, max, &got);
    long long want;

    if (*s == '\0') {
        FUZZ_CHECK(r == OPT_EMPTY);
        return;
    }
    if (!digits(s + (s[0] == '-'))) {
        FUZZ_CHECK(r == OPT_NOT_NUMBER);
        return;
    }
    errno = 0;
    want = strtoll(s, NULL, 10);
    if (errno == ERANGE || want < min || want > max) {
        FUZZ_CHECK(r == OPT_RANGE);
        return;
    }
    FUZZ_CHECK(r == OPT_OK && got == want);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    uint64_t a = 0, b = UINT64_MAX;
    char s[64];

    /* The first 16 bytes, when there are more, choose the range. */
    if (size > 16) {
        memcpy(&a, data, 8);
        memcpy(&b, data + 8, 8);
        data += 16;
        size -= 16;
    }
    if (size >= sizeof(s) || memchr(data, '\0', size) != NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    check_u64(s, a < b ? a : b, a < b ? b : a);
    check_u64(s, 0, UINT64_MAX);
    check_i64(s, (int64_t)a < (int64_t)b ? (int64_t)a : (int64_t)b,
              (int64_t)a < (int64_t)b ? (int64_t)b : (int64_t)a);
    check_i64(s, INT64_MIN, INT64_MAX);
    return 0;
}
