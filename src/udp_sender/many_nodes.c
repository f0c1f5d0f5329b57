/*
 * many_nodes - --nodes N: many nodes beating from one process, to load a
 * receiver as a cluster would.
 *
 * The same heartbeats as one_node.c, at scale: each node's next one is a
 * deadline in a heap (deadlines.h), so the next due of a million nodes is
 * found in O(log n); the ones due together go out 64 per system call
 * (sendmmsg(2)).  Speed only: the lesson is in one_node.c.
 */
#include "udp_sender.h"

#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "stop.h"
#include "timing.h"
#include "deadlines.h"

enum { BATCH = 64 };                    /* datagrams per sendmmsg(2) */

struct fleet {
    struct udp_sender *s;
    uint64_t *next_seq;                 /* per node: its next sequence number */
    struct deadlines due;                  /* per node: when its next heartbeat is due */
    /* One batch of datagrams for sendmmsg. */
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    char buf[BATCH][HB_MAX_LEN + 1];
    bool leaving[BATCH];
};

/* Put heartbeat 'seq' of node 'id' into slot 'i' of the batch. */
static void prepare(struct fleet *f, int i, uint32_t id, uint64_t seq,
                    uint64_t sent_ms, bool leaving)
{
    struct udp_sender *s = f->s;
    size_t len = send_format(s, id, seq, sent_ms, leaving, f->buf[i]);

    f->leaving[i] = leaving;
    f->iov[i] = (struct iovec){ .iov_base = f->buf[i], .iov_len = len };
    f->msgs[i].msg_hdr = (struct msghdr){
        .msg_name = &s->dest.sa, .msg_namelen = s->dest.len,
        .msg_iov = &f->iov[i], .msg_iovlen = 1,
    };
}

/* Send the first 'n' datagrams of the batch; each is sent or counted failed. */
static void send_batch(struct fleet *f, int n)
{
    int i = 0;

    while (i < n) {
        int done = sendmmsg(f->s->fd, f->msgs + i, (unsigned)(n - i), 0);

        if (done < 0) {
            if (errno == EINTR)
                continue;
            send_failed(f->s, errno);   /* the first one failed: skip it, go on */
            i++;
            continue;
        }
        for (int j = i; j < i + done; j++)
            send_done(f->s, f->buf[j], f->iov[j].iov_len, f->leaving[j]);
        i += done;
    }
}

/* Take the heartbeats due by 'now' into the batch, up to BATCH.  Returns how many. */
static int take_due(struct fleet *f, uint64_t now, uint64_t sent_ms)
{
    const struct sender_config *cfg = f->s->cfg;
    const struct deadline *t;
    int n = 0;

    while (n < BATCH && (t = deadlines_first(&f->due)) != NULL && t->when <= now) {
        uint32_t id = t->id;
        uint64_t seq = f->next_seq[id]++;

        if (cfg->count != 0 && seq >= cfg->count)
            deadlines_pop(&f->due);        /* its last: from now on, silence */
        else
            deadlines_move_first(&f->due, schedule_due(&f->s->sched, id, seq + 1));
        if (schedule_drop(&f->s->sched))
            send_skipped(f->s, id, seq);
        else
            prepare(f, n++, id, seq, sent_ms, false);
    }
    return n;
}

/* Stopped by a signal: every node still beating says goodbye. */
static void leave(struct fleet *f)
{
    uint64_t sent_ms = timing_wall_ms();
    int n = 0;

    for (size_t i = 0; i < f->due.n; i++) {
        uint32_t id = f->due.v[i].id;

        prepare(f, n++, id, f->next_seq[id], sent_ms, true);
        if (n == BATCH) {
            send_batch(f, n);
            n = 0;
        }
    }
    send_batch(f, n);
}

/* Every node's first heartbeat in the heap.  Returns 0, or -1 (said). */
static int fleet_init(struct fleet *f, struct udp_sender *s)
{
    uint64_t nodes = s->cfg->nodes;

    f->s = s;
    deadlines_init(&f->due);
    f->next_seq = malloc(nodes * sizeof(uint64_t));
    for (uint32_t id = 0; f->next_seq != NULL && id < nodes; id++) {
        f->next_seq[id] = 1;
        if (deadlines_add(&f->due, schedule_due(&s->sched, id, 1), id) != 0)
            break;
    }
    if (f->next_seq == NULL || f->due.n < nodes) {
        cli_error(ENOMEM, "memory for %llu nodes", (unsigned long long)nodes);
        return -1;
    }
    return 0;
}

int many_nodes_beat(struct udp_sender *s)
{
    struct fleet *f = calloc(1, sizeof(*f));
    const struct deadline *t;
    int status = -1;

    if (f == NULL)
        cli_error(ENOMEM, "memory for %llu nodes", (unsigned long long)s->cfg->nodes);
    else if (fleet_init(f, s) == 0) {
        /* Send what is due, in time order, in batches; sleep until the next. */
        while (!stop_signal() && (t = deadlines_first(&f->due)) != NULL) {
            keys_check_reload(s);       /* SIGHUP: --key read again */
            int n = take_due(f, schedule_now(&s->sched, t->when), timing_wall_ms());

            if (n > 0)
                send_batch(f, n);
            else if ((t = deadlines_first(&f->due)) != NULL)
                schedule_sleep(&s->sched, t->when);
            cli_check_stdout();
        }
        if (stop_signal())
            leave(f);                   /* goodbye: leaving=1 */
        status = 0;
    }
    if (f != NULL) {
        deadlines_free(&f->due);
        free(f->next_seq);
    }
    free(f);
    return status;
}
