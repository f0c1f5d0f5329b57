/*
 * fuzz_u128 - the 128-bit decimal parser and formatter: what parses
 * formats back to the same digits (leading zeros aside), and a value
 * made of the input's bytes survives format -> parse.
 */
#include <string.h>

#include "fuzz.h"
#include "u128.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char s[64], text[U128_DEC_SIZE];
    u128 v, back;

    if (size >= 16) {                   /* any value: format, parse, compare */
        memcpy(&v, data, sizeof(v));
        FUZZ_CHECK(u128_format(v, text) == strlen(text));
        FUZZ_CHECK(u128_parse(text, &back) == 0 && back == v);
    }
    if (size >= sizeof(s) || memchr(data, '\0', size) != NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (u128_parse(s, &v) != 0)
        return 0;
    /* It parsed: digits only, and formatting gives them back. */
    const char *digits = s + strspn(s, "0");

    FUZZ_CHECK(strspn(s, "0123456789") == size);
    u128_format(v, text);
    FUZZ_CHECK(strcmp(text, *digits ? digits : "0") == 0);
    return 0;
}
