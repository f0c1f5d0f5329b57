/*
 * spec_udp - grade's udp-sender and udp-receiver specs: heartbeats that
 * come at a steady interval, with seq and a goodbye; a receiver that
 * shows every node, outlives garbage, and declares a silent node DEAD
 * in time but a late datagram's node never.
 *
 * The grader plays the other side, on 127.0.0.1 only.  For a sender, a
 * UDP socket of its own that times every datagram.  For a receiver, a
 * few nodes, each a socket of its own (so a node's address is its
 * port), that send heartbeats in the kit's format (heartbeat.h), and
 * garbage.  A receiver's output is read as it comes, a line at a time,
 * for the node's name beside ALIVE, SUSPECT, DEAD or LEFT.
 *
 * The interval: a sender's command may say {interval_ms}, filled with
 * 100 so that the checks are quick; without it the sender is taken to
 * beat every 1000 ms, the course's default, and the log says so.  A
 * receiver is sent heartbeats with interval_ms=100 either way: in the
 * kit's contract (week3(7)) a node's deadlines are counted in its own
 * interval, which its heartbeats carry; {interval_ms}, where COMMAND
 * has it, tells a receiver that wants it on its command line too.
 */
#include "grade.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "heartbeat.h"
#include "net.h"
#include "scan.h"
#include "timing.h"

enum {
    FAST_MS = 100,          /* the interval the grader asks for */
    COURSE_MS = 1000,       /* a sender's interval without {interval_ms} */
    START_MS = 5000,        /* a program's start (an interpreter's too) */
    SHOW_MS = 1000,         /* a heartbeat is in a receiver's output by then */
    SLACK_MS = 300,         /* on top of a receiver's deadlines */
    STOP_MS = 2000,         /* SIGINT to the end of a sender */
    QUOTE_MAX = 120,        /* bytes of a datagram quoted in a log */
    OUT_MAX = 1 << 20,      /* bytes of a receiver's output looked at */
    DGRAM_MAX = 65536,
};


static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static void sleep_ms(int ms)
{
    if (ms > 0)
        poll(NULL, 0, ms);
}

/* ------------------------------------------------------------------ */
/* The sender under test, and the socket it sends to.                  */

struct arrival {
    uint64_t at_ns;                 /* when it came (timing_now_ns) */
    size_t len;                     /* its true length */
    char text[HB_MAX_LEN + 2];      /* its first bytes: one past the limit */
    struct in_addr from;            /* its source address */
};

struct tx {
    struct impl im;
    int fd;                         /* bound to host:port; -1: nobody */
    const char *host;               /* 127.0.0.1, or node1's address on the lab */
    char port[8];
    unsigned interval;              /* ms, what the sender was asked for */
    bool interval_given;            /* COMMAND has {interval_ms} */
};

/* How many bytes of a datagram are kept, and so may be parsed or quoted. */
static size_t kept(const struct arrival *a)
{
    return min_size(a->len, sizeof(a->text));
}

/*
 * Start the sender.  With 'listen', first bind the socket it must send
 * to; without, pick a port nobody listens on.  Returns 0, or -1 with the
 * verdict failed.
 */
/* A UDP socket bound to node1's address of the lab, port chosen by the
 * kernel (its number in 'port'): the fd, or -1. */
static int bind_on_node1(const struct lab *lab, char *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    int fd = lab_socket(lab, 1, SOCK_DGRAM);

    if (fd < 0)
        return -1;
    if (inet_pton(AF_INET, lab->addr[1], &a.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || net_local_port(fd) < 0) {
        close(fd);
        return -1;
    }
    snprintf(port, 8, "%u", (unsigned)net_local_port(fd) & 0xffffu);
    return fd;
}

static int tx_start(struct tx *t, const struct grade_opts *o, struct verdict *v,
                    bool listen)
{
    char ms[16];
    int gai = 0;
    struct grade_opts on = *o;
    const char *host = "127.0.0.1";

    memset(t, 0, sizeof(*t));
    t->fd = -1;
    t->interval_given = command_has(o, "{interval_ms}");
    t->interval = t->interval_given ? FAST_MS : COURSE_MS;
    if (!t->interval_given)
        verdict_say(v, "COMMAND has no {interval_ms}: the sender is taken to beat "
                    "every %d ms (the course's default)", COURSE_MS);
    if (o->node > 0) {
        /* on the lab: it runs on node o->node and sends to node1 */
        host = o->lab->addr[1];
        if ((t->fd = bind_on_node1(o->lab, t->port)) < 0)
            return verdict_fail(v, "grader: cannot bind a UDP socket on node1 (%s): %s",
                                host, strerror(errno)), -1;
    } else if (listen) {
        t->fd = net_bind_udp("127.0.0.1", "0", false, &gai);
        if (t->fd < 0 || net_local_port(t->fd) < 0)
            return verdict_fail(v, "grader: cannot bind a UDP socket on 127.0.0.1: %s",
                                strerror(errno)), -1;
        snprintf(t->port, sizeof(t->port), "%u", (unsigned)net_local_port(t->fd) & 0xffffu);
    } else if (pick_port(false, t->port) < 0) {
        return verdict_fail(v, "grader: no free UDP port: %s", strerror(errno)), -1;
    }
    snprintf(ms, sizeof(ms), "%u", t->interval);
    t->host = host;
    struct fill f = { .host = host, .port = t->port, .interval_ms = ms };
    return impl_start(&t->im, &on, &f, "the sender", v);
}

static void tx_stop(struct tx *t)
{
    if (t->im.pid > 0)
        impl_stop(&t->im);
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

/*
 * The next datagram on 'fd', waiting at most 'timeout_ms' and keeping an
 * eye on the sender.  Returns 1 with *a filled, 0 when the time ran out,
 * -1 when the sender has ended and nothing is left to read.
 */
static int next_datagram(int fd, struct impl *im, int timeout_ms, struct arrival *a)
{
    uint64_t start = timing_now_ns();
    char buf[DGRAM_MAX];

    for (;;) {
        int left = timeout_ms - (int)ms_since(start);
        struct pollfd p = { .fd = fd, .events = POLLIN };

        if (poll(&p, 1, left < 0 ? 0 : left < 20 ? left : 20) > 0) {
            struct sockaddr_in from = { 0 };
            socklen_t flen = sizeof(from);
            ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
                                 (struct sockaddr *)&from, &flen);
            if (n >= 0) {
                a->from = from.sin_addr;
                a->at_ns = timing_now_ns();
                a->len = (size_t)n;
                memcpy(a->text, buf, kept(a));
                return 1;
            }
        }
        if (impl_wait(im, 0))
            return -1;
        if (left <= 0)
            return 0;
    }
}

/*
 * Collect 'want' datagrams from the sender: the first within the start
 * time, each next within 3 intervals.  Returns how many came; fewer
 * than 'want' failed the verdict, saying why.
 */
static int tx_collect(struct tx *t, struct verdict *v, struct arrival *a, int want)
{
    int n = 0;

    for (;;) {
        int wait = n == 0 ? START_MS + (int)t->interval : 3 * (int)t->interval + SLACK_MS;
        int r = next_datagram(t->fd, &t->im, wait, &a[n]);
        char how[64];

        if (r == 1 && ++n == want)
            return n;
        if (r == 1)
            continue;
        if (r < 0)
            verdict_fail(v, "%d datagram(s) came to %s:%s, then it %s", n, t->host, t->port,
                         impl_how(&t->im, how, sizeof(how)));
        else if (n == 0)
            verdict_fail(v, "no datagram came to %s:%s within %d ms of its start",
                         t->host, t->port, wait);
        else
            verdict_fail(v, "%d datagram(s) came, then none for %d ms (its interval is %u ms)",
                         n, wait, t->interval);
        if (n > 0)
            verdict_quote(v, "last got", a[n - 1].text, kept(&a[n - 1]), QUOTE_MAX);
        verdict_say(v, "a correct sender sends a datagram to {host}:{port} at once, then "
                    "one every %u ms until it is stopped%s", t->interval,
                    t->interval_given ? " ({interval_ms} is in milliseconds)" : "");
        impl_log_output(&t->im, v);
        return n;
    }
}

/* The gaps between arrivals, in ms, into 'gap' (n - 1 of them), and a
 * line of the log with all of them. */
static void gaps_of(struct verdict *v, const struct arrival *a, int n, double *gap)
{
    char line[512] = "";
    size_t len = 0;

    for (int i = 1; i < n; i++) {
        gap[i - 1] = (double)(a[i].at_ns - a[i - 1].at_ns) / 1e6;
        if (len < sizeof(line))
            len += (size_t)snprintf(line + len, sizeof(line) - len, " %.0f", gap[i - 1]);
    }
    verdict_say(v, "gaps between heartbeats (ms):%s", line);
}

/*
 * Steady: the mean gap within -20%..+25% of the interval, and 80% of
 * the gaps within half an interval of it.  A loaded machine may delay a
 * heartbeat or two; a sender that bursts, drifts or mixes up seconds
 * and milliseconds does not pass.
 */
static void judge_steady(struct verdict *v, const struct arrival *a, int n, unsigned interval)
{
    double gap[16], sum = 0, sq = 0, lo = 1e18, hi = 0;
    int steady = 0;

    gaps_of(v, a, n, gap);
    for (int i = 0; i < n - 1; i++) {
        sum += gap[i];
        lo = gap[i] < lo ? gap[i] : lo;
        hi = gap[i] > hi ? gap[i] : hi;
        steady += fabs(gap[i] - interval) <= interval / 2.0;
    }
    double mean = sum / (n - 1);
    for (int i = 0; i < n - 1; i++)
        sq += (gap[i] - mean) * (gap[i] - mean);
    verdict_say(v, "%d heartbeats: mean gap %.1f ms (asked %u), min %.1f, max %.1f, "
                "jitter (standard deviation) %.1f ms", n, mean, interval, lo, hi,
                sqrt(sq / (n - 1)));
    if (mean < 0.8 * interval || mean > 1.25 * interval)
        verdict_fail(v, "they came every %.1f ms on average, not every %u ms: a correct "
                     "sender waits its interval between two heartbeats ({interval_ms} "
                     "is in milliseconds)", mean, interval);
    else if (steady * 5 < (n - 1) * 4)
        verdict_fail(v, "only %d of %d gaps were within %u..%u ms: a correct sender "
                     "beats at a steady interval, neither in bursts nor in stalls",
                     steady, n - 1, interval / 2, interval * 3 / 2);
}

static void sender_steady(const struct grade_opts *o, struct verdict *v)
{
    struct arrival a[12];
    struct tx t;

    if (tx_start(&t, o, v, true) == 0) {
        int want = t.interval >= COURSE_MS ? 6 : 12;
        if (tx_collect(&t, v, a, want) == want)
            judge_steady(v, a, want, t.interval);
    }
    tx_stop(&t);
}

/* Parse a datagram as a heartbeat; false (the verdict failed) if not. */
static bool parse_or_fail(struct verdict *v, const struct arrival *a, int i,
                          struct heartbeat *hb)
{
    const char *key = NULL;
    char why[64];
    enum heartbeat_error err = heartbeat_parse(a->text, kept(a), hb, &key);

    if (err == HB_OK)
        return true;
    verdict_fail(v, "datagram %d is not a heartbeat of the kit's format: %s", i + 1,
                 heartbeat_error_str(err, key, why, sizeof(why)));
    verdict_quote(v, "got", a->text, kept(a), QUOTE_MAX);
    verdict_say(v, "a correct one (week3(7)): HEARTBEAT v=1 node=NAME inc=START_MS "
                "seq=N interval_ms=MS sent_ms=UNIX_MS");
    return false;
}

/* Heartbeat 'i' follows heartbeat 'i - 1' of the same run? */
static bool follows(struct verdict *v, const struct arrival *a, const struct heartbeat *hb,
                    int i)
{
    const struct heartbeat *p = &hb[i - 1], *h = &hb[i];

    if (strcmp(p->node, h->node) != 0)
        verdict_fail(v, "node changed from %s to %s: one sender is one node", p->node,
                     h->node);
    else if (p->inc != h->inc)
        verdict_fail(v, "inc changed from %llu to %llu: a correct sender keeps its "
                     "incarnation (its start time) for its whole life",
                     (unsigned long long)p->inc, (unsigned long long)h->inc);
    else if (h->seq != p->seq + 1)
        verdict_fail(v, "seq went from %llu to %llu: a correct sender counts 1, 2, 3, "
                     "... one more per heartbeat", (unsigned long long)p->seq,
                     (unsigned long long)h->seq);
    else
        return true;
    verdict_quote(v, "got", a[i - 1].text, kept(&a[i - 1]), QUOTE_MAX);
    verdict_quote(v, "then", a[i].text, kept(&a[i]), QUOTE_MAX);
    return false;
}

/*
 * Every datagram a heartbeat of one node and incarnation, seq one more
 * each time, and interval_ms the truth: within half of it of the mean
 * gap measured (a receiver counts its deadlines in the stated interval).
 */
static void judge_seq(struct verdict *v, const struct arrival *a, int n)
{
    struct heartbeat hb[5];

    for (int i = 0; i < n; i++) {
        if (!parse_or_fail(v, &a[i], i, &hb[i]))
            return;
        if (i > 0 && !follows(v, a, hb, i))
            return;
    }
    double mean = (double)(a[n - 1].at_ns - a[0].at_ns) / 1e6 / (n - 1);
    double stated = (double)hb[n - 1].interval_ms;
    verdict_say(v, "node %s, inc %llu, seq %llu to %llu, interval_ms=%llu (measured %.1f)",
                hb[0].node, (unsigned long long)hb[0].inc, (unsigned long long)hb[0].seq,
                (unsigned long long)hb[n - 1].seq, (unsigned long long)hb[n - 1].interval_ms,
                mean);
    if (fabs(mean - stated) > stated / 2) {
        verdict_fail(v, "its heartbeats say interval_ms=%llu, but they came every %.1f ms: "
                     "a receiver counts its deadlines in the interval a heartbeat states",
                     (unsigned long long)hb[n - 1].interval_ms, mean);
        verdict_quote(v, "got", a[n - 1].text, kept(&a[n - 1]), QUOTE_MAX);
    }
}

static void sender_seq(const struct grade_opts *o, struct verdict *v)
{
    struct arrival a[5];
    struct tx t;

    if (tx_start(&t, o, v, true) == 0 && tx_collect(&t, v, a, 5) == 5)
        judge_seq(v, a, 5);
    tx_stop(&t);
}

/*
 * After SIGINT: the datagrams until the goodbye (leaving=1), for at most
 * STOP_MS.  Returns 1 with the goodbye in *a, 0 if none came, -1 if what
 * came was not a heartbeat (the verdict failed).
 */
static int await_goodbye(struct tx *t, struct verdict *v, uint64_t since,
                         struct arrival *a, struct heartbeat *hb)
{
    int n = 0;

    while (next_datagram(t->fd, &t->im, STOP_MS - (int)ms_since(since), a) == 1) {
        if (!parse_or_fail(v, a, n++, hb))
            return -1;
        if (hb->leaving)
            return 1;
    }
    return 0;
}

static void judge_goodbye(struct verdict *v, struct tx *t, uint64_t since, uint64_t seq)
{
    struct arrival a;
    struct heartbeat hb;
    char how[64];
    int r = await_goodbye(t, v, since, &a, &hb);

    if (r < 0)
        return;
    if (r == 0) {
        verdict_fail(v, "no heartbeat with leaving=1 came within %d ms of SIGINT (it %s)",
                     STOP_MS, impl_how(&t->im, how, sizeof(how)));
        verdict_say(v, "a correct sender catches SIGINT (Ctrl-C), sends one last heartbeat "
                    "with leaving=1 and its next seq, and exits 0");
        impl_log_output(&t->im, v);
        return;
    }
    verdict_say(v, "goodbye %llu ms after SIGINT", (unsigned long long)ms_since(since));
    if (hb.seq <= seq) {
        verdict_fail(v, "the goodbye has seq=%llu, not more than the %llu before it: it "
                     "is a heartbeat too, one more", (unsigned long long)hb.seq,
                     (unsigned long long)seq);
        verdict_quote(v, "got", a.text, kept(&a), QUOTE_MAX);
    } else if (!impl_wait(&t->im, ms_since(since) < STOP_MS ?
                                  STOP_MS - (int)ms_since(since) : 0)) {
        verdict_fail(v, "it sent its goodbye but was still running %d ms after SIGINT",
                     STOP_MS);
    } else if (!WIFEXITED(t->im.status) || WEXITSTATUS(t->im.status) != 0) {
        verdict_fail(v, "it %s: after a stop by SIGINT a correct program exits 0 "
                     "(week3(7))", impl_how(&t->im, how, sizeof(how)));
        impl_log_output(&t->im, v);
    }
}

static void sender_goodbye(const struct grade_opts *o, struct verdict *v)
{
    struct arrival a[2];
    struct heartbeat hb;
    struct tx t;

    if (tx_start(&t, o, v, true) == 0 && tx_collect(&t, v, a, 2) == 2 &&
        parse_or_fail(v, &a[1], 1, &hb)) {
        impl_signal(&t.im, SIGINT);
        verdict_say(v, "sent SIGINT after 2 heartbeats, the last with seq=%llu",
                    (unsigned long long)hb.seq);
        judge_goodbye(v, &t, timing_now_ns(), hb.seq);
    }
    tx_stop(&t);
}

/*
 * Nobody listens: a send may fail with ECONNREFUSED (an ICMP "port
 * unreachable" came back for the one before).  The sender must run on,
 * and still beat once somebody listens.
 */
static void sender_nobody(const struct grade_opts *o, struct verdict *v)
{
    struct tx t;
    struct arrival a;
    char how[64];
    int gai = 0;

    if (tx_start(&t, o, v, false) < 0)
        goto out;
    int quiet = 3 * (int)t.interval + SLACK_MS < 1000 ? 1000 : 3 * (int)t.interval + SLACK_MS;
    if (impl_wait(&t.im, quiet)) {
        verdict_fail(v, "it %s within %d ms, while nobody listened on 127.0.0.1:%s",
                     impl_how(&t.im, how, sizeof(how)), quiet, t.port);
        verdict_say(v, "with nobody listening a send may fail with 'Connection refused' "
                    "(ECONNREFUSED); a correct sender ignores that and keeps beating");
        impl_log_output(&t.im, v);
        goto out;
    }
    verdict_say(v, "still running after %d ms with nobody listening on 127.0.0.1:%s",
                quiet, t.port);
    t.fd = net_bind_udp("127.0.0.1", t.port, false, &gai);
    uint64_t bound = timing_now_ns();
    if (t.fd < 0) {
        verdict_say(v, "grader: the port was taken meanwhile; heartbeats after it not checked");
        goto out;
    }
    int r = next_datagram(t.fd, &t.im, 2 * (int)t.interval + 1000, &a);
    if (r == 1)
        verdict_say(v, "then a heartbeat came %llu ms after somebody listened there",
                    (unsigned long long)((a.at_ns - bound) / 1000000));
    else
        verdict_fail(v, "once somebody listened on 127.0.0.1:%s, no heartbeat came within "
                     "%d ms (it %s): a correct sender keeps beating after a failed send",
                     t.port, 2 * (int)t.interval + 1000, impl_how(&t.im, how, sizeof(how)));
out:
    tx_stop(&t);
}

/* ---- across the lab's machines (--lab) ---- */

/* Senders on node2 and node3, to node1: both heard, each from its own
 * machine's address, at a steady interval. */
static void sender_lab_heard(const struct grade_opts *o, struct verdict *v)
{
    enum { WANT = 6 };
    struct tx t;
    struct impl third = { 0 };
    struct grade_opts on = *o;
    struct arrival a[4 * WANT], mine[2][WANT];
    int got[2] = { 0, 0 };
    char ms[16], how[64];

    if (!lab_ready(o, v))
        return;
    on.node = 2;
    if (tx_start(&t, &on, v, true) != 0)
        goto out;
    on.node = 3;
    snprintf(ms, sizeof(ms), "%u", t.interval);
    struct fill f = { .host = o->lab->addr[1], .port = t.port, .interval_ms = ms };
    if (impl_start(&third, &on, &f, "the sender on node3", v) != 0)
        goto out;
    verdict_say(v, "senders on node2 (%s) and node3 (%s), to node1 (%s:%s)", o->lab->addr[2],
                o->lab->addr[3], o->lab->addr[1], t.port);
    uint64_t start = timing_now_ns();
    int limit = START_MS + (WANT + 2) * (int)t.interval;
    for (size_t i = 0; (got[0] < WANT || got[1] < WANT) && i < sizeof(a) / sizeof(a[0]); i++) {
        int left = limit - (int)ms_since(start);
        if (left <= 0 || next_datagram(t.fd, &t.im, left, &a[i]) != 1)
            break;
        for (int k = 0; k < 2; k++) {
            struct in_addr node;
            inet_pton(AF_INET, o->lab->addr[2 + k], &node);
            if (a[i].from.s_addr == node.s_addr && got[k] < WANT)
                mine[k][got[k]++] = a[i];
        }
    }
    for (int k = 0; k < 2; k++) {
        struct impl *im = k == 0 ? &t.im : &third;
        if (got[k] < WANT) {
            verdict_fail(v, "from node%d (%s): %d heartbeat(s) within %.1f s, not %d (it %s)",
                         2 + k, o->lab->addr[2 + k], got[k], limit / 1000.0, WANT,
                         impl_how(im, how, sizeof(how)));
            verdict_say(v, "  a correct sender sends to {host}:{port}, which here is another "
                        "machine's address, not 127.0.0.1");
            impl_log_output(im, v);
        } else {
            verdict_say(v, "node%d:", 2 + k);
            judge_steady(v, mine[k], WANT, t.interval);
        }
    }
out:
    if (third.pid > 0)
        impl_stop(&third);
    tx_stop(&t);
}

/* A sender on node2 whose cable is cut for a while, then plugged in:
 * it runs on, and node1 hears it again. */
static void sender_lab_cut(const struct grade_opts *o, struct verdict *v)
{
    struct tx t;
    struct arrival a[3], after;
    struct grade_opts on = *o;
    char how[64];

    if (!lab_ready(o, v))
        return;
    on.node = 2;
    if (tx_start(&t, &on, v, true) != 0 || tx_collect(&t, v, a, 3) != 3)
        goto out;
    int cut_ms = 5 * (int)t.interval < 2000 ? 2000 : 5 * (int)t.interval;
    if (lab_link(o->lab, 2, true) != 0) {
        verdict_fail(v, "grade: netlab cut 2 failed");
        goto out;
    }
    /* what it sends meanwhile goes nowhere: nothing to read, then */
    bool ended = impl_wait(&t.im, cut_ms);
    lab_link(o->lab, 2, false);
    uint64_t healed = timing_now_ns();
    while (recv(t.fd, a[0].text, sizeof(a[0].text), MSG_DONTWAIT) >= 0)
        ;                       /* what came before the cut took effect */
    if (ended) {
        verdict_fail(v, "while its cable was cut (%.1f s) it %s: a sender must outlive the "
                     "network (a failed send is no reason to stop)", cut_ms / 1000.0,
                     impl_how(&t.im, how, sizeof(how)));
        impl_log_output(&t.im, v);
        goto out;
    }
    int wait = 3 * (int)t.interval + SLACK_MS;
    if (next_datagram(t.fd, &t.im, wait, &after) == 1)
        verdict_say(v, "node2's cable cut for %.1f s: it ran on, and was heard again %llu ms "
                    "after the cable was back", cut_ms / 1000.0,
                    (unsigned long long)(ms_since(healed)));
    else {
        verdict_fail(v, "node2's cable was cut for %.1f s, then plugged in: no heartbeat "
                     "within %d ms after (it %s)", cut_ms / 1000.0, wait,
                     impl_how(&t.im, how, sizeof(how)));
        impl_log_output(&t.im, v);
    }
out:
    tx_stop(&t);
}

static const struct check sender_checks[] = {
    { "udp-sender.steady", "basic", PROFILE_BOTH, 2,
      "datagrams arrive at a steady interval (the jitter is measured)", sender_steady },
    { "udp-sender.seq", "protocol", PROFILE_FULL, 2,
      "each datagram a heartbeat of the kit's format: seq one more each time, "
      "interval_ms true",
      sender_seq },
    { "udp-sender.goodbye", "shutdown", PROFILE_FULL, 1,
      "SIGINT: a last heartbeat with leaving=1, then exit 0 within 2 s", sender_goodbye },
    { "udp-sender.nobody-listens", "robustness", PROFILE_BOTH, 1,
      "with nobody listening it keeps running, and beating", sender_nobody },
    { "udp-sender.lab-heard", "basic", PROFILE_BOTH | LAB, 2,
      "on node2 and node3 of a lab, both heard on node1, steady", sender_lab_heard },
    { "udp-sender.lab-cut", "faults", PROFILE_BOTH | LAB, 1,
      "its cable cut, then plugged in: it runs on and is heard again", sender_lab_cut },
};

const struct spec spec_udp_sender = {
    "udp-sender", "sends a heartbeat to {host}:{port} every {interval_ms} (optional)",
    "{port}", sender_checks, sizeof(sender_checks) / sizeof(sender_checks[0]),
};

/* ------------------------------------------------------------------ */
/* The receiver under test, and the nodes the grader plays.            */

enum { STATE_ALIVE, STATE_SUSPECT, STATE_DEAD, STATE_LEFT, NSTATES };

static const char *const state_word[NSTATES] = { "ALIVE", "SUSPECT", "DEAD", "LEFT" };

struct node {
    int fd;                         /* connected to the receiver's port */
    const char *name;
    char port[8];                   /* its own: its address is addr:port */
    const char *addr;               /* 127.0.0.1, or its lab node's address */
    uint64_t inc, seq;              /* its incarnation, the last seq sent */
    bool beating;                   /* a heartbeat every interval */
    uint64_t due_ns;                /* when the next one is due */
    uint64_t last_ns;               /* when the last one went */
    long shown_ms;                  /* in the output since its first beat; -1 */
    uint64_t first_ns;              /* when its first heartbeat went */
    char sent[HB_MAX_LEN + 2];      /* the last heartbeat it sent */
};

struct rx {
    struct impl im;
    struct verdict *v;
    char port[8];
    bool interval_given;            /* COMMAND has {interval_ms} */
    const struct lab *lab;          /* on the lab: it runs on node1, the nodes
                                       beat from node2 and node3 in turn */
    pid_t linking;                  /* a netlab cut or heal under way */
    int link_status;                /* its exit status, once done */
    struct node node[3];
    int nodes;
    char *out;                      /* its stdout so far */
    size_t out_len;
    struct node *watch;             /* whose state lines are timed */
    size_t watch_from;              /* from this offset of the output */
    uint64_t watch_since;           /* from this moment */
    long seen_ms[NSTATES];          /* first seen, ms after watch_since; -1 */
};

typedef bool rx_done_fn(struct rx *rx);

/* Wait until the receiver listens.  Returns 0, or -1 (the verdict failed). */
static int rx_listening(struct rx *rx)
{
    uint64_t start = timing_now_ns();
    char how[64];

    while (ms_since(start) < START_MS) {
        int bound = impl_bound(&rx->im, false, rx->port, NULL, 0);
        if (bound < 0) {                /* no /proc: give it a second */
            sleep_ms(1000);
            return 0;
        }
        if (bound)
            return 0;
        if (impl_wait(&rx->im, 10)) {
            verdict_fail(rx->v, "it %s before it listened on UDP port %s",
                         impl_how(&rx->im, how, sizeof(how)), rx->port);
            impl_log_output(&rx->im, rx->v);
            return -1;
        }
    }
    verdict_fail(rx->v, "nothing listened on UDP port %s %d ms after the start: a correct "
                 "receiver binds {host}:{port} (or every address) at once",
                 rx->port, START_MS);
    impl_log_output(&rx->im, rx->v);
    return -1;
}

static int rx_start(struct rx *rx, const struct grade_opts *o, struct verdict *v)
{
    char ms[16];
    const char *host = "127.0.0.1";

    memset(rx, 0, sizeof(*rx));
    rx->v = v;
    if (o->node > 0) {
        rx->lab = o->lab;
        host = o->lab->addr[o->node];
    }
    rx->interval_given = command_has(o, "{interval_ms}");
    for (int i = 0; i < NSTATES; i++)
        rx->seen_ms[i] = -1;
    if (pick_port(false, rx->port) < 0)
        return verdict_fail(v, "grader: no free UDP port: %s", strerror(errno)), -1;
    snprintf(ms, sizeof(ms), "%d", FAST_MS);
    struct fill f = { .host = host, .port = rx->port, .interval_ms = ms };
    if (impl_start(&rx->im, o, &f, "the receiver", v) < 0)
        return -1;
    return rx_listening(rx);
}

static void rx_stop(struct rx *rx)
{
    if (rx->im.pid > 0)
        impl_stop(&rx->im);
    for (int i = 0; i < rx->nodes; i++)
        close(rx->node[i].fd);
    rx->nodes = 0;
    free(rx->out);
    rx->out = NULL;
}

/* A UDP socket of the grader's, connected to the receiver; its own port
 * in 'port'.  Returns it, or -1 (the verdict failed). */
static int rx_socket(struct rx *rx, char *port, int on)
{
    struct sockaddr_in to = { .sin_family = AF_INET,
                              .sin_port = htons((uint16_t)atoi(rx->port)),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr_in me;
    socklen_t len = sizeof(me);
    int fd = on > 0 ? lab_socket(rx->lab, on, SOCK_DGRAM)
                    : socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (on > 0)
        inet_pton(AF_INET, rx->lab->addr[1], &to.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 ||
        getsockname(fd, (struct sockaddr *)&me, &len) < 0) {
        verdict_fail(rx->v, "grader: cannot open a UDP socket: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(port, 8, "%u", ntohs(me.sin_port));
    return fd;
}

/* A node of the grader's, a socket of its own; NULL (the verdict failed). */
static struct node *rx_node(struct rx *rx, const char *name)
{
    struct node *nd = &rx->node[rx->nodes];

    int on = rx->lab != NULL ? 2 + rx->nodes % 2 : 0;

    memset(nd, 0, sizeof(*nd));
    nd->addr = on > 0 ? rx->lab->addr[on] : "127.0.0.1";
    nd->fd = rx_socket(rx, nd->port, on);
    if (nd->fd < 0)
        return NULL;
    rx->nodes++;
    nd->name = name;
    nd->inc = timing_wall_ms();
    nd->shown_ms = -1;
    nd->due_ns = timing_now_ns();
    return nd;
}

/* Send heartbeat 'seq' of node 'nd' (a goodbye with 'leaving'). */
static void node_send(struct node *nd, uint64_t seq, bool leaving)
{
    struct heartbeat hb = { .leaving = leaving, .inc = nd->inc, .seq = seq,
                            .interval_ms = FAST_MS, .sent_ms = timing_wall_ms() };
    size_t len;

    snprintf(hb.node, sizeof(hb.node), "%s", nd->name);
    hb.node_len = (uint8_t)strlen(hb.node);
    len = heartbeat_format(&hb, nd->sent, sizeof(nd->sent));
    /* A refused send means the receiver's socket is gone: the checks
     * see that it ended, and say so. */
    (void)send(nd->fd, nd->sent, len, 0);
    nd->last_ns = timing_now_ns();
    if (nd->first_ns == 0)
        nd->first_ns = nd->last_ns;
}

static void node_beat(struct node *nd)
{
    node_send(nd, ++nd->seq, false);
    nd->due_ns += FAST_MS * 1000000ULL;
}

/* Read its output again, and note what has come since the last look. */
static void rx_read(struct rx *rx)
{
    free(rx->out);
    rx->out = NULL;
    rx->out_len = impl_stdout(&rx->im, &rx->out, OUT_MAX);
    for (int i = 0; i < rx->nodes; i++) {
        struct node *nd = &rx->node[i];
        if (nd->shown_ms < 0 && nd->first_ns != 0 &&
            (scan_find_line(rx->out, rx->out_len, 0, nd->name, NULL) >= 0 ||
             scan_find_line(rx->out, rx->out_len, 0, nd->port, NULL) >= 0))
            nd->shown_ms = (long)ms_since(nd->first_ns);
    }
    for (int s = 0; rx->watch != NULL && s < NSTATES; s++)
        if (rx->seen_ms[s] < 0 && scan_find_line(rx->out, rx->out_len, rx->watch_from,
                                            rx->watch->name, state_word[s]) >= 0)
            rx->seen_ms[s] = (long)ms_since(rx->watch_since);
}

/* Time the state lines of 'nd' from now on, in output not yet read. */
static void rx_watch(struct rx *rx, struct node *nd)
{
    rx->watch = nd;
    rx->watch_from = rx->out_len;
    rx->watch_since = timing_now_ns();
    for (int s = 0; s < NSTATES; s++)
        rx->seen_ms[s] = -1;
}

/*
 * For 'ms', the beating nodes beat every interval, and the output is
 * read every few ms.  Returns true as soon as 'done' (if not NULL) says
 * so, false when the time ran out or the receiver ended.
 */
static bool rx_pump(struct rx *rx, int ms, rx_done_fn *done)
{
    uint64_t start = timing_now_ns();

    for (;;) {
        uint64_t now = timing_now_ns(), wake = now + 10000000ULL;
        for (int i = 0; i < rx->nodes; i++) {
            struct node *nd = &rx->node[i];
            if (nd->beating && nd->due_ns <= now)
                node_beat(nd);
            if (nd->beating && nd->due_ns < wake)
                wake = nd->due_ns;
        }
        rx_read(rx);
        if (done != NULL && done(rx))
            return true;
        if (impl_wait(&rx->im, 0) || ms_since(start) >= (uint64_t)ms)
            return false;
        now = timing_now_ns();
        sleep_ms(wake > now ? (int)((wake - now + 999999) / 1000000) : 0);
    }
}

static bool all_shown(struct rx *rx)
{
    for (int i = 0; i < rx->nodes; i++)
        if (rx->node[i].shown_ms < 0)
            return false;
    return true;
}

static bool alive_seen(struct rx *rx)
{
    return rx->seen_ms[STATE_ALIVE] >= 0;
}

static bool dead_seen(struct rx *rx)
{
    return rx->seen_ms[STATE_DEAD] >= 0;
}

static bool left_seen(struct rx *rx)
{
    return rx->seen_ms[STATE_LEFT] >= 0;
}

static bool suspect_seen(struct rx *rx)
{
    return rx->seen_ms[STATE_SUSPECT] >= 0;
}

static bool five_sent(struct rx *rx)
{
    return rx->watch->seq >= 5;
}

/* Has it ended?  Then the verdict fails, saying after what. */
static bool rx_ended(struct rx *rx, const char *after)
{
    char how[64];

    if (!impl_wait(&rx->im, 0))
        return false;
    verdict_fail(rx->v, "it %s %s", impl_how(&rx->im, how, sizeof(how)), after);
    impl_log_output(&rx->im, rx->v);
    return true;
}

/*
 * Were the beating nodes shown within SHOW_MS of their first heartbeat?
 * If not, the verdict fails with what was sent and what came back.
 */
static void judge_shown(struct rx *rx, const char *after)
{
    if (rx_ended(rx, after))
        return;
    for (int i = 0; i < rx->nodes; i++) {
        struct node *nd = &rx->node[i];
        if (nd->shown_ms >= 0) {
            verdict_say(rx->v, "%s shown %ld ms after its first heartbeat", nd->name,
                        nd->shown_ms);
            continue;
        }
        verdict_fail(rx->v, "neither %s nor its address %s:%s was in its output "
                     "within %d ms of its first heartbeat", nd->name, nd->addr, nd->port,
                     SHOW_MS);
        verdict_quote(rx->v, "sent", nd->sent, strlen(nd->sent), QUOTE_MAX);
        verdict_say(rx->v, "a correct receiver prints a line for a heartbeat, naming its "
                    "node (or its address) at once: flush the output after each line");
        impl_log_output(&rx->im, rx->v);
        return;
    }
}

static void receiver_shows(const struct grade_opts *o, struct verdict *v)
{
    static const char *const names[] = { "hb-alpha", "hb-bravo", "hb-charlie" };
    struct rx rx;

    if (rx_start(&rx, o, v) < 0)
        goto out;
    for (int i = 0; i < 3; i++) {
        struct node *nd = rx_node(&rx, names[i]);
        if (nd == NULL)
            goto out;
        nd->beating = true;
    }
    rx_pump(&rx, SHOW_MS, all_shown);
    judge_shown(&rx, "while three nodes beat");
out:
    rx_stop(&rx);
}

/*
 * Send 'count' datagrams (each 'len[i]' bytes of 'what[i]'), then a new
 * node beats: it must be shown within SHOW_MS, and the receiver be
 * running still.
 */
static void bad_then_node(struct rx *rx, const char *const *what, const size_t *len,
                          int count, const char *label)
{
    char port[8];
    int fd = rx_socket(rx, port, 0);    /* not the node's: its address */

    if (fd < 0)
        return;
    for (int i = 0; i < count; i++) {
        char sent[32];
        (void)send(fd, what[i], len[i], 0);
        snprintf(sent, sizeof(sent), "sent %zu bytes", len[i]);
        verdict_quote(rx->v, sent, what[i], len[i], 60);
    }
    close(fd);
    verdict_say(rx->v, "(%s, from 127.0.0.1:%s), then heartbeats of node hb-after",
                label, port);
    rx_pump(rx, 50, NULL);
    if (rx_ended(rx, "after these datagrams: a correct receiver reports or counts a "
                 "datagram that is not a heartbeat, and goes on"))
        return;
    struct node *nd = rx_node(rx, "hb-after");
    if (nd == NULL)
        return;
    nd->beating = true;
    rx_pump(rx, SHOW_MS, all_shown);
    judge_shown(rx, "after those datagrams, while hb-after beat");
}

static void receiver_garbage(const struct grade_opts *o, struct verdict *v)
{
    static const char binary[] = "\x00\xff\xfe\x01HEARTBEAT\x80\x00";
    static const char *const what[] = {
        "hello\n", binary, "HEARTBEAT", "HEARTBEAT v=1 node=",
        "HEARTBEAT v=1 node=hb-bad inc=abc seq=x interval_ms=0 sent_ms=-1",
        "HEARTBEAT v=1 node=hb-zero inc=1 seq=1 interval_ms=0 sent_ms=1",
        "HEARTBEAT v=1 node=hb-huge inc=1 seq=99999999999999999999999999 "
        "interval_ms=100 sent_ms=1",
    };
    size_t len[7];
    struct rx rx;

    for (int i = 0; i < 7; i++)
        len[i] = what[i] == binary ? sizeof(binary) - 1 : strlen(what[i]);
    if (rx_start(&rx, o, v) == 0)
        bad_then_node(&rx, what, len, 7, "text, binary and broken heartbeats");
    rx_stop(&rx);
}

static void receiver_sizes(const struct grade_opts *o, struct verdict *v)
{
    static const size_t len[] = { 0, HB_MAX_LEN + 88, 65000 };
    char *big = malloc(65000);
    const char *what[3];
    struct rx rx;

    if (big == NULL) {
        verdict_fail(v, "grader: out of memory");
        return;
    }
    memset(big, 'x', 65000);
    memcpy(big, "HEARTBEAT v=1 node=hb-big inc=1 seq=1 interval_ms=100 sent_ms=1 pad=",
           68);
    what[0] = what[1] = what[2] = big;
    if (rx_start(&rx, o, v) == 0)
        bad_then_node(&rx, what, len, 3, "empty, 600 bytes, 65000 bytes");
    rx_stop(&rx);
    free(big);
}

/*
 * A node the receiver was shown beating and ALIVE: 'name' beats, its
 * state lines are watched, until ALIVE is seen and it has sent five.
 * Returns it, or NULL (the verdict failed).
 */
static struct node *alive_node(struct rx *rx, const char *name)
{
    struct node *nd = rx_node(rx, name);

    if (nd == NULL)
        return NULL;
    nd->beating = true;
    rx_watch(rx, nd);
    if (!rx_pump(rx, SHOW_MS, alive_seen)) {
        if (!rx_ended(rx, "while a node beat"))
            verdict_fail(rx->v, "no line with %s and ALIVE within %d ms of its first "
                         "heartbeat: a correct receiver prints '%s ALIVE' when a new "
                         "node beats", name, SHOW_MS, name);
        verdict_quote(rx->v, "sent", nd->sent, strlen(nd->sent), QUOTE_MAX);
        impl_log_output(&rx->im, rx->v);
        return NULL;
    }
    rx_pump(rx, 10 * FAST_MS, five_sent);
    if (rx_ended(rx, "while a node beat"))
        return NULL;
    if (rx->seen_ms[STATE_DEAD] >= 0) {
        verdict_fail(rx->v, "%s was declared DEAD while it beat every %d ms", name,
                     FAST_MS);
        impl_log_output(&rx->im, rx->v);
        return NULL;
    }
    return nd;
}

static void say_interval_hint(struct rx *rx)
{
    if (!rx->interval_given)
        verdict_say(rx->v, "(COMMAND has no {interval_ms}: the receiver must take a "
                    "node's interval from its heartbeats, interval_ms=%d)", FAST_MS);
}

static void judge_dead(struct rx *rx, struct node *nd)
{
    long suspect = rx->seen_ms[STATE_SUSPECT], dead = rx->seen_ms[STATE_DEAD];

    verdict_say(rx->v, "after %s's last heartbeat: SUSPECT at %ld ms, DEAD at %ld ms "
                "(-1: never)", nd->name, suspect, dead);
    if (dead < 0)
        verdict_fail(rx->v, "no line with %s and DEAD within %d ms of its last heartbeat "
                     "(5 intervals of %d ms, and %d ms)", nd->name, 5 * FAST_MS + SLACK_MS,
                     FAST_MS, SLACK_MS);
    else if (dead < 2 * FAST_MS)
        verdict_fail(rx->v, "DEAD after only %ld ms of silence: a node merely late would "
                     "be declared dead", dead);
    else if (suspect < 0 || suspect > dead || suspect > 2 * FAST_MS + SLACK_MS)
        verdict_fail(rx->v, "no line with %s and SUSPECT within %d ms (2 intervals, and "
                     "%d ms), before DEAD", nd->name, 2 * FAST_MS + SLACK_MS, SLACK_MS);
    else
        return;
    verdict_quote(rx->v, "last sent", nd->sent, strlen(nd->sent), QUOTE_MAX);
    verdict_say(rx->v, "a correct receiver watches its nodes' silence on a timer (a "
                "timeout on select or poll, not only when a datagram comes): SUSPECT "
                "after 2 of the node's intervals, DEAD after 5, each line naming it");
    say_interval_hint(rx);
    impl_log_output(&rx->im, rx->v);
}

static void receiver_dead(const struct grade_opts *o, struct verdict *v)
{
    struct node *nd;
    struct rx rx;

    if (rx_start(&rx, o, v) < 0 || (nd = alive_node(&rx, "hb-delta")) == NULL)
        goto out;
    nd->beating = false;
    rx_watch(&rx, nd);
    rx.watch_since = nd->last_ns;
    rx_pump(&rx, 5 * FAST_MS + SLACK_MS, dead_seen);
    if (!rx_ended(&rx, "while a node was silent"))
        judge_dead(&rx, nd);
out:
    rx_stop(&rx);
}

/*
 * 'nd' was silent until the receiver said 'state' (SUSPECT or DEAD); it
 * beats again, its seqs going on: ALIVE within SHOW_MS, and not DEAD in
 * the 5 intervals after.  False when not (the verdict failed).
 */
static bool beats_again(struct rx *rx, struct node *nd, int state)
{
    const char *was = state_word[state];

    nd->beating = true;
    nd->due_ns = timing_now_ns();
    rx_watch(rx, nd);
    if (!rx_pump(rx, SHOW_MS, alive_seen)) {
        if (!rx_ended(rx, "after a silent node beat again"))
            verdict_fail(rx->v, "%s, %s, beat again every %d ms (its seqs going on), but no "
                         "line with %s and ALIVE came within %d ms: a correct receiver "
                         "takes any heartbeat of a %s node as news that it is alive",
                         nd->name, was, FAST_MS, nd->name, SHOW_MS, was);
        verdict_quote(rx->v, "sent", nd->sent, strlen(nd->sent), QUOTE_MAX);
        impl_log_output(&rx->im, rx->v);
        return false;
    }
    verdict_say(rx->v, "%s, %s, beat again: ALIVE %ld ms later", nd->name, was,
                rx->seen_ms[STATE_ALIVE]);
    rx_watch(rx, nd);       /* what follows: "DEAD -> ALIVE" names DEAD, but is past */
    rx_pump(rx, 5 * FAST_MS + SLACK_MS, dead_seen);
    if (rx_ended(rx, "after a silent node beat again"))
        return false;
    /* (SUSPECT is a matter of a few late heartbeats, which a loaded
     * machine may give: only DEAD counts here) */
    if (rx->seen_ms[STATE_DEAD] >= 0) {
        verdict_fail(rx->v, "%s, ALIVE again and beating every %d ms, was said DEAD %ld ms "
                     "later: its deadlines must count from its newest heartbeat", nd->name,
                     FAST_MS, rx->seen_ms[STATE_DEAD]);
        impl_log_output(&rx->im, rx->v);
        return false;
    }
    return true;
}

/*
 * A node late (SUSPECT) and then beating again is ALIVE; so is one
 * declared DEAD that beats again (a node that was cut off, or paused).
 * A receiver that never says SUSPECT or DEAD loses udp-receiver.dead,
 * not this: here it has nothing to come back from.
 */
static void receiver_back(const struct grade_opts *o, struct verdict *v)
{
    struct node *nd;
    struct rx rx;

    if (rx_start(&rx, o, v) < 0 || (nd = alive_node(&rx, "hb-golf")) == NULL)
        goto out;
    for (int state = STATE_SUSPECT; state <= STATE_DEAD; state++) {
        nd->beating = false;
        rx_watch(&rx, nd);
        rx.watch_since = nd->last_ns;
        rx_pump(&rx, 5 * FAST_MS + SLACK_MS,
                state == STATE_SUSPECT ? suspect_seen : dead_seen);
        if (rx_ended(&rx, "while a node was silent"))
            goto out;
        if (rx.seen_ms[state] < 0) {
            /* udp-receiver.dead's matter: one mistake, one check */
            verdict_say(v, "%s fell silent: no line with %s and %s within %d ms, so "
                        "nothing to come back from (udp-receiver.dead checks that)",
                        nd->name, nd->name, state_word[state], 5 * FAST_MS + SLACK_MS);
            nd->beating = true;
            nd->due_ns = timing_now_ns();
            rx_pump(&rx, 5 * FAST_MS, NULL);
            continue;
        }
        if (!beats_again(&rx, nd, state))
            goto out;
    }
out:
    rx_stop(&rx);
}

/* Seqs sent one interval apart, 0 ends a slot: 7 before 6 (reordered),
 * 7 again (duplicated), then on as usual. */
static const uint64_t reorder_script[] = { 7, 6, 0, 7, 8, 0, 9, 0, 10, 0, 11, 0, 12, 0 };

static void receiver_reorder(const struct grade_opts *o, struct verdict *v)
{
    enum { SCRIPT_LEN = sizeof(reorder_script) / sizeof(reorder_script[0]) };
    struct node *nd;
    struct rx rx;

    if (rx_start(&rx, o, v) < 0 || (nd = alive_node(&rx, "hb-echo")) == NULL)
        goto out;
    nd->beating = false;
    verdict_say(v, "sent seq 1 to 5 to it, one every %d ms, then 7, 6 (reordered), 7 "
                "(duplicated), 8, 9, ... 12", FAST_MS);
    for (size_t i = 0; i < SCRIPT_LEN; i++) {
        if (reorder_script[i] != 0)
            node_send(nd, reorder_script[i], false);
        else
            rx_pump(&rx, FAST_MS, NULL);
    }
    rx_pump(&rx, FAST_MS, NULL);
    if (rx_ended(&rx, "after a reordered or duplicated heartbeat"))
        goto out;
    long dead = scan_find_line(rx.out, rx.out_len, 0, nd->name, "DEAD");
    long left = scan_find_line(rx.out, rx.out_len, 0, nd->name, "LEFT");
    if (dead >= 0 || left >= 0) {
        long at = dead >= 0 ? dead : left;
        verdict_fail(v, "it declared %s %s while it beat every %d ms", nd->name,
                     dead >= 0 ? "DEAD" : "LEFT", FAST_MS);
        verdict_quote(v, "its line", rx.out + at, strcspn(rx.out + at, "\n"), QUOTE_MAX);
        verdict_say(v, "a correct receiver takes a seq at or below the highest seen as "
                    "late or duplicated: it changes nothing (not a restart, not a death)");
        impl_log_output(&rx.im, v);
    }
out:
    rx_stop(&rx);
}

static void judge_left(struct rx *rx, struct node *nd)
{
    long left = rx->seen_ms[STATE_LEFT];

    if (left < 0) {
        verdict_fail(rx->v, "no line with %s and LEFT within %d ms of its goodbye",
                     nd->name, SHOW_MS);
        verdict_quote(rx->v, "sent", nd->sent, strlen(nd->sent), QUOTE_MAX);
        verdict_say(rx->v, "a correct receiver prints '%s LEFT' for a heartbeat with "
                    "leaving=1", nd->name);
        impl_log_output(&rx->im, rx->v);
        return;
    }
    verdict_say(rx->v, "LEFT %ld ms after the goodbye", left);
    rx_pump(rx, 5 * FAST_MS + SLACK_MS, dead_seen);
    if (rx_ended(rx, "after a node said goodbye") || rx->seen_ms[STATE_DEAD] < 0)
        return;
    verdict_fail(rx->v, "%s was LEFT, then DEAD %ld ms after its goodbye: a node that "
                 "said goodbye is gone, not dead (a correct receiver stops timing it)",
                 nd->name, rx->seen_ms[STATE_DEAD]);
    impl_log_output(&rx->im, rx->v);
}

static void receiver_left(const struct grade_opts *o, struct verdict *v)
{
    struct node *nd;
    struct rx rx;

    if (rx_start(&rx, o, v) < 0 || (nd = alive_node(&rx, "hb-foxtrot")) == NULL)
        goto out;
    nd->beating = false;
    rx_watch(&rx, nd);
    node_send(nd, ++nd->seq, true);
    rx_pump(&rx, SHOW_MS, left_seen);
    if (!rx_ended(&rx, "after a node said goodbye"))
        judge_left(&rx, nd);
out:
    rx_stop(&rx);
}

/* ---- across the lab's machines (--lab) ---- */

/* Nothing of the lab's nodes ever reached its output: say where they
 * were sent. */
static void lab_unheard(struct rx *rx, const struct grade_opts *o)
{
    for (int i = 0; i < rx->nodes; i++)
        if (rx->node[i].shown_ms >= 0)
            return;
    if (rx->nodes > 0)
        verdict_say(rx->v, "  the heartbeats went to node1's address, %s:%s ({host} {port}): "
                    "a receiver bound to 127.0.0.1 hears its own machine only",
                    o->lab->addr[1], rx->port);
}

/* The receiver on node1 of the lab; 'on' its grade_opts (the node set). */
static int rx_start_on_node1(struct rx *rx, const struct grade_opts *o, struct verdict *v)
{
    struct grade_opts on = *o;

    on.node = 1;
    if (rx_start(rx, &on, v) < 0) {
        verdict_say(v, "  on a lab, {host} is node1's address (%s): a receiver bound to "
                    "127.0.0.1 hears its own machine only", o->lab->addr[1]);
        return -1;
    }
    return 0;
}

static void receiver_lab_nodes(const struct grade_opts *o, struct verdict *v)
{
    static const char *const names[] = { "node2", "node3" };
    struct rx rx;

    if (!lab_ready(o, v))
        return;
    if (rx_start_on_node1(&rx, o, v) < 0)
        goto out;
    for (int i = 0; i < 2; i++) {
        struct node *nd = rx_node(&rx, names[i]);
        if (nd == NULL)
            goto out;
        nd->beating = true;
    }
    verdict_say(v, "the receiver on node1 (%s:%s); heartbeats from node2 (%s) and node3 (%s)",
                o->lab->addr[1], rx.port, o->lab->addr[2], o->lab->addr[3]);
    rx_pump(&rx, SHOW_MS, all_shown);
    judge_shown(&rx, "while two nodes beat");
    if (v->failed)
        lab_unheard(&rx, o);
out:
    rx_stop(&rx);
}

/* The netlab command under way has ended (its status in link_status). */
static bool linked(struct rx *rx)
{
    return rx->linking <= 0 || lab_link_done(rx->linking, &rx->link_status);
}

static bool node_state_since(struct rx *rx, size_t from, const char *name, int state)
{
    return scan_find_line(rx->out, rx->out_len, from, name, state_word[state]) >= 0;
}

static void receiver_lab_cut(const struct grade_opts *o, struct verdict *v)
{
    struct rx rx;
    struct node *two, *three;

    if (!lab_ready(o, v))
        return;
    if (rx_start_on_node1(&rx, o, v) < 0)
        goto out;
    if ((two = alive_node(&rx, "node2")) == NULL || (three = alive_node(&rx, "node3")) == NULL) {
        lab_unheard(&rx, o);
        goto out;
    }
    /* node3's cable cut: it beats on, and nothing arrives (the nodes
     * beat while netlab works) */
    rx_watch(&rx, three);
    size_t from = rx.watch_from;
    rx.linking = lab_link_start(o->lab, 3, true);
    if (rx.linking < 0 || !rx_pump(&rx, 5000, linked) || rx.link_status != 0) {
        verdict_fail(v, "grade: netlab cut 3 failed");
        goto out;
    }
    /* its silence began with its last heartbeat before the cut was
     * done; what the receiver said meanwhile counts from then */
    rx_watch(&rx, three);
    rx.watch_from = from;
    rx.watch_since = three->last_ns;
    rx_pump(&rx, 5 * FAST_MS + SLACK_MS, dead_seen);
    size_t dead_at = rx.out_len;
    rx.linking = lab_link_start(o->lab, 3, false);
    if (rx.linking < 0 || !rx_pump(&rx, 5000, linked) || rx.link_status != 0) {
        verdict_fail(v, "grade: netlab heal 3 failed");
        goto out;
    }
    if (rx_ended(&rx, "while node3's cable was cut"))
        goto out;
    verdict_say(v, "node3's cable cut (node2 beating on)");
    judge_dead(&rx, three);
    if (v->failed)
        goto out;
    /* (SUSPECT is a matter of a few late heartbeats, which a loaded
     * machine may give: only DEAD counts here) */
    if (node_state_since(&rx, from, "node2", STATE_DEAD)) {
        verdict_fail(v, "node2, which beat on, was declared DEAD as well: each node's "
                     "silence is its own");
        impl_log_output(&rx.im, v);
        goto out;
    }
    /* plugged in again: its heartbeats arrive, with higher seqs (an
     * ALIVE said while netlab was at work counts: from the DEAD on) */
    rx_watch(&rx, three);
    rx.watch_from = dead_at;
    if (!rx_pump(&rx, SHOW_MS, alive_seen)) {
        if (!rx_ended(&rx, "after node3's cable was back"))
            verdict_fail(v, "node3's cable was plugged in again and it beat on, but no line "
                         "with node3 and ALIVE came within %d ms: a node declared dead that "
                         "beats again is alive again", SHOW_MS);
        verdict_quote(v, "sent", three->sent, strlen(three->sent), QUOTE_MAX);
        impl_log_output(&rx.im, v);
        goto out;
    }
    verdict_say(v, "its cable back, node3 ALIVE again");
out:
    rx_stop(&rx);
}

static const struct check receiver_checks[] = {
    { "udp-receiver.shows-nodes", "basic", PROFILE_BOTH, 2,
      "three nodes beat: each one's name (or address) in its output within 1 s",
      receiver_shows },
    { "udp-receiver.garbage", "robustness", PROFILE_BOTH, 1,
      "text, binary and broken heartbeats: still running, and shows a new node",
      receiver_garbage },
    { "udp-receiver.sizes", "robustness", PROFILE_BOTH, 1,
      "an empty, a 600-byte and a 65000-byte datagram: still running, shows a new node",
      receiver_sizes },
    { "udp-receiver.dead", "faults", PROFILE_FULL, 2,
      "a node falls silent: SUSPECT within 2 intervals, DEAD within 5 (+300 ms)",
      receiver_dead },
    { "udp-receiver.back", "faults", PROFILE_FULL, 1,
      "a node SUSPECT, then DEAD, that beats again: ALIVE again each time", receiver_back },
    { "udp-receiver.reorder", "faults", PROFILE_FULL, 1,
      "a reordered and a duplicated heartbeat: the node is not declared DEAD",
      receiver_reorder },
    { "udp-receiver.left", "protocol", PROFILE_FULL, 1,
      "a goodbye (leaving=1): LEFT within 1 s, and never DEAD after", receiver_left },
    { "udp-receiver.lab-nodes", "basic", PROFILE_BOTH | LAB, 2,
      "on node1 of a lab, shows heartbeats from node2 and node3", receiver_lab_nodes },
    { "udp-receiver.lab-cut", "faults", PROFILE_FULL | LAB, 2,
      "a node's cable cut: SUSPECT then DEAD, others not; plugged in: ALIVE again",
      receiver_lab_cut },
};

const struct spec spec_udp_receiver = {
    "udp-receiver", "hears heartbeats on {port}, says which nodes are alive",
    "{port}", receiver_checks, sizeof(receiver_checks) / sizeof(receiver_checks[0]),
};
