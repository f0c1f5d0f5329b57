/*
 * fuzz_scan - finding a word in a program's output, against a plain
 * search: whatever the bytes, a hit is the word itself, whole (the
 * bytes around it are not word bytes), and no earlier whole occurrence
 * was missed; lines cover the text exactly; a line found has its words;
 * another number is a longer run of digits; a strict reply is a line.
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

    /* a line found has both words, whole, and starts a line */
    long ln = scan_find_line(text, len, 0, word, "DEAD");
    if (ln >= 0) {
        size_t l_len, l_next;
        const char *l = scan_line(text, len, (size_t)ln, &l_len, &l_next);
        FUZZ_CHECK(l != NULL && (ln == 0 || text[ln - 1] == '\n'));
        FUZZ_CHECK(scan_has_word(l, l_len, word) && scan_has_word(l, l_len, "DEAD"));
    }

    /* another number: a run of digits longer than the minimum, not the
     * expected one; the text itself as the expected is never another
     * when it is all digits */
    char digits[32];
    size_t dn = 0;
    for (size_t i = 0; i < len && dn < sizeof digits - 1; i++)
        if (text[i] >= '0' && text[i] <= '9')
            digits[dn++] = text[i];
    digits[dn] = '\0';
    bool other = scan_other_number(text, len, digits, wlen);
    if (dn == len && dn > 0 && dn < sizeof digits - 1)
        FUZZ_CHECK(!other);
    if (other) {
        bool run = false;
        for (size_t i = 0, r = 0; i <= len; i++) {
            if (i < len && text[i] >= '0' && text[i] <= '9') {
                r++;
            } else {
                run |= r > wlen;
                r = 0;
            }
        }
        FUZZ_CHECK(run);
    }

    /* a reply: strict means exactly the word and a newline; strict
     * implies forgiving, for a word without blanks at its ends */
    bool strict = scan_reply_is(text, len, word, true);
    if (strict) {
        FUZZ_CHECK(len == wlen + 1 && text[wlen] == '\n');
        if (wlen > 0 && !strchr(" \t\r\n", word[0]) && !strchr(" \t\r\n", word[wlen - 1]))
            FUZZ_CHECK(scan_reply_is(text, len, word, false));
    }
    return 0;
}
