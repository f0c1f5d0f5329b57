/*
 * one_node - the lesson: one node, one heartbeat datagram per interval.
 *
 * The course's loop: wait until the next heartbeat is due, write its
 * line, sendto(2) it, and go on.  Nothing waits for an answer, and none
 * would come: whether anyone hears it is the receiver's business.
 * (--nodes N plays many nodes at once: many_nodes.c.)
 */
#include "udp_sender.h"

#include <errno.h>

#include "cli.h"
#include "stop.h"
#include "timing.h"

/* One datagram to the destination; counted, shown, or its failure said. */
static void send_one(struct udp_sender *s, uint64_t seq, bool leaving)
{
    char line[HB_MAX_LEN + 1];
    size_t len = send_format(s, 0, seq, timing_wall_ms(), leaving, line);
    ssize_t n;

    do
        n = sendto(s->fd, line, len, 0, (struct sockaddr *)&s->dest.sa, s->dest.len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        send_failed(s, errno);
    else
        send_done(s, line, len, leaving);
}

int one_node_beat(struct udp_sender *s)
{
    uint64_t count = s->cfg->count, seq;

    for (seq = 1; count == 0 || seq <= count; seq++) {
        uint64_t due = schedule_due(&s->sched, 0, seq);

        while (!stop_signal() && schedule_now(&s->sched, due) < due)
            schedule_sleep(&s->sched, due);
        if (stop_signal())
            break;
        keys_check_reload(s);           /* SIGHUP: --key read again */
        if (schedule_drop(&s->sched))
            send_skipped(s, 0, seq);    /* --drop-rate: its seq is used */
        else
            send_one(s, seq, false);
        cli_check_stdout();
    }
    if (stop_signal() && (count == 0 || seq <= count))
        send_one(s, seq, true);         /* Ctrl-C: goodbye, leaving=1 */
    return 0;
}
