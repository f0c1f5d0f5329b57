/* diag - the kit's one diagnostic format, "PROG: what failed: why". */
#include "diag.h"

#include <stdio.h>
#include <string.h>

size_t diag_vformat(char *buf, size_t size, const char *prog, int err,
                    const char *fmt, va_list ap)
{
    char errtext[128];
    size_t len;
    int n;

    if (size < 2)
        return 0;
    n = snprintf(buf, size, "%s: ", prog);
    len = n < 0 ? 0 : (size_t)n;
    if (len < size) {
        n = vsnprintf(buf + len, size - len, fmt, ap);
        len += n < 0 ? 0 : (size_t)n;
    }
    if (err != 0 && len < size) {
        /* strerror_r (GNU flavour) is the thread-safe strerror. */
        n = snprintf(buf + len, size - len, ": %s",
                     strerror_r(err, errtext, sizeof(errtext)));
        len += n < 0 ? 0 : (size_t)n;
    }
    if (len > size - 2)                 /* cut, but keep the newline */
        len = size - 2;
    buf[len++] = '\n';
    buf[len] = '\0';
    return len;
}
