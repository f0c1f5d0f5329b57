/*
 * fuzz_mac - the keyed receiver's first look at any datagram: the MAC
 * found at its end, and verified.  Any bytes, signed or not: a split
 * never reads past the datagram, a MAC verifies only the bytes it was
 * made for, and signing then splitting gives back the bytes signed.
 */
#include <string.h>

#include "fuzz.h"
#include "heartbeat.h"
#include "mac.h"

static struct mac_ring ring;

static void init_ring(void)
{
    unsigned char key[MAC_KEY_BYTES];

    for (int i = 0; i < MAC_KEY_BYTES; i++)
        key[i] = (unsigned char)i;
    FUZZ_CHECK(mac_init() == MAC_OK && mac_ring_add(&ring, key) == MAC_OK);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *in = (const char *)data;
    unsigned char tag[MAC_BYTES];
    char buf[HB_MAX_LEN + MAC_FIELD_LEN + 2];
    size_t n = 0, len;

    if (!mac_available())
        return 0;
    if (ring.n == 0)
        init_ring();
    /* 1. As it came: what the receiver does with it. */
    if (mac_split(in, size, &n, tag) == MAC_FIELD_OK) {
        FUZZ_CHECK(n + MAC_FIELD_LEN <= size);
        (void)mac_verify(&ring, in, n, tag, NULL);
    }
    /* 2. Signed (as a sender would): the split gives the bytes back, and
     *    it verifies; one bit changed anywhere, it does not. */
    if (size > HB_MAX_LEN)
        return 0;
    memcpy(buf, data, size);
    len = mac_sign(&ring.keys[0], buf, size, sizeof(buf));
    FUZZ_CHECK(len > 0);
    FUZZ_CHECK(mac_split(buf, len, &n, tag) == MAC_FIELD_OK);
    FUZZ_CHECK(n == size - (size > 0 && data[size - 1] == '\n'));
    FUZZ_CHECK(memcmp(buf, data, n) == 0);
    FUZZ_CHECK(mac_verify(&ring, buf, n, tag, NULL));
    if (n > 0) {
        buf[data[0] % n] ^= 1;
        FUZZ_CHECK(!mac_verify(&ring, buf, n, tag, NULL));
    }
    return 0;
}
