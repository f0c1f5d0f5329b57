/* test_nodes - the node table and what sequence numbers say; the deadlines. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "nodes.h"
#include "tap.h"

/* A time long after the last heartbeat: any jump of seq is plausible. */
#define LATER 1000000000u

/* Where a heartbeat came from: the node's address, or another one. */
#define FROM_NODE true
#define ELSEWHERE false

static struct node fresh(void)
{
    struct node n;

    memset(&n, 0, sizeof(n));
    return n;
}

static void in_order_counts_no_loss(void)
{
    struct node n = fresh();

    CHECK_INT(nodes_count_seq(&n, 7, 1, FROM_NODE, LATER), ==, SEQ_FIRST);
    for (uint64_t s = 2; s <= 100; s++)
        CHECK_INT(nodes_count_seq(&n, 7, s, FROM_NODE, LATER), ==, SEQ_NEXT);
    CHECK_U64(n.received, ==, 100);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(n.duplicates + n.reordered + n.restarts, ==, 0);
}

static void a_receiver_started_late_counts_nothing_before_it(void)
{
    struct node n = fresh();

    CHECK_INT(nodes_count_seq(&n, 7, 500, FROM_NODE, LATER), ==, SEQ_FIRST);
    CHECK_INT(nodes_count_seq(&n, 7, 501, FROM_NODE, LATER), ==, SEQ_NEXT);
    CHECK_U64(n.lost, ==, 0);
}

static void a_gap_is_lost_until_a_late_arrival_fills_it(void)
{
    struct node n = fresh();

    nodes_count_seq(&n, 1, 1, FROM_NODE, LATER);
    nodes_count_seq(&n, 1, 2, FROM_NODE, LATER);
    CHECK_INT(nodes_count_seq(&n, 1, 6, FROM_NODE, LATER), ==, SEQ_NEXT);     /* 3, 4, 5 missing */
    CHECK_U64(n.lost, ==, 3);
    CHECK_INT(nodes_count_seq(&n, 1, 4, FROM_NODE, LATER), ==, SEQ_LATE);
    CHECK_U64(n.lost, ==, 2);
    CHECK_INT(n.reordered, ==, 1);
    CHECK_INT(nodes_count_seq(&n, 1, 4, FROM_NODE, LATER), ==, SEQ_DUPLICATE);
    CHECK_INT(nodes_count_seq(&n, 1, 6, FROM_NODE, LATER), ==, SEQ_DUPLICATE);
    CHECK_INT(nodes_count_seq(&n, 1, 1, FROM_NODE, LATER), ==, SEQ_DUPLICATE);
    CHECK_INT(n.duplicates, ==, 3);
    CHECK_U64(n.lost, ==, 2);
    CHECK_U64(n.received, ==, 7);
}

static void the_window_is_64_deep(void)
{
    struct node n = fresh();

    nodes_count_seq(&n, 1, 1, FROM_NODE, LATER);
    CHECK_INT(nodes_count_seq(&n, 1, 65, FROM_NODE, LATER), ==, SEQ_NEXT);    /* 2..64 missing */
    CHECK_U64(n.lost, ==, 63);
    CHECK_INT(nodes_count_seq(&n, 1, 2, FROM_NODE, LATER), ==, SEQ_LATE);      /* 63 behind: in the window */
    CHECK_INT(nodes_count_seq(&n, 1, 1, FROM_NODE, LATER), ==, SEQ_DUPLICATE); /* 64 behind: cannot tell */
    CHECK_INT(nodes_count_seq(&n, 1, 200, FROM_NODE, LATER), ==, SEQ_NEXT);   /* a jump past the window */
    CHECK_U64(n.lost, ==, 62 + 134);
    CHECK_INT(nodes_count_seq(&n, 1, 199, FROM_NODE, LATER), ==, SEQ_LATE);
    CHECK_INT(nodes_count_seq(&n, 1, 200, FROM_NODE, LATER), ==, SEQ_DUPLICATE);
}

static void a_new_incarnation_starts_the_count_over(void)
{
    struct node n = fresh();

    nodes_count_seq(&n, 1, 1, FROM_NODE, LATER);
    nodes_count_seq(&n, 1, 2, FROM_NODE, LATER);
    nodes_count_seq(&n, 1, 3, FROM_NODE, LATER);
    CHECK_INT(nodes_count_seq(&n, 2, 1, FROM_NODE, LATER), ==, SEQ_RESTART);
    CHECK_INT(nodes_count_seq(&n, 2, 2, FROM_NODE, LATER), ==, SEQ_NEXT);
    CHECK_INT(n.restarts, ==, 1);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(nodes_count_seq(&n, 3, 4, FROM_NODE, LATER), ==, SEQ_RESTART);  /* its 1..3 never came */
    CHECK_U64(n.lost, ==, 3);
    CHECK_U64(n.inc, ==, 3);
}

/* One forged seq far ahead must not make every real one a duplicate. */
static void a_seq_too_far_ahead_for_the_time_is_ignored(void)
{
    struct node n = fresh();
    uint64_t t = 1000;

    n.interval_ms = 100;
    CHECK_INT(nodes_count_seq(&n, 5, 1, FROM_NODE, t), ==, SEQ_FIRST);
    n.last_seen = t;
    CHECK_INT(nodes_count_seq(&n, 5, UINT64_MAX, FROM_NODE, t + 100), ==, SEQ_IMPLAUSIBLE);
    CHECK_INT(nodes_count_seq(&n, 5, 1000, FROM_NODE, t + 100), ==, SEQ_IMPLAUSIBLE);
    for (uint64_t s = 2; s <= 10; s++) {
        t += 100;
        CHECK_INT(nodes_count_seq(&n, 5, s, FROM_NODE, t), ==, SEQ_NEXT);
        n.last_seen = t;
    }
    CHECK_U64(n.received, ==, 10);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(n.duplicates, ==, 0);
    CHECK_INT(n.implausible, ==, 2);
    /* A real gap: 60 s of silence at 100 ms may skip 600 seqs. */
    CHECK_INT(nodes_count_seq(&n, 5, 610, FROM_NODE, t + 60000), ==, SEQ_NEXT);
    CHECK_U64(n.lost, ==, 599);
}

static void a_late_one_before_the_first_seen_is_not_a_negative_loss(void)
{
    struct node n = fresh();

    CHECK_INT(nodes_count_seq(&n, 7, 2, FROM_NODE, LATER), ==, SEQ_FIRST);
    CHECK_INT(nodes_count_seq(&n, 7, 1, FROM_NODE, LATER), ==, SEQ_LATE);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(n.reordered, ==, 1);
    CHECK_INT(nodes_count_seq(&n, 7, 1, FROM_NODE, LATER), ==, SEQ_DUPLICATE);
    CHECK_INT(nodes_count_seq(&n, 7, 5, FROM_NODE, LATER), ==, SEQ_NEXT);     /* 3, 4 lost */
    CHECK_INT(nodes_count_seq(&n, 7, 3, FROM_NODE, LATER), ==, SEQ_LATE);
    CHECK_U64(n.lost, ==, 1);
    /* After a restart seen late, seq 1 of it was counted lost: it fills. */
    CHECK_INT(nodes_count_seq(&n, 8, 3, FROM_NODE, LATER), ==, SEQ_RESTART);
    CHECK_U64(n.lost, ==, 3);
    CHECK_INT(nodes_count_seq(&n, 8, 1, FROM_NODE, LATER), ==, SEQ_LATE);
    CHECK_U64(n.lost, ==, 2);
}

static void a_late_datagram_of_an_older_incarnation_is_stale(void)
{
    struct node n = fresh();

    nodes_count_seq(&n, 1, 10, FROM_NODE, LATER);
    CHECK_INT(nodes_count_seq(&n, 2, 1, FROM_NODE, LATER), ==, SEQ_RESTART);
    CHECK_INT(nodes_count_seq(&n, 1, 11, FROM_NODE, LATER), ==, SEQ_STALE);
    CHECK_INT(nodes_count_seq(&n, 2, 2, FROM_NODE, LATER), ==, SEQ_NEXT);
    CHECK_INT(n.restarts, ==, 1);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(n.stale, ==, 1);
    CHECK_U64(n.received, ==, 3);
    CHECK_U64(n.inc, ==, 2);
}

/*
 * A forged restart at seq 2^64-1 said that 2^64-2 heartbeats were lost;
 * two wrapped lost round to 2^64-4.  A restart may lose no more than
 * a jump of seq may: what the time since allows.
 */
static void a_restart_at_a_huge_seq_loses_no_more_than_the_time_allows(void)
{
    struct node n = fresh();
    uint64_t t = 1000;

    n.interval_ms = 100;
    CHECK_INT(nodes_count_seq(&n, 1, 1, FROM_NODE, t), ==, SEQ_FIRST);
    n.last_seen = t;
    t += 100;                           /* 100 ms at 100 ms: 64 + 2 * 2 */
    CHECK_INT(nodes_count_seq(&n, 2, UINT64_MAX, FROM_NODE, t), ==, SEQ_RESTART);
    CHECK_U64(n.lost, ==, 68);
    n.last_seen = t;
    t += 100;
    CHECK_INT(nodes_count_seq(&n, 3, UINT64_MAX, FROM_NODE, t), ==, SEQ_RESTART);
    CHECK_U64(n.lost, ==, 136);
    /* A late one of those counted lost fills its gap; older ones cannot. */
    CHECK_INT(nodes_count_seq(&n, 3, UINT64_MAX - 1, FROM_NODE, t), ==, SEQ_LATE);
    CHECK_U64(n.lost, ==, 135);
    CHECK_INT(nodes_count_seq(&n, 3, 5, FROM_NODE, t), ==, SEQ_DUPLICATE);
    CHECK_U64(n.lost, ==, 135);
    CHECK_INT(n.restarts, ==, 2);
    /* A real restart, 10 s later, whose first 3 were lost: all 3 count. */
    n.last_seen = t;
    CHECK_INT(nodes_count_seq(&n, 4, 4, FROM_NODE, t + 10000), ==, SEQ_RESTART);
    CHECK_U64(n.lost, ==, 138);
}

/*
 * One forged heartbeat with a newer incarnation took a live node: its
 * real heartbeats became stale, and it went DEAD.  From another address
 * a newer incarnation is believed only once the node is not ALIVE.
 */
static void a_newer_incarnation_from_elsewhere_cannot_take_a_live_node(void)
{
    struct node n = fresh();
    uint64_t t = 1000, ahead = 20 * 3600 * 1000ULL;

    n.interval_ms = 100;
    CHECK_INT(nodes_count_seq(&n, 7, 1, FROM_NODE, t), ==, SEQ_FIRST);
    for (uint64_t s = 2; s <= 5; s++) {
        n.last_seen = t;
        t += 100;
        CHECK_INT(nodes_count_seq(&n, 7 + ahead, 1, ELSEWHERE, t), ==, SEQ_RIVAL);
        CHECK_INT(nodes_count_seq(&n, 7 + ahead, UINT64_MAX, ELSEWHERE, t), ==, SEQ_RIVAL);
        CHECK_INT(nodes_count_seq(&n, 7, s, FROM_NODE, t), ==, SEQ_NEXT);
    }
    CHECK_U64(n.inc, ==, 7);
    CHECK_U64(n.received, ==, 5);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(n.restarts + n.stale, ==, 0);
    CHECK_INT(n.implausible, ==, 8);
    /* Silent long enough to be SUSPECT: a restart from elsewhere is
     * believed, counted from its first believed heartbeat. */
    n.state = NODE_SUSPECT;
    CHECK_INT(nodes_count_seq(&n, 9, 3, ELSEWHERE, t + 250), ==, SEQ_RESTART);
    CHECK_U64(n.inc, ==, 9);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(nodes_count_seq(&n, 9, 2, FROM_NODE, t + 250), ==, SEQ_LATE);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(nodes_count_seq(&n, 7, 6, FROM_NODE, t + 250), ==, SEQ_STALE);
    /* From the node's own address, ALIVE: a restart at once. */
    n.state = NODE_ALIVE;
    CHECK_INT(nodes_count_seq(&n, 10, 1, FROM_NODE, t + 300), ==, SEQ_RESTART);
    CHECK_INT(n.restarts, ==, 2);
    /* DEAD, or LEFT: from elsewhere, at once too. */
    n.state = NODE_LEFT;
    CHECK_INT(nodes_count_seq(&n, 11, 1, ELSEWHERE, t + 400), ==, SEQ_RESTART);
    n.state = NODE_DEAD;
    CHECK_INT(nodes_count_seq(&n, 12, 1, ELSEWHERE, t + 500), ==, SEQ_RESTART);
    CHECK_INT(n.restarts, ==, 4);
}

/*
 * A node late by two heartbeats (SUSPECT) took one forged heartbeat from
 * another port, its incarnation 20 h ahead: then every real heartbeat,
 * and the real node's restarts, were stale for 20 h.  Unsigned, the
 * address that beats takes a silent node, whatever its incarnation: the
 * real node takes it back once the forger is silent.  Signed, an older
 * incarnation is the past, from anywhere.
 */
static void a_forged_far_future_incarnation_holds_a_node_only_while_it_beats(void)
{
    struct node n = fresh();
    uint64_t t = 1000, ahead = 20 * 3600 * 1000ULL;

    n.interval_ms = 100;
    CHECK_INT(nodes_count_seq(&n, 7, 1, FROM_NODE, t), ==, SEQ_FIRST);
    n.last_seen = t;
    n.state = NODE_SUSPECT;                     /* two heartbeats lost */
    CHECK_INT(nodes_count_seq(&n, 7 + ahead, 1, ELSEWHERE, t + 250), ==, SEQ_RESTART);
    /* The forger's address is the node's now, and the node ALIVE: the
     * real one, from its own address, is elsewhere, and older: stale. */
    n.last_seen = t + 250;
    n.state = NODE_ALIVE;
    CHECK_INT(nodes_count_seq(&n, 7, 4, ELSEWHERE, t + 300), ==, SEQ_STALE);
    CHECK_INT(nodes_count_seq(&n, 7, 5, ELSEWHERE, t + 400), ==, SEQ_STALE);
    /* The forger silent for two intervals: SUSPECT; the real one beats. */
    n.state = NODE_SUSPECT;
    CHECK_INT(nodes_count_seq(&n, 7, 6, ELSEWHERE, t + 500), ==, SEQ_RESTART);
    CHECK_U64(n.inc, ==, 7);
    CHECK_U64(n.max_seq, ==, 6);
    n.state = NODE_ALIVE;
    n.last_seen = t + 500;
    CHECK_INT(nodes_count_seq(&n, 7, 7, FROM_NODE, t + 600), ==, SEQ_NEXT);
    CHECK_U64(n.lost, ==, 0);                   /* counted from where it came back */
    CHECK_INT(n.stale, ==, 2);
    CHECK_INT(n.restarts, ==, 2);
    /* Signed: an older incarnation is stale from anywhere, silent or not. */
    n.state = NODE_SUSPECT;
    CHECK_INT(nodes_count_seq(&n, 6, 9, ELSEWHERE | SEQ_SIGNED, t + 900), ==, SEQ_STALE);
    CHECK_INT(nodes_count_seq(&n, 6, 9, FROM_NODE | SEQ_SIGNED, t + 900), ==, SEQ_STALE);
    CHECK_INT(nodes_count_seq(&n, 6, 9, FROM_NODE, t + 900), ==, SEQ_STALE);
    CHECK_U64(n.inc, ==, 7);
}

/*
 * The same, with the node's own incarnation and a seq 140 ahead (inside
 * what two seconds of silence allow): its real heartbeats were late or
 * duplicates, the node the forger's, until their seqs passed 140 more.
 */
static void a_forged_seq_ahead_holds_a_node_only_while_it_beats(void)
{
    struct node n = fresh();
    uint64_t t = 1000;

    n.interval_ms = 50;
    CHECK_INT(nodes_count_seq(&n, 7, 10, FROM_NODE, t), ==, SEQ_FIRST);
    n.last_seen = t;
    n.state = NODE_SUSPECT;
    CHECK_INT(nodes_count_seq(&n, 7, 150, ELSEWHERE, t + 2000), ==, SEQ_NEXT);
    n.last_seen = t + 2000;
    n.state = NODE_SUSPECT;                     /* the forger silent */
    CHECK_INT(nodes_count_seq(&n, 7, 11, ELSEWHERE, t + 2100), ==, SEQ_RESTART);
    CHECK_U64(n.max_seq, ==, 11);
    n.state = NODE_ALIVE;
    n.last_seen = t + 2100;
    CHECK_INT(nodes_count_seq(&n, 7, 12, FROM_NODE, t + 2150), ==, SEQ_NEXT);
    /* Signed, or from its own address: a seq passed is old news. */
    n.state = NODE_SUSPECT;
    CHECK_INT(nodes_count_seq(&n, 7, 11, ELSEWHERE | SEQ_SIGNED, t + 2200), ==, SEQ_DUPLICATE);
    CHECK_INT(nodes_count_seq(&n, 7, 12, FROM_NODE, t + 2200), ==, SEQ_DUPLICATE);
}

/*
 * A copied heartbeat's inc, with seq + 60, from another port, was taken
 * as the node's next one: its address moved to the spoofer, 59 were
 * lost, and the spoofer's goodbye made it LEFT.  While the node is
 * ALIVE, no heartbeat from another address counts, of its incarnation
 * either; once it is SUSPECT, one is believed (the node moved).
 */
static void the_same_incarnation_from_elsewhere_cannot_take_a_live_node(void)
{
    struct node n = fresh();
    uint64_t t = 1000;
    enum seq_event ev;

    n.interval_ms = 200;
    CHECK_INT(nodes_count_seq(&n, 7, 1, FROM_NODE, t), ==, SEQ_FIRST);
    for (uint64_t s = 2; s <= 21; s++) {
        n.last_seen = t;
        t += 200;
        ev = nodes_count_seq(&n, 7, n.max_seq + 60, ELSEWHERE, t);
        CHECK_INT(ev, ==, SEQ_RIVAL);
        CHECK(!seq_advances(ev));               /* the address stays */
        CHECK_INT(nodes_count_seq(&n, 7, s + 1, ELSEWHERE, t), ==, SEQ_RIVAL);
        CHECK_INT(nodes_count_seq(&n, 7, s - 1, ELSEWHERE, t), ==, SEQ_RIVAL);
        CHECK_INT(nodes_count_seq(&n, 7, s, FROM_NODE, t), ==, SEQ_NEXT);
    }
    CHECK_U64(n.inc, ==, 7);
    CHECK_U64(n.max_seq, ==, 21);
    CHECK_U64(n.received, ==, 21);
    CHECK_U64(n.lost, ==, 0);
    CHECK_INT(n.duplicates + n.reordered + n.restarts + n.stale, ==, 0);
    CHECK_INT(n.implausible, ==, 60);
    /* An older incarnation from elsewhere is stale, as from anywhere. */
    CHECK_INT(nodes_count_seq(&n, 6, 100, ELSEWHERE, t), ==, SEQ_STALE);
    /* SUSPECT: the node moved; its next heartbeat from there is news. */
    n.state = NODE_SUSPECT;
    ev = nodes_count_seq(&n, 7, 23, ELSEWHERE, t + 500);
    CHECK_INT(ev, ==, SEQ_NEXT);
    CHECK(seq_advances(ev));
    CHECK_U64(n.lost, ==, 1);
    CHECK_U64(n.received, ==, 22);
    /* DEAD or LEFT: the same. */
    n.state = NODE_DEAD;
    CHECK_INT(nodes_count_seq(&n, 7, 24, ELSEWHERE, t + 600), ==, SEQ_NEXT);
    n.state = NODE_LEFT;
    CHECK_INT(nodes_count_seq(&n, 7, 25, ELSEWHERE, t + 700), ==, SEQ_NEXT);
    CHECK_INT(n.implausible, ==, 60);
}

/* A flood of forged datagrams must not wrap a node's counts back to 0. */
static void counts_stop_at_their_top_rather_than_wrap(void)
{
    struct node n = fresh();

    n.interval_ms = 100;
    CHECK_INT(nodes_count_seq(&n, 7, 100, FROM_NODE, 0), ==, SEQ_FIRST);
    n.duplicates = n.stale = n.implausible = UINT32_MAX - 1;
    n.reordered = n.restarts = UINT32_MAX - 1;
    for (int i = 0; i < 2; i++) {
        CHECK_INT(nodes_count_seq(&n, 7, 100, FROM_NODE, 0), ==, SEQ_DUPLICATE);
        CHECK_INT(nodes_count_seq(&n, 6, 100, FROM_NODE, 0), ==, SEQ_STALE);
        CHECK_INT(nodes_count_seq(&n, 7, UINT64_MAX, FROM_NODE, 0), ==, SEQ_IMPLAUSIBLE);
        CHECK_INT(nodes_count_seq(&n, 7, 99 - i, FROM_NODE, 0), ==, SEQ_LATE);
    }
    CHECK_INT(nodes_count_seq(&n, 8, 1, FROM_NODE, 0), ==, SEQ_RESTART);
    CHECK_INT(nodes_count_seq(&n, 9, 1, FROM_NODE, 0), ==, SEQ_RESTART);
    CHECK_U64(n.duplicates, ==, UINT32_MAX);
    CHECK_U64(n.stale, ==, UINT32_MAX);
    CHECK_U64(n.implausible, ==, UINT32_MAX);
    CHECK_U64(n.reordered, ==, UINT32_MAX);
    CHECK_U64(n.restarts, ==, UINT32_MAX);
}

static void the_table_refuses_names_past_its_limit(void)
{
    struct node_table t;
    bool created;
    uint32_t id;

    nodes_init(&t, 2);
    CHECK(nodes_lookup(&t, "a", 1, &id, &created) != NULL);
    CHECK(nodes_lookup(&t, "b", 1, &id, &created) != NULL);
    errno = 0;
    CHECK(nodes_lookup(&t, "c", 1, &id, &created) == NULL);
    CHECK_INT(errno, ==, ENOSPC);
    CHECK(nodes_lookup(&t, "a", 1, &id, &created) != NULL && !created);
    CHECK_U64(t.count, ==, 2);
    nodes_free(&t);
}

static void forgotten_nodes_leave_the_rest_findable(void)
{
    struct node_table t;
    char name[32];
    bool created;
    uint32_t id;
    int wrong = 0;

    nodes_init(&t, 0);
    for (int i = 0; i < 5000; i++) {
        int len = snprintf(name, sizeof(name), "n-%d", i);

        nodes_lookup(&t, name, (size_t)len, &id, &created);
    }
    for (uint32_t i = 0; i < 5000; i += 3)
        nodes_forget(&t, i);
    CHECK_U64(t.count, ==, 5000 - 1667);
    for (int i = 0; i < 5000; i++) {
        int len = snprintf(name, sizeof(name), "n-%d", i);
        struct node *n = nodes_lookup(&t, name, (size_t)len, &id, &created);

        if (i % 3 != 0)
            wrong += n == NULL || created || id != (uint32_t)i || strcmp(n->name, name) != 0;
        else                            /* new again, in a freed index */
            wrong += n == NULL || !created || id >= 5000;
    }
    CHECK_INT(wrong, ==, 0);
    CHECK_U64(t.count, ==, 5000);
    CHECK_U64(t.high, ==, 5000);
    nodes_free(&t);
}

/* A class of changing laptops: names come and go, memory does not grow. */
static void churn_of_names_keeps_memory_bounded(void)
{
    struct node_table t;
    char name[64];
    bool created;
    uint32_t ids[1000], id;
    int wrong = 0;

    nodes_init(&t, 0);
    for (int round = 0; round < 300; round++) {
        for (int i = 0; i < 1000; i++) {
            int len = snprintf(name, sizeof(name), "laptop-%d-of-round-%d", i, round);

            wrong += nodes_lookup(&t, name, (size_t)len, &ids[i], &created) == NULL || !created;
        }
        for (int i = 0; i < 1000; i += 2)   /* half stay a round longer */
            nodes_forget(&t, ids[i]);
        if (round > 0)
            for (size_t k = 0; k < t.high; k++) {
                struct node *n = nodes_at(&t, k);

                if (n != NULL && strstr(n->name, "-of-round-") != NULL &&
                    atoi(strstr(n->name, "-of-round-") + 10) < round)
                    nodes_forget(&t, (uint32_t)k);
            }
    }
    CHECK_U64(t.count, ==, 500);
    CHECK_U64(t.high, <=, 2000);
    CHECK_U64(t.narenas, <=, 8);
    snprintf(name, sizeof(name), "laptop-1-of-round-299");
    CHECK(nodes_lookup(&t, name, strlen(name), &id, &created) != NULL && !created);
    CHECK_INT(wrong, ==, 0);
    nodes_free(&t);
}

static void the_table_finds_a_million_names(void)
{
    struct node_table t;
    char name[32];
    bool created;
    uint32_t id;
    int wrong = 0;

    nodes_init(&t, 0);
    for (int i = 0; i < 1000000; i++) {
        int len = snprintf(name, sizeof(name), "n-%d", i);
        struct node *n = nodes_lookup(&t, name, (size_t)len, &id, &created);

        wrong += n == NULL || !created || id != (uint32_t)i;
    }
    for (int i = 999999; i >= 0; i -= 7) {
        int len = snprintf(name, sizeof(name), "n-%d", i);
        struct node *n = nodes_lookup(&t, name, (size_t)len, &id, &created);

        wrong += n == NULL || created || id != (uint32_t)i || strcmp(n->name, name) != 0;
    }
    CHECK_INT(wrong, ==, 0);
    CHECK_U64(t.count, ==, 1000000);
    nodes_free(&t);
}

static void deadlines_are_multiples_of_the_interval_or_fixed(void)
{
    struct detector d;
    struct node n = fresh();

    n.interval_ms = 1000;
    n.last_seen = 50000;
    detector_init(&d, DETECT_DEADLINE, 0, 0, 8);
    CHECK_U64(detector_deadline(&d, &n, NODE_SUSPECT), ==, 52000);
    CHECK_U64(detector_deadline(&d, &n, NODE_DEAD), ==, 55000);
    detector_init(&d, DETECT_DEADLINE, 300, 800, 8);
    CHECK_U64(detector_deadline(&d, &n, NODE_SUSPECT), ==, 50300);
    CHECK_U64(detector_deadline(&d, &n, NODE_DEAD), ==, 50800);
    detector_init(&d, DETECT_DEADLINE, 0, 1500, 8);     /* DEAD before 2 intervals */
    CHECK_U64(detector_deadline(&d, &n, NODE_SUSPECT), ==, 51500);
}

/* A dozen even gaps are not yet a rhythm to hold a node to: the
 * deviation stays at a quarter of the interval until half the window. */
static void phi_trusts_a_few_even_gaps_no_more_than_the_interval(void)
{
    struct detector d;
    struct node n = fresh();
    uint64_t t = 0;

    detector_init(&d, DETECT_PHI, 0, 0, 8);
    n.interval_ms = 200;
    for (int i = 0; i < 13; i++) {
        t += 200 + (i % 3);             /* 200, 201, 202 ms: almost no deviation */
        detector_arrival(&d, &n, t);
        n.last_seen = t;
    }
    /* A beat sent 100 ms late (50% jitter) must not make it SUSPECT. */
    CHECK(detector_deadline(&d, &n, NODE_SUSPECT) - n.last_seen >= (uint64_t)(201 + d.z_suspect * 50));
    CHECK(detector_deadline(&d, &n, NODE_SUSPECT) - n.last_seen > 300);
    for (int i = 0; i < PHI_WINDOW; i++) {   /* a full window of them: the tenth again */
        t += 200;
        detector_arrival(&d, &n, t);
        n.last_seen = t;
    }
    CHECK_U64(detector_deadline(&d, &n, NODE_DEAD) - n.last_seen, ==, (uint64_t)ceil(200 + d.z_dead * 20));
    free(n.phi);
}

static void phi_learns_the_rhythm(void)
{
    struct detector d;
    struct node steady = fresh(), jittery = fresh();
    uint64_t t = 0;

    detector_init(&d, DETECT_PHI, 0, 0, 8);
    steady.interval_ms = jittery.interval_ms = 100;
    /* Before four gaps: the announced interval, a quarter of it as deviation. */
    CHECK_U64(detector_deadline(&d, &steady, NODE_DEAD), ==, (uint64_t)ceil(100 + d.z_dead * 25));
    for (int i = 0; i < 40; i++) {
        t += 100;
        CHECK_INT(detector_arrival(&d, &steady, t), ==, 0);
        steady.last_seen = t;
    }
    t = 0;
    for (int i = 0; i < 40; i++) {
        t += i % 2 ? 50 : 150;          /* mean 100, deviation 50 */
        detector_arrival(&d, &jittery, t);
        jittery.last_seen = t;
    }
    /* phi = 8 is 5.6 deviations: the steady node's floor is a tenth of its mean. */
    CHECK(d.z_dead > 5.5 && d.z_dead < 5.7);
    CHECK_U64(detector_deadline(&d, &steady, NODE_DEAD) - steady.last_seen, ==,
              (uint64_t)ceil(100 + d.z_dead * 10));
    CHECK_U64(detector_deadline(&d, &jittery, NODE_DEAD) - jittery.last_seen, ==,
              (uint64_t)ceil(100 + d.z_dead * 50));
    CHECK(detector_deadline(&d, &steady, NODE_SUSPECT) < detector_deadline(&d, &steady, NODE_DEAD));
    /* At the deadline, phi is the threshold. */
    CHECK(fabs(detector_phi(&d, &jittery, jittery.last_seen + 100 + (uint64_t)(d.z_dead * 50)) - 8) < 0.1);
    CHECK(detector_phi(&d, &steady, steady.last_seen + 100) < 1);
    free(steady.phi);
    free(jittery.phi);
}

int main(void)
{
    RUN_TEST(in_order_counts_no_loss);
    RUN_TEST(a_receiver_started_late_counts_nothing_before_it);
    RUN_TEST(a_gap_is_lost_until_a_late_arrival_fills_it);
    RUN_TEST(the_window_is_64_deep);
    RUN_TEST(a_new_incarnation_starts_the_count_over);
    RUN_TEST(a_seq_too_far_ahead_for_the_time_is_ignored);
    RUN_TEST(a_late_one_before_the_first_seen_is_not_a_negative_loss);
    RUN_TEST(a_late_datagram_of_an_older_incarnation_is_stale);
    RUN_TEST(a_restart_at_a_huge_seq_loses_no_more_than_the_time_allows);
    RUN_TEST(a_newer_incarnation_from_elsewhere_cannot_take_a_live_node);
    RUN_TEST(the_same_incarnation_from_elsewhere_cannot_take_a_live_node);
    RUN_TEST(a_forged_far_future_incarnation_holds_a_node_only_while_it_beats);
    RUN_TEST(a_forged_seq_ahead_holds_a_node_only_while_it_beats);
    RUN_TEST(counts_stop_at_their_top_rather_than_wrap);
    RUN_TEST(the_table_refuses_names_past_its_limit);
    RUN_TEST(forgotten_nodes_leave_the_rest_findable);
    RUN_TEST(churn_of_names_keeps_memory_bounded);
    RUN_TEST(the_table_finds_a_million_names);
    RUN_TEST(deadlines_are_multiples_of_the_interval_or_fixed);
    RUN_TEST(phi_learns_the_rhythm);
    RUN_TEST(phi_trusts_a_few_even_gaps_no_more_than_the_interval);
    return tap_done();
}
