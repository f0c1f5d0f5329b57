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

#endif
