/*
 * proto - the TCP line protocol of tcp_server and tcp_client,
 * without any I/O: parse one request line, format its one reply line.
 *
 *     request                      reply
 *     " -12 " (sign, blanks ok)    "144"
 *     ""  or only blanks           "ERR empty request"
 *     "12a", "0x10", "1e3"         "ERR not an integer"
 *     beyond signed 64 bits        "ERR out of range"
 *     longer than 1024 bytes       "ERR line too long"
 *     "QUIT"                       "BYE", then the server closes
 *
 * Every reply ends in "\n".  Pure functions, thread-safe.
 */
#ifndef KIT_PROTO_H
#define KIT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "u128.h"

enum {
    PROTO_PORT = 65432,         /* the default port */
    PROTO_MAX_LINE = 1024,      /* bytes of a request, without its line end */
    PROTO_MAX_REPLY = 48,       /* the longest reply, "\n" included */
};

enum proto_request {
    PROTO_NUMBER,               /* square it */
    PROTO_QUIT,                 /* say BYE and close */
    PROTO_ERR_EMPTY,
    PROTO_ERR_NOT_INTEGER,
    PROTO_ERR_RANGE,
    PROTO_ERR_TOO_LONG,         /* from the line reader, never from parse */
};

/*
 * Parse the request in the 'len' bytes at 'line', its line end ("\n"
 * or "\r\n") already removed by the line reader: any "\r" left is part
 * of the request, which is then not an integer.  Sets *value for
 * PROTO_NUMBER.
 */
enum proto_request proto_parse(const char *line, size_t len, int64_t *value);

/*
 * Write the reply to 'req' (with 'value' for PROTO_NUMBER) into 'buf',
 * which holds PROTO_MAX_REPLY bytes.  Returns its length, "\n" included;
 * no NUL is added.
 */
size_t proto_format_reply(enum proto_request req, int64_t value, char *buf);

/* The exact square of 'value': up to 2^126, so 128 bits. */
u128 proto_square(int64_t value);

#endif
