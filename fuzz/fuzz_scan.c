/*
 * fuzz_scan - finding a word in a program's output, against a plain
 * search: whatever the bytes, a hit is the word itself, whole (the
 * bytes around it are not word bytes), and no earlier whole occurrence
 * was missed; lines cover the text exactly.
 *
 * Input: the first byte is the word's length (mod 16), then the word,
 * then the text.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "scan.h"

static bool wordish(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_';
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t wlen = data[0] % 16;
    if (1 + wlen > size)
        return 0;
    char word[17];
    memcpy(word, data + 1, wlen);
    word[wlen] = '\0';
    wlen = strlen(word);                /* a NUL in the word ends it */
    const char *text = (const char *)data + 1 + (data[0] % 16);
    size_t len = size - 1 - (data[0] % 16);

    long at = scan_find_word(text, len, 0, word);
    if (wlen == 0) {
        FUZZ_CHECK(at == -1);
    } else if (at >= 0) {
        size_t a = (size_t)at;
        FUZZ_CHECK(a + wlen <= len);
        FUZZ_CHECK(memcmp(text + a, word, wlen) == 0);
        FUZZ_CHECK(a == 0 || !wordish((unsigned char)text[a - 1]));
        FUZZ_CHECK(a + wlen == len || !wordish((unsigned char)text[a + wlen]));
        /* a search from just past it finds only a later one */
        long later = scan_find_word(text, len, a + 1, word);
        FUZZ_CHECK(later == -1 || later > at);
    } else if (wordish((unsigned char)word[0]) && wordish((unsigned char)word[wlen - 1])) {
        /* not found: then it never stands alone between blanks */
        for (size_t i = 0; i + wlen <= len; i++)
            FUZZ_CHECK(!(memcmp(text + i, word, wlen) == 0 &&
                         (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n') &&
                         (i + wlen == len || text[i + wlen] == ' ' ||
                          text[i + wlen] == '\n')));
    }

    /* lines: each starts where the last ended, and they end at len */
    size_t pos = 0, n, next, lines = 0;
    const char *l;
    while ((l = scan_line(text, len, pos, &n, &next)) != NULL) {
        FUZZ_CHECK(l == text + pos);
        FUZZ_CHECK(next > pos && next <= len);
        FUZZ_CHECK(pos + n <= next);
        FUZZ_CHECK(memchr(l, '\n', n) == NULL);
        pos = next;
        FUZZ_CHECK(++lines <= len);
    }
    FUZZ_CHECK(pos == len);
    return 0;
}
