/*
 * grade.h - what the parts of the grader share: a check, the verdict it
 * gives, the implementation under test (started, talked to, stopped)
 * and the specs, one per course program.
 *
 * A spec is a list of checks.  A check starts the implementation (as
 * often as it needs), drives it, and fills in its verdict: passed or
 * not, and a log that says what was sent, what came back and what a
 * correct program does.  main() (grade.c) runs the checks the profile
 * asks for and reports them (report.c); sandbox.c starts and ends the
 * implementation so that nothing it starts outlives the check.
 */
#ifndef GRADE_H
#define GRADE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

/* Which contract a check belongs to (a bit set: a check may be in both). */
enum {
    PROFILE_COURSE = 1,     /* what the course's own Python programs do */
    PROFILE_FULL = 2,       /* the kit's own contract, week3(7) */
    PROFILE_BOTH = PROFILE_COURSE | PROFILE_FULL,
    LAB = 4,                /* with the profile's bits: a check of --lab */
};

/* ---- lab.c: the grader's own lab of three nodes (--lab) ---- */

enum { LAB_NODES = 3 };

struct lab {
    char netlab[PATH_MAX];          /* the kit's scripts/netlab */
    char prefix[24];                /* its NETLAB_PREFIX, this run's own */
    char state[PATH_MAX];           /* its state without root (in the run's directory) */
    bool up;
    pid_t holder;                   /* without root: the process that keeps it */
    int userns_fd;                  /* without root: its user namespace; else -1 */
    int netns_fd[LAB_NODES + 1];    /* node N's network namespace, [1..LAB_NODES] */
    char addr[LAB_NODES + 1][16];   /* node N's address */
    char why[512];                  /* why there is no lab: the lab checks' skip */
};

/* Name the lab of this run (nothing is made yet). */
void lab_prepare(struct lab *lab, const char *kitdir, const char *workdir);
/* Make it: 0, or -1 with the reason (netlab's) in lab->why. */
int lab_up(struct lab *lab);
/* Cut node N's cable, or plug it in again.  0 or -1. */
int lab_link(const struct lab *lab, int node, bool cut);
/* The same, started in the background (a check goes on meanwhile): its
 * PID or -1; lab_link_done: has it ended (its exit status in *status)? */
pid_t lab_link_start(const struct lab *lab, int node, bool cut);
bool lab_link_done(pid_t pid, int *status);
/* Remove it, ending what runs on its nodes (also when it is not up). */
void lab_down(struct lab *lab);
/* This process (a child, single-threaded) moves to node N.  0 or -1. */
int lab_enter(const struct lab *lab, int node);
/* A socket (SOCK_STREAM or SOCK_DGRAM, IPv4) of node N, for the grader
 * to use as if it were a process there.  The fd, or -1 with errno. */
int lab_socket(const struct lab *lab, int node, int type);
/* A TCP connection from node 'node' to node 'to''s 'port'; fd or -1. */
int lab_dial(const struct lab *lab, int node, int to, const char *port, int timeout_ms);
/* A port for a check's server on a node (text, 8 bytes), each time another. */
void lab_port(char *buf);

/* What the user asked for, read-only for the checks. */
struct grade_opts {
    unsigned profile;               /* PROFILE_COURSE or PROFILE_FULL */
    char **command;                 /* COMMAND ARG..., with {placeholders} */
    int command_len;
    uint64_t n;                     /* --n: what an ipc/threads program computes */
    bool n_given;
    const char *kit_bindir;         /* the kit's own programs (tcp_client, ...) */
    const char *workdir;            /* this run's private directory */
    bool drop;                      /* run the implementation as run_uid/run_gid */
    uid_t run_uid;
    gid_t run_gid;
    const char *run_user;           /* its name, for messages */
    bool verbose;                   /* -v: every check's log, passed ones too */
    const struct lab *lab;          /* --lab: the lab (NULL without --lab) */
    int node;                       /* where COMMAND runs: 0 here, N on the lab's node N */
};

/* A check's verdict.  The log is what a student reads at 2 a.m. */
struct verdict {
    bool failed;
    const char *skipped;            /* non-NULL: not run, and why */
    char *log;                      /* lines, each ending in '\n' */
    size_t log_len, log_cap;
    bool has_value;                 /* a leaderboard figure */
    double value;
    const char *value_name;         /* "requests/s" */
    double seconds;                 /* how long the check took */
};

/* Add a line to the log (printf-style, no newline needed). */
void verdict_say(struct verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The check failed: say why (a line of the log).  Returns false. */
bool verdict_fail(struct verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The check cannot run here: why (kept, not copied: a string literal). */
void verdict_skip(struct verdict *v, const char *why);
/* Add 'len' bytes some program sent, quoted and cut to 'max' bytes, as
 * one line of the log after 'label': "  got: \"49\\n\"". */
void verdict_quote(struct verdict *v, const char *label, const char *bytes,
                   size_t len, size_t max);

struct check {
    const char *id;                 /* "tcp-server.squares", for --weights */
    const char *tag;                /* basic protocol concurrency robustness
                                       faults shutdown performance */
    unsigned profiles;              /* PROFILE_* bits */
    double points;                  /* the default weight */
    const char *title;              /* what a passing program does */
    void (*run)(const struct grade_opts *o, struct verdict *v);
};

struct spec {
    const char *name;               /* "tcp-server" */
    const char *about;              /* one line for --help and --list */
    const char *needs;              /* the placeholders COMMAND must have,
                                       e.g. "{port}"; NULL: none */
    const struct check *checks;
    size_t count;
};

extern const struct spec spec_tcp_server, spec_tcp_client, spec_udp_sender,
    spec_udp_receiver, spec_ipc, spec_threads;

/* ---- sandbox.c: the implementation under test ---- */

/* The values of the placeholders; NULL where a spec has none. */
struct fill {
    const char *host;               /* {host} */
    const char *port;               /* {port} */
    const char *n;                  /* {n} */
    const char *interval_ms;        /* {interval_ms} */
    const char *consumers;          /* {consumers} */
    const char *capacity;           /* {capacity} */
};

/* Bytes of stdout (and of stderr) kept on disk; past it the program is
 * killed by SIGXFSZ and the check says so. */
enum { IMPL_OUTPUT_MAX = 16 << 20 };

struct impl {
    pid_t pid;                      /* leader of its own process group; 0: none */
    int out_fd, err_fd;             /* its stdout and stderr, files we read */
    bool ended;
    int status;                     /* from waitpid, once ended */
    uint64_t start_ns;
    char label[32];                 /* "the server", for messages */
    char drop_user[32];             /* the user it runs as, when not ours */
};

/*
 * Start COMMAND with the placeholders filled in, in a process group of
 * its own, stdin from /dev/null (or 'stdin_fd' when >= 0), stdout and
 * stderr to files of the run's directory, as the unprivileged user when
 * o->drop.  Returns 0, or -1 with the reason in the verdict.
 */
int impl_start(struct impl *im, const struct grade_opts *o, const struct fill *f,
               const char *label, struct verdict *v);
/* Has it ended?  Waits at most 'timeout_ms' (0: just look).  Sets
 * im->ended and im->status. */
bool impl_wait(struct impl *im, int timeout_ms);
/* A signal to its whole process group (no-op once ended and reaped). */
void impl_signal(struct impl *im, int sig);
/*
 * End it and everything it started (SIGKILL to the group, then to any
 * process that left the group but was reparented to us, the grader
 * being a child subreaper), reap them all, close the files.  Returns
 * impl_running_besides() as it was before the kill.
 */
int impl_stop(struct impl *im);
/* A process, as /proc tells it. */
struct proc {
    pid_t pid;
    pid_t ppid;
    pid_t pgrp;
    char state;                     /* R, S, D, Z, ... */
    long threads;
    char comm[32];
    char wchan[48];                 /* where the kernel has it wait ("pipe_read"),
                                       "" when it runs */
};
/* Process 'pid' from /proc: false when it is gone. */
bool proc_read(pid_t pid, struct proc *p);
/* The processes of process group 'pgrp' that run (zombies left out),
 * by pid, at most 'max' in 'out'.  Returns how many there are (possibly
 * more than 'max'). */
size_t group_procs(pid_t pgrp, struct proc *out, size_t max);
/* How many of its processes run besides the leader (its process
 * group's members, zombies left out): after the leader has ended, what
 * it left running. */
int impl_running_besides(const struct impl *im);
/* How many of its processes are zombies: ended, and not yet waited for
 * by their parent (ps says <defunct>). */
int impl_zombies(const struct impl *im);
/* What it printed on stdout (or stderr) so far: a NUL-terminated copy
 * in *buf (malloc'd, to free), at most 'max' bytes of its end. */
size_t impl_stdout(const struct impl *im, char **buf, size_t max);
size_t impl_stderr(const struct impl *im, char **buf, size_t max);
/* "exited with 0", "was killed by SIGSEGV", "is still running". */
const char *impl_how(const struct impl *im, char *buf, size_t len);
/*
 * Does it listen on 'port' (TCP when 'tcp', else UDP: a socket bound
 * there), in its own network namespace?  1 yes, with the address in
 * 'addr' (when not NULL: "127.0.0.1", "0.0.0.0", "an IPv6 address");
 * 0 no; -1 cannot tell (no /proc).
 */
int impl_bound(const struct impl *im, bool tcp, const char *port, char *addr, size_t len);
/* Add the end of its stdout and stderr to the log (a failed check's
 * usual last words). */
void impl_log_output(const struct impl *im, struct verdict *v);

/*
 * A free port on 127.0.0.1 for the implementation to use (TCP when
 * 'tcp', else UDP), as text in 'buf' (8 bytes).  The kernel picks it
 * from the ephemeral range, and a lock that all graders see keeps it
 * ours until sandbox_release_ports: two runs side by side do not meet.
 * Returns 0 or -1 with errno set.
 */
int pick_port(bool tcp, char *buf);
/* The check is over: let the ports it picked go. */
void sandbox_release_ports(void);

/*
 * Before the first impl_start: make the grader a child subreaper (what
 * an implementation leaves behind comes back to it) and start its
 * watchdog, which kills what runs if the grader itself is killed (and
 * takes the lab down, when 'lab' is not NULL, and removes 'workdir').
 * The lab's holder, a child of ours, is no implementation's: spared.
 * Returns 0, or -1 with errno set.  sandbox_end: the grader is done.
 */
int sandbox_init(const char *workdir, struct lab *lab);
void sandbox_end(void);
/* From a signal handler: kill every implementation running now. */
void sandbox_interrupt(void);
/* Remove the run's directory and everything in it. */
void sandbox_remove_dir(const char *dir);

struct verdict;
/* Is the lab up?  If not, the check is skipped with the reason. */
bool lab_ready(const struct grade_opts *o, struct verdict *v);

/* Does a word of COMMAND have 'placeholder' ("{n}")? */
bool command_has(const struct grade_opts *o, const char *placeholder);

/*
 * Run argv[0] (a path) with 'env' ("NAME=value" strings, NULL-ended, or
 * NULL) added to ours, stdin from /dev/null, until it ends, at most
 * 'timeout_ms': its stdout (and stderr, 'with_stderr') in 'out', at
 * most 'cap' - 1 bytes.  Returns its exit status, -1 when it could not
 * run, was killed, or ran out of time (then it is killed).
 */
int run_program(char *const argv[], char *const env[], bool with_stderr, char *out,
                size_t cap, int timeout_ms);

/* The kit's own program 'name' (tcp_client, udp_sender, ...) in
 * o->kit_bindir, in 'buf' (PATH_MAX); NULL when it is not there. */
const char *kit_program(const struct grade_opts *o, const char *name, char *buf);

/* Milliseconds since 'start_ns' (timing_now_ns). */
uint64_t ms_since(uint64_t start_ns);

#endif
