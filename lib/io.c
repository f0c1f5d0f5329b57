/* io - whole-buffer reads and writes: short transfers and EINTR. */
#include "io.h"

#include <errno.h>
#include <unistd.h>

int io_write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)         /* a signal came first: go again */
                continue;
            return -1;
        }
        if (n == 0) {                   /* not expected for len > 0; never spin */
            errno = EIO;
            return -1;
        }
        p += n;                         /* a short write is normal, too */
        len -= (size_t)n;
    }
    return 0;
}

ssize_t io_read_full(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)                     /* end of stream */
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

ssize_t io_read_some(int fd, void *buf, size_t len)
{
    ssize_t n;

    do
        n = read(fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n;
}
