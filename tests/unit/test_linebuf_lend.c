/* test_linebuf_lend - a line reader whose storage is lent while it is empty. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "tap.h"

enum { MAX_LINE = 6, READ_SIZE = 16 };  /* a read bigger than a line, as in tcp_server */

static void set_up_without_storage(void)
{
    struct linebuf lb;

    linebuf_init_detached(&lb, MAX_LINE, READ_SIZE);
    CHECK(lb.buf == NULL);
    CHECK_INT(lb.cap, ==, MAX_LINE + 2 + READ_SIZE);
    CHECK(linebuf_empty(&lb));
    CHECK(linebuf_detach(&lb) == NULL);
}

/*
 * A stream of lines (some too long), cut at every place, read as a
 * server does: read, take every line; then, whenever nothing is held,
 * give the storage back and take other storage (full of garbage) for
 * the next read.  The lines come out as from one buffer kept, and a
 * whole read always has room once the lines are taken.
 */
static void lines_survive_storage_changing_between_reads(void)
{
    char stream[2048], out[4096], want[4096];
    size_t len = 0, wlen = 0;
    unsigned seed = 1;

    for (int i = 0; len < sizeof(stream) - 64; i++) {
        int n = (int)((seed = seed * 1103515245 + 12345) >> 16) % 9;    /* 0..8: some too long */
        size_t at = len;

        for (int k = 0; k < n; k++)
            stream[len++] = (char)('a' + (i + k) % 26);
        stream[len++] = '\n';
        wlen += (size_t)(n > MAX_LINE ? sprintf(want + wlen, "<long>")
                                      : sprintf(want + wlen, "%.*s|", n, stream + at));
    }
    for (size_t step = 1; step <= READ_SIZE; step++) {
        char *storage[2] = { malloc(MAX_LINE + 2 + READ_SIZE), malloc(MAX_LINE + 2 + READ_SIZE) };
        struct linebuf lb;
        size_t fed = 0, olen = 0, room_short = 0;
        int lent = 0;

        linebuf_init_detached(&lb, MAX_LINE, READ_SIZE);
        while (fed < len) {
            size_t room, n = len - fed < step ? len - fed : step;
            const char *line;
            size_t ll;
            enum linebuf_event ev;
            char *space;

            if (lb.buf == NULL) {
                memset(storage[lent], 'X', MAX_LINE + 2 + READ_SIZE);
                linebuf_attach(&lb, storage[lent]);
                lent ^= 1;
            }
            space = linebuf_space(&lb, &room);
            room_short += room < READ_SIZE;
            memcpy(space, stream + fed, n);
            linebuf_commit(&lb, n);
            fed += n;
            while ((ev = linebuf_next(&lb, &line, &ll)) != LINEBUF_MORE) {
                if (ev == LINEBUF_TOO_LONG)
                    olen += (size_t)sprintf(out + olen, "<long>");
                else
                    olen += (size_t)sprintf(out + olen, "%.*s|", (int)ll, line);
            }
            if (linebuf_empty(&lb))
                linebuf_detach(&lb);
        }
        out[olen] = '\0';
        want[wlen] = '\0';
        CHECK_STR(out, want);
        CHECK_INT(room_short, ==, 0);
        free(storage[0]);
        free(storage[1]);
    }
}

int main(void)
{
    RUN_TEST(set_up_without_storage);
    RUN_TEST(lines_survive_storage_changing_between_reads);
    return tap_done();
}
