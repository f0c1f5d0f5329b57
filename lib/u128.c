/* u128 - exact 128-bit decimal formatting and the sum-of-squares formula. */
#include "u128.h"

size_t u128_format(u128 v, char *buf)
{
    const uint64_t chunk = 10000000000000000000ULL;     /* 10^19 */
    char tmp[U128_DEC_SIZE];
    size_t n = 0;

    /*
     * One slow 128-bit division per 19 digits; the digits themselves
     * come out of cheap 64-bit arithmetic.
     */
    while (v > UINT64_MAX) {
        uint64_t part = (uint64_t)(v % chunk);

        v /= chunk;
        for (int i = 0; i < 19; i++) {
            tmp[n++] = (char)('0' + part % 10);
            part /= 10;
        }
    }
    uint64_t rest = (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + rest % 10);
        rest /= 10;
    } while (rest != 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

int u128_parse(const char *text, u128 *out)
{
    const u128 max = ~(u128)0;
    u128 v = 0;

    if (*text == '\0')
        return -1;
    for (; *text != '\0'; text++) {
        unsigned d = (unsigned)(*text - '0');

        if (d > 9 || v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

u128 u128_sum_of_squares(uint64_t n)
{
    u128 a = n, b = (u128)n + 1, c = 2 * (u128)n + 1;

    /* Divide before multiplying, so that no product overflows. */
    if (a % 2 == 0)
        a /= 2;
    else
        b /= 2;
    if (a % 3 == 0)
        a /= 3;
    else if (b % 3 == 0)
        b /= 3;
    else
        c /= 3;
    return a * b * c;
}
