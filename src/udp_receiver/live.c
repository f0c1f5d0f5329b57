/*
 * live - the node table redrawn in place on a terminal (--live): every
 * node with its state, last heard and losses, kept at the bottom of the
 * screen while the state changes scroll above it, as lines.
 *
 * The frame is drawn with two ANSI sequences that every terminal of
 * today knows (the cursor up N lines, and clear to the end of the
 * screen): back to the frame's first line, clear, draw again.  So it
 * needs to know how many lines it drew, and draws no more than the
 * screen holds and no line wider than it (a wrapped line would take two
 * and break the count).  Speed only where it matters: one write a
 * frame, at most five frames a second.
 */
#include "udp_receiver.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

enum {
    LIVE_EVERY_MS = 1000,       /* redrawn this often: "last heard" moves */
    LIVE_SOON_MS = 200,         /* after a state change, no sooner than this */
    LIVE_LINE_MAX = 512,        /* characters of a frame line, at most */
};

/*
 * Set by SIGCONT: after Ctrl-Z and fg the shell has written below the
 * frame, so it is not where we left it: draw a new one, below.
 */
static volatile sig_atomic_t continued;

static void on_continue(int sig)
{
    (void)sig;
    continued = 1;
}

int live_start(struct receiver *r)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_continue;
    sigemptyset(&sa.sa_mask);
    r->live.on = true;
    return sigaction(SIGCONT, &sa, NULL);
}

void live_wipe(struct receiver *r)
{
    if (r->live.shown == 0)
        return;
    printf("\r\033[%dA\033[J", r->live.shown);   /* to its first line; clear the rest */
    r->live.shown = 0;
    if (r->live.due > r->live.drawn_at + LIVE_SOON_MS)
        r->live.due = r->live.drawn_at + LIVE_SOON_MS;
}

/* The terminal's size, or 24 x 80 if it will not say. */
static void screen_size(int *rows, int *cols)
{
    struct winsize ws;

    *rows = 24;
    *cols = 80;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
    }
}

/* One line of the frame, cut to the screen's width (less one column:
 * a line that fills the last one leaves some terminals about to wrap). */
static void frame_line(struct receiver *r, int cols, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void frame_line(struct receiver *r, int cols, const char *fmt, ...)
{
    char line[LIVE_LINE_MAX];
    va_list ap;
    int width = cols - 1 < (int)sizeof(line) - 1 ? cols - 1 : (int)sizeof(line) - 1;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printf("%.*s\n", width > 0 ? width : 0, line);
    r->live.shown++;
}

/* "0.3 s ago", "12 s ago". */
static const char *age(uint64_t ms, char buf[32])
{
    if (ms < 10000)
        snprintf(buf, 32, "%.1f s ago", ms / 1000.0);
    else
        snprintf(buf, 32, "%" PRIu64 " s ago", ms / 1000);
    return buf;
}

/*
 * Node rows from the first, as many as 'room' (a last one says how many
 * more there are).  What came from the network is safe to put on a
 * terminal as it is: a name is [A-Za-z0-9._-] (heartbeat_parse), and
 * an address is formatted here.
 */
static void frame_nodes(struct receiver *r, uint64_t now, int room, int cols)
{
    char addr[NET_ADDR_STRLEN], ago[32];
    int width = 4, shown = 0;

    for (size_t i = 0; i < r->nodes.high && shown < room; i++) {
        const struct node *n = nodes_at(&r->nodes, i);

        if (n == NULL)
            continue;
        if (n->name_len > width)
            width = n->name_len;
        shown++;
    }
    shown = 0;
    frame_line(r, cols, "%-*s  %-22s %-7s %12s %10s %8s %6s", width, "node", "address",
               "state", "last heard", "received", "lost", "loss%");
    for (size_t i = 0; i < r->nodes.high; i++) {
        const struct node *n = nodes_at(&r->nodes, i);

        if (n == NULL)
            continue;
        if (shown == room - 1 && r->nodes.count > (size_t)room) {
            frame_line(r, cols, "... and %zu more node%s", r->nodes.count - (size_t)shown,
                       r->nodes.count - (size_t)shown == 1 ? "" : "s");
            return;
        }
        frame_line(r, cols, "%-*s  %-22s %-7s %12s %10" PRIu64 " %8" PRIu64 " %5.1f%%",
                   width, n->name, report_addr(n, addr), nodes_state_name(n->state),
                   age(now - n->last_seen, ago), n->received, n->lost, report_loss_pct(n));
        shown++;
    }
}

/* The whole frame: the table (as much of it as fits), and a status line. */
static void draw(struct receiver *r, uint64_t now)
{
    uint64_t by_state[4] = { 0 };
    char status[LIVE_LINE_MAX];
    int rows, cols, len;
    struct tm tm;
    time_t t = time(NULL);

    live_wipe(r);
    screen_size(&rows, &cols);
    for (size_t i = 0; i < r->nodes.high; i++) {
        const struct node *n = nodes_at(&r->nodes, i);

        if (n != NULL)
            by_state[n->state]++;
    }
    /* The header and the status line, and one line the cursor waits on. */
    if (r->nodes.count > 0 && rows >= 5)
        frame_nodes(r, now, rows - 3, cols);
    localtime_r(&t, &tm);
    len = snprintf(status, sizeof(status), "%02d:%02d:%02d  %zu node%s: %" PRIu64
                   " alive, %" PRIu64 " suspect, %" PRIu64 " dead, %" PRIu64
                   " left; %" PRIu64 " heartbeats", tm.tm_hour, tm.tm_min, tm.tm_sec,
                   r->nodes.count, r->nodes.count == 1 ? "" : "s", by_state[NODE_ALIVE],
                   by_state[NODE_SUSPECT], by_state[NODE_DEAD], by_state[NODE_LEFT],
                   r->heartbeats);
    if (r->malformed > 0 && len < (int)sizeof(status))
        len += snprintf(status + len, sizeof(status) - len, ", %" PRIu64 " malformed",
                        r->malformed);
    /* The way out, where the line has room for it. */
    if (len + 16 < cols)
        snprintf(status + len, sizeof(status) - len, "  (Ctrl-C: stop)");
    frame_line(r, cols, "%s", status);
}

uint64_t live_next(const struct receiver *r)
{
    return r->live.on ? r->live.due : UINT64_MAX;
}

void live_tick(struct receiver *r, uint64_t now)
{
    if (!r->live.on)
        return;
    if (continued) {            /* the old frame is not above the cursor: leave it */
        continued = 0;
        r->live.shown = 0;
        r->live.due = now;
    }
    if (now < r->live.due)
        return;
    draw(r, now);
    r->live.drawn_at = now;
    r->live.due = now + LIVE_EVERY_MS;
}
