/* test_frame - the framed pipe streams of ipc_multiprocess. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "tap.h"

struct dribble {
    int fd;
    const unsigned char *data;
    size_t len;
    size_t chunk;               /* bytes per write(2); 0 means 1 */
};

/* Write in tiny pieces: the reader must put frames back together. */
static void *dribble(void *arg)
{
    struct dribble *d = arg;
    size_t chunk = d->chunk ? d->chunk : 1;

    for (size_t i = 0; i < d->len; i += chunk) {
        size_t n = d->len - i < chunk ? d->len - i : chunk;

        if (write(d->fd, d->data + i, n) != (ssize_t)n)
            break;
    }
    close(d->fd);
    return NULL;
}

static size_t put_numbers(unsigned char *buf, uint64_t first, uint32_t n)
{
    struct frame_header h = { .magic = FRAME_NUMBERS, .count = n };

    memcpy(buf, &h, sizeof(h));
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = first + i;

        memcpy(buf + sizeof(h) + i * 8, &v, 8);
    }
    return frame_size(FRAME_NUMBERS, n);
}

static size_t put_end(unsigned char *buf, uint64_t total)
{
    struct frame_header h = { .magic = FRAME_END, .total = total };

    memcpy(buf, &h, sizeof(h));
    return sizeof(h);
}

/* Feed 'len' bytes through a pipe, one byte per write, into a reader. */
static void feed(struct frame_reader *r, pthread_t *t, struct dribble *d,
                 const unsigned char *data, size_t len)
{
    int fds[2];

    CHECK_INT(pipe(fds), ==, 0);
    *d = (struct dribble){ .fd = fds[1], .data = data, .len = len };
    CHECK_INT(frame_reader_init(r, fds[0]), ==, 0);
    CHECK_INT(pthread_create(t, NULL, dribble, d), ==, 0);
}

static void done(struct frame_reader *r, pthread_t t)
{
    pthread_join(t, NULL);
    close(r->fd);
    frame_reader_free(r);
}

static void reassembles_frames_written_one_byte_at_a_time(void)
{
    unsigned char data[512];
    size_t len = put_numbers(data, 1, 3);
    struct frame_reader r;
    struct frame_header h;
    const unsigned char *p;
    struct dribble d;
    pthread_t t;
    uint64_t v;

    len += put_numbers(data + len, 4, 1);
    len += put_end(data + len, 4);
    feed(&r, &t, &d, data, len);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_OK);
    CHECK_U64(h.count, ==, 3);
    memcpy(&v, p + 16, 8);
    CHECK_U64(v, ==, 3);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_OK);
    memcpy(&v, p, 8);
    CHECK_U64(v, ==, 4);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_OK);
    CHECK_U64(h.magic, ==, FRAME_END);
    CHECK_U64(h.total, ==, 4);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_EOF);
    done(&r, t);
}

static void reports_a_stream_cut_inside_a_frame(void)
{
    unsigned char data[512];
    size_t len = put_numbers(data, 1, 3);
    struct frame_reader r;
    struct frame_header h;
    const unsigned char *p;
    struct dribble d;
    pthread_t t;

    feed(&r, &t, &d, data, len - 5);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_TRUNCATED);
    done(&r, t);
}

static void reports_bytes_that_are_not_frames(void)
{
    unsigned char data[64] = "this is not a frame of ours at all....";
    struct frame_reader r;
    struct frame_header h;
    const unsigned char *p;
    struct dribble d;
    pthread_t t;

    feed(&r, &t, &d, data, sizeof(data));
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_GARBAGE);
    done(&r, t);
}

/* A line of text is shorter than a header: found out by its first bytes. */
static void reports_short_text_as_not_frames(void)
{
    unsigned char text[] = "hello\n", half_magic[] = "NU";
    struct frame_reader r;
    struct frame_header h;
    const unsigned char *p;
    struct dribble d;
    pthread_t t;

    feed(&r, &t, &d, text, sizeof(text) - 1);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_GARBAGE);
    done(&r, t);
    feed(&r, &t, &d, half_magic, 2);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_TRUNCATED);
    CHECK(r.seen);
    done(&r, t);
    feed(&r, &t, &d, text, 0);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_EOF);
    CHECK(!r.seen);
    CHECK_STR(frame_problem(&r, FRAME_EOF), "is empty: nothing was sent to it");
    done(&r, t);
}

static void rejects_a_frame_larger_than_the_largest_batch(void)
{
    struct frame_header bad = { .magic = FRAME_NUMBERS, .count = FRAME_MAX_BATCH + 1 };
    struct frame_reader r;
    struct frame_header h;
    const unsigned char *p;
    struct dribble d;
    pthread_t t;

    feed(&r, &t, &d, (unsigned char *)&bad, sizeof(bad));
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_GARBAGE);
    done(&r, t);
}

/* A full batch of squares is bigger than the reader's first buffer. */
static void grows_for_the_largest_frame(void)
{
    size_t len = frame_size(FRAME_SQUARES, FRAME_MAX_BATCH);
    unsigned char *data = calloc(1, len);
    struct frame_header h = { .magic = FRAME_SQUARES, .count = FRAME_MAX_BATCH };
    u128 last = 12345, got;
    struct frame_reader r;
    const unsigned char *p;
    int fds[2];

    memcpy(data, &h, sizeof(h));
    memcpy(data + len - 16, &last, 16);
    CHECK_INT(pipe(fds), ==, 0);
    CHECK_INT(frame_reader_init(&r, fds[0]), ==, 0);
    struct dribble d = { .fd = fds[1], .data = data, .len = len, .chunk = 4096 };
    pthread_t t;

    CHECK_INT(pthread_create(&t, NULL, dribble, &d), ==, 0);
    CHECK_INT(frame_read(&r, &h, &p), ==, FRAME_OK);
    CHECK_U64(h.count, ==, FRAME_MAX_BATCH);
    memcpy(&got, p + (size_t)(FRAME_MAX_BATCH - 1) * 16, 16);
    CHECK(got == last);
    done(&r, t);
    free(data);
}

int main(void)
{
    RUN_TEST(reassembles_frames_written_one_byte_at_a_time);
    RUN_TEST(reports_a_stream_cut_inside_a_frame);
    RUN_TEST(reports_bytes_that_are_not_frames);
    RUN_TEST(reports_short_text_as_not_frames);
    RUN_TEST(rejects_a_frame_larger_than_the_largest_batch);
    RUN_TEST(grows_for_the_largest_frame);
    return tap_done();
}
