/*
 * fuzz_heartbeat - the heartbeat parser on any datagram: it accepts
 * only what its own formatter could have written (format -> parse gives
 * the same fields back), and every refusal has a reason.
 */
#include <string.h>

#include "fuzz.h"
#include "heartbeat.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct heartbeat hb, back;
    const char *key = NULL;
    char buf[HB_MAX_LEN + 1], reason[96];
    enum heartbeat_error e = heartbeat_parse((const char *)data, size, &hb, &key);
    size_t n;

    if (e != HB_OK) {
        FUZZ_CHECK(heartbeat_error_str(e, key, reason, sizeof(reason)) != NULL);
        FUZZ_CHECK(heartbeat_error_name(e) != NULL);
        return 0;
    }
    FUZZ_CHECK(size <= HB_MAX_LEN);
    FUZZ_CHECK(heartbeat_valid_name(hb.node, hb.node_len) && strlen(hb.node) == hb.node_len);
    FUZZ_CHECK(hb.seq >= 1 && hb.interval_ms >= 1);
    n = heartbeat_format(&hb, buf, sizeof(buf));
    FUZZ_CHECK(n > 0 && n <= HB_MAX_LEN);
    FUZZ_CHECK(heartbeat_parse(buf, n, &back, &key) == HB_OK);
    FUZZ_CHECK(strcmp(back.node, hb.node) == 0 && back.node_len == hb.node_len &&
               back.leaving == hb.leaving && back.inc == hb.inc && back.seq == hb.seq &&
               back.interval_ms == hb.interval_ms && back.sent_ms == hb.sent_ms);
    return 0;
}
