/*
 * fuzz_frame - the pipe frame reader on any byte stream, written into
 * the pipe in chunks of any sizes (chosen by the input): the frames it
 * returns are the stream's own bytes, in order, from its start; the
 * chunking changes nothing (the same frames and the same ending as one
 * write); a clean end is claimed only when every byte was a frame.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "fuzz.h"

struct writer {
    int fd;
    const unsigned char *data, *cuts;
    size_t size, ncuts;
};

static void *write_chunks(void *arg)
{
    struct writer *w = arg;
    size_t at = 0, k = 0;

    while (at < w->size) {
        size_t n = w->ncuts ? 1 + w->cuts[k++ % w->ncuts] % 200 : w->size - at;
        ssize_t r;

        if (n > w->size - at)
            n = w->size - at;
        r = write(w->fd, w->data + at, n);
        if (r <= 0)
            break;                      /* the reader stopped early: EPIPE */
        at += (size_t)r;
    }
    close(w->fd);
    return NULL;
}

struct outcome {
    size_t frames, bytes;               /* of the frames returned */
    enum frame_status end;
};

static struct outcome run(const unsigned char *data, size_t size,
                          const unsigned char *cuts, size_t ncuts)
{
    struct outcome o = { 0 };
    struct writer w = { .data = data, .size = size, .cuts = cuts, .ncuts = ncuts };
    struct frame_reader r;
    struct frame_header h;
    const unsigned char *payload;
    pthread_t t;
    int fds[2];

    FUZZ_CHECK(pipe(fds) == 0);
    w.fd = fds[1];
    FUZZ_CHECK(frame_reader_init(&r, fds[0]) == 0);
    FUZZ_CHECK(pthread_create(&t, NULL, write_chunks, &w) == 0);
    while ((o.end = frame_read(&r, &h, &payload)) == FRAME_OK) {
        size_t n = frame_size(h.magic, h.count);

        FUZZ_CHECK(h.count <= FRAME_MAX_BATCH);
        FUZZ_CHECK(o.bytes + n <= size);
        FUZZ_CHECK(memcmp(payload - sizeof(h), data + o.bytes, n) == 0);
        o.bytes += n;
        o.frames++;
    }
    close(fds[0]);
    pthread_join(t, NULL);
    frame_reader_free(&r);
    FUZZ_CHECK(o.end != FRAME_IO_ERROR);
    FUZZ_CHECK((o.end == FRAME_EOF) == (o.bytes == size));
    return o;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t ncuts;
    struct outcome a, b;

    if (size < 1)
        return 0;
    ncuts = data[0] % 16;
    if (size < 1 + ncuts)
        return 0;
    a = run(data + 1 + ncuts, size - 1 - ncuts, data + 1, ncuts);
    b = run(data + 1 + ncuts, size - 1 - ncuts, NULL, 0);
    FUZZ_CHECK(a.frames == b.frames && a.bytes == b.bytes && a.end == b.end);
    return 0;
}
