/*
 * linebuf - splits a byte stream into lines of bounded length, for one
 * connection.
 *
 * The caller reads into linebuf_space() and commits what arrived; then
 * takes lines with linebuf_next() until it says LINEBUF_MORE.  A line
 * longer than the limit is reported once, as LINEBUF_TOO_LONG, and the
 * rest of it is dropped as it arrives, so memory stays bounded whatever
 * the peer sends.  One reader per connection; no globals; not
 * thread-safe (a connection is served by one thread at a time).
 */
#ifndef KIT_LINEBUF_H
#define KIT_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>

struct linebuf {
    char *buf;
    size_t cap;             /* bytes allocated */
    size_t start;           /* first byte not yet returned */
    size_t end;             /* one past the last byte committed */
    size_t max_line;        /* longest line allowed, without "\r\n" */
    bool discarding;        /* inside a too-long line: drop to its "\n" */
    bool ended;             /* the stream ended: a last unfinished line counts */
};

enum linebuf_event {
    LINEBUF_MORE,           /* no whole line buffered: read more */
    LINEBUF_LINE,           /* *line, *len: one line, without its "\n" */
    LINEBUF_TOO_LONG,       /* a line passed max_line; its rest is dropped */
};

/*
 * Set up for lines of at most 'max_line' bytes (a "\r" before the "\n"
 * not counted), reading up to 'read_size' bytes at a time.  Returns 0,
 * or -1 with errno ENOMEM.
 */
int linebuf_init(struct linebuf *lb, size_t max_line, size_t read_size);
void linebuf_free(struct linebuf *lb);

/*
 * For a caller that lends the storage (a server whose idle clients hold
 * none): set up as linebuf_init does, with no storage yet.  lb->cap is
 * the size of the storage linebuf_attach must then be given.
 */
void linebuf_init_detached(struct linebuf *lb, size_t max_line, size_t read_size);

/* No byte held: every line taken, no unfinished one (storage or not). */
bool linebuf_empty(const struct linebuf *lb);

/* Give an empty reader 'buf' (lb->cap bytes) to read into. */
void linebuf_attach(struct linebuf *lb, char *buf);

/* Take back the storage of an empty reader (NULL if it has none). */
char *linebuf_detach(struct linebuf *lb);

/*
 * Where to read into, and how much room there is (never 0): at least
 * 'read_size' whenever every whole line held has been taken (what is
 * left of an unfinished line is moved to the front for it).
 */
char *linebuf_space(struct linebuf *lb, size_t *room);

/* 'n' bytes were read into the space. */
void linebuf_commit(struct linebuf *lb, size_t n);

/*
 * The stream has ended: an unfinished last line (bytes after the last
 * "\n") is then returned by linebuf_next as a line of its own.  A line
 * ends with "\n", "\r\n" or the end of the stream.
 */
void linebuf_finish(struct linebuf *lb);

/*
 * The next line or event; the line stays valid until the next call.
 * One "\r" before the "\n" is removed here, and only here: it is part
 * of the line end, never of the line.
 */
enum linebuf_event linebuf_next(struct linebuf *lb, const char **line,
                                size_t *len);

#endif
