/*
 * fuzz_proto - the request parser and the reply formatter against a
 * plain reference: blanks around, an optional sign, decimal digits,
 * within 64 bits; the square's decimal digits exact; every reply one
 * line of at most PROTO_MAX_REPLY bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "proto.h"

static enum proto_request reference(const char *s, size_t len, long long *value)
{
    size_t a = 0, b = len;
    char text[PROTO_MAX_LINE + 2];

    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    if (a == b)
        return PROTO_ERR_EMPTY;
    if (b - a == 4 && memcmp(s + a, "QUIT", 4) == 0)
        return PROTO_QUIT;
    memcpy(text, s + a, b - a);
    text[b - a] = '\0';
    const char *d = text + (text[0] == '+' || text[0] == '-');

    if (*d == '\0' || strspn(d, "0123456789") != strlen(d))
        return PROTO_ERR_NOT_INTEGER;
    errno = 0;
    *value = strtoll(text, NULL, 10);
    return errno == ERANGE ? PROTO_ERR_RANGE : PROTO_NUMBER;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *line = (const char *)data;
    char reply[PROTO_MAX_REPLY + 1], want[64];
    long long ref_value = 0;
    int64_t value = 0;
    enum proto_request req, ref;
    size_t n;

    if (size > PROTO_MAX_LINE || memchr(data, '\n', size) != NULL)
        return 0;                       /* the line reader never passes these */
    req = proto_parse(line, size, &value);
    ref = memchr(data, '\0', size) ? req : reference(line, size, &ref_value);
    FUZZ_CHECK(req == ref);
    n = proto_format_reply(req, value, reply);
    FUZZ_CHECK(n >= 2 && n <= PROTO_MAX_REPLY && reply[n - 1] == '\n');
    FUZZ_CHECK(memchr(reply, '\n', n - 1) == NULL);
    if (req != PROTO_NUMBER || memchr(data, '\0', size))
        return 0;
    FUZZ_CHECK(value == ref_value);
    /* The square's digits, by the long multiplication of school. */
    unsigned long long mag = ref_value < 0 ? 0ULL - (unsigned long long)ref_value
                                           : (unsigned long long)ref_value;
    unsigned digits[40] = { 0 }, d[20], nd = 0;

    for (unsigned long long m = mag; m > 0; m /= 10)
        d[nd++] = (unsigned)(m % 10);
    for (unsigned i = 0; i < nd; i++) {
        unsigned carry = 0, j;

        for (j = 0; j < nd || carry; j++) {
            unsigned cur = digits[i + j] + carry + (j < nd ? d[i] * d[j] : 0);

            digits[i + j] = cur % 10;
            carry = cur / 10;
        }
    }
    int top = 39;

    while (top > 0 && digits[top] == 0)
        top--;
    for (int i = top, k = 0; i >= 0; i--)
        want[k++] = (char)('0' + digits[i]), want[k] = '\0';
    FUZZ_CHECK(n == strlen(want) + 1 && memcmp(reply, want, n - 1) == 0);
    return 0;
}
