/*
 * scan - find what a program printed in its output: a number or a name
 * as a whole word, and numbers in a reply.  For the grader, which reads
 * the output of programs written in any language.
 *
 * Pure functions over bytes (not NUL-terminated, any content: a
 * program under test may print anything); nothing here prints.
 */
#ifndef KIT_SCAN_H
#define KIT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Does 'word' occur in the 'len' bytes at 'text' as a whole word: not
 * preceded nor followed by a letter, a digit, '_', '.' followed by a
 * digit, or (before it) a '-'?  So "338350" is found in "sum = 338350\n"
 * and "sum=338350.", but not in "3383501", "1338350", "-338350" or
 * "338350.5"; "node-1" is found in "node-1 DEAD" but not in "node-10".
 * An empty word is never found.
 */
bool scan_has_word(const char *text, size_t len, const char *word);

/* Where the first whole-word 'word' starts at or after 'from', or -1. */
long scan_find_word(const char *text, size_t len, size_t from, const char *word);

/*
 * The lines of 'text': *line_len bytes at the returned pointer, without
 * the "\n" or "\r\n"; *next is where the next line starts.  NULL when
 * 'pos' is at the end.  A last line without a newline is a line.
 */
const char *scan_line(const char *text, size_t len, size_t pos,
                      size_t *line_len, size_t *next);

/*
 * The offset of the first line that starts at or after 'from' and has
 * 'w1' and, unless NULL, 'w2' as whole words; -1 if none.
 */
long scan_find_line(const char *text, size_t len, size_t from, const char *w1,
                    const char *w2);

/*
 * Does the 'len' bytes at 'line' hold a run of more than 'min_digits'
 * decimal digits other than 'expected' (itself a run of digits)?  Another
 * result than the right one, where small numbers (N, a count of workers)
 * may stand beside it: "sum 119617411 expected 333833500" holds another
 * for expected "333833500"; "sum of 1..1000 = 333833500" does not.
 */
bool scan_other_number(const char *line, size_t len, const char *expected,
                       size_t min_digits);

/*
 * Is the reply in 'buf' (len bytes) the text 'want'?  Strict: exactly
 * want and "\n" (a line of the line protocol).  Not strict: want with
 * any blanks, CR or LF around it (a course program's reply may come
 * without a newline, or with CRLF).
 */
bool scan_reply_is(const char *buf, size_t len, const char *want, bool strict);

#endif
