/*
 * heartbeat - the UDP heartbeat datagram: format and strict parse.
 *
 *     HEARTBEAT v=1 node=<name> inc=<incarnation> seq=<n> interval_ms=<ms> sent_ms=<unix ms>
 *
 * One datagram is one ASCII line of at most HB_MAX_LEN bytes (a final
 * "\n" or "\r\n" is allowed).  After the word HEARTBEAT come key=value
 * fields separated by blanks, in any order.  v, node, inc, seq,
 * interval_ms and sent_ms are required, each once; leaving=1 marks the
 * last heartbeat of a sender that was stopped; other keys are ignored
 * (a later version may add some), as long as they are key=value.
 *
 * Error dialect: pure functions, no I/O, no allocation.  A bad datagram
 * gives an enum heartbeat_error and the key it concerns; nothing here prints.
 */
#ifndef KIT_HEARTBEAT_H
#define KIT_HEARTBEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    HB_PORT = 5005,             /* the default UDP port */
    HB_MAX_LEN = 512,           /* bytes in one datagram, at most */
    HB_NAME_MAX = 64,           /* characters in a node name, at most */
    HB_MAX_INTERVAL_MS = 86400000,  /* a day */
};

struct heartbeat {
    char node[HB_NAME_MAX + 1]; /* [A-Za-z0-9._-]{1,64}, NUL-terminated */
    uint8_t node_len;
    bool leaving;               /* leaving=1: the sender is going away */
    uint64_t inc;               /* incarnation: fixed for one sender process */
    uint64_t seq;               /* 1, 2, 3...: one more per heartbeat */
    uint64_t interval_ms;       /* the sender's interval, 1..HB_MAX_INTERVAL_MS */
    uint64_t sent_ms;           /* the sender's wall clock: informational only */
};

/* Why a datagram is not a heartbeat, for counting and for messages. */
enum heartbeat_error {
    HB_OK,
    HB_EMPTY,           /* no bytes, or only the line end */
    HB_OVERSIZE,        /* more than HB_MAX_LEN bytes */
    HB_NOT_TEXT,        /* a byte that is not printable ASCII */
    HB_NOT_HEARTBEAT,   /* does not start with the word HEARTBEAT */
    HB_BAD_FIELD,       /* a field that is not key=value */
    HB_DUPLICATE,       /* a known key given twice */
    HB_MISSING,         /* a required key is absent */
    HB_BAD_VALUE,       /* a value out of its charset or range */
    HB_VERSION,         /* v is a number, but not 1 */
    HB_NERRORS
};

/*
 * Parse the 'len' bytes at 'buf' into *hb.  Returns HB_OK, or the error;
 * then *key (if not NULL) is the key concerned ("seq") or NULL.
 */
enum heartbeat_error heartbeat_parse(const char *buf, size_t len, struct heartbeat *hb,
                       const char **key);

/*
 * Format *hb, with "\n", into 'buf' of 'size' bytes.  Returns the length
 * without the NUL, or 0 if it did not fit (HB_MAX_LEN + 1 always does).
 */
size_t heartbeat_format(const struct heartbeat *hb, char *buf, size_t size);

/*
 * The reason as a short phrase, naming the key where there is one:
 * "bad value for seq", "missing node", "not a heartbeat".  Returns 'buf'.
 */
const char *heartbeat_error_str(enum heartbeat_error err, const char *key, char *buf,
                         size_t size);

/* The reason without its key ("bad value"), for per-reason counts. */
const char *heartbeat_error_name(enum heartbeat_error err);

/* Is 'name' ('len' bytes) a valid node name? */
bool heartbeat_valid_name(const char *name, size_t len);

#endif
