/*
 * json - builds one JSON object per line, for scripts and graders.
 *
 * The writer appends to a growing buffer that the caller then writes
 * where it likes; nothing here prints.  Values are added with their
 * key inside an object (key NULL inside an array).  Numbers that may
 * pass 2^53 (sums, squares) go in as decimal strings so that no JSON
 * reader rounds them.  Not thread-safe: one writer per thread.
 *
 *     struct json j;
 *     json_init(&j);
 *     json_object_begin(&j, NULL);
 *     json_u64(&j, "count", 10);
 *     json_object_end(&j);
 *     if (json_finish(&j) == 0) fputs(j.buf, stdout);
 *     json_free(&j);
 */
#ifndef KIT_JSON_H
#define KIT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "u128.h"

struct json {
    char *buf;          /* the text so far, NUL-terminated */
    size_t len;         /* bytes in buf, without the NUL */
    size_t cap;         /* bytes allocated */
    bool need_comma;    /* a value was written at this nesting level */
    bool failed;        /* an allocation failed: the text is incomplete */
};

void json_init(struct json *j);
void json_free(struct json *j);
/* Start a new object in the same buffer (no allocation once it is big enough). */
void json_reset(struct json *j);
/*
 * Forget the text so far, which the caller has written out, but not
 * where we are in it: a long array can be streamed in pieces this way
 * instead of being built whole in memory.
 */
void json_drain(struct json *j);

void json_object_begin(struct json *j, const char *key);

/*
 * Start a line of the kit's JSON vocabulary: the object, then its
 * "event" ("summary", "listening", "dead", ...) and the "program" that
 * wrote it, which every line carries first, in that order.
 */
void json_event_begin(struct json *j, const char *event, const char *program);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);

void json_str(struct json *j, const char *key, const char *value);
void json_u64(struct json *j, const char *key, uint64_t value);
void json_i64(struct json *j, const char *key, int64_t value);
void json_bool(struct json *j, const char *key, bool value);
/* A finite double with up to 'decimals' digits after the point. */
void json_double(struct json *j, const char *key, double value, int decimals);
/* An exact 128-bit number, as a decimal string ("1234"). */
void json_u128(struct json *j, const char *key, u128 value);

/*
 * End the line with '\n'.  Returns 0, or -1 with errno ENOMEM if any
 * allocation failed on the way (then j->buf must not be used).
 */
int json_finish(struct json *j);

#endif
