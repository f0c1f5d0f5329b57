/*
 * scan - find what a program printed in its output: see scan.h.
 */
#include <string.h>

#include "scan.h"

static bool is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Is the word found at text[at], of 'wlen' bytes, whole? */
static bool whole_at(const char *text, size_t len, size_t at, size_t wlen)
{
    if (at > 0) {
        unsigned char before = (unsigned char)text[at - 1];
        if (is_word_byte(before) || before == '-')
            return false;
        /* "1.5" is not a "5"; a sentence's "." before it is fine */
        if (before == '.' && at > 1 && is_digit((unsigned char)text[at - 2]))
            return false;
    }
    size_t end = at + wlen;
    if (end < len) {
        unsigned char after = (unsigned char)text[end];
        if (is_word_byte(after))
            return false;
        if ((after == '.' || after == ',') && end + 1 < len &&
            is_digit((unsigned char)text[end + 1]))
            return false;
        if (after == '-' && end + 1 < len && is_word_byte((unsigned char)text[end + 1]))
            return false;
    }
    return true;
}

long scan_find_word(const char *text, size_t len, size_t from, const char *word)
{
    size_t wlen = strlen(word);
    if (wlen == 0 || wlen > len)
        return -1;
    for (size_t at = from; at + wlen <= len; at++) {
        const char *hit = memchr(text + at, word[0], len - wlen + 1 - at);
        if (hit == NULL)
            return -1;
        at = (size_t)(hit - text);
        if (memcmp(hit, word, wlen) == 0 && whole_at(text, len, at, wlen))
            return (long)at;
    }
    return -1;
}

bool scan_has_word(const char *text, size_t len, const char *word)
{
    return scan_find_word(text, len, 0, word) >= 0;
}

const char *scan_line(const char *text, size_t len, size_t pos,
                      size_t *line_len, size_t *next)
{
    if (pos >= len)
        return NULL;
    const char *start = text + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t n = nl != NULL ? (size_t)(nl - start) : len - pos;
    *next = pos + n + (nl != NULL);
    if (n > 0 && start[n - 1] == '\r')
        n--;
    *line_len = n;
    return start;
}

long scan_find_line(const char *text, size_t len, size_t from, const char *w1,
                    const char *w2)
{
    size_t pos = 0, next, n;
    const char *line;

    while ((line = scan_line(text, len, pos, &n, &next)) != NULL) {
        if (pos >= from && scan_has_word(line, n, w1) &&
            (w2 == NULL || scan_has_word(line, n, w2)))
            return (long)pos;
        pos = next;
    }
    return -1;
}

bool scan_other_number(const char *line, size_t len, const char *expected,
                       size_t min_digits)
{
    size_t elen = strlen(expected);

    for (size_t i = 0; i < len;) {
        if (!is_digit((unsigned char)line[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && is_digit((unsigned char)line[j]))
            j++;
        if (j - i > min_digits && (j - i != elen || memcmp(line + i, expected, elen) != 0))
            return true;
        i = j;
    }
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool scan_reply_is(const char *buf, size_t len, const char *want, bool strict)
{
    size_t wl = strlen(want);
    if (strict)
        return len == wl + 1 && memcmp(buf, want, wl) == 0 && buf[wl] == '\n';
    size_t a = 0, b = len;
    while (a < b && is_blank(buf[a]))
        a++;
    while (b > a && is_blank(buf[b - 1]))
        b--;
    return b - a == wl && memcmp(buf + a, want, wl) == 0;
}
