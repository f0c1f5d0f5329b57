/*
 * spec_tcp_server - the checks of a squares server: exact answers,
 * many clients at once, clients that stall, vanish or send nonsense, a
 * clean end on a signal, and its speed beside the kit's epoll server.
 *
 * Each check starts a fresh server on a port of its own, so that one
 * mistake costs one check.  Requests end with "\n" (a course server's
 * int() takes it); replies are read forgivingly in the course profile
 * (a reply is complete at its newline, or when it reads as the expected
 * number, or after a short quiet) and as lines in the full profile.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"
#include "io.h"
#include "net.h"
#include "scan.h"
#include "timing.h"
#include "u128.h"

enum {
    START_MS = 5000,            /* for the server to listen */
    REPLY_MS = 2000,            /* for one reply */
    QUIET_MS = 300,             /* a reply without newline is complete after this */
    MANY = 200,                 /* clients at once */
    REAP_CLIENTS = 20,          /* clients one after another, for the zombies */
    REAP_MS = 3000,             /* for the children that ended to be waited for */
    REAP_LEFT = 5,              /* zombies allowed: the last clients' children */
};

/* ---- talking to it ---- */

static int dial(const char *port, int timeout_ms)
{
    struct addrinfo *ai;
    if (net_resolve("127.0.0.1", port, SOCK_STREAM, &ai) != 0)
        return -1;
    int fd = net_connect(ai, timeout_ms);
    freeaddrinfo(ai);
    return fd;
}

/* Start the server and wait until it accepts connections. */
static bool start_server(struct impl *im, const struct grade_opts *o, char *port,
                         struct verdict *v)
{
    if (pick_port(true, port) != 0)
        return verdict_fail(v, "no free port on 127.0.0.1: %s", strerror(errno));
    struct fill f = { .host = "127.0.0.1", .port = port };
    if (impl_start(im, o, &f, "the server", v) != 0)
        return false;
    uint64_t start = timing_now_ns();
    while (ms_since(start) < START_MS) {
        int fd = dial(port, 200);
        if (fd >= 0) {
            close(fd);
            return true;
        }
        if (impl_wait(im, 20)) {
            verdict_fail(v, "the server ended before it listened on port %s", port);
            impl_log_output(im, v);
            return false;
        }
    }
    verdict_fail(v, "nothing listened on 127.0.0.1:%s within %d s of the start (a server "
                 "must listen on the port it is given: {port})", port, START_MS / 1000);
    impl_log_output(im, v);
    return false;
}

/*
 * Read one reply into buf: up to its newline; in the course profile also
 * complete once it reads as 'want' or after QUIET_MS without more.
 * Returns its length; -1 on timeout, -2 when the connection closed
 * first (what came is in buf all the same: *got).
 */
static long read_reply(int fd, char *buf, size_t cap, const char *want, bool full,
                       int timeout_ms, size_t *got)
{
    size_t len = 0;
    uint64_t start = timing_now_ns();
    *got = 0;
    for (;;) {
        if (memchr(buf, '\n', len) != NULL)
            return (long)(*got = len);
        if (!full && len > 0 && want != NULL && scan_reply_is(buf, len, want, false))
            return (long)(*got = len);
        int left = timeout_ms - (int)ms_since(start);
        int wait = left;
        if (!full && len > 0 && wait > QUIET_MS)
            wait = QUIET_MS;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = wait > 0 ? poll(&p, 1, wait) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            *got = len;
            if (!full && len > 0)
                return (long)len;       /* quiet after some bytes: that is the reply */
            return -1;
        }
        if (len + 1 >= cap)
            return (long)(*got = len);
        ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n <= 0) {
            *got = len;
            return -2;
        }
        /* one line at a time: keep what follows the first newline out */
        len += (size_t)n;
    }
}

static void square_of(const char *number, char *out)
{
    long long x = strtoll(number, NULL, 10);
    unsigned long long m = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
    u128_format((u128)m * m, out);
}

/* Whether the last ask() that failed got nothing at all within its time
 * (the sign of a server busy with someone else), not a wrong reply. */
static bool asked_silence;

/* Ask 'number' on fd and check the square.  Logs and returns false on
 * anything else. */
static bool ask(int fd, const char *number, bool full, struct verdict *v, const char *who)
{
    asked_silence = false;
    char req[64], want[64], buf[512];
    snprintf(req, sizeof req, "%s\n", number);
    square_of(number, want);
    if (io_write_all(fd, req, strlen(req)) != 0)
        return verdict_fail(v, "%s sent \"%s\\n\": the send failed: %s (the server closed "
                            "the connection?)", who, number, strerror(errno));
    size_t got;
    long r = read_reply(fd, buf, sizeof buf, want, full, REPLY_MS, &got);
    if (r >= 0 && scan_reply_is(buf, (size_t)r, want, full))
        return true;
    verdict_fail(v, "%s sent \"%s\\n\" and expected %s%s", who, number, want,
                 full ? "\\n (a line)" : "");
    if (r == -1 && got == 0) {
        verdict_say(v, "  got: nothing within %d ms", REPLY_MS);
        asked_silence = true;
    }
    else if (r == -2 && got == 0)
        verdict_say(v, "  got: the connection closed, no reply");
    else
        verdict_quote(v, r == -2 ? "got (then the connection closed)" : "got", buf, got, 200);
    return false;
}

/* The server still runs?  Logs and returns false if not. */
static bool still_running(struct impl *im, struct verdict *v, const char *after)
{
    if (!impl_wait(im, 0))
        return true;
    verdict_fail(v, "the server ended after %s: a server must outlive any one client", after);
    impl_log_output(im, v);
    return false;
}

static bool full(const struct grade_opts *o)
{
    return o->profile == PROFILE_FULL;
}

/* ---- the checks ---- */

static void check_squares(const struct grade_opts *o, struct verdict *v)
{
    static const char *const course[] = { "7", "-3", "0", "12", "1000000", "-99999" };
    static const char *const edge[] = { "9223372036854775807", "-9223372036854775808",
                                        "3037000500" };
    struct impl im;
    char port[8];
    if (!start_server(&im, o, port, v))
        goto out;
    int fd = dial(port, REPLY_MS);
    if (fd < 0) {
        verdict_fail(v, "cannot connect to 127.0.0.1:%s: %s", port, strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < sizeof course / sizeof course[0]; i++)
        if (!ask(fd, course[i], full(o), v, "a client"))
            goto close;
    if (full(o))
        for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
            if (!ask(fd, edge[i], true, v, "a client")) {
                verdict_say(v, "  (squares of 64-bit numbers need 128 bits: 2^126 fits)");
                goto close;
            }
    verdict_say(v, "asked %zu numbers on one connection: every square right",
                sizeof course / sizeof course[0] + (full(o) ? sizeof edge / sizeof edge[0] : 0));
close:
    close(fd);
out:
    impl_stop(&im);
}

static const char iterative_hint[] =
    "  a server that serves one client at a time (accept, serve until that client "
    "leaves, accept the next) makes everyone else wait: serve each client in a thread "
    "or a process of its own, or watch them all with select/poll/epoll";

static void check_clients(const struct grade_opts *o, struct verdict *v)
{
    enum { N = 5 };
    struct impl im;
    char port[8];
    int fds[N];
    int opened = 0;
    if (!start_server(&im, o, port, v))
        goto out;
    for (; opened < N; opened++)
        if ((fds[opened] = dial(port, REPLY_MS)) < 0) {
            verdict_fail(v, "client %d of %d cannot connect: %s", opened + 1, N,
                         strerror(errno));
            goto close;
        }
    /* The last connected asks first: a server serving them in turn
     * answers nobody but the first. */
    for (int i = N - 1; i >= 0; i--) {
        char who[32], number[16];
        snprintf(who, sizeof who, "client %d of %d (all connected)", i + 1, N);
        snprintf(number, sizeof number, "%d", 11 + i);
        if (!ask(fds[i], number, full(o), v, who)) {
            if (asked_silence)
                verdict_say(v, "%s", iterative_hint);
            goto close;
        }
    }
    verdict_say(v, "%d clients connected at once, each answered (the last connected first)", N);
close:
    for (int i = 0; i < opened; i++)
        close(fds[i]);
out:
    impl_stop(&im);
}

/* A first client connects and then 'first' does what it does (sends
 * nothing, half a line); a second must still be served. */
static void second_served(const struct grade_opts *o, struct verdict *v, const char *first,
                          const char *what)
{
    struct impl im;
    char port[8];
    int a = -1, b = -1;
    if (!start_server(&im, o, port, v))
        goto out;
    if ((a = dial(port, REPLY_MS)) < 0) {
        verdict_fail(v, "cannot connect: %s", strerror(errno));
        goto out;
    }
    if (first[0] != '\0' && io_write_all(a, first, strlen(first)) != 0) {
        verdict_fail(v, "the first client could not send: %s", strerror(errno));
        goto out;
    }
    struct timespec settle = { 0, 100 * 1000000 };
    nanosleep(&settle, NULL);       /* the server has taken the first client in */
    if ((b = dial(port, REPLY_MS)) < 0) {
        verdict_fail(v, "with a first client connected (%s), a second cannot connect: %s",
                     what, strerror(errno));
        verdict_say(v, "%s", iterative_hint);
        goto out;
    }
    char who[160];
    snprintf(who, sizeof who, "while a first client %s, a second client", what);
    if (!ask(b, "42", full(o), v, who)) {
        if (asked_silence)
            verdict_say(v, "%s", iterative_hint);
        goto out;
    }
    verdict_say(v, "%s and was answered", who);
out:
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    impl_stop(&im);
}

static void check_idle_client(const struct grade_opts *o, struct verdict *v)
{
    second_served(o, v, "", "is connected and sends nothing");
}

static void check_stalled_line(const struct grade_opts *o, struct verdict *v)
{
    second_served(o, v, "12", "has sent half a line (\"12\", no newline) and stalls");
}

static void check_pieces(const struct grade_opts *o, struct verdict *v)
{
    struct impl im;
    char port[8];
    int fd = -1;
    if (!start_server(&im, o, port, v))
        goto out;
    if ((fd = dial(port, REPLY_MS)) < 0) {
        verdict_fail(v, "cannot connect: %s", strerror(errno));
        goto out;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    const char req[] = "123\n";
    for (size_t i = 0; i + 1 < sizeof req; i++) {
        if (io_write_all(fd, req + i, 1) != 0)
            break;
        struct timespec gap = { 0, 30 * 1000000 };
        nanosleep(&gap, NULL);
    }
    char buf[512];
    size_t got;
    long r = read_reply(fd, buf, sizeof buf, "15129", true, REPLY_MS, &got);
    if (r >= 0 && scan_reply_is(buf, (size_t)r, "15129", true)) {
        verdict_say(v, "\"123\\n\" sent a byte at a time, 30 ms apart: one reply, 15129");
        goto out;
    }
    verdict_fail(v, "sent \"1\", \"2\", \"3\", \"\\n\" as four writes 30 ms apart, expected "
                 "one reply \"15129\\n\"");
    verdict_quote(v, "got", buf, got, 200);
    verdict_say(v, "  TCP is a stream: one recv() may hold part of a line, or several; keep "
                "what came and answer only whole lines");
out:
    if (fd >= 0)
        close(fd);
    impl_stop(&im);
}

static void check_vanish(const struct grade_opts *o, struct verdict *v)
{
    struct impl im;
    char port[8];
    int b = -1;
    if (!start_server(&im, o, port, v))
        goto out;
    for (int round = 0; round < 3; round++) {
        int a = dial(port, REPLY_MS);
        if (a < 0) {
            verdict_fail(v, "%s client cannot connect: %s", round ? "after a client "
                         "vanished mid-request, the next" : "a", strerror(errno));
            if (impl_wait(&im, 0))
                impl_log_output(&im, v);
            goto out;
        }
        /* half a request (or a whole one), then gone with a reset */
        const char *what = round == 0 ? "12" : round == 1 ? "7\n" : "";
        if (what[0] != '\0')
            io_write_all(a, what, strlen(what));
        struct linger hard = { 1, 0 };
        setsockopt(a, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        close(a);
    }
    struct timespec settle = { 0, 200 * 1000000 };
    nanosleep(&settle, NULL);
    if (!still_running(&im, v, "three clients vanished (reset) mid-request"))
        goto out;
    if ((b = dial(port, REPLY_MS)) < 0) {
        verdict_fail(v, "after three clients vanished mid-request, a new one cannot "
                     "connect: %s", strerror(errno));
        if (impl_wait(&im, 0))
            impl_log_output(&im, v);
        goto out;
    }
    if (!ask(b, "9", full(o), v, "after three clients vanished mid-request, a new client"))
        goto out;
    verdict_say(v, "three clients reset their connections mid-request; the server "
                "went on and answered the next");
out:
    if (b >= 0)
        close(b);
    impl_stop(&im);
}

/* Its processes besides the leader, once the count has held for 200 ms
 * (1 s at most): a pool still being forked is counted whole. */
static int settled_running(const struct impl *im)
{
    int count = impl_running_besides(im), held = 0;
    for (int round = 0; round < 20 && held < 4; round++) {
        struct timespec tick = { 0, 50 * 1000000 };
        nanosleep(&tick, NULL);
        int now = impl_running_besides(im);
        held = now == count ? held + 1 : 0;
        count = now;
    }
    return count;
}

/*
 * A child that ends stays a zombie (<defunct> in ps), holding its slot of
 * the process table, until its parent waits for it: a forking server that
 * never does leaves one per client served, until fork fails.  A server
 * that reaps before each accept leaves the last client's: the last of the
 * clients gives it that turn, and a few are allowed.
 */
static void check_reaps(const struct grade_opts *o, struct verdict *v)
{
    struct impl im;
    char port[8];
    if (!start_server(&im, o, port, v))
        goto out;
    int before = 0;
    for (int i = 0; i < REAP_CLIENTS; i++) {
        int fd = dial(port, REPLY_MS);
        if (fd < 0) {
            verdict_fail(v, "client %d of %d, one after another, cannot connect: %s", i + 1,
                         REAP_CLIENTS, strerror(errno));
            goto out;
        }
        bool ok = ask(fd, "12", full(o), v, "a client");
        close(fd);
        if (!ok || !still_running(&im, v, "a client left"))
            goto out;
        if (i == 0)                 /* a prefork server's pool, once it stops growing */
            before = settled_running(&im);
    }
    uint64_t start = timing_now_ns();
    int zombies, more;
    for (;;) {
        zombies = impl_zombies(&im);
        more = impl_running_besides(&im) - before;
        if ((zombies <= REAP_LEFT && more <= REAP_LEFT) || ms_since(start) >= REAP_MS)
            break;
        struct timespec tick = { 0, 50 * 1000000 };
        nanosleep(&tick, NULL);
    }
    if (zombies <= REAP_LEFT && more > REAP_LEFT) {
        verdict_fail(v, "%d clients came, were answered and left, one after another; %d s "
                     "later %d more of the server's processes run than before they came: "
                     "children that served their client and went on", REAP_CLIENTS,
                     REAP_MS / 1000, more);
        verdict_say(v, "  a child ends once its client has left (exit, or _exit in C after "
                    "fork): one that returns into the server's loop accepts clients "
                    "itself, and forks more");
        goto out;
    }
    if (zombies > REAP_LEFT) {
        verdict_fail(v, "%d clients came, were answered and left, one after another; %d s "
                     "later %d of the server's processes are zombies (<defunct> in ps): "
                     "children that ended and were never waited for", REAP_CLIENTS,
                     REAP_MS / 1000, zombies);
        verdict_say(v, "  a forking server waits for its children: waitpid(-1, &status, "
                    "WNOHANG) in a loop, in a SIGCHLD handler or before each accept (in "
                    "Python, os.waitpid the same way); until then each holds a slot of "
                    "the process table, and fork fails once they are all taken");
        goto out;
    }
    verdict_say(v, "%d clients came and went; %d of the server's processes left unwaited "
                "for, %d more running than before (%d allowed: the last clients' children)",
                REAP_CLIENTS, zombies, more, REAP_LEFT);
out:
    impl_stop(&im);
}

static void check_bad_input(const struct grade_opts *o, struct verdict *v)
{
    static const char *const bad[] = { "abc", "12abc", "", "1.5", "99999999999999999999" };
    static const char *const full_err[] = { "ERR not an integer", "ERR not an integer",
                                            "ERR empty request", "ERR not an integer",
                                            "ERR out of range" };
    struct impl im;
    char port[8];
    if (!start_server(&im, o, port, v))
        goto out;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int fd = dial(port, REPLY_MS);
        if (fd < 0) {
            verdict_fail(v, "after \"%s\\n\" on an earlier connection, a new client cannot "
                         "connect: %s", i ? bad[i - 1] : "", strerror(errno));
            if (impl_wait(&im, 0))
                impl_log_output(&im, v);
            goto out;
        }
        char req[64], buf[512];
        snprintf(req, sizeof req, "%s\n", bad[i]);
        io_write_all(fd, req, strlen(req));
        size_t got;
        long r = read_reply(fd, buf, sizeof buf, full(o) ? full_err[i] : NULL, full(o),
                            REPLY_MS, &got);
        if (full(o)) {
            if (r < 0 || !scan_reply_is(buf, (size_t)r, full_err[i], true)) {
                verdict_fail(v, "sent \"%s\\n\", expected the reply \"%s\\n\"", bad[i],
                             full_err[i]);
                verdict_quote(v, "got", buf, got, 200);
                close(fd);
                goto out;
            }
            /* and the connection goes on */
            if (!ask(fd, "5", true, v, "on the same connection, the next request")) {
                close(fd);
                goto out;
            }
        } else if (r == -1 && got == 0) {
            verdict_fail(v, "sent \"%s\\n\": no reply and the connection stayed open for "
                         "%d ms (a correct server answers an error, or closes that "
                         "connection)", bad[i], REPLY_MS);
            impl_log_output(&im, v);    /* a thread's traceback, say */
            close(fd);
            goto out;
        }
        close(fd);
        char after[96];
        snprintf(after, sizeof after, "a client sent \"%s\\n\"", bad[i]);
        impl_wait(&im, 100);        /* a server that dies of it has the time to */
        if (!still_running(&im, v, after)) {
            verdict_say(v, "  a request that is not a number must not end the server: "
                        "catch the error (try/except) and answer it, or close that "
                        "connection");
            goto out;
        }
    }
    int fd = dial(port, REPLY_MS);
    if (fd < 0 || !ask(fd, "6", full(o), v, "after the bad requests, a new client")) {
        if (fd < 0)
            verdict_fail(v, "after the bad requests, a new client cannot connect");
    } else {
        verdict_say(v, "\"abc\", \"12abc\", an empty line, \"1.5\" and a 20-digit number "
                    "each %s; the server went on", full(o) ? "answered with its ERR"
                                                           : "answered or closed");
    }
    if (fd >= 0)
        close(fd);
out:
    impl_stop(&im);
}

/* Several requests in one write: each answered, in order. */
static void check_burst(const struct grade_opts *o, struct verdict *v)
{
    enum { N = 20 };
    struct impl im;
    char port[8];
    int fd = -1;
    if (!start_server(&im, o, port, v))
        goto out;
    if ((fd = dial(port, REPLY_MS)) < 0) {
        verdict_fail(v, "cannot connect: %s", strerror(errno));
        goto out;
    }
    char req[N * 8] = "", want[N * 12] = "";
    for (int i = 1; i <= N; i++) {
        char s[16];
        snprintf(s, sizeof s, "%d\n", i);
        strcat(req, s);
        snprintf(s, sizeof s, "%d\n", i * i);
        strcat(want, s);
    }
    io_write_all(fd, req, strlen(req));
    /* read until every reply is in, or 2 s */
    char buf[4096];
    size_t len = 0;
    uint64_t start = timing_now_ns();
    while (len < sizeof buf - 1 && ms_since(start) < REPLY_MS) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        if (len >= strlen(want) && full(o))
            break;
    }
    buf[len] = '\0';
    bool ok;
    if (full(o)) {
        ok = len == strlen(want) && memcmp(buf, want, len) == 0;
    } else {
        /* the squares, in order, each a word of their own */
        size_t at = 0;
        ok = true;
        for (int i = 1; i <= N && ok; i++) {
            char w[16];
            snprintf(w, sizeof w, "%d", i * i);
            long hit = scan_find_word(buf, len, at, w);
            ok = hit >= 0;
            if (ok)
                at = (size_t)hit + strlen(w);
        }
        ok = ok && scan_find_word(buf, len, 0, "ERR") < 0;
    }
    if (ok) {
        verdict_say(v, "%d requests \"1\\n\" .. \"%d\\n\" in one write: %d replies, in order",
                    N, N, N);
        goto out;
    }
    verdict_fail(v, "sent %d requests in one write (\"1\\n2\\n...%d\\n\"), expected their "
                 "squares in order, one per line", N, N);
    verdict_quote(v, "got", buf, len, 300);
    if (scan_has_word(buf, len, "1") || scan_find_word(buf, len, 0, "ERR") >= 0)
        verdict_say(v, "  one recv() is not one request: it may hold several lines (or "
                    "part of one); split what came at each newline and answer every line");
out:
    if (fd >= 0)
        close(fd);
    impl_stop(&im);
}

static void check_protocol(const struct grade_opts *o, struct verdict *v)
{
    static const struct { const char *send, *want, *what; } steps[] = {
        { "4\r\n", "16\n", "a request ended by CRLF" },
        { "  -8  \n", "64\n", "blanks around the number" },
        { "+3\n", "9\n", "a plus sign" },
        { "\n", "ERR empty request\n", "an empty line" },
        { "9223372036854775808\n", "ERR out of range\n", "2^63, past a signed 64-bit" },
        { "seven\n", "ERR not an integer\n", "a word" },
        { "QUIT\n", "BYE\n", "QUIT" },
    };
    struct impl im;
    char port[8];
    int fd = -1;
    if (!start_server(&im, o, port, v))
        goto out;
    if ((fd = dial(port, REPLY_MS)) < 0) {
        verdict_fail(v, "cannot connect: %s", strerror(errno));
        goto out;
    }
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        io_write_all(fd, steps[i].send, strlen(steps[i].send));
        char buf[512];
        size_t got;
        long r = read_reply(fd, buf, sizeof buf, NULL, true, REPLY_MS, &got);
        if (r < 0 || (size_t)r != strlen(steps[i].want) || memcmp(buf, steps[i].want, got)) {
            verdict_fail(v, "%s: the reply is not the line week3(7) gives", steps[i].what);
            verdict_quote(v, "sent", steps[i].send, strlen(steps[i].send), 100);
            verdict_quote(v, "expected", steps[i].want, strlen(steps[i].want), 100);
            verdict_quote(v, "got", buf, got, 200);
            goto out;
        }
    }
    /* after BYE, the server closes */
    char c;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, REPLY_MS) <= 0 || recv(fd, &c, 1, 0) != 0) {
        verdict_fail(v, "after \"BYE\\n\" the server did not close the connection within "
                     "%d ms", REPLY_MS);
        goto out;
    }
    /* a line too long: an ERR, and the connection goes on */
    close(fd);
    if ((fd = dial(port, REPLY_MS)) < 0) {
        verdict_fail(v, "cannot connect again: %s", strerror(errno));
        goto out;
    }
    char longline[3000];
    memset(longline, '7', sizeof longline - 1);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    io_write_all(fd, longline, strlen(longline));
    char buf[512];
    size_t got;
    long r = read_reply(fd, buf, sizeof buf, NULL, true, REPLY_MS, &got);
    if (r < 0 || strncmp(buf, "ERR line too long\n", got) != 0 || got != 18) {
        verdict_fail(v, "sent a line of %zu digits, expected \"ERR line too long\\n\" (at "
                     "most 1024 bytes a line)", strlen(longline) - 1);
        verdict_quote(v, "got", buf, got, 200);
        goto out;
    }
    if (!ask(fd, "10", true, v, "after the long line, on the same connection, a request"))
        goto out;
    verdict_say(v, "CRLF, blanks, '+', the four ERR replies and QUIT/BYE as week3(7) says");
out:
    if (fd >= 0)
        close(fd);
    impl_stop(&im);
}

static void check_many(const struct grade_opts *o, struct verdict *v)
{
    struct impl im;
    char port[8];
    int fds[MANY];
    int opened = 0, answered = 0;
    char got[MANY][32];
    size_t glen[MANY];
    memset(glen, 0, sizeof glen);
    if (!start_server(&im, o, port, v))
        goto out;
    for (; opened < MANY; opened++) {
        if ((fds[opened] = dial(port, 3000)) < 0) {
            verdict_fail(v, "client %d of %d cannot connect: %s (is the server back in "
                         "accept() at once? a server that serves one client at a time "
                         "leaves the others in the listen queue until it is full; or "
                         "the queue is short: listen(fd, 128) or more)",
                         opened + 1, MANY, strerror(errno));
            goto close;
        }
        char req[16];
        snprintf(req, sizeof req, "%d\n", opened + 1);
        io_write_all(fds[opened], req, strlen(req));
    }
    bool done[MANY] = { false };
    uint64_t start = timing_now_ns(), progress = start;
    /* 10 s in all, and no 3 s without a reply */
    while (answered < MANY && ms_since(start) < 10000 && ms_since(progress) < 3000) {
        struct pollfd p[MANY];
        for (int i = 0; i < MANY; i++)
            p[i] = (struct pollfd){ .fd = done[i] ? -1 : fds[i], .events = POLLIN };
        if (poll(p, MANY, 100) <= 0)
            continue;
        for (int i = 0; i < MANY; i++) {
            if (done[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = recv(fds[i], got[i] + glen[i], sizeof got[i] - 1 - glen[i], 0);
            if (n > 0) {
                glen[i] += (size_t)n;
                progress = timing_now_ns();
            }
            char want[16];
            snprintf(want, sizeof want, "%d", (i + 1) * (i + 1));
            if (n <= 0 || glen[i] >= sizeof got[i] - 1 ||
                memchr(got[i], '\n', glen[i]) != NULL ||
                (!full(o) && scan_reply_is(got[i], glen[i], want, false))) {
                done[i] = true;
                if (scan_reply_is(got[i], glen[i], want, full(o)))
                    answered++;
                else {
                    verdict_fail(v, "client %d of %d sent \"%d\\n\", expected %s", i + 1,
                                 MANY, i + 1, want);
                    verdict_quote(v, "got", got[i], glen[i], 100);
                    goto close;
                }
            }
        }
    }
    if (answered < MANY) {
        verdict_fail(v, "%d clients connected at once and each sent a number: %d answered "
                     "(in %.1f s; then nothing for 3 s, or 10 s were up)", MANY, answered,
                     (double)(progress - start) / 1e9);
        verdict_say(v, "%s", iterative_hint);
        goto close;
    }
    verdict_say(v, "%d clients at once, all answered in %.2f s", MANY,
                (double)ms_since(start) / 1000);
close:
    for (int i = 0; i < opened; i++)
        close(fds[i]);
out:
    impl_stop(&im);
}

/* Signal 'sig' to the group (as Ctrl-C does); ended within 2 s? */
static bool ends_on(struct impl *im, int sig, int *status)
{
    impl_signal(im, sig);
    if (!impl_wait(im, 2000))
        return false;
    *status = im->status;
    return true;
}

static void check_signal(const struct grade_opts *o, struct verdict *v)
{
    static const int sigs[] = { SIGINT, SIGTERM };
    for (size_t i = 0; i < 2; i++) {
        struct impl im;
        char port[8];
        if (!start_server(&im, o, port, v)) {
            impl_stop(&im);
            return;
        }
        /* a client connected, as in real life: it must not keep the server up */
        int fd = dial(port, REPLY_MS);
        if (fd >= 0)
            ask(fd, "3", full(o), v, "a client");
        int status = 0;
        bool ended = ends_on(&im, sigs[i], &status);
        char how[96];
        if (!ended && !full(o) && i == 0) {
            /* the course's programs may need SIGTERM after SIGINT: try it */
            ended = ends_on(&im, SIGTERM, &status);
            if (ended)
                verdict_say(v, "SIGINT did not end it within 2 s; SIGTERM did");
        }
        if (fd >= 0)
            close(fd);
        if (!ended) {
            verdict_fail(v, "sent SIG%s to the server (with a client connected): it was "
                         "still running 2 s later", sigabbrev_np(sigs[i]));
            verdict_say(v, "  a server ends on Ctrl-C (SIGINT) and SIGTERM: a thread "
                        "blocked in accept() or recv() must not keep the process alive "
                        "(daemon threads, or close the sockets on the signal)");
            impl_stop(&im);
            return;
        }
        if (full(o) && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            verdict_fail(v, "after SIG%s the server %s; week3(7): a clean stop exits 0",
                         sigabbrev_np(sigs[i]), impl_how(&im, how, sizeof how));
            impl_log_output(&im, v);
            impl_stop(&im);
            return;
        }
        verdict_say(v, "SIG%s: the server %s within 2 s", sigabbrev_np(sigs[i]),
                    impl_how(&im, how, sizeof how));
        impl_stop(&im);
        if (!full(o))
            return;
    }
}

/* requests/s of the server on 'port' under the kit's load generator, or -1. */
static double bench(const char *client, const char *port)
{
    char *argv[] = { (char *)client, "127.0.0.1", "-p", (char *)port, "--bench", "-c", "50",
                     "--duration", "1", "--json", NULL };
    char out[4096];
    if (run_program(argv, NULL, false, out, sizeof out, 15000) < 0)
        return -1;
    const char *ok = strstr(out, "\"ok\":true");
    const char *rate = strstr(out, "\"per_sec\":");
    return ok && rate ? strtod(rate + 10, NULL) : -1;
}

static void check_performance(const struct grade_opts *o, struct verdict *v)
{
    char client[PATH_MAX], server[PATH_MAX];
    if (kit_program(o, "tcp_client", client) == NULL) {
        verdict_skip(v, "the kit's tcp_client is not beside grade (make)");
        return;
    }
    struct impl im;
    char port[8];
    if (!start_server(&im, o, port, v)) {
        impl_stop(&im);
        return;
    }
    double theirs = bench(client, port);
    impl_stop(&im);
    if (theirs < 0) {
        verdict_skip(v, "not measured: under the kit's load generator (50 clients, 1 s) "
                        "some reply was wrong or missing (it needs one line per reply)");
        return;
    }
    v->has_value = true;
    v->value = theirs;
    v->value_name = "requests/s";
    verdict_say(v, "%.0f requests/s (the kit's tcp_client --bench, 50 connections, 1 s)",
                theirs);
    /* the kit's epoll server, in the same run, for scale */
    if (kit_program(o, "tcp_server", server) != NULL) {
        struct grade_opts kit = *o;
        char *cmd[] = { server, "-p", "{port}", "-b", "127.0.0.1", "-q", NULL };
        kit.command = cmd;
        kit.command_len = 6;
        kit.drop = false;
        struct verdict quiet = { 0 };
        struct impl ref;
        if (start_server(&ref, &kit, port, &quiet)) {
            double ours = bench(client, port);
            if (ours > 0)
                verdict_say(v, "the kit's tcp_server -m epoll, same load, same run: %.0f "
                            "requests/s (%.2fx)", ours, theirs / ours);
        }
        impl_stop(&ref);
        free(quiet.log);
    }
}

/* ---- across the lab's machines (--lab) ---- */

static const char local_only_hint[] =
    "  a server that listens on 127.0.0.1 (localhost) is reached from its own machine "
    "only: listen on the address it is given ({host}) or on every address (0.0.0.0; "
    "in Python, \"\")";

/* Start the server on node1, on {host} (node1's address) and {port},
 * and wait until node2 can connect to it. */
static bool start_on_node1(struct impl *im, const struct grade_opts *o, char *port,
                           struct verdict *v)
{
    const struct lab *lab = o->lab;
    struct grade_opts on = *o;
    on.node = 1;
    lab_port(port);
    struct fill f = { .host = lab->addr[1], .port = port };
    if (impl_start(im, &on, &f, "the server", v) != 0)
        return false;
    uint64_t start = timing_now_ns();
    char where[48] = "";
    while (ms_since(start) < START_MS) {
        int fd = lab_dial(lab, 2, 1, port, 200);
        if (fd >= 0) {
            close(fd);
            return true;
        }
        /* listening where node2 cannot reach: no use waiting */
        if (impl_bound(im, true, port, where, sizeof where) > 0 &&
            strcmp(where, "127.0.0.1") == 0)
            break;
        if (impl_wait(im, 20)) {
            verdict_fail(v, "the server on node1 ended before it listened on %s:%s",
                         lab->addr[1], port);
            impl_log_output(im, v);
            return false;
        }
    }
    verdict_fail(v, "started on node1 ({host} %s, {port} %s), it could not be reached from "
                 "node2 (%.1f s)", lab->addr[1], port, ms_since(start) / 1000.0);
    int bound = impl_bound(im, true, port, where, sizeof where);
    if (bound > 0 && strcmp(where, "127.0.0.1") == 0)
        verdict_say(v, "%s", local_only_hint);
    else if (bound > 0)
        verdict_say(v, "  it listens on %s port %s, which node2 cannot reach: listen on "
                    "{host} or on every address", where, port);
    else if (bound == 0)
        verdict_say(v, "  nothing listened on port %s on node1 at all%s", port,
                    command_has(o, "{port}") ? "" : " (COMMAND has no {port})");
    if (bound <= 0 || strcmp(where, "127.0.0.1") != 0) {
        if (!command_has(o, "{host}"))
            verdict_say(v, "  (COMMAND has no {host}: on the lab, a server must listen on the "
                        "address it is given, or on every address)");
    }
    impl_log_output(im, v);
    return false;
}

static void check_lab_clients(const struct grade_opts *o, struct verdict *v)
{
    if (!lab_ready(o, v))
        return;
    struct impl im;
    char port[8];
    int fd2 = -1, fd3 = -1;
    if (!start_on_node1(&im, o, port, v))
        goto out;
    fd2 = lab_dial(o->lab, 2, 1, port, REPLY_MS);
    fd3 = lab_dial(o->lab, 3, 1, port, REPLY_MS);
    if (fd2 < 0 || fd3 < 0) {
        verdict_fail(v, "node%d cannot connect to %s:%s: %s", fd2 < 0 ? 2 : 3,
                     o->lab->addr[1], port, strerror(errno));
        goto out;
    }
    /* in turns, node3 (the last connected) first */
    static const char *const numbers[] = { "31", "-17", "2024", "5" };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        bool three = i % 2 == 0;
        char who[64];
        snprintf(who, sizeof who, "a client on node%d (%s, both connected)", three ? 3 : 2,
                 o->lab->addr[three ? 3 : 2]);
        if (!ask(three ? fd3 : fd2, numbers[i], full(o), v, who)) {
            if (asked_silence)
                verdict_say(v, "%s", iterative_hint);
            goto out;
        }
    }
    verdict_say(v, "the server on node1 (%s) answered clients on node2 and node3, connected "
                "at once, in turns", o->lab->addr[1]);
out:
    if (fd2 >= 0)
        close(fd2);
    if (fd3 >= 0)
        close(fd3);
    impl_stop(&im);
}

static void check_lab_cut(const struct grade_opts *o, struct verdict *v)
{
    enum { BACK_MS = 15000 };   /* TCP sends again, at most ~1.6 s apart here */
    if (!lab_ready(o, v))
        return;
    const struct lab *lab = o->lab;
    struct impl im;
    char port[8], buf[512];
    int fd2 = -1, fd3 = -1;
    bool cut = false;
    if (!start_on_node1(&im, o, port, v))
        goto out;
    if ((fd2 = lab_dial(lab, 2, 1, port, REPLY_MS)) < 0) {
        verdict_fail(v, "node2 cannot connect to %s:%s: %s", lab->addr[1], port,
                     strerror(errno));
        goto out;
    }
    if (!ask(fd2, "6", full(o), v, "a client on node2"))
        goto out;
    /* node2 vanishes from the network with a request on its way */
    if (lab_link(lab, 2, true) != 0) {
        verdict_fail(v, "grade: netlab cut 2 failed");
        goto out;
    }
    cut = true;
    if (io_write_all(fd2, "7\n", 2) != 0) {
        verdict_fail(v, "grade: node2 could not send: %s", strerror(errno));
        goto out;
    }
    verdict_say(v, "node2 asked 6 (answered), then its cable was cut and it asked 7");
    if ((fd3 = lab_dial(lab, 3, 1, port, REPLY_MS)) < 0) {
        verdict_fail(v, "while node2's cable was cut, node3 could not connect to %s:%s: %s",
                     lab->addr[1], port, strerror(errno));
        verdict_say(v, "%s", iterative_hint);
        goto out;
    }
    if (!ask(fd3, "8", full(o), v, "while node2's cable was cut, a client on node3")) {
        if (asked_silence)
            verdict_say(v, "%s: a client whose machine vanishes never says goodbye, "
                        "and a server waiting on it waits for ever", iterative_hint);
        goto out;
    }
    if (!still_running(&im, v, "a client's cable was cut"))
        goto out;
    if (lab_link(lab, 2, false) != 0) {
        verdict_fail(v, "grade: netlab heal 2 failed");
        goto out;
    }
    cut = false;
    uint64_t healed = timing_now_ns();
    size_t got;
    long r = read_reply(fd2, buf, sizeof buf, "49", full(o), BACK_MS, &got);
    if (r >= 0 && scan_reply_is(buf, (size_t)r, "49", full(o))) {
        verdict_say(v, "node3 was served meanwhile; node2's 7 was answered %.1f s after its "
                    "cable was back (TCP sent it again: a cut delays, it does not lose)",
                    ms_since(healed) / 1000.0);
        goto out;
    }
    verdict_fail(v, "node2 asked 7 while its cable was cut; %d s after it was back, no "
                 "answer 49", BACK_MS / 1000);
    verdict_quote(v, "got", buf, got, 200);
    verdict_say(v, "  a correct server keeps a client's connection while the network "
                "is out: TCP delivers the request when it is back");
out:
    if (cut)
        lab_link(lab, 2, false);
    if (fd2 >= 0)
        close(fd2);
    if (fd3 >= 0)
        close(fd3);
    impl_stop(&im);
}

static const struct check checks[] = {
    { "tcp-server.squares", "basic", PROFILE_BOTH, 3,
      "answers each number with its square, negative numbers too", check_squares },
    { "tcp-server.clients", "concurrency", PROFILE_BOTH, 2,
      "serves several connected clients in any order", check_clients },
    { "tcp-server.idle-client", "concurrency", PROFILE_BOTH, 2,
      "a client that connects and sends nothing does not stop others", check_idle_client },
    { "tcp-server.stalled-line", "concurrency", PROFILE_FULL, 1,
      "a client that sends half a line and stalls does not stop others", check_stalled_line },
    { "tcp-server.many", "concurrency", PROFILE_BOTH, 2,
      "200 clients at once, all answered", check_many },
    { "tcp-server.burst", "protocol", PROFILE_BOTH, 2,
      "several requests in one write are each answered, in order", check_burst },
    { "tcp-server.pieces", "robustness", PROFILE_FULL, 1,
      "a request sent a byte at a time is answered once, whole", check_pieces },
    { "tcp-server.vanish", "robustness", PROFILE_BOTH, 1,
      "clients that vanish mid-request do not harm the server", check_vanish },
    { "tcp-server.reaps", "robustness", PROFILE_FULL, 1,
      "a client's process ends and is waited for: no zombies, nothing left running",
      check_reaps },
    { "tcp-server.bad-input", "robustness", PROFILE_BOTH, 2,
      "bad input is answered (or its connection closed), and the server goes on",
      check_bad_input },
    { "tcp-server.protocol", "protocol", PROFILE_FULL, 2,
      "the line protocol of week3(7): CRLF, ERR replies, QUIT, long lines", check_protocol },
    { "tcp-server.signal", "shutdown", PROFILE_BOTH, 1,
      "SIGINT and SIGTERM end it within 2 s (full: exit 0)", check_signal },
    { "tcp-server.performance", "performance", PROFILE_BOTH, 0,
      "requests/s under the kit's load generator (a figure, no points)", check_performance },
    { "tcp-server.lab-clients", "concurrency", PROFILE_BOTH | LAB, 2,
      "on node1 of a lab, serves clients on node2 and node3 at once", check_lab_clients },
    { "tcp-server.lab-cut", "faults", PROFILE_BOTH | LAB, 2,
      "a client's cable cut mid-request: others served; healed: it is answered",
      check_lab_cut },
};

const struct spec spec_tcp_server = {
    "tcp-server", "a server that answers each number with its square (TCP, one per line)",
    "{port}", checks, sizeof checks / sizeof checks[0],
};
