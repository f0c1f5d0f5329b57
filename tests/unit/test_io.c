/* test_io - lib/io.c against real pipes: short transfers, EINTR, EOF. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "tap.h"

enum { BIG = 4 << 20 };                 /* far more than a pipe holds */

struct drain {
    int fd;
    unsigned char *got;                 /* what the reader received */
    size_t len;
    int delay_ms;                       /* wait before reading, pipe fills */
};

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void *drain(void *arg)
{
    struct drain *d = arg;
    ssize_t n;

    sleep_ms(d->delay_ms);
    d->got = malloc(BIG + 1);
    while ((n = read(d->fd, d->got + d->len, BIG + 1 - d->len)) > 0)
        d->len += (size_t)n;
    return NULL;
}

static unsigned char *pattern(void)
{
    unsigned char *p = malloc(BIG);

    for (size_t i = 0; i < BIG; i++)
        p[i] = (unsigned char)(i * 7 + i / 251);
    return p;
}

static void write_all_moves_more_than_the_pipe_holds(void)
{
    unsigned char *data = pattern();
    struct drain d = { 0 };
    pthread_t reader;
    int fds[2];

    CHECK_INT(pipe(fds), ==, 0);
    d.fd = fds[0];
    CHECK_INT(pthread_create(&reader, NULL, drain, &d), ==, 0);
    CHECK_INT(io_write_all(fds[1], data, BIG), ==, 0);
    close(fds[1]);
    pthread_join(reader, NULL);
    CHECK_U64(d.len, ==, BIG);
    CHECK_INT(memcmp(d.got, data, BIG), ==, 0);
    close(fds[0]);
    free(d.got);
    free(data);
}

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
    (void)sig;
    signals_seen++;
}

struct writer {
    int fd;
    const unsigned char *data;
    int result;
};

static void *write_big(void *arg)
{
    struct writer *w = arg;

    w->result = io_write_all(w->fd, w->data, BIG);
    return NULL;
}

/*
 * A signal without SA_RESTART lands while write() is blocked on a full
 * pipe: write() comes back short or with EINTR, and io_write_all must
 * carry on so that every byte arrives once, in order.
 */
static void write_all_survives_signals_mid_write(void)
{
    struct sigaction sa = { .sa_handler = on_signal };
    unsigned char *data = pattern();
    struct writer w = { .data = data, .result = -2 };
    struct drain d = { .delay_ms = 300 };
    pthread_t writer, reader;
    int fds[2];

    sigaction(SIGUSR1, &sa, NULL);      /* sa_flags 0: no SA_RESTART */
    CHECK_INT(pipe(fds), ==, 0);
    w.fd = fds[1];
    d.fd = fds[0];
    CHECK_INT(pthread_create(&writer, NULL, write_big, &w), ==, 0);
    CHECK_INT(pthread_create(&reader, NULL, drain, &d), ==, 0);
    for (int i = 0; i < 5; i++) {       /* the pipe is full and the writer blocked */
        sleep_ms(40);
        pthread_kill(writer, SIGUSR1);
    }
    pthread_join(writer, NULL);
    close(fds[1]);
    pthread_join(reader, NULL);
    CHECK_INT(signals_seen, >=, 1);
    CHECK_INT(w.result, ==, 0);
    CHECK_U64(d.len, ==, BIG);
    CHECK_INT(memcmp(d.got, data, BIG), ==, 0);
    close(fds[0]);
    free(d.got);
    free(data);
}

static void write_all_reports_epipe_when_the_reader_is_gone(void)
{
    int fds[2];
    char byte = 'x';

    signal(SIGPIPE, SIG_IGN);
    CHECK_INT(pipe(fds), ==, 0);
    close(fds[0]);
    errno = 0;
    CHECK_INT(io_write_all(fds[1], &byte, 1), ==, -1);
    CHECK_INT(errno, ==, EPIPE);
    close(fds[1]);
}

static void read_full_gathers_short_reads_and_stops_at_eof(void)
{
    char buf[16] = { 0 };
    int fds[2];

    CHECK_INT(pipe(fds), ==, 0);
    CHECK_INT(write(fds[1], "abc", 3), ==, 3);
    CHECK_INT(write(fds[1], "def", 3), ==, 3);
    close(fds[1]);
    CHECK_INT(io_read_full(fds[0], buf, sizeof(buf)), ==, 6);
    CHECK_STR(buf, "abcdef");
    CHECK_INT(io_read_full(fds[0], buf, sizeof(buf)), ==, 0);
    close(fds[0]);
}

static void read_full_reports_a_bad_descriptor(void)
{
    char buf[4];

    errno = 0;
    CHECK_INT(io_read_full(-1, buf, sizeof(buf)), ==, -1);
    CHECK_INT(errno, ==, EBADF);
}

int main(void)
{
    RUN_TEST(write_all_moves_more_than_the_pipe_holds);
    RUN_TEST(write_all_survives_signals_mid_write);
    RUN_TEST(write_all_reports_epipe_when_the_reader_is_gone);
    RUN_TEST(read_full_gathers_short_reads_and_stops_at_eof);
    RUN_TEST(read_full_reports_a_bad_descriptor);
    return tap_done();
}
