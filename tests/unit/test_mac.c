/* test_mac - keyed heartbeats: the worked example, key files, split, verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mac.h"
#include "tap.h"

/* The worked example of week3(7): key 00..1f, this line, this MAC. */
static const char example_line[] =
    "HEARTBEAT v=1 node=web-1 inc=1732412345678 seq=42 interval_ms=1000 sent_ms=1732412387000";
static const char example_mac[] =
    "a4e38dd6c176278848c73b4083c9a380763a6701593ffc62f7ed1894f67f532e";

static struct mac_ring ring;            /* the example's key, if built with libsodium */

static void example_ring(void)
{
    unsigned char key[MAC_KEY_BYTES];

    for (int i = 0; i < MAC_KEY_BYTES; i++)
        key[i] = (unsigned char)i;
    ring.n = 0;
    mac_ring_add(&ring, key);
}

/* A key file of 'mode' holding 'text'; its path (static). */
static const char *key_file(const char *text, mode_t mode)
{
    static char path[64];
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/test_mac.%d.key", (int)getpid());
    unlink(path);
    f = fopen(path, "w");
    if (f == NULL)
        return path;
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
    return path;
}

static void signs_the_worked_example_of_week3(void)
{
    char buf[256];
    size_t len;

    if (!mac_available()) {
        CHECK_INT(mac_sign(&ring.keys[0], buf, 0, sizeof(buf)), ==, 0);
        return;
    }
    snprintf(buf, sizeof(buf), "%s\n", example_line);
    len = mac_sign(&ring.keys[0], buf, strlen(buf), sizeof(buf));
    CHECK_INT(len, ==, strlen(example_line) + MAC_FIELD_LEN + 1);
    CHECK_INT(strncmp(buf, example_line, strlen(example_line)), ==, 0);
    CHECK_INT(strncmp(buf + strlen(example_line), " mac=", 5), ==, 0);
    CHECK_INT(strncmp(buf + strlen(example_line) + 5, example_mac, MAC_HEX), ==, 0);
    CHECK_INT(buf[len - 1], ==, '\n');
}

static void split_finds_the_final_field_only(void)
{
    unsigned char tag[MAC_BYTES];
    char buf[256];
    size_t n = 0;

    snprintf(buf, sizeof(buf), "%s mac=%s\n", example_line, example_mac);
    CHECK_INT(mac_split(buf, strlen(buf), &n, tag), ==, MAC_FIELD_OK);
    CHECK_INT(n, ==, strlen(example_line));
    CHECK_INT(mac_split(buf, strlen(buf) - 1, &n, tag), ==, MAC_FIELD_OK);
    CHECK_INT(mac_split(example_line, strlen(example_line), &n, tag), ==, MAC_FIELD_NONE);
    snprintf(buf, sizeof(buf), "%s mac=%.63s\n", example_line, example_mac);
    CHECK_INT(mac_split(buf, strlen(buf), &n, tag), ==, MAC_FIELD_BAD);
    snprintf(buf, sizeof(buf), "%s mac=%s0", example_line, example_mac);
    CHECK_INT(mac_split(buf, strlen(buf), &n, tag), ==, MAC_FIELD_BAD);
    snprintf(buf, sizeof(buf), "%s mac=%s\n\n", example_line, example_mac);
    CHECK_INT(mac_split(buf, strlen(buf), &n, tag), ==, MAC_FIELD_BAD);
    snprintf(buf, sizeof(buf), "%s mac=A4E38DD6C176278848C73B4083C9A380763A6701593FFC62F7ED1894F67F532E",
             example_line);
    CHECK_INT(mac_split(buf, strlen(buf), &n, tag), ==, MAC_FIELD_BAD);
    CHECK_INT(mac_split(" mac=", 5, &n, tag), ==, MAC_FIELD_BAD);
    CHECK_INT(mac_split("", 0, &n, tag), ==, MAC_FIELD_NONE);
}

static void verifies_with_any_key_of_the_ring_and_nothing_else(void)
{
    unsigned char tag[MAC_BYTES], other[MAC_KEY_BYTES] = { 7 };
    struct mac_ring two = ring;
    char buf[256];
    size_t n = 0, which = 9;

    snprintf(buf, sizeof(buf), "%s mac=%s", example_line, example_mac);
    CHECK_INT(mac_split(buf, strlen(buf), &n, tag), ==, MAC_FIELD_OK);
    if (!mac_available()) {
        CHECK(!mac_verify(&ring, buf, n, tag, &which));
        return;
    }
    CHECK(mac_verify(&ring, buf, n, tag, &which));
    CHECK_INT(which, ==, 0);
    CHECK(!mac_verify(&ring, buf, n - 1, tag, NULL));   /* a byte less */
    buf[20] ^= 1;
    CHECK(!mac_verify(&ring, buf, n, tag, NULL));       /* a byte changed */
    buf[20] ^= 1;
    tag[31] ^= 0x80;
    CHECK(!mac_verify(&ring, buf, n, tag, NULL));       /* a bit of the MAC */
    tag[31] ^= 0x80;
    two.n = 0;
    CHECK_INT(mac_ring_add(&two, other), ==, MAC_OK);
    CHECK(!mac_verify(&two, buf, n, tag, NULL));        /* another key */
    two.keys[1] = ring.keys[0];
    two.n = 2;
    CHECK(mac_verify(&two, buf, n, tag, &which));       /* a keyring */
    CHECK_INT(which, ==, 1);
}

static void loads_key_files_and_refuses_open_or_bad_ones(void)
{
    static const char k[] = "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F\n";
    struct mac_ring r = { .n = 0 };
    unsigned mode = 0;
    char two[200];

    if (!mac_available()) {
        CHECK_INT(mac_ring_load(&r, key_file(k, 0600), &mode), ==, MAC_NO_SODIUM);
        unlink(key_file("", 0600));
        return;
    }
    CHECK_INT(mac_ring_load(&r, key_file(k, 0600), &mode), ==, MAC_OK);
    CHECK_INT(r.n, ==, 1);
    CHECK_STR(r.keys[0].id, ring.keys[0].id);           /* upper case as lower */
    CHECK_INT(mac_ring_load(&r, key_file(k, 0640), &mode), ==, MAC_TOO_OPEN);
    CHECK_INT(mode, ==, 0640);
    CHECK_INT(mac_ring_load(&r, key_file(k, 0602), &mode), ==, MAC_TOO_OPEN);
    CHECK_INT(mac_ring_load(&r, key_file(k + 1, 0600), &mode), ==, MAC_BAD_KEY);
    CHECK_INT(mac_ring_load(&r, key_file("", 0600), &mode), ==, MAC_BAD_KEY);
    CHECK_INT(mac_ring_load(&r, key_file("00\n", 0600), &mode), ==, MAC_BAD_KEY);
    CHECK_INT(r.n, ==, 1);                              /* failures leave it be */
    snprintf(two, sizeof(two), "%s%.64s", k, k);         /* no final newline */
    CHECK_INT(mac_ring_load(&r, key_file(two, 0600), &mode), ==, MAC_OK);
    CHECK_INT(r.n, ==, 3);
    snprintf(two, sizeof(two), "%.64s\r\n%.64s\r\n", k, k);     /* CRLF, saved on Windows */
    CHECK_INT(mac_ring_load(&r, key_file(two, 0600), &mode), ==, MAC_OK);
    CHECK_INT(r.n, ==, 5);
    snprintf(two, sizeof(two), "%.64s\r\r\n", k);                /* one CR, no more */
    CHECK_INT(mac_ring_load(&r, key_file(two, 0600), &mode), ==, MAC_BAD_KEY);
    unlink(key_file("", 0600));
    CHECK_INT(mac_ring_load(&r, "/nonexistent/hb.key", &mode), ==, MAC_IO);
    CHECK_INT(mac_ring_load(&r, "/tmp", &mode), ==, MAC_NOT_FILE);
    CHECK_INT(mac_ring_load(&r, "/dev/zero", &mode), ==, MAC_NOT_FILE);
}

/* A FIFO is refused at once: opened to wait for a writer, it would hang. */
static void refuses_a_fifo_without_waiting(void)
{
    struct mac_ring r = { .n = 0 };
    char path[64];
    unsigned mode = 0;

    if (!mac_available())
        return;
    snprintf(path, sizeof(path), "/tmp/test_mac.%d.fifo", (int)getpid());
    unlink(path);
    CHECK_INT(mkfifo(path, 0600), ==, 0);
    alarm(5);                           /* a hang is a failure, not a stuck run */
    CHECK_INT(mac_ring_load(&r, path, &mode), ==, MAC_NOT_FILE);
    alarm(0);
    unlink(path);
}

static void explains_a_file_too_open_with_the_chmod(void)
{
    char buf[256];

    CHECK_STR(mac_explain(MAC_TOO_OPEN, "hb.key", 0644, 0, buf, sizeof(buf)),
              "hb.key: permissions 0644 are too open (group or others may read or write "
              "the key): run 'chmod 600 hb.key'");
    CHECK_STR(mac_explain(MAC_NO_SODIUM, "hb.key", 0, 0, buf, sizeof(buf)),
              "built without libsodium: apt-get install libsodium-dev");
}

static void generates_new_keys(void)
{
    char a[MAC_HEX + 2], b[MAC_HEX + 2];

    if (!mac_available()) {
        CHECK_INT(mac_generate(a), ==, MAC_NO_SODIUM);
        return;
    }
    CHECK_INT(mac_generate(a), ==, MAC_OK);
    CHECK_INT(mac_generate(b), ==, MAC_OK);
    CHECK_INT(strlen(a), ==, MAC_HEX + 1);
    CHECK_INT(strspn(a, "0123456789abcdef"), ==, MAC_HEX);
    CHECK_INT(a[MAC_HEX], ==, '\n');
    CHECK(strcmp(a, b) != 0);
}

int main(void)
{
    if (mac_init() == MAC_OK)
        example_ring();
    RUN_TEST(signs_the_worked_example_of_week3);
    RUN_TEST(split_finds_the_final_field_only);
    RUN_TEST(verifies_with_any_key_of_the_ring_and_nothing_else);
    RUN_TEST(loads_key_files_and_refuses_open_or_bad_ones);
    RUN_TEST(refuses_a_fifo_without_waiting);
    RUN_TEST(explains_a_file_too_open_with_the_chmod);
    RUN_TEST(generates_new_keys);
    return tap_done();
}
