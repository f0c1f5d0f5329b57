/*
 * io - whole-buffer reads and writes on pipes and sockets.
 *
 * Error dialect: syscall-shaped.  Functions return 0 or a byte count,
 * or -1 with errno set.  EINTR is retried inside; nothing here prints.
 */
#ifndef KIT_IO_H
#define KIT_IO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Write all 'len' bytes of 'buf' to 'fd', going round again after a
 * short write or EINTR.  Returns 0 once every byte is written, or -1
 * with errno set (EPIPE when the reader is gone, with SIGPIPE ignored).
 * After -1 an unknown prefix of 'buf' may have gone out: treat the
 * stream as broken.  Blocks on a blocking descriptor.  Thread-safe.
 */
int io_write_all(int fd, const void *buf, size_t len);

/*
 * Read until 'len' bytes are in 'buf' or the stream ends.  Returns the
 * number of bytes read (less than 'len' only at end of stream, 0 at
 * once if the stream had already ended), or -1 with errno set.
 * Blocks on a blocking descriptor.  Thread-safe.
 */
ssize_t io_read_full(int fd, void *buf, size_t len);

/*
 * One read(2) of at most 'len' bytes, retried on EINTR only.  Returns
 * what read(2) returns.  For loops that want whatever has arrived.
 */
ssize_t io_read_some(int fd, void *buf, size_t len);

#endif
