/* proto - the squares protocol: parse a request line, format its reply; no I/O. */
#include "proto.h"

#include <string.h>

#include "opt.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

enum proto_request proto_parse(const char *line, size_t len, int64_t *value)
{
    size_t start = 0;

    while (len > 0 && is_blank(line[len - 1]))
        len--;
    while (start < len && is_blank(line[start]))
        start++;
    line += start;
    len -= start;
    if (len == 0)
        return PROTO_ERR_EMPTY;
    if (len == 4 && memcmp(line, "QUIT", 4) == 0)
        return PROTO_QUIT;
    if (line[0] == '+') {                       /* an optional sign: either */
        line++;
        len--;
        if (len == 0 || line[0] == '-')
            return PROTO_ERR_NOT_INTEGER;
    }
    switch (opt_parse_i64n(line, len, INT64_MIN, INT64_MAX, value)) {
    case OPT_OK:
        return PROTO_NUMBER;
    case OPT_RANGE:
        return PROTO_ERR_RANGE;
    default:
        return PROTO_ERR_NOT_INTEGER;
    }
}

u128 proto_square(int64_t value)
{
    /* |INT64_MIN| does not fit in int64_t, but does in uint64_t. */
    uint64_t mag = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;

    return (u128)mag * mag;
}

static size_t copy(char *buf, const char *text)
{
    size_t n = strlen(text);

    memcpy(buf, text, n);
    return n;
}

size_t proto_format_reply(enum proto_request req, int64_t value, char *buf)
{
    size_t n;

    switch (req) {
    case PROTO_NUMBER:
        n = u128_format(proto_square(value), buf);
        break;
    case PROTO_QUIT:
        n = copy(buf, "BYE");
        break;
    case PROTO_ERR_EMPTY:
        n = copy(buf, "ERR empty request");
        break;
    case PROTO_ERR_RANGE:
        n = copy(buf, "ERR out of range");
        break;
    case PROTO_ERR_TOO_LONG:
        n = copy(buf, "ERR line too long");
        break;
    default:
        n = copy(buf, "ERR not an integer");
        break;
    }
    buf[n++] = '\n';
    return n;
}
