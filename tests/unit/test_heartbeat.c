/* test_heartbeat - the heartbeat datagram: every field, every refusal. */
#include <stdint.h>
#include <string.h>

#include "heartbeat.h"
#include "tap.h"

static const char good[] =
    "HEARTBEAT v=1 node=web-1.example_A inc=1732412345678 seq=42 interval_ms=1000 sent_ms=1732412387000\n";

static enum heartbeat_error parse(const char *s, struct heartbeat *hb, const char **key)
{
    return heartbeat_parse(s, strlen(s), hb, key);
}

/* The reason text for a datagram, as the receiver reports it. */
static const char *reason(const char *s)
{
    static char buf[64];
    struct heartbeat hb;
    const char *key;
    enum heartbeat_error e = parse(s, &hb, &key);

    return heartbeat_error_str(e, key, buf, sizeof(buf));
}

static void parses_every_field(void)
{
    struct heartbeat hb;
    const char *key = "x";

    CHECK_INT(parse(good, &hb, &key), ==, HB_OK);
    CHECK(key == NULL);
    CHECK_STR(hb.node, "web-1.example_A");
    CHECK_INT(hb.node_len, ==, 15);
    CHECK_U64(hb.inc, ==, 1732412345678ULL);
    CHECK_U64(hb.seq, ==, 42);
    CHECK_U64(hb.interval_ms, ==, 1000);
    CHECK_U64(hb.sent_ms, ==, 1732412387000ULL);
    CHECK(!hb.leaving);
}

static void format_then_parse_is_the_identity(void)
{
    struct heartbeat a = { .inc = UINT64_MAX, .seq = UINT64_MAX,
                           .interval_ms = HB_MAX_INTERVAL_MS, .sent_ms = 0,
                           .leaving = true }, b;
    char buf[HB_MAX_LEN + 1];
    size_t n;

    memset(a.node, 'z', HB_NAME_MAX);
    a.node[HB_NAME_MAX] = '\0';
    n = heartbeat_format(&a, buf, sizeof(buf));
    CHECK(n > 0 && n <= HB_MAX_LEN);
    CHECK_INT(buf[n - 1], ==, '\n');
    CHECK_INT(heartbeat_parse(buf, n, &b, NULL), ==, HB_OK);
    CHECK_STR(b.node, a.node);
    CHECK_U64(b.inc, ==, UINT64_MAX);
    CHECK_U64(b.seq, ==, UINT64_MAX);
    CHECK_U64(b.interval_ms, ==, HB_MAX_INTERVAL_MS);
    CHECK(b.leaving);
    CHECK_INT(heartbeat_format(&a, buf, 20), ==, 0);       /* does not fit: 0 */
}

static void formats_the_exact_bytes_of_the_spec(void)
{
    struct heartbeat hb = { .node = "n1", .node_len = 2, .inc = 7, .seq = 1,
                            .interval_ms = 1000, .sent_ms = 1700000000000ULL };
    char buf[HB_MAX_LEN + 1];

    heartbeat_format(&hb, buf, sizeof(buf));
    CHECK_STR(buf, "HEARTBEAT v=1 node=n1 inc=7 seq=1 interval_ms=1000 sent_ms=1700000000000\n");
    hb.leaving = true;
    heartbeat_format(&hb, buf, sizeof(buf));
    CHECK_STR(buf, "HEARTBEAT v=1 node=n1 inc=7 seq=1 interval_ms=1000 sent_ms=1700000000000 leaving=1\n");
}

static void accepts_any_order_crlf_no_newline_and_unknown_keys(void)
{
    struct heartbeat hb;

    CHECK_INT(parse("HEARTBEAT seq=3 sent_ms=5 interval_ms=10 inc=1 node=a v=1", &hb, NULL), ==, HB_OK);
    CHECK_U64(hb.seq, ==, 3);
    CHECK_INT(parse("HEARTBEAT v=1 node=a inc=1 seq=3 interval_ms=10 sent_ms=5\r\n", &hb, NULL), ==, HB_OK);
    CHECK_INT(parse("HEARTBEAT  v=1 node=a   inc=1 seq=3 interval_ms=10 sent_ms=5 ", &hb, NULL), ==, HB_OK);
    CHECK_INT(parse("HEARTBEAT v=1 zone=eu-west node=a inc=1 seq=3 interval_ms=10 sent_ms=5 x=", &hb, NULL),
              ==, HB_BAD_FIELD);        /* unknown keys still need a value */
    CHECK_INT(parse("HEARTBEAT v=1 zone=eu-west node=a inc=1 seq=3 interval_ms=10 sent_ms=5 load=0.5", &hb, NULL),
              ==, HB_OK);
    CHECK_INT(parse("HEARTBEAT v=1 node=a inc=1 seq=3 interval_ms=10 sent_ms=5 leaving=1", &hb, NULL), ==, HB_OK);
    CHECK(hb.leaving);
    CHECK_INT(parse("HEARTBEAT v=1 node=a inc=1 seq=3 interval_ms=10 sent_ms=5 leaving=0", &hb, NULL), ==, HB_OK);
    CHECK(!hb.leaving);
}

static void refuses_empty_binary_and_oversize(void)
{
    char big[HB_MAX_LEN + 2];
    struct heartbeat hb;

    CHECK_STR(reason(""), "empty");
    CHECK_STR(reason("\n"), "empty");
    CHECK_STR(reason("\r\n"), "empty");
    CHECK_INT(heartbeat_parse("HEARTBEAT\0v=1", 13, &hb, NULL), ==, HB_NOT_TEXT);
    CHECK_STR(reason("HEARTBEAT v=1 node=a\tinc=1"), "not text");
    CHECK_STR(reason("HEARTBEAT v=1 node=\xc3\xa9 inc=1"), "not text");
    CHECK_STR(reason("HEARTBEAT v=1\nnode=a"), "not text");        /* two lines */
    memset(big, 'x', sizeof(big));
    CHECK_INT(heartbeat_parse(big, HB_MAX_LEN + 1, &hb, NULL), ==, HB_OVERSIZE);
    CHECK_INT(heartbeat_parse(big, HB_MAX_LEN, &hb, NULL), ==, HB_NOT_HEARTBEAT);
}

static void refuses_other_messages(void)
{
    CHECK_STR(reason("hello"), "not a heartbeat");
    CHECK_STR(reason("heartbeat v=1 node=a inc=1 seq=1 interval_ms=1 sent_ms=1"), "not a heartbeat");
    CHECK_STR(reason("HEARTBEATS v=1"), "not a heartbeat");
    CHECK_STR(reason("HEARTBEAT"), "missing v");
    CHECK_STR(reason(" HEARTBEAT v=1"), "not a heartbeat");
}

static void refuses_fields_that_are_not_key_value(void)
{
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq seq=1 interval_ms=1 sent_ms=1"), "not key=value");
    CHECK_STR(reason("HEARTBEAT v=1 =a inc=1 seq=1 interval_ms=1 sent_ms=1"), "not key=value");
    CHECK_STR(reason("HEARTBEAT v=1 node= inc=1 seq=1 interval_ms=1 sent_ms=1"), "not key=value");
    CHECK_STR(reason("HEARTBEAT v=1 node = a"), "not key=value");
}

static void requires_each_known_key_once(void)
{
    CHECK_STR(reason("HEARTBEAT v=1 inc=1 seq=1 interval_ms=1 sent_ms=1"), "missing node");
    CHECK_STR(reason("HEARTBEAT v=1 node=a seq=1 interval_ms=1 sent_ms=1"), "missing inc");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 interval_ms=1 sent_ms=1"), "missing seq");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 sent_ms=1"), "missing interval_ms");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 interval_ms=1"), "missing sent_ms");
    CHECK_STR(reason("HEARTBEAT node=a inc=1 seq=1 interval_ms=1 sent_ms=1"), "missing v");
    CHECK_STR(reason("HEARTBEAT v=1 node=a node=b inc=1 seq=1 interval_ms=1 sent_ms=1"), "duplicate node");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 seq=2 interval_ms=1 sent_ms=1"), "duplicate seq");
}

static void checks_the_version(void)
{
    CHECK_STR(reason("HEARTBEAT v=2 node=a inc=1 seq=1 interval_ms=1 sent_ms=1"), "unsupported version");
    CHECK_STR(reason("HEARTBEAT v=one node=a inc=1 seq=1 interval_ms=1 sent_ms=1"), "bad value for v");
}

static void checks_the_node_name(void)
{
    char line[200], name[HB_NAME_MAX + 2];
    struct heartbeat hb;

    CHECK_STR(reason("HEARTBEAT v=1 node=a/b inc=1 seq=1 interval_ms=1 sent_ms=1"), "bad value for node");
    CHECK_STR(reason("HEARTBEAT v=1 node=a:b inc=1 seq=1 interval_ms=1 sent_ms=1"), "bad value for node");
    CHECK_STR(reason("HEARTBEAT v=1 node=\"a\" inc=1 seq=1 interval_ms=1 sent_ms=1"), "bad value for node");
    memset(name, 'n', sizeof(name));
    name[HB_NAME_MAX] = '\0';           /* 64 characters: the most */
    snprintf(line, sizeof(line), "HEARTBEAT v=1 node=%s inc=1 seq=1 interval_ms=1 sent_ms=1", name);
    CHECK_INT(parse(line, &hb, NULL), ==, HB_OK);
    name[HB_NAME_MAX] = 'n';            /* 65: one too many */
    name[HB_NAME_MAX + 1] = '\0';
    snprintf(line, sizeof(line), "HEARTBEAT v=1 node=%s inc=1 seq=1 interval_ms=1 sent_ms=1", name);
    CHECK_STR(reason(line), "bad value for node");
    CHECK(heartbeat_valid_name("A-z_0.9", 7));
    CHECK(!heartbeat_valid_name("", 0));
}

static void checks_numeric_ranges(void)
{
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=-1 interval_ms=1 sent_ms=1"), "bad value for seq");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=0 interval_ms=1 sent_ms=1"), "bad value for seq");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=18446744073709551616 interval_ms=1 sent_ms=1"),
              "bad value for seq");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=+5 interval_ms=1 sent_ms=1"), "bad value for seq");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=0x10 interval_ms=1 sent_ms=1"), "bad value for seq");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=-5 seq=1 interval_ms=1 sent_ms=1"), "bad value for inc");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 interval_ms=0 sent_ms=1"), "bad value for interval_ms");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 interval_ms=86400001 sent_ms=1"),
              "bad value for interval_ms");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 interval_ms=1 sent_ms=1.5"), "bad value for sent_ms");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 interval_ms=1 sent_ms=1 leaving=2"),
              "bad value for leaving");
    CHECK_STR(reason("HEARTBEAT v=1 node=a inc=1 seq=1 interval_ms=1 sent_ms=1 leaving=yes"),
              "bad value for leaving");
}

int main(void)
{
    RUN_TEST(parses_every_field);
    RUN_TEST(format_then_parse_is_the_identity);
    RUN_TEST(formats_the_exact_bytes_of_the_spec);
    RUN_TEST(accepts_any_order_crlf_no_newline_and_unknown_keys);
    RUN_TEST(refuses_empty_binary_and_oversize);
    RUN_TEST(refuses_other_messages);
    RUN_TEST(refuses_fields_that_are_not_key_value);
    RUN_TEST(requires_each_known_key_once);
    RUN_TEST(checks_the_version);
    RUN_TEST(checks_the_node_name);
    RUN_TEST(checks_numeric_ranges);
    return tap_done();
}
