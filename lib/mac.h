/*
 * mac - keyed heartbeats: the key files, and the HMAC-SHA-256 of a
 * datagram in its final " mac=" field, by libsodium.
 *
 *     HEARTBEAT v=1 node=web-1 ... sent_ms=1732412387000 mac=<64 hex digits>
 *
 * The MAC covers every byte of the datagram before " mac=" (the blank
 * excluded); it is written as 64 lower-case hex digits, which one "\n"
 * may follow, and nothing else.  A key is 32 bytes; a key file holds one
 * key as 64 hex digits on a line, or several, one a line (a keyring: the
 * first is the one a sender signs with, a receiver accepts any).
 *
 * Built without libsodium (KIT_HAVE_SODIUM undefined), mac_available()
 * is false and every function that needs it fails with MAC_NO_SODIUM or
 * returns false: nothing here does cryptography by hand.
 *
 * Error dialect: an enum mac_result; MAC_IO leaves errno set.  No
 * printing, no exit, no globals but libsodium's own (sodium_init is
 * thread-safe and may be called again).
 */
#ifndef KIT_MAC_H
#define KIT_MAC_H

#include <stdbool.h>
#include <stddef.h>

enum {
    MAC_KEY_BYTES = 32,         /* a key */
    MAC_BYTES = 32,             /* a MAC: HMAC-SHA-256 */
    MAC_HEX = 2 * MAC_BYTES,    /* its hex digits */
    MAC_FIELD_LEN = 5 + MAC_HEX,    /* " mac=" and the digits */
    MAC_RING_MAX = 16,          /* keys in a keyring, at most */
    MAC_ID_LEN = 8,             /* hex digits of a key's id */
};

/* One key, made ready to sign (its HMAC state after the key). */
struct mac_key {
    unsigned char state[208];   /* crypto_auth_hmacsha256_state, keyed */
    char id[MAC_ID_LEN + 1];    /* first digits of SHA-256(key): names it */
};

struct mac_ring {
    struct mac_key keys[MAC_RING_MAX];
    size_t n;
};

enum mac_result {
    MAC_OK,
    MAC_IO,             /* the file could not be opened or read (errno) */
    MAC_TOO_OPEN,       /* group or others may read or write it */
    MAC_NOT_FILE,       /* not a regular file */
    MAC_BAD_KEY,        /* a line that is not 64 hex digits, or no line */
    MAC_TOO_MANY,       /* more than MAC_RING_MAX keys */
    MAC_NO_SODIUM,      /* built without libsodium */
};

/* Whether the program was built with libsodium. */
bool mac_available(void);

/* Start libsodium.  MAC_OK, or MAC_NO_SODIUM (absent or failed). */
enum mac_result mac_init(void);

/* A phrase for a result: "permissions are too open", ... */
const char *mac_result_str(enum mac_result r);

/*
 * Read the key file 'path' and add its keys to 'ring'.  The file must be
 * a regular file (a FIFO, a device or a directory is MAC_NOT_FILE, at
 * once: nothing here waits) that neither group nor others may read or
 * write (mode 0600 or stricter, as ssh wants of a private key): else
 * MAC_TOO_OPEN, and *mode (if not NULL) holds its permission bits.  Each
 * line is 64 hex digits (either case) and a "\n" or "\r\n" (the last
 * line's optional).  On any failure 'ring' is as it was.  mac_init() first.
 */
enum mac_result mac_ring_load(struct mac_ring *ring, const char *path, unsigned *mode);

/*
 * The text of a key file, 'len' bytes at 'text' (not a string): each
 * line 64 hex digits (either case) and "\n" or "\r\n" (the last line's
 * optional), a key added to 'ring'.  MAC_OK; else the first failure in
 * the text: MAC_BAD_KEY (no line, or one that is not a key),
 * MAC_TOO_MANY (past MAC_RING_MAX keys), MAC_NO_SODIUM; on any failure
 * 'ring' is as it was.  mac_ring_load's parser; mac_init() first.
 */
enum mac_result mac_ring_parse(struct mac_ring *ring, const char *text, size_t len);

/* A new random key, as the 64 hex digits of a key file and "\n". */
enum mac_result mac_generate(char hex[MAC_HEX + 2]);

/*
 * Sign the datagram of 'len' bytes at 'buf' (one "\n" at its end is
 * taken off and put back after): append " mac=<hex>".  'size' must
 * leave room for MAC_FIELD_LEN more bytes and a NUL.  Returns the new
 * length, or 0 if it would not fit or without libsodium.
 */
size_t mac_sign(const struct mac_key *key, char *buf, size_t len, size_t size);

/* What the end of a datagram says of its MAC. */
enum mac_field {
    MAC_FIELD_OK,       /* " mac=" and 64 lower-case hex digits at the end */
    MAC_FIELD_NONE,     /* no "mac=" in it at all: unsigned */
    MAC_FIELD_BAD,      /* a "mac=" that is not that: short, long, upper case... */
};

/*
 * Find the MAC at the end of the datagram: on MAC_FIELD_OK, *signed_len
 * is the number of bytes it covers and tag[] its value.  Pure.
 */
enum mac_field mac_split(const char *buf, size_t len, size_t *signed_len,
                         unsigned char tag[MAC_BYTES]);

/*
 * Whether 'tag' is the MAC of the 'len' bytes at 'msg' under one of the
 * ring's keys (compared in constant time); then *which (if not NULL) is
 * its index.  False without libsodium or keys.
 */
bool mac_verify(const struct mac_ring *ring, const char *msg, size_t len,
                const unsigned char tag[MAC_BYTES], size_t *which);

/*
 * What went wrong with key file 'path', as one phrase for a message:
 * "hb.key: permissions 0644 are too open (...): run 'chmod 600 hb.key'".
 * 'mode' is what mac_ring_load gave, 'err' the errno after MAC_IO.
 * Returns 'buf'.
 */
const char *mac_explain(enum mac_result r, const char *path, unsigned mode, int err,
                        char *buf, size_t size);

/* Add one key, given as its 32 bytes (tests, fuzzing).  MAC_OK, or MAC_TOO_MANY. */
enum mac_result mac_ring_add(struct mac_ring *ring, const unsigned char key[MAC_KEY_BYTES]);

#endif
