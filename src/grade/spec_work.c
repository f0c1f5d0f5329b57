/*
 * spec_work.c - the specs ipc and threads: a program that squares the
 * numbers 1..N in processes joined by pipes (ipc) or in threads around
 * a bounded queue (threads), and prints the exact sum of the squares.
 *
 * What is judged is what any language can show: the sum, as a whole
 * word of its standard output, an exit status of 0, and that the
 * program ends - by itself, when a child is killed, on Ctrl-C.  A run
 * that does not end is described as it stands: how long it ran, which
 * of its processes are left and where the kernel has them waiting
 * (/proc/PID/wchan: pipe_read, futex_wait...), and what it printed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"
#include "scan.h"
#include "timing.h"
#include "u128.h"

/* The sizes of the runs, and how long each may take. */
enum {
    SUM_N = 1000,               /* the basic run */
    LARGE_N = 20000,            /* ipc: more than a pipe holds (64 KiB) in
                                   any encoding of the numbers */
    RACE_N = 500,               /* threads: each of the 20 runs */
    RACE_RUNS = 20,
    RACE_CONSUMERS = 16,
    RACE_BUDGET_MS = 60000,     /* the 20 runs together, at most */
    DEADLOCK_N = 1000,
    MANY_CONSUMERS = 64,
    SUM_CONSUMERS = 4,          /* threads.sum: the course's kind of run */
    SUM_CAPACITY = 10,
    RUN_DEADLINE_MS = 10000,    /* a run of SUM_N, RACE_N or DEADLOCK_N */
    LARGE_DEADLINE_MS = 15000,
    KILL_DEADLINE_MS = 10000,   /* after kill -9 of a child: all gone */
    SIGINT_DEADLINE_MS = 5000,  /* after Ctrl-C: all gone */
    BUSY_WAIT_MS = 5000,        /* for a long run to get going */
    SETTLE_MS = 300,            /* its processes (threads) unchanged so long */
    OUTPUT_MAX = 64 << 10,      /* the end of stdout that is read */
    PROCS_MAX = 64,             /* processes of a run described */
    BUSY_SAMPLE_MS = 400,       /* a hung run's CPU time, measured so long */
};

/*
 * A long run, to be interrupted: N so large that no program the course
 * asks for ends before the grader acts (a second or so).  Threads ask
 * for a queue of 1 as well, so that a program keeping every square in
 * a list holds few of them by then.
 */
#define IPC_LONG_N UINT64_C(100000000)
#define THREADS_LONG_N UINT64_C(10000000)

static const char IPC_HANG_HINT[] =
    "a process reading a pipe sees end of file only once every copy of "
    "its write end is closed, in every process: a correct program closes, "
    "right after fork, each pipe end a process does not use (the parent "
    "closes them all), and the parent waits for its children only after "
    "that";
static const char IPC_LARGE_HINT[] =
    "a pipe holds 64 KiB: a stage that writes all its numbers before the "
    "next stage reads any, or a parent that waits for a child before "
    "reading that child's pipe, blocks forever once the pipe is full; a "
    "correct program runs its stages at once (and if it hangs with a small "
    "N too, see ipc.sum: end of file never comes)";
static const char MPI_HANG_HINT[] =
    "mpirun ends when every rank has: a rank that waits in a receive for "
    "an end mark that never comes hangs the job; a worker that never "
    "sends the end mark on (after its last square), or a storage that "
    "waits for more end marks than there are workers (or a rank that "
    "never receives the one sent to it); a correct pipeline sends each "
    "end mark after the last message before it, and each rank counts "
    "exactly the senders it has";
static const char THREADS_HANG_HINT[] =
    "a consumer waiting on an empty queue waits forever unless the "
    "producer says there is no more: one stop sign per consumer (None in "
    "Python, a sentinel value in C), "
    "or a close that wakes every waiting consumer; the producer, for its "
    "part, must not wait on a full queue that nobody empties; and a get "
    "re-checks the queue after every wait, in a loop (while, not if): one "
    "that trusts its wake-up takes from an empty queue, and the count it "
    "leaves wrong can make every thread wait for ever";
static const char THREADS_ENDED_HINT[] =
    "only one thread is left: the consumers ended while the producer "
    "waits on a full queue that nobody empties; a get that says \"no "
    "more\" before the queue is closed and drained (one not written yet, "
    "or one that gives up when a wake-up finds the queue empty) ends its "
    "consumer too soon: a correct get waits in a loop (while, not if) as "
    "long as the queue is empty and open, and reports the end only once "
    "it is closed and empty";
static const char THREADS_BUSY_HINT[] =
    "its threads are not waiting but busy, using the CPU: a loop that "
    "never ends, often a consumer that takes from an empty queue (its "
    "count of items goes below zero and it takes stale items for ever); "
    "a correct get re-checks the queue after every wait, in a loop (while, "
    "not if): another consumer may have taken the item first, and a wait "
    "may wake spuriously";
static const char THREADS_TWICE_HINT[] =
    "a sum larger than the right one: some numbers were squared twice, "
    "taken again from the queue (a lost update of the total only makes it "
    "smaller), as a get does that takes an item another consumer took "
    "first, or a stale slot of an empty queue: a correct get re-checks the "
    "queue after every wait, in a loop (while, not if)";
static const char THREADS_LOST_HINT[] =
    "a sum smaller than the right one: some squares were lost, in a total "
    "updated without its lock (threads.race shows it as sums that differ "
    "from run to run), or in the queue, where a put overwrites what a get "
    "that took from an empty queue left behind: a correct get re-checks "
    "the queue after every wait, in a loop (while, not if)";
static const char THREADS_CRASH_HINT[] =
    "a crash in a program around a queue is often a get that takes from an "
    "empty queue (an index or a count gone below zero), or a thread that "
    "uses the queue after it was freed: a correct get re-checks the queue "
    "after every wait, in a loop (while, not if), and the queue is freed "
    "only after every thread is joined";
static const char RACE_HINT[] =
    "two consumers that read a shared list or total, add, and write it "
    "back at the same time lose one of the updates; a correct program "
    "makes every update of shared data under one lock (threading.Lock, "
    "pthread_mutex_t)";

/* The hint of a hang: the likely cause, chosen from what the run shows. */
enum hint {
    HINT_NONE,
    HINT_IPC,                   /* ipc.sum: end of file never comes */
    HINT_IPC_LARGE,             /* ipc.large: a full pipe */
    HINT_THREADS,
};

/* ---- the command and its placeholders ---- */


/* The values of one run's placeholders (all three: unused ones are not
 * in COMMAND, and cost nothing). */
struct work_fill {
    char n[24];
    char consumers[16];
    char capacity[16];
    struct fill f;
};

static void work_fill(struct work_fill *w, uint64_t n, unsigned consumers,
                      unsigned capacity)
{
    snprintf(w->n, sizeof(w->n), "%" PRIu64, n);
    snprintf(w->consumers, sizeof(w->consumers), "%u", consumers);
    snprintf(w->capacity, sizeof(w->capacity), "%u", capacity);
    w->f = (struct fill){ .n = w->n, .consumers = w->consumers,
                          .capacity = w->capacity };
}

/* Append 'len' bytes to buf[*at], cut at 'size'. */
static void put(char *buf, size_t size, size_t *at, const char *s, size_t len)
{
    while (len-- > 0 && *at + 1 < size)
        buf[(*at)++] = *s++;
    buf[*at] = '\0';
}

/* "ran: python3 ipc.py 1000", the command as it was started. */
static void say_command(struct verdict *v, const struct grade_opts *o,
                        const struct work_fill *w)
{
    static const struct { const char *name; size_t off; } ph[] = {
        { "{n}", offsetof(struct work_fill, n) },
        { "{consumers}", offsetof(struct work_fill, consumers) },
        { "{capacity}", offsetof(struct work_fill, capacity) },
    };
    char line[512];
    size_t at = 0;

    line[0] = '\0';
    for (int i = 0; i < o->command_len; i++) {
        const char *a = o->command[i];
        bool quote = *a == '\0' || strpbrk(a, " \t'\"") != NULL;

        if (i > 0)
            put(line, sizeof(line), &at, " ", 1);
        if (quote)
            put(line, sizeof(line), &at, "'", 1);
        while (*a != '\0') {
            size_t k;
            for (k = 0; k < sizeof(ph) / sizeof(ph[0]); k++) {
                size_t len = strlen(ph[k].name);
                if (strncmp(a, ph[k].name, len) == 0) {
                    const char *val = (const char *)w + ph[k].off;
                    put(line, sizeof(line), &at, val, strlen(val));
                    a += len;
                    break;
                }
            }
            if (k == sizeof(ph) / sizeof(ph[0]))
                put(line, sizeof(line), &at, a++, 1);
        }
        if (quote)
            put(line, sizeof(line), &at, "'", 1);
    }
    verdict_say(v, "ran: %s", line);
}

/*
 * The N of a run: 'want' when COMMAND has {n}; else the --n the user
 * gave.  With neither the grader cannot know which sum to expect: the
 * check fails and says so.
 */
static bool choose_n(const struct grade_opts *o, uint64_t want, uint64_t *n,
                     struct verdict *v)
{
    *n = 0;
    if (command_has(o, "{n}")) {
        *n = want;
        return true;
    }
    if (o->n_given) {
        *n = o->n;
        return true;
    }
    return verdict_fail(v, "COMMAND has no {n} and no --n N was given: "
                        "the grader cannot know which sum to expect (put {n} "
                        "where the program takes N, or say --n N)");
}

/* ---- the processes of a run, from /proc ---- */

static int by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;

    return (x > y) - (x < y);
}

/* Every process of the machine (zombies too: a parent may be one), by
 * pid, in *all (malloc'd, to free).  Returns how many. */
static size_t all_procs(struct proc **all)
{
    DIR *d = opendir("/proc");
    size_t count = 0, cap = 0;
    struct dirent *e;

    *all = NULL;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);

        if (*end != '\0' || pid <= 0)
            continue;
        if (count == cap) {
            size_t more = cap == 0 ? 256 : 2 * cap;
            struct proc *p = realloc(*all, more * sizeof(**all));
            if (p == NULL)
                break;
            *all = p;
            cap = more;
        }
        if (proc_read((pid_t)pid, &(*all)[count]))
            count++;
    }
    closedir(d);
    if (count > 0)
        qsort(*all, count, sizeof(**all), by_pid);
    return count;
}

/*
 * The processes of a run that still run: its process group, and every
 * descendant of the program in whatever group (mpirun's ranks are its
 * children, each in a group of its own), by pid, at most 'max' in
 * 'out'.  Returns how many there are (possibly more than 'max').
 */
static size_t run_procs(const struct impl *im, struct proc *out, size_t max)
{
    struct proc *all;
    size_t count = all_procs(&all), found = 0;
    bool *in = calloc(count > 0 ? count : 1, sizeof(*in));
    bool more = true;

    if (in == NULL) {
        free(all);
        return 0;
    }
    for (size_t i = 0; i < count; i++)
        in[i] = all[i].pid == im->pid || all[i].pgrp == im->pid;
    /* Down the tree, one generation a pass (a parent has a lower pid
     * mostly, so that one pass usually does it all). */
    while (more) {
        more = false;
        for (size_t i = 0; i < count; i++) {
            struct proc key = { .pid = all[i].ppid };
            struct proc *parent = in[i] ? NULL :
                bsearch(&key, all, count, sizeof(*all), by_pid);
            if (parent != NULL && in[parent - all])
                more = in[i] = true;
        }
    }
    for (size_t i = 0; i < count; i++)
        if (in[i] && all[i].state != 'Z' && found++ < max)
            out[found - 1] = all[i];
    free(in);
    free(all);
    return found;
}

/* One line per process of the run still running: what a hang looks
 * like from outside. */
static void say_group(struct verdict *v, const struct impl *im)
{
    struct proc ps[PROCS_MAX];
    size_t count = run_procs(im, ps, PROCS_MAX);

    if (count == 0) {
        verdict_say(v, "  (none of its processes is left)");
        return;
    }
    for (size_t i = 0; i < count && i < PROCS_MAX; i++) {
        const struct proc *p = &ps[i];
        char threads[32] = "";

        if (p->threads > 1)
            snprintf(threads, sizeof(threads), ", %ld threads", p->threads);
        verdict_say(v, "  pid %d %s (%s%s)%s%s", (int)p->pid, p->comm,
                    p->pid == im->pid ? "the program" :
                    p->ppid == im->pid ? "its child" : "started by it",
                    threads, p->wchan[0] != '\0' ? ", waiting in " : "",
                    p->wchan);
    }
    if (count > PROCS_MAX)
        verdict_say(v, "  ... and %zu more", count - PROCS_MAX);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
}

/* The CPU time process 'pid' has used, all its threads, in ms; -1 when
 * it is gone. */
static long cpu_ms(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long utime, stime;
    FILE *f;
    bool ok;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    ok = fgets(buf, sizeof(buf), f) != NULL;
    fclose(f);
    /* Fields 14 and 15, after "(comm)", which may hold blanks. */
    const char *at = ok ? strrchr(buf, ')') : NULL;
    if (at == NULL || sscanf(at + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u "
                             "%*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (long)((utime + stime) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
}

/* Does a process of the run wait in a kernel function named '*what*'
 * (pipe_read, anon_pipe_read...)?  Is one of them named 'comm'? */
static bool any_waits(const struct proc *ps, size_t count, const char *what)
{
    for (size_t i = 0; i < count; i++)
        if (strstr(ps[i].wchan, what) != NULL)
            return true;
    return false;
}

static bool any_named(const struct proc *ps, size_t count, const char *comm)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(ps[i].comm, comm) == 0)
            return true;
    return false;
}

/*
 * The likely cause of a hang, from what is left of the run (still
 * running): under mpirun, a rank waiting for an end mark; for ipc, a
 * writer blocked on a full pipe (pipe_write) or readers that wait for an
 * end of file (pipe_read); for threads, consumers that ended (only the
 * producer's thread left), threads that spin (they use the CPU), or
 * consumers that wait for an end nobody announces.  NULL for HINT_NONE.
 */
static const char *hang_hint(enum hint hint, const struct impl *im)
{
    if (hint == HINT_NONE)
        return NULL;                    /* before reading all of /proc */

    struct proc ps[PROCS_MAX];
    size_t count = run_procs(im, ps, PROCS_MAX);

    if (count > PROCS_MAX)
        count = PROCS_MAX;
    if (any_named(ps, count, "mpirun") || any_named(ps, count, "mpiexec") ||
        any_named(ps, count, "prterun") || any_named(ps, count, "orterun"))
        return MPI_HANG_HINT;
    if (hint != HINT_THREADS) {
        if (any_waits(ps, count, "pipe_write"))
            return IPC_LARGE_HINT;
        if (any_waits(ps, count, "pipe_read"))
            return IPC_HANG_HINT;
        return hint == HINT_IPC_LARGE ? IPC_LARGE_HINT : IPC_HANG_HINT;
    }
    if (count == 1 && ps[0].pid == im->pid && ps[0].threads == 1)
        return THREADS_ENDED_HINT;
    /* Busy: a quarter of a CPU or more, over a moment. */
    long before = cpu_ms(im->pid);
    sleep_ms(BUSY_SAMPLE_MS);
    long after = cpu_ms(im->pid);
    if (before >= 0 && after - before >= BUSY_SAMPLE_MS / 4)
        return THREADS_BUSY_HINT;
    return THREADS_HANG_HINT;
}

/*
 * After the program (the group's leader) has ended: wait until the rest
 * of its group is gone too, until 'deadline_ms' after 'since_ns' at
 * most.  Returns how many of its processes are still running.
 */
static size_t wait_group_gone(const struct impl *im, uint64_t since_ns,
                              uint64_t deadline_ms)
{
    struct proc ps[1];
    size_t left;

    while ((left = run_procs(im, ps, 1)) > 0 &&
           ms_since(since_ns) < deadline_ms)
        sleep_ms(20);
    return left;
}

/*
 * Wait until a long run is under way: for ipc, its children started
 * (the group's other processes unchanged for SETTLE_MS); for threads,
 * its threads.  Returns 1 when it is, 0 when it ended first, -1 when it
 * did not get going within BUSY_WAIT_MS.
 */
static int wait_busy(struct impl *im, bool children)
{
    size_t seen = 0;
    uint64_t stable_ns = timing_now_ns();

    while (ms_since(im->start_ns) < BUSY_WAIT_MS) {
        if (impl_wait(im, 20))
            return 0;
        struct proc ps[PROCS_MAX];
        size_t now = 0;
        if (children) {
            size_t count = run_procs(im, ps, PROCS_MAX);
            for (size_t i = 0; i < count && i < PROCS_MAX; i++)
                now += ps[i].pid != im->pid;
        } else if (proc_read(im->pid, &ps[0]) && ps[0].threads > 1) {
            now = (size_t)ps[0].threads;
        }
        if (now != seen) {
            seen = now;
            stable_ns = timing_now_ns();
        } else if (seen > 0 && ms_since(stable_ns) >= SETTLE_MS) {
            return 1;
        }
    }
    return -1;
}

/* ---- one run to its end, judged ---- */

enum outcome {
    RUN_OK,             /* exited 0, the exact sum in its output */
    RUN_WRONG_SUM,      /* exited without it (with any status) */
    RUN_BAD_EXIT,       /* killed, or exited non-zero with the sum */
    RUN_HUNG,           /* still running at the deadline */
    RUN_NO_START,       /* could not be started (the verdict says why) */
};

enum { LINE_MAX_KEPT = 160 };

struct result {
    enum outcome what;
    uint64_t ms;                /* how long it ran */
    char line[LINE_MAX_KEPT];   /* the line that shows its sum, or its last */
    size_t line_len;
    bool zero;                  /* it exited 0 */
    int above;                  /* a wrong sum: 1 larger than the right
                                   one, -1 smaller, 0 cannot tell */
};

/* What run_once says in the log (a failure it says is a failed check). */
enum {
    SAY_COMMAND = 1,            /* the command as started */
    SAY_HANG = 2,               /* a hang: what is left, where it waits */
    SAY_EXIT = 4,               /* an exit status other than 0 */
    SAY_WRONG = 8,              /* a wrong sum, with its output */
    SAY_OK = 16,                /* a good run's sum and time */
    SAY_ALL = 31,
};

/*
 * Does the output 'out' show the sum 'expected' of 1..n: as a whole word
 * somewhere, and on no line with the word "sum" (in any case) another
 * number of more digits than N has (the kit's own programs print the
 * expected sum beside the sum they got: "sum 119617411" then "expected
 * 333833500")?  r->line is the line to quote: that other sum's, else the
 * last with the word "sum", else the last that is not blank.
 */
static bool shows_sum(const char *out, size_t len, const char *expected,
                      uint64_t n, struct result *r)
{
    const char *best = NULL, *l;
    size_t best_len = 0, pos = 0, next, ll, n_digits = 1;
    int best_rank = 0;          /* 1 not blank, 2 "sum", 3 another sum */
    bool other = false;

    for (uint64_t k = n; k >= 10; k /= 10)
        n_digits++;
    while ((l = scan_line(out, len, pos, &ll, &next)) != NULL) {
        char low[512];
        size_t m = ll < sizeof(low) ? ll : sizeof(low);
        int rank = 0;

        for (size_t i = 0; i < m; i++) {
            low[i] = (char)tolower((unsigned char)l[i]);
            if (!isspace((unsigned char)l[i]))
                rank = 1;
        }
        if (rank > 0 && scan_has_word(low, m, "sum")) {
            rank = 2;
            if (scan_other_number(low, m, expected, n_digits)) {
                rank = 3;
                other = true;
            }
        }
        if (rank > 0 && rank >= best_rank) {
            best = l;
            best_len = ll;
            best_rank = rank;
        }
        pos = next;
    }
    r->line_len = best_len < sizeof(r->line) ? best_len : sizeof(r->line);
    if (best != NULL)
        memcpy(r->line, best, r->line_len);
    return !other && scan_has_word(out, len, expected);
}

/*
 * How the first number of 'line' longer than N's digits compares with
 * 'expected' (a run of digits): 1 larger, -1 smaller, 0 equal or none.
 */
static int compare_sum(const char *line, size_t len, const char *expected,
                       uint64_t n)
{
    size_t n_digits = 1, at = 0;

    for (uint64_t k = n; k >= 10; k /= 10)
        n_digits++;
    while (at < len) {
        size_t start = at;

        while (at < len && isdigit((unsigned char)line[at]))
            at++;
        if (at - start > n_digits) {
            while (start + 1 < at && line[start] == '0')
                start++;
            size_t digits = at - start, want = strlen(expected);
            int c = digits != want ? (digits > want) - (digits < want) :
                    memcmp(line + start, expected, digits);
            return (c > 0) - (c < 0);
        }
        at += at == start;
    }
    return 0;
}

static bool exited_zero(const struct impl *im)
{
    return im->ended && WIFEXITED(im->status) && WEXITSTATUS(im->status) == 0;
}

/*
 * Start COMMAND for N (and its consumers and capacity), let it run to
 * its end within 'deadline_ms', and judge it: the exact sum in its
 * standard output and exit status 0.  'say' (SAY_*) is what goes into
 * the log: for a run that does not pass, what came back (its output,
 * or for a hang what is left of it and where it waits) and what a
 * correct program does; 'hint' says which causes of a hang are likely
 * (hang_hint chooses among them from what is left of the run).
 * Always stopped.
 */
static void run_once(const struct grade_opts *o, uint64_t n, unsigned consumers,
                     unsigned capacity, int deadline_ms, unsigned say,
                     enum hint hint, struct verdict *v, struct result *r)
{
    struct work_fill w;
    struct impl im;
    char expected[U128_DEC_SIZE], how[64];

    *r = (struct result){ .what = RUN_NO_START };
    work_fill(&w, n, consumers, capacity);
    u128_format(u128_sum_of_squares(n), expected);
    if (say & SAY_COMMAND)
        say_command(v, o, &w);
    if (impl_start(&im, o, &w.f, "the program", v) != 0) {
        if (!v->failed)
            verdict_fail(v, "the grader could not start it");
        return;
    }

    if (!impl_wait(&im, deadline_ms)) {
        r->what = RUN_HUNG;
        r->ms = ms_since(im.start_ns);
        if (say & SAY_HANG) {
            verdict_fail(v, "it did not end within %d s (N = %" PRIu64 "): a "
                         "deadlock or a hang; still running after %.1f s:",
                         deadline_ms / 1000, n, r->ms / 1000.0);
            say_group(v, &im);
            impl_log_output(&im, v);
            verdict_say(v, "a correct program prints the sum %s and ends; "
                        "here, likely: %s", expected, hang_hint(hint, &im));
        }
        impl_stop(&im);
        return;
    }
    r->ms = ms_since(im.start_ns);

    char *out = NULL;
    size_t len = impl_stdout(&im, &out, OUTPUT_MAX);
    bool found = out != NULL && shows_sum(out, len, expected, n, r);
    bool elsewhere = !found && out != NULL && scan_has_word(out, len, expected);
    free(out);

    impl_how(&im, how, sizeof(how));
    r->zero = exited_zero(&im);
    /* Killed (a crash), or the sum but a failure's exit status: a bad
     * exit; no sum, whatever the status: a wrong sum. */
    if (found && r->zero) {
        r->what = RUN_OK;
        if (say & SAY_OK) {
            verdict_say(v, "it %s after %.2f s, with the sum %s:", how,
                        r->ms / 1000.0, expected);
            verdict_quote(v, "its sum line", r->line, r->line_len,
                          LINE_MAX_KEPT - 1);
        }
    } else if (WIFSIGNALED(im.status) || found) {
        r->what = RUN_BAD_EXIT;
        if (say & SAY_EXIT) {
            verdict_fail(v, "it %s after %.2f s (N = %" PRIu64 ")%s", how,
                         r->ms / 1000.0, n, found ? ", though its output has "
                         "the right sum" : "");
            impl_log_output(&im, v);
            verdict_say(v, "a correct program prints the sum %s and exits 0",
                        expected);
            if (hint == HINT_THREADS && WIFSIGNALED(im.status) &&
                WTERMSIG(im.status) != SIGXFSZ)
                verdict_say(v, "here, likely: %s", THREADS_CRASH_HINT);
        }
    } else {
        r->what = RUN_WRONG_SUM;
        r->above = compare_sum(r->line, r->line_len, expected, n);
        if (say & SAY_WRONG) {
            char *err = NULL;
            size_t elen = impl_stderr(&im, &err, OUTPUT_MAX);
            bool on_stderr = err != NULL && scan_has_word(err, elen, expected);
            free(err);
            verdict_fail(v, "its output does not show the sum of the squares "
                         "of 1..%" PRIu64 ", %s, as a whole word%s%s", n,
                         expected, on_stderr ? " (it is on stderr: the result "
                         "belongs on stdout)" : "", elsewhere ? " (it is "
                         "there, but its sum line says another)" : "");
            verdict_quote(v, "its sum line", r->line, r->line_len,
                          LINE_MAX_KEPT - 1);
            impl_log_output(&im, v);
            verdict_say(v, "a correct program prints the exact sum, all its "
                        "digits (\"sum = %s\"; a float or a 64-bit overflow "
                        "loses some for a large N), and exits 0", expected);
            if (hint == HINT_THREADS && r->above != 0)
                verdict_say(v, "here, likely: %s", r->above > 0 ?
                            THREADS_TWICE_HINT : THREADS_LOST_HINT);
        }
    }
    impl_stop(&im);
}

/* A check of one run: the exact sum for N. */
static void check_sum(const struct grade_opts *o, struct verdict *v,
                      uint64_t want, unsigned consumers, unsigned capacity,
                      int deadline_ms, enum hint hint)
{
    uint64_t n;
    struct result r;

    if (!choose_n(o, want, &n, v))
        return;
    run_once(o, n, consumers, capacity, deadline_ms, SAY_ALL, hint, v, &r);
}

/* ---- interrupted runs: a child killed, Ctrl-C ---- */

/*
 * The child to kill: among the leader's own children (by pid, the order
 * they were started in) the middle one, the worker of generator ->
 * worker -> storage; any other process of the group when it has none.
 */
static bool pick_child(const struct impl *im, struct proc *victim, size_t *of)
{
    struct proc ps[PROCS_MAX], kids[PROCS_MAX];
    size_t count = run_procs(im, ps, PROCS_MAX), nkids = 0, others = 0;

    if (count > PROCS_MAX)
        count = PROCS_MAX;
    for (size_t i = 0; i < count; i++)
        if (ps[i].ppid == im->pid)
            kids[nkids++] = ps[i];
    if (nkids > 0) {
        *victim = kids[nkids / 2 - (nkids % 2 == 0)];
        *of = nkids;
        return true;
    }
    for (size_t i = 0; i < count; i++)
        if (ps[i].pid != im->pid) {
            *victim = ps[i];
            others++;
        }
    *of = others;
    return others > 0;
}

/*
 * The end of an interrupted run, which must come within 'deadline_ms'
 * after 'since_ns' with nothing of it left running.  'what' is what was
 * done to it ("after kill -9 of its child pid 7 (worker)").
 */
static void judge_end(struct impl *im, struct verdict *v, uint64_t since_ns,
                      int deadline_ms, const char *what, const char *correct,
                      enum hint hint)
{
    char how[64];
    uint64_t left_ms = ms_since(since_ns);

    if (left_ms > (uint64_t)deadline_ms ||
        !impl_wait(im, deadline_ms - (int)left_ms)) {
        verdict_fail(v, "it did not end within %d s %s; still running:",
                     deadline_ms / 1000, what);
        say_group(v, im);
        impl_log_output(im, v);
        verdict_say(v, "a correct program %s", correct);
        const char *why = hang_hint(hint, im);
        if (why != NULL)
            verdict_say(v, "here, likely: %s", why);
        impl_stop(im);
        return;
    }
    uint64_t ended_ms = ms_since(since_ns);
    impl_how(im, how, sizeof(how));

    /* Its own processes a moment to follow it out (not past the deadline). */
    size_t left = wait_group_gone(im, since_ns, (uint64_t)deadline_ms);
    if (left > 0) {
        verdict_say(v, "it %s %.2f s %s, but left running:", how,
                    ended_ms / 1000.0, what);
        say_group(v, im);
    }
    int killed = impl_stop(im);
    if (killed < (int)left)
        killed = (int)left;
    if (killed > 0) {
        verdict_fail(v, "%d of its processes %s still running %d s %s: the "
                     "grader killed %s", killed, killed == 1 ? "was" : "were",
                     deadline_ms / 1000, what, killed == 1 ? "it" : "them");
        impl_log_output(im, v);
        verdict_say(v, "a correct program %s", correct);
        return;
    }
    if (WIFSIGNALED(im->status) && WTERMSIG(im->status) != SIGINT &&
        WTERMSIG(im->status) != SIGTERM) {
        verdict_fail(v, "it %s %s: not a clean end", how, what);
        impl_log_output(im, v);
        verdict_say(v, "a correct program %s", correct);
        return;
    }
    verdict_say(v, "it %s %.2f s %s, nothing of it left running", how,
                ended_ms / 1000.0, what);
}

/*
 * Start a long run and wait until it is under way.  Returns true with
 * it running; false with the check's verdict given (a skip when it
 * ended before the grader could act) and the run stopped.
 */
static bool start_long(const struct grade_opts *o, struct verdict *v,
                       struct impl *im, uint64_t want, bool children)
{
    uint64_t n;
    struct work_fill w;

    if (!choose_n(o, want, &n, v))
        return false;
    work_fill(&w, n, 4, 1);
    say_command(v, o, &w);
    if (impl_start(im, o, &w.f, "the program", v) != 0) {
        if (!v->failed)
            verdict_fail(v, "the grader could not start it");
        return false;
    }
    int busy = wait_busy(im, children);
    if (busy == 1)
        return true;
    if (busy == 0) {
        char how[64];
        bool ok = exited_zero(im);
        uint64_t ms = ms_since(im->start_ns);

        impl_how(im, how, sizeof(how));
        if (ok)
            verdict_say(v, "it %s after %.2f s, before the grader could "
                        "interrupt it", how, ms / 1000.0);
        else
            verdict_fail(v, "it %s after %.2f s, at once (N = %" PRIu64 ")",
                         how, ms / 1000.0, n);
        impl_log_output(im, v);
        impl_stop(im);
        if (!ok) {
            verdict_say(v, "a correct program runs until it has the sum of "
                        "the squares of 1..N, or until it is interrupted");
            return false;
        }
        verdict_skip(v, command_has(o, "{n}") ?
                     "it ended before the grader could interrupt it" :
                     "it ended before the grader could interrupt it: with "
                     "{n} in COMMAND the grader asks for a long run");
        return false;
    }
    if (children) {
        verdict_fail(v, "no child process of it appeared within %d s",
                     BUSY_WAIT_MS / 1000);
        say_group(v, im);
        impl_log_output(im, v);
        verdict_say(v, "a correct program runs the generator, the worker(s) "
                    "and the storage as processes of their own (fork, "
                    "multiprocessing.Process) joined by pipes");
        impl_stop(im);
        return false;
    }
    /* Threads not seen (a program of green threads?): interrupt it anyway. */
    verdict_say(v, "no second thread seen within %d s; interrupted anyway",
                BUSY_WAIT_MS / 1000);
    return true;
}

/* SIGINT to its whole process group, as Ctrl-C on a terminal sends it. */
static void check_sigint(const struct grade_opts *o, struct verdict *v,
                         uint64_t want, bool children, enum hint hint)
{
    struct impl im;

    if (!start_long(o, v, &im, want, children))
        return;
    uint64_t since = timing_now_ns();
    impl_signal(&im, SIGINT);
    judge_end(&im, v, since, SIGINT_DEADLINE_MS,
              "after Ctrl-C (SIGINT to its process group)",
              children ? "stops on Ctrl-C: each process ends (the default "
              "action of SIGINT, or a handler that stops the loop and closes "
              "the pipes) and the parent waits for its children, within a "
              "second or two" :
              "stops on Ctrl-C within a second or two: the producer stops, "
              "the consumers are told there is no more and end, and the main "
              "thread joins them (in Python, KeyboardInterrupt reaches the "
              "main thread only, and the interpreter does not end before "
              "every thread that is not a daemon has)",
              hint);
}

/* ---- ipc ---- */

static void ipc_sum(const struct grade_opts *o, struct verdict *v)
{
    check_sum(o, v, SUM_N, SUM_CONSUMERS, SUM_CAPACITY, RUN_DEADLINE_MS,
              HINT_IPC);
}

static void ipc_large(const struct grade_opts *o, struct verdict *v)
{
    if (!command_has(o, "{n}") && o->n_given && o->n < LARGE_N) {
        verdict_skip(v, "COMMAND has no {n}, and its N (--n) is below 20000: "
                     "no more than a pipe holds");
        return;
    }
    check_sum(o, v, LARGE_N, SUM_CONSUMERS, SUM_CAPACITY, LARGE_DEADLINE_MS,
              HINT_IPC_LARGE);
}

static void ipc_kill_child(const struct grade_opts *o, struct verdict *v)
{
    struct impl im;
    struct proc victim;
    size_t of;
    char what[160];

    if (!start_long(o, v, &im, IPC_LONG_N, true))
        return;
    if (!pick_child(&im, &victim, &of)) {
        /* It had children a moment ago: they all ended meanwhile. */
        verdict_say(v, "its children ended before one could be killed");
        judge_end(&im, v, timing_now_ns(), KILL_DEADLINE_MS,
                  "after its children ended", "ends", HINT_IPC);
        return;
    }
    snprintf(what, sizeof(what), "after kill -9 of its child pid %d (%s, %s "
             "of %zu)", (int)victim.pid, victim.comm,
             of == 1 ? "the only one" : "the middle one by pid", of);
    uint64_t since = timing_now_ns();
    if (kill(victim.pid, SIGKILL) != 0 && errno != ESRCH) {
        verdict_fail(v, "the grader could not kill pid %d: %s", (int)victim.pid,
                     strerror(errno));
        impl_stop(&im);
        return;
    }
    judge_end(&im, v, since, KILL_DEADLINE_MS, what,
              "notices that a child died (waitpid, or end of file or EPIPE on "
              "its pipes), stops the others, says so and exits (non-zero: the "
              "sum is not complete), within seconds",
              HINT_IPC);
}

static void ipc_sigint(const struct grade_opts *o, struct verdict *v)
{
    check_sigint(o, v, IPC_LONG_N, true, HINT_NONE);
}

static const struct check ipc_checks[] = {
    { "ipc.sum", "basic", PROFILE_BOTH, 3,
      "prints the exact sum of the squares of 1..N (N = 1000) and exits 0",
      ipc_sum },
    { "ipc.large", "concurrency", PROFILE_BOTH, 2,
      "N = 20000, more than a pipe holds: the stages run at once, the sum "
      "is exact", ipc_large },
    { "ipc.kill-child", "faults", PROFILE_FULL, 2,
      "kill -9 of a child mid-run: the whole program ends within 10 s, "
      "nothing of it left running", ipc_kill_child },
    { "ipc.sigint", "shutdown", PROFILE_FULL, 1,
      "Ctrl-C mid-run: it ends within 5 s, nothing of it left running",
      ipc_sigint },
};

const struct spec spec_ipc = {
    .name = "ipc",
    .about = "generator -> worker(s) -> storage, processes joined by pipes: "
             "the sum of the squares of 1..N ({n}, or --n N)",
    .needs = NULL,
    .checks = ipc_checks,
    .count = sizeof(ipc_checks) / sizeof(ipc_checks[0]),
};

/* ---- threads ---- */

static void threads_sum(const struct grade_opts *o, struct verdict *v)
{
    check_sum(o, v, SUM_N, SUM_CONSUMERS, SUM_CAPACITY, RUN_DEADLINE_MS,
              HINT_THREADS);
}

/* Without {consumers} and {capacity} the runs are the program's own. */
static void say_params(const struct grade_opts *o, struct verdict *v,
                       const char *asked)
{
    bool c = command_has(o, "{consumers}"), s = command_has(o, "{capacity}");

    if (!c || !s)
        verdict_say(v, "COMMAND has no %s%s%s: those runs use the program's "
                    "own (the grader would ask for %s)", c ? "" : "{consumers}",
                    !c && !s ? " nor " : "", s ? "" : "{capacity}", asked);
}

static void threads_race(const struct grade_opts *o, struct verdict *v)
{
    uint64_t n, start = timing_now_ns();
    char expected[U128_DEC_SIZE];
    struct result r, wrong_runs[3];
    int runs, wrong = 0, bad_exit = 0, above = 0;

    if (!choose_n(o, RACE_N, &n, v))
        return;
    say_params(o, v, "16 consumers and a queue of 1");
    u128_format(u128_sum_of_squares(n), expected);
    for (runs = 0; runs < RACE_RUNS; runs++) {
        if (runs > 0 && ms_since(start) > RACE_BUDGET_MS) {
            verdict_say(v, "stopped after %d runs: %d s is the budget of the "
                        "%d", runs, RACE_BUDGET_MS / 1000, RACE_RUNS);
            break;
        }
        /* The first run says its command, the first that exits non-zero
         * its output; wrong sums are told together below. */
        unsigned say = SAY_HANG | (runs == 0 ? SAY_COMMAND : 0) |
                       (bad_exit == 0 ? SAY_EXIT : 0);
        run_once(o, n, RACE_CONSUMERS, 1, RUN_DEADLINE_MS, say,
                 HINT_THREADS, v, &r);
        if (r.what == RUN_NO_START)
            return;
        if (r.what == RUN_HUNG) {
            if (runs > 0)
                verdict_say(v, "(that was run %d of %d; the earlier ones "
                            "ended)", runs + 1, RACE_RUNS);
            runs++;
            break;
        }
        if (r.what == RUN_WRONG_SUM && wrong++ < 3)
            wrong_runs[wrong - 1] = r;
        if (r.what == RUN_WRONG_SUM && r.above > 0)
            above++;
        if (r.what == RUN_BAD_EXIT)
            bad_exit++;
    }
    if (wrong > 0) {
        /* The same wrong line every time is a wrong computation (or no
         * sum at all): threads.sum says which; a race gives results that
         * differ from run to run. */
        bool same = wrong == runs;
        for (int i = 1; same && i < wrong && i < 3; i++)
            same = wrong_runs[i].line_len == wrong_runs[0].line_len &&
                   memcmp(wrong_runs[i].line, wrong_runs[0].line,
                          wrong_runs[0].line_len) == 0;
        if (same) {
            verdict_fail(v, "every run printed the same line, without the sum "
                         "%s (N = %" PRIu64 "): not a race, a wrong result "
                         "(see threads.sum)", expected, n);
            verdict_quote(v, "its sum line", wrong_runs[0].line,
                          wrong_runs[0].line_len, LINE_MAX_KEPT - 1);
        } else {
            verdict_fail(v, "a race: %d of %d runs printed a wrong sum (N = %"
                         PRIu64 ", expected %s): the same input, different "
                         "results", wrong, runs, n, expected);
            for (int i = 0; i < wrong && i < 3; i++)
                verdict_quote(v, "a sum line", wrong_runs[i].line,
                              wrong_runs[i].line_len, LINE_MAX_KEPT - 1);
            /* A lost update only makes the sum smaller: a larger one is
             * an item taken twice. */
            if (above > 0)
                verdict_say(v, "%d of them larger than the right one: %s",
                            above, THREADS_TWICE_HINT);
            else
                verdict_say(v, "%s", RACE_HINT);
        }
    }
    if (bad_exit > 1)
        verdict_say(v, "%d of %d runs did not exit 0", bad_exit, runs);
    if (!v->failed)
        verdict_say(v, "%d runs, each with the exact sum %s, %.1f s in all",
                    runs, expected, ms_since(start) / 1000.0);
}

static void threads_no_deadlock(const struct grade_opts *o, struct verdict *v)
{
    static const unsigned consumers[] = { 1, MANY_CONSUMERS };
    size_t runs = sizeof(consumers) / sizeof(consumers[0]);
    uint64_t n;
    struct result r;

    if (!choose_n(o, DEADLOCK_N, &n, v))
        return;
    say_params(o, v, "1, then 64 consumers, and a queue of 1");
    if (!command_has(o, "{consumers}"))
        runs = 1;               /* both would be the same run */
    for (size_t i = 0; i < runs; i++) {
        /* Whether it ends, and well: the sum is threads.race's to judge. */
        run_once(o, n, consumers[i], 1, RUN_DEADLINE_MS,
                 SAY_COMMAND | SAY_HANG | SAY_EXIT, HINT_THREADS, v, &r);
        if (r.what == RUN_NO_START || r.what == RUN_BAD_EXIT)
            return;
        if (r.what == RUN_HUNG) {
            if (i + 1 < runs)
                verdict_say(v, "(the run with %u consumers was not tried)",
                            consumers[i + 1]);
            return;
        }
        if (!r.zero) {
            char expected[U128_DEC_SIZE];
            u128_format(u128_sum_of_squares(n), expected);
            verdict_fail(v, "it ended after %.2f s, but with a failure's exit "
                         "status and without the sum %s", r.ms / 1000.0,
                         expected);
            verdict_quote(v, "its sum line", r.line, r.line_len,
                          LINE_MAX_KEPT - 1);
            verdict_say(v, "a correct program prints the sum and exits 0");
            return;
        }
        verdict_say(v, "  it ended after %.2f s", r.ms / 1000.0);
    }
}

static void threads_sigint(const struct grade_opts *o, struct verdict *v)
{
    check_sigint(o, v, THREADS_LONG_N, false, HINT_NONE);
}

static const struct check threads_checks[] = {
    { "threads.sum", "basic", PROFILE_BOTH, 3,
      "prints the exact sum of the squares of 1..N (N = 1000) and exits 0",
      threads_sum },
    { "threads.race", "concurrency", PROFILE_BOTH, 3,
      "the exact sum in each of 20 runs with 16 consumers and a queue of 1 "
      "(no race)", threads_race },
    { "threads.no-deadlock", "concurrency", PROFILE_BOTH, 2,
      "ends with 1 consumer and with 64 consumers, a queue of 1 (no deadlock)",
      threads_no_deadlock },
    { "threads.sigint", "shutdown", PROFILE_FULL, 1,
      "Ctrl-C mid-run: it ends within 5 s, nothing of it left running",
      threads_sigint },
};

const struct spec spec_threads = {
    .name = "threads",
    .about = "a producer, consumer threads and a bounded queue: the sum of "
             "the squares of 1..N ({n} or --n N; {consumers}, {capacity})",
    .needs = NULL,
    .checks = threads_checks,
    .count = sizeof(threads_checks) / sizeof(threads_checks[0]),
};
