/* json - one JSON object per line, built in a growing buffer. */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
    memset(j, 0, sizeof(*j));
}

void json_free(struct json *j)
{
    free(j->buf);
    json_init(j);
}

void json_reset(struct json *j)
{
    j->len = 0;
    if (j->buf != NULL)
        j->buf[0] = '\0';
    j->need_comma = false;
    j->failed = false;
}

void json_drain(struct json *j)
{
    j->len = 0;
    if (j->buf != NULL)
        j->buf[0] = '\0';
}

static void put(struct json *j, const char *s, size_t n)
{
    if (j->failed)
        return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 256;
        char *p;

        while (j->len + n + 1 > cap)
            cap *= 2;
        p = realloc(j->buf, cap);
        if (p == NULL) {
            j->failed = true;
            return;
        }
        j->buf = p;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void put_str(struct json *j, const char *s)
{
    put(j, s, strlen(s));
}

/*
 * The length of the well-formed UTF-8 sequence that starts at 's' (a
 * byte of 0x80 or more), or 0: no overlong forms, no surrogates, nothing
 * past U+10FFFF.  's' is NUL-terminated, so no read goes past its end.
 */
static size_t utf8_len(const unsigned char *s)
{
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;

    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

/*
 * A string literal with the escapes RFC 8259 requires; bytes that are
 * not UTF-8 (a client's input may hold any) become U+FFFD, so that every
 * line is valid JSON whatever the text.
 */
static void put_quoted(struct json *j, const char *s)
{
    put(j, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        size_t n;

        if (c >= 0x80) {
            if ((n = utf8_len((const unsigned char *)s)) == 0) {
                put_str(j, "\\ufffd");
            } else {
                put(j, s, n);
                s += n - 1;
            }
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(j, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            put_str(j, esc);
        } else {
            put(j, s, 1);
        }
    }
    put(j, "\"", 1);
}

/* The comma and the "key": that go before every value. */
static void put_key(struct json *j, const char *key)
{
    if (j->need_comma)
        put(j, ",", 1);
    if (key != NULL) {
        put_quoted(j, key);
        put(j, ":", 1);
    }
    j->need_comma = true;
}

void json_object_begin(struct json *j, const char *key)
{
    put_key(j, key);
    put(j, "{", 1);
    j->need_comma = false;
}

void json_event_begin(struct json *j, const char *event, const char *program)
{
    json_object_begin(j, NULL);
    json_str(j, "event", event);
    json_str(j, "program", program);
}

void json_object_end(struct json *j)
{
    put(j, "}", 1);
    j->need_comma = true;
}

void json_array_begin(struct json *j, const char *key)
{
    put_key(j, key);
    put(j, "[", 1);
    j->need_comma = false;
}

void json_array_end(struct json *j)
{
    put(j, "]", 1);
    j->need_comma = true;
}

void json_str(struct json *j, const char *key, const char *value)
{
    put_key(j, key);
    put_quoted(j, value);
}

void json_u64(struct json *j, const char *key, uint64_t value)
{
    char num[24];

    put_key(j, key);
    put(j, num, (size_t)snprintf(num, sizeof(num), "%" PRIu64, value));
}

void json_i64(struct json *j, const char *key, int64_t value)
{
    char num[24];

    put_key(j, key);
    put(j, num, (size_t)snprintf(num, sizeof(num), "%" PRId64, value));
}

void json_bool(struct json *j, const char *key, bool value)
{
    put_key(j, key);
    put_str(j, value ? "true" : "false");
}

void json_double(struct json *j, const char *key, double value, int decimals)
{
    char num[400];                      /* %f of 1e308 has 309 digits */
    int n;

    put_key(j, key);
    if (decimals < 0 || decimals > 9)
        decimals = 9;
    if (!isfinite(value)) {             /* JSON has no NaN or Infinity */
        put_str(j, "null");
        return;
    }
    n = snprintf(num, sizeof(num), "%.*f", decimals, value);
    put(j, num, n > 0 && (size_t)n < sizeof(num) ? (size_t)n : 0);
}

void json_u128(struct json *j, const char *key, u128 value)
{
    char num[U128_DEC_SIZE + 2];
    size_t n = u128_format(value, num + 1);

    num[0] = '"';
    num[n + 1] = '"';
    put_key(j, key);
    put(j, num, n + 2);
}

int json_finish(struct json *j)
{
    put(j, "\n", 1);
    if (j->failed) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}
