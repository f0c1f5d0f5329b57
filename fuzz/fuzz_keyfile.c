/*
 * fuzz_keyfile - the key file's parser (mac_ring_parse, what --key
 * reads): any bytes, into an empty ring, and (after a first byte that
 * says how many) into a ring already holding keys.  It takes exactly the texts a plain model takes (lines of 64 hex
 * digits, "\n" or "\r\n", the last line's end optional, at most the
 * ring's room), adds one key a line, the same keys as mac_ring_add of
 * the same bytes; the first failure in the file is the one said; on
 * any failure the ring is as it was.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "mac.h"

/* The model, line by line, the first failure winning: MAC_OK (then
 * *keys lines), MAC_BAD_KEY, or MAC_TOO_MANY past 'room' keys. */
static enum mac_result model(const char *text, size_t len, unsigned room, unsigned *keys)
{
    size_t at = 0;

    *keys = 0;
    if (len == 0)
        return MAC_BAD_KEY;
    while (at < len) {
        size_t end = at;

        while (end < len && text[end] != '\n')
            end++;
        size_t digits = end - at;
        if (digits > 0 && text[end - 1] == '\r')
            digits--;
        if (digits != MAC_HEX)
            return MAC_BAD_KEY;
        for (size_t i = at; i < at + MAC_HEX; i++)
            if (!isxdigit((unsigned char)text[i]))
                return MAC_BAD_KEY;
        if (++*keys > room)
            return MAC_TOO_MANY;
        at = end + 1;
    }
    return MAC_OK;
}

static int hexval(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *text = (const char *)data;
    static struct mac_ring ring, before, expect;
    static bool said;

    if (!mac_available() || mac_init() != MAC_OK) {
        if (!said)
            fprintf(stderr, "fuzz_keyfile: built without libsodium: nothing is tested\n");
        said = true;
        return 0;
    }
    /* Twice: all of it into an empty ring; then the rest, after a first
     * byte that says how many keys the ring holds already (0..16). */
    for (int pass = 0; pass < 2; pass++) {
        unsigned have = 0;
        unsigned char k[MAC_KEY_BYTES];

        if (pass == 1) {
            if (size == 0)
                break;
            have = data[0] % (MAC_RING_MAX + 1);
            text++;
            size--;
        }

        memset(&ring, 0, sizeof(ring));
        for (unsigned i = 0; i < have; i++) {
            memset(k, (int)i + 1, sizeof(k));
            FUZZ_CHECK(mac_ring_add(&ring, k) == MAC_OK);
        }
        before = ring;
        unsigned keys;
        enum mac_result want = model(text, size, MAC_RING_MAX - have, &keys);
        enum mac_result r = mac_ring_parse(&ring, text, size);

        FUZZ_CHECK(r == want);
        if (r == MAC_OK) {
            FUZZ_CHECK(ring.n == have + keys);
            /* The same keys as added by their bytes, line by line. */
            expect = before;
            for (size_t at = 0; at < size; ) {
                const char *nl = memchr(text + at, '\n', size - at);

                for (int i = 0; i < MAC_KEY_BYTES; i++)
                    k[i] = (unsigned char)(hexval(text[at + 2 * i]) << 4
                                           | hexval(text[at + 2 * i + 1]));
                FUZZ_CHECK(mac_ring_add(&expect, k) == MAC_OK);
                at = nl != NULL ? (size_t)(nl - text) + 1 : size;
            }
            FUZZ_CHECK(memcmp(&expect, &ring, sizeof(ring)) == 0);
        }
        if (r != MAC_OK)
            FUZZ_CHECK(memcmp(&before, &ring, sizeof(ring)) == 0);
    }
    return 0;
}
