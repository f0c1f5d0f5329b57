/* heartbeat - the UDP heartbeat datagram: format and strict parse. */
#include "heartbeat.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "opt.h"

/* The keys we know; each may appear once. */
enum key { K_V, K_NODE, K_INC, K_SEQ, K_INTERVAL, K_SENT, K_LEAVING, K_COUNT };

static const struct known {
    const char *name;
    bool required;
    uint64_t min, max;          /* for the numeric ones */
} known[K_COUNT] = {
    [K_V] = { "v", true, 0, UINT64_MAX },
    [K_NODE] = { "node", true, 0, 0 },
    [K_INC] = { "inc", true, 0, UINT64_MAX },
    [K_SEQ] = { "seq", true, 1, UINT64_MAX },
    [K_INTERVAL] = { "interval_ms", true, 1, HB_MAX_INTERVAL_MS },
    [K_SENT] = { "sent_ms", true, 0, UINT64_MAX },
    [K_LEAVING] = { "leaving", false, 0, 1 },
};

static const char *const error_names[HB_NERRORS] = {
    [HB_OK] = "ok",
    [HB_EMPTY] = "empty",
    [HB_OVERSIZE] = "oversize",
    [HB_NOT_TEXT] = "not text",
    [HB_NOT_HEARTBEAT] = "not a heartbeat",
    [HB_BAD_FIELD] = "not key=value",
    [HB_DUPLICATE] = "duplicate",
    [HB_MISSING] = "missing",
    [HB_BAD_VALUE] = "bad value",
    [HB_VERSION] = "unsupported version",
};

bool heartbeat_valid_name(const char *name, size_t len)
{
    if (len == 0 || len > HB_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static enum key find_key(const char *s, size_t len)
{
    for (int k = 0; k < K_COUNT; k++)
        if (known[k].name[0] == s[0] && strlen(known[k].name) == len &&
            memcmp(known[k].name, s, len) == 0)
            return (enum key)k;
    return K_COUNT;
}

/* Store one known field's value.  Returns HB_OK or HB_BAD_VALUE/HB_VERSION. */
static enum heartbeat_error store(struct heartbeat *hb, enum key k, const char *val,
                           size_t len)
{
    uint64_t v;

    if (k == K_NODE) {
        if (!heartbeat_valid_name(val, len))
            return HB_BAD_VALUE;
        memcpy(hb->node, val, len);
        hb->node[len] = '\0';
        hb->node_len = (uint8_t)len;
        return HB_OK;
    }
    if (opt_parse_u64n(val, len, known[k].min, known[k].max, &v) != OPT_OK)
        return HB_BAD_VALUE;
    switch (k) {
    case K_V:        return v == 1 ? HB_OK : HB_VERSION;
    case K_INC:      hb->inc = v; break;
    case K_SEQ:      hb->seq = v; break;
    case K_INTERVAL: hb->interval_ms = v; break;
    case K_SENT:     hb->sent_ms = v; break;
    case K_LEAVING:  hb->leaving = v == 1; break;
    default:         break;
    }
    return HB_OK;
}

/* The line without its end: printable ASCII starting with the word HEARTBEAT? */
static enum heartbeat_error check_line(const char *buf, size_t *len)
{
    static const char word[] = "HEARTBEAT";
    size_t n = *len, w = sizeof(word) - 1;

    if (n > HB_MAX_LEN)
        return HB_OVERSIZE;
    if (n > 0 && buf[n - 1] == '\n')
        n--;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    *len = n;
    if (n == 0)
        return HB_EMPTY;
    for (size_t i = 0; i < n; i++)
        if (buf[i] < 0x20 || buf[i] > 0x7e)
            return HB_NOT_TEXT;
    if (n < w || memcmp(buf, word, w) != 0 || (n > w && buf[w] != ' '))
        return HB_NOT_HEARTBEAT;
    return HB_OK;
}

/* One key=value field from 'field' to 'end'; *seen marks the keys had. */
static enum heartbeat_error take_field(struct heartbeat *hb, const char *field,
                                       const char *end, unsigned *seen, const char **key)
{
    const char *eq = memchr(field, '=', (size_t)(end - field));
    enum key k;

    if (eq == NULL || eq == field || eq + 1 == end)
        return HB_BAD_FIELD;
    k = find_key(field, (size_t)(eq - field));
    if (k == K_COUNT)
        return HB_OK;                   /* a key of a later version */
    *key = known[k].name;
    if (*seen & (1u << k))
        return HB_DUPLICATE;
    *seen |= 1u << k;
    return store(hb, k, eq + 1, (size_t)(end - eq - 1));
}

enum heartbeat_error heartbeat_parse(const char *buf, size_t len, struct heartbeat *hb,
                                     const char **key)
{
    const char *name = NULL, *p, *end;
    enum heartbeat_error err = check_line(buf, &len);
    unsigned seen = 0;

    memset(hb, 0, sizeof(*hb));
    p = buf + sizeof("HEARTBEAT") - 1;
    end = buf + len;
    while (err == HB_OK) {              /* blank-separated key=value fields */
        while (p < end && *p == ' ')
            p++;
        if (p == end)
            break;
        const char *field = p;

        while (p < end && *p != ' ')
            p++;
        err = take_field(hb, field, p, &seen, &name);
    }
    for (int k = 0; err == HB_OK && k < K_COUNT; k++)
        if (known[k].required && !(seen & (1u << k))) {
            name = known[k].name;
            err = HB_MISSING;
        }
    if (key != NULL)
        *key = err == HB_OK || err == HB_BAD_FIELD ? NULL : name;
    return err;
}

size_t heartbeat_format(const struct heartbeat *hb, char *buf, size_t size)
{
    int n = snprintf(buf, size,
                     "HEARTBEAT v=1 node=%s inc=%" PRIu64 " seq=%" PRIu64
                     " interval_ms=%" PRIu64 " sent_ms=%" PRIu64 "%s\n",
                     hb->node, hb->inc, hb->seq, hb->interval_ms, hb->sent_ms,
                     hb->leaving ? " leaving=1" : "");

    return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

const char *heartbeat_error_name(enum heartbeat_error err)
{
    return err < HB_NERRORS ? error_names[err] : "unknown";
}

const char *heartbeat_error_str(enum heartbeat_error err, const char *key, char *buf,
                         size_t size)
{
    if (key != NULL && err == HB_BAD_VALUE)
        snprintf(buf, size, "bad value for %s", key);
    else if (key != NULL && (err == HB_DUPLICATE || err == HB_MISSING))
        snprintf(buf, size, "%s %s", heartbeat_error_name(err), key);
    else
        snprintf(buf, size, "%s", heartbeat_error_name(err));
    return buf;
}
