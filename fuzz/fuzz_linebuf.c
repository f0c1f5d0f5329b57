/*
 * fuzz_linebuf - the line splitter against a plain reference: any byte
 * stream, cut into reads of any sizes (chosen by the input), gives the
 * same lines and refusals as splitting the whole stream at once: a
 * line ends with "\n", "\r\n" or the end of the stream, one "\r" is
 * removed, a line over the limit is refused once and dropped.
 */
#include <string.h>

#include "fuzz.h"
#include "linebuf.h"

enum { MAX_LINE = 16, OUT_MAX = 1 << 16 };

struct out {
    char buf[OUT_MAX];
    size_t len;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n <= OUT_MAX) {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    }
}

static void put_line(struct out *o, const char *line, size_t len)
{
    put(o, "L", 1);
    put(o, (const char *)&len, sizeof(len));
    put(o, line, len);
}

/* The reference: the whole stream at once. */
static void reference(const char *s, size_t n, struct out *o)
{
    size_t start = 0;

    while (start < n) {
        const char *nl = memchr(s + start, '\n', n - start);
        size_t end = nl ? (size_t)(nl - s) : n, len = end - start;

        if (len > 0 && s[start + len - 1] == '\r')
            len--;
        if (len > MAX_LINE)
            put(o, "T", 1);
        else
            put_line(o, s + start, len);
        start = end + 1;
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static struct out want, got;
    const unsigned char *cuts;
    size_t ncuts, at = 0, k = 0;
    struct linebuf lb;
    const char *line;
    size_t len;
    enum linebuf_event ev;

    /* First byte: how many of the next bytes are read sizes. */
    if (size < 1)
        return 0;
    ncuts = data[0] % 16;
    if (size < 1 + ncuts)
        return 0;
    cuts = data + 1;
    data += 1 + ncuts;
    size -= 1 + ncuts;
    want.len = got.len = 0;
    reference((const char *)data, size, &want);
    if (linebuf_init(&lb, MAX_LINE, 8) != 0)
        return 0;
    for (;;) {
        size_t room, n;
        char *space = linebuf_space(&lb, &room);

        FUZZ_CHECK(room > 0);
        n = ncuts ? 1 + cuts[k++ % ncuts] % 24 : room;
        if (n > room)
            n = room;
        if (n > size - at)
            n = size - at;
        memcpy(space, data + at, n);
        linebuf_commit(&lb, n);
        at += n;
        if (at == size)
            linebuf_finish(&lb);
        while ((ev = linebuf_next(&lb, &line, &len)) != LINEBUF_MORE) {
            if (ev == LINEBUF_TOO_LONG) {
                put(&got, "T", 1);
            } else {
                FUZZ_CHECK(len <= MAX_LINE);
                put_line(&got, line, len);
            }
        }
        if (at == size)
            break;
    }
    linebuf_free(&lb);
    FUZZ_CHECK(got.len == want.len && memcmp(got.buf, want.buf, got.len) == 0);
    return 0;
}
