/*
 * u128 - exact unsigned 128-bit numbers: decimal text and sums of squares.
 *
 * Squares of 64-bit numbers and sums of many squares do not fit in 64
 * bits; the kit keeps them as unsigned __int128 (a GCC and Clang
 * extension) and prints them exactly.  Pure functions, thread-safe.
 */
#ifndef KIT_U128_H
#define KIT_U128_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 u128;

/* Room for 2^128 - 1 (39 digits) and the terminating NUL. */
enum { U128_DEC_SIZE = 40 };

/*
 * Write 'v' in decimal into 'buf' (at least U128_DEC_SIZE bytes),
 * NUL-terminated.  Returns the number of digits.
 */
size_t u128_format(u128 v, char *buf);

/*
 * Parse a whole string of decimal digits into *out.  Returns 0, or -1
 * if 'text' is empty, holds anything but digits, or exceeds 2^128 - 1.
 */
int u128_parse(const char *text, u128 *out);

/*
 * The closed form 1^2 + 2^2 + ... + n^2 = n(n+1)(2n+1)/6, exact for
 * n up to 2^42 (the sum then nears 2^126); the kit needs n <= 2^32.
 */
u128 u128_sum_of_squares(uint64_t n);

#endif
