/*
 * diag - the kit's one diagnostic format, "PROG: what failed: why".
 *
 * Formats into the caller's buffer and never prints: programs decide
 * where a message goes (see src/common/cli.h).  Thread-safe.
 */
#ifndef KIT_DIAG_H
#define KIT_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Write "PROG: MSG\n", or "PROG: MSG: strerror(err)\n" when 'err' is
 * not 0, into 'buf' of 'size' bytes, where MSG is 'fmt' applied to
 * 'ap'.  A message too long for 'buf' is cut but still ends in a
 * newline.  Returns the length written.
 */
size_t diag_vformat(char *buf, size_t size, const char *prog, int err,
                    const char *fmt, va_list ap);

#endif
