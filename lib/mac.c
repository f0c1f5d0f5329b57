/* mac - keyed heartbeats: key files, and HMAC-SHA-256 by libsodium. */
#include "mac.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef KIT_HAVE_SODIUM
#include <sodium.h>

_Static_assert(sizeof(crypto_auth_hmacsha256_state) <= sizeof(((struct mac_key *)0)->state),
               "room for libsodium's HMAC state");
#endif

enum { KEY_FILE_MAX = MAC_RING_MAX * (MAC_HEX + 2) };  /* bytes read, at most */

static const char field[] = " mac=";

bool mac_available(void)
{
#ifdef KIT_HAVE_SODIUM
    return true;
#else
    return false;
#endif
}

enum mac_result mac_init(void)
{
#ifdef KIT_HAVE_SODIUM
    return sodium_init() < 0 ? MAC_NO_SODIUM : MAC_OK;
#else
    return MAC_NO_SODIUM;
#endif
}

const char *mac_result_str(enum mac_result r)
{
    switch (r) {
    case MAC_OK:        return "ok";
    case MAC_IO:        return "cannot read it";
    case MAC_TOO_OPEN:  return "permissions are too open";
    case MAC_NOT_FILE:  return "not a regular file";
    case MAC_BAD_KEY:   return "not a key (each line 64 hex digits: 32 bytes)";
    case MAC_TOO_MANY:  return "too many keys (16 at most)";
    case MAC_NO_SODIUM: return "built without libsodium";
    }
    return "unknown";
}

const char *mac_explain(enum mac_result r, const char *path, unsigned mode, int err,
                        char *buf, size_t size)
{
    if (r == MAC_TOO_OPEN)
        snprintf(buf, size, "%s: permissions %04o are too open (group or others may "
                 "read or write the key): run 'chmod 600 %s'", path, mode, path);
    else if (r == MAC_IO)
        snprintf(buf, size, "%s: %s", path, strerror(err));
    else if (r == MAC_NO_SODIUM)
        snprintf(buf, size, "built without libsodium: apt-get install libsodium-dev");
    else
        snprintf(buf, size, "%s: %s", path, mac_result_str(r));
    return buf;
}

static bool is_hex(char c, bool upper_too)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (upper_too && c >= 'A' && c <= 'F');
}

/* 'n' hex digits (lower case only unless 'upper_too') into n/2 bytes. */
static bool from_hex(const char *hex, size_t n, unsigned char *out, bool upper_too)
{
    for (size_t i = 0; i < n; i++)
        if (!is_hex(hex[i], upper_too))
            return false;
#ifdef KIT_HAVE_SODIUM
    return sodium_hex2bin(out, n / 2, hex, n, NULL, NULL, NULL) == 0;
#else
    memset(out, 0, n / 2);
    return true;
#endif
}

enum mac_result mac_ring_add(struct mac_ring *ring, const unsigned char key[MAC_KEY_BYTES])
{
#ifdef KIT_HAVE_SODIUM
    crypto_auth_hmacsha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    struct mac_key *k;

    if (ring->n >= MAC_RING_MAX)
        return MAC_TOO_MANY;
    k = &ring->keys[ring->n++];
    /* Speed only: the key's HMAC state is made once, then copied per datagram. */
    crypto_auth_hmacsha256_init(&st, key, MAC_KEY_BYTES);
    memcpy(k->state, &st, sizeof(st));
    sodium_memzero(&st, sizeof(st));
    /* A key's id may be shown: a hash of it gives the key away no more than the MAC does. */
    crypto_hash_sha256(digest, key, MAC_KEY_BYTES);
    sodium_bin2hex(k->id, sizeof(k->id), digest, MAC_ID_LEN / 2);
    return MAC_OK;
#else
    (void)ring;
    (void)key;
    return MAC_NO_SODIUM;
#endif
}

enum mac_result mac_ring_parse(struct mac_ring *ring, const char *text, size_t len)
{
    struct mac_ring was = *ring;
    size_t at = 0;

    if (len == 0)
        return MAC_BAD_KEY;
    while (at < len) {
        unsigned char key[MAC_KEY_BYTES];
        const char *nl = memchr(text + at, '\n', len - at);
        size_t line = nl ? (size_t)(nl - text) - at : len - at;
        /* CRLF too, as every line of week3(7) may end (a file saved on Windows). */
        size_t digits = line > 0 && text[at + line - 1] == '\r' ? line - 1 : line;
        enum mac_result r = MAC_BAD_KEY;

        if (digits == MAC_HEX && from_hex(text + at, MAC_HEX, key, true))
            r = mac_ring_add(ring, key);
        memset(key, 0, sizeof(key));
        if (r != MAC_OK) {
            *ring = was;
            return r;
        }
        at += line + 1;
    }
    return MAC_OK;
}

enum mac_result mac_ring_load(struct mac_ring *ring, const char *path, unsigned *mode)
{
    char text[KEY_FILE_MAX + 1];
    struct stat st;
    ssize_t n;
    size_t len = 0;
    enum mac_result r = MAC_IO;
    int fd;

    if (!mac_available())
        return MAC_NO_SODIUM;
    /* O_NONBLOCK: a FIFO would wait for a writer, for ever; fstat then refuses it. */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0)
        return MAC_IO;
    if (fstat(fd, &st) != 0)            /* of what we opened: no race with a rename */
        goto out_close;
    if (mode != NULL)
        *mode = st.st_mode & 07777;
    r = !S_ISREG(st.st_mode) ? MAC_NOT_FILE : (st.st_mode & 077) ? MAC_TOO_OPEN : MAC_OK;
    while (r == MAC_OK && len < sizeof(text) &&
           ((n = read(fd, text + len, sizeof(text) - len)) != 0)) {
        if (n < 0 && errno != EINTR)
            r = MAC_IO;
        else if (n > 0)
            len += (size_t)n;
    }
    if (r == MAC_OK)
        r = len > KEY_FILE_MAX ? MAC_TOO_MANY : mac_ring_parse(ring, text, len);
    memset(text, 0, sizeof(text));
out_close:
    close(fd);
    return r;
}

enum mac_result mac_generate(char hex[MAC_HEX + 2])
{
#ifdef KIT_HAVE_SODIUM
    unsigned char key[MAC_KEY_BYTES];

    if (mac_init() != MAC_OK)
        return MAC_NO_SODIUM;
    randombytes_buf(key, sizeof(key));
    sodium_bin2hex(hex, MAC_HEX + 1, key, sizeof(key));
    sodium_memzero(key, sizeof(key));
    hex[MAC_HEX] = '\n';
    hex[MAC_HEX + 1] = '\0';
    return MAC_OK;
#else
    hex[0] = '\0';
    return MAC_NO_SODIUM;
#endif
}

/* The MAC of 'len' bytes at 'msg' under 'key'. */
static void compute(const struct mac_key *key, const char *msg, size_t len,
                    unsigned char out[MAC_BYTES])
{
#ifdef KIT_HAVE_SODIUM
    crypto_auth_hmacsha256_state st;

    memcpy(&st, key->state, sizeof(st));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
    crypto_auth_hmacsha256_final(&st, out);
#else
    (void)key;
    (void)msg;
    (void)len;
    memset(out, 0, MAC_BYTES);
#endif
}

size_t mac_sign(const struct mac_key *key, char *buf, size_t len, size_t size)
{
    unsigned char tag[MAC_BYTES];
    bool nl = len > 0 && buf[len - 1] == '\n';

    if (!mac_available())
        return 0;
    len -= nl;
    if (len + MAC_FIELD_LEN + nl + 1 > size)
        return 0;
    compute(key, buf, len, tag);
    memcpy(buf + len, field, sizeof(field) - 1);
    len += sizeof(field) - 1;
#ifdef KIT_HAVE_SODIUM
    sodium_bin2hex(buf + len, MAC_HEX + 1, tag, sizeof(tag));
#endif
    len += MAC_HEX;
    if (nl)
        buf[len++] = '\n';
    buf[len] = '\0';
    return len;
}

enum mac_field mac_split(const char *buf, size_t len, size_t *signed_len,
                         unsigned char tag[MAC_BYTES])
{
    size_t f = sizeof(field) - 1;

    if (len > 0 && buf[len - 1] == '\n')
        len--;
    if (len >= MAC_FIELD_LEN && memcmp(buf + len - MAC_FIELD_LEN, field, f) == 0 &&
        from_hex(buf + len - MAC_HEX, MAC_HEX, tag, false)) {
        *signed_len = len - MAC_FIELD_LEN;
        return MAC_FIELD_OK;
    }
    return memmem(buf, len, field, f) != NULL ? MAC_FIELD_BAD : MAC_FIELD_NONE;
}

bool mac_verify(const struct mac_ring *ring, const char *msg, size_t len,
                const unsigned char tag[MAC_BYTES], size_t *which)
{
#ifdef KIT_HAVE_SODIUM
    unsigned char want[MAC_BYTES];

    for (size_t i = 0; i < ring->n; i++) {
        compute(&ring->keys[i], msg, len, want);
        /* In constant time: how many leading bytes matched must not leak. */
        if (crypto_verify_32(want, tag) == 0) {
            if (which != NULL)
                *which = i;
            return true;
        }
    }
#else
    (void)ring;
    (void)msg;
    (void)len;
    (void)tag;
    (void)which;
#endif
    return false;
}
