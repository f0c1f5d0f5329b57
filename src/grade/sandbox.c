/*
 * sandbox - the implementation under test: started with its
 * placeholders filled in, in a process group of its own, its output in
 * bounded files, as an unprivileged user when the grader is root; and
 * ended with everything it started, whatever it did to escape.
 *
 * Escape routes closed: a child that leaves the group (setsid, or a
 * double fork) is reparented to the grader, which is a child subreaper
 * (prctl), and killed by the sweep of our children in /proc; output
 * past IMPL_OUTPUT_MAX is stopped by RLIMIT_FSIZE; a fork bomb by
 * RLIMIT_NPROC (when it runs as a user of its own).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"
#include "net.h"
#include "timing.h"

enum { PROCS_MAX = 512, NPROC_LIMIT = 4096 };

/* The process groups running now, for sandbox_interrupt (a signal
 * handler): a check runs a few implementations at most at once. */
enum { RUNNING_MAX = 16 };
static volatile sig_atomic_t running[RUNNING_MAX];

/*
 * The watchdog: a process of ours that is told each group as it starts
 * and ends (a pid, negative when it ended, on a pipe), and kills those
 * still running when the pipe closes without a word: when the grader
 * died of SIGKILL, which no handler sees.
 */
static int watchdog_fd = -1;
static pid_t watchdog_pid;

static char watchdog_dir[PATH_MAX];
static struct lab *watchdog_lab;    /* the lab to take down, if any */

static void watchdog(int from)
{
    pid_t groups[RUNNING_MAX] = { 0 };
    pid_t msg;
    while (read(from, &msg, sizeof msg) == (ssize_t)sizeof msg) {
        if (msg == 0)
            _exit(0);               /* the grader ends in order */
        for (int i = 0; i < RUNNING_MAX; i++)
            if (groups[i] == (msg > 0 ? 0 : -msg)) {
                groups[i] = msg > 0 ? msg : 0;
                break;
            }
    }
    for (int i = 0; i < RUNNING_MAX; i++)
        if (groups[i] != 0)
            kill(-groups[i], SIGKILL);
    if (watchdog_lab != NULL)
        lab_down(watchdog_lab);
    if (watchdog_dir[0] != '\0')
        sandbox_remove_dir(watchdog_dir);
    _exit(0);
}

int sandbox_init(const char *workdir, struct lab *lab)
{
    snprintf(watchdog_dir, sizeof watchdog_dir, "%s", workdir);
    watchdog_lab = lab;
    int p[2];
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* A session of its own: what kills the grader's group (timeout -s
         * KILL, a CI job cancelled) does not reach it */
        setsid();
        close(p[1]);
        signal(SIGINT, SIG_IGN);    /* Ctrl-C is the grader's to handle */
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        watchdog(p[0]);
    }
    close(p[0]);
    watchdog_fd = p[1];
    watchdog_pid = pid;
    return 0;
}

void sandbox_end(void)
{
    pid_t bye = 0;
    if (watchdog_fd >= 0) {
        if (write(watchdog_fd, &bye, sizeof bye) < 0) {
            /* it is gone already: nothing to tell */
        }
        close(watchdog_fd);
        waitpid(watchdog_pid, NULL, 0);
        watchdog_fd = -1;
    }
}

static void remember(pid_t pgid, bool on)
{
    for (int i = 0; i < RUNNING_MAX; i++)
        if (running[i] == (on ? 0 : pgid)) {
            running[i] = on ? pgid : 0;
            break;
        }
    pid_t msg = on ? pgid : -pgid;
    if (watchdog_fd >= 0 && write(watchdog_fd, &msg, sizeof msg) < 0) {
        /* no watchdog: the signal handler and impl_stop still do the work */
    }
}

void sandbox_interrupt(void)
{
    for (int i = 0; i < RUNNING_MAX; i++)
        if (running[i] != 0)
            kill(-running[i], SIGKILL);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)st;
    (void)f;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void sandbox_remove_dir(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

uint64_t ms_since(uint64_t start_ns)
{
    return (timing_now_ns() - start_ns) / 1000000u;
}

/* COMMAND's word 'w' with every placeholder replaced (malloc'd), or NULL
 * with the unknown or empty placeholder named in the verdict. */
static char *fill_word(const char *w, const struct fill *f, struct verdict *v)
{
    static const char *const names[] = {
        "host", "port", "n", "interval_ms", "consumers", "capacity",
    };
    const char *values[] = {
        f->host, f->port, f->n, f->interval_ms, f->consumers, f->capacity,
    };
    size_t cap = strlen(w) + 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        cap += values[i] != NULL ? strlen(values[i]) * 4 : 0;
    char *out = malloc(cap + 64);
    if (out == NULL) {
        verdict_fail(v, "out of memory");
        return NULL;
    }
    size_t len = 0;
    for (const char *p = w; *p != '\0';) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        size_t i = sizeof names / sizeof names[0];
        if (close != NULL)
            for (i = 0; i < sizeof names / sizeof names[0]; i++)
                if ((size_t)(close - p - 1) == strlen(names[i]) &&
                    strncmp(p + 1, names[i], strlen(names[i])) == 0)
                    break;
        if (close == NULL || i == sizeof names / sizeof names[0]) {
            out[len++] = *p++;
            continue;
        }
        if (values[i] == NULL) {
            verdict_fail(v, "COMMAND has {%s}, which this spec does not fill in", names[i]);
            free(out);
            return NULL;
        }
        memcpy(out + len, values[i], strlen(values[i]));
        len += strlen(values[i]);
        p = close + 1;
    }
    out[len] = '\0';
    return out;
}

static int output_file(const struct grade_opts *o, const char *label, const char *what)
{
    char path[PATH_MAX];
    static unsigned serial;     /* one grader process: files of one run */
    snprintf(path, sizeof path, "%s/%u-%s.%s", o->workdir, ++serial, label, what);
    for (char *p = path + strlen(o->workdir) + 1; *p != '\0'; p++)
        if (*p == ' ' || *p == '/')
            *p = '_';
    return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

/* In the child, between fork and exec: never returns. */
static void become(const struct grade_opts *o, char **argv, int out, int err)
{
    setpgid(0, 0);
    /* On a node of the lab: into its network, while we may */
    if (o->node > 0 && lab_enter(o->lab, o->node) < 0) {
        dprintf(err, "grade: cannot enter node%d of the lab: %s\n", o->node, strerror(errno));
        _exit(126);
    }
    int in = open("/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(126);
    struct rlimit fsize = { IMPL_OUTPUT_MAX, IMPL_OUTPUT_MAX };
    setrlimit(RLIMIT_FSIZE, &fsize);
    /* Signals the grader ignores or blocks must not reach the program so. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    /* Output a program does not flush must show as it would in a pipe */
    unsetenv("PYTHONUNBUFFERED");
    /* Nothing of the grader's open files: only 0, 1 and 2 */
    close_range(3, ~0U, 0);
    if (o->drop) {
        /* Another user's program gets an environment of its own, not
         * root's (no secrets of an autograder, no HOME it cannot write) */
        const char *lang = getenv("LANG"), *lc = getenv("LC_ALL");
        char home[PATH_MAX];
        snprintf(home, sizeof home, "%s/home", o->workdir);
        char *keep_lang = lang ? strdup(lang) : NULL, *keep_lc = lc ? strdup(lc) : NULL;
        clearenv();
        setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
        setenv("HOME", home, 1);
        setenv("TMPDIR", home, 1);
        setenv("USER", o->run_user, 1);
        setenv("LOGNAME", o->run_user, 1);
        if (keep_lang)
            setenv("LANG", keep_lang, 1);
        if (keep_lc)
            setenv("LC_ALL", keep_lc, 1);
        struct rlimit nproc = { NPROC_LIMIT, NPROC_LIMIT };
        if (setgroups(0, NULL) < 0 || setgid(o->run_gid) < 0 ||
            setuid(o->run_uid) < 0) {
            dprintf(2, "grade: cannot become user %s: %s\n", o->run_user, strerror(errno));
            _exit(126);
        }
        setrlimit(RLIMIT_NPROC, &nproc);
    }
    execvp(argv[0], argv);
    dprintf(2, "grade: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}

int impl_start(struct impl *im, const struct grade_opts *o, const struct fill *f,
               const char *label, struct verdict *v)
{
    memset(im, 0, sizeof *im);
    im->out_fd = im->err_fd = -1;
    snprintf(im->label, sizeof im->label, "%s", label);
    snprintf(im->drop_user, sizeof im->drop_user, "%s", o->drop ? o->run_user : "");
    char **argv = calloc((size_t)o->command_len + 1, sizeof *argv);
    if (argv == NULL)
        return verdict_fail(v, "out of memory"), -1;
    int rc = -1;
    for (int i = 0; i < o->command_len; i++)
        if ((argv[i] = fill_word(o->command[i], f, v)) == NULL)
            goto out;
    im->out_fd = output_file(o, label, "out");
    im->err_fd = output_file(o, label, "err");
    if (im->out_fd < 0 || im->err_fd < 0) {
        verdict_fail(v, "cannot make a file for its output in %s: %s", o->workdir,
                     strerror(errno));
        goto out;
    }
    im->start_ns = timing_now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        verdict_fail(v, "cannot start %s: fork: %s", label, strerror(errno));
        goto out;
    }
    if (pid == 0)
        become(o, argv, im->out_fd, im->err_fd);
    setpgid(pid, pid);          /* both sides, so that no signal comes first */
    im->pid = pid;
    remember(pid, true);
    rc = 0;
out:
    for (int i = 0; i < o->command_len; i++)
        free(argv[i]);
    free(argv);
    if (rc < 0) {
        if (im->out_fd >= 0)
            close(im->out_fd);
        if (im->err_fd >= 0)
            close(im->err_fd);
        im->out_fd = im->err_fd = -1;
    }
    return rc;
}

bool impl_wait(struct impl *im, int timeout_ms)
{
    if (im->pid == 0 || im->ended)
        return im->ended;
    uint64_t start = timing_now_ns();
    for (unsigned naps = 0;; naps++) {
        int status;
        pid_t r = waitpid(im->pid, &status, WNOHANG);
        if (r == im->pid) {
            im->ended = true;
            im->status = status;
            return true;
        }
        if (r < 0 && errno != EINTR)
            return im->ended;
        uint64_t gone = ms_since(start);
        if (gone >= (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms))
            return false;
        /* 1 ms naps at first, then 10 ms: a quick exit is seen quickly */
        struct timespec nap = { 0, naps < 20 ? 1000000 : 10000000 };
        nanosleep(&nap, NULL);
    }
}

void impl_signal(struct impl *im, int sig)
{
    if (im->pid != 0)
        kill(-im->pid, sig);
}

bool proc_read(pid_t pid, struct proc *p)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return false;
    buf[len] = '\0';
    /* "pid (comm) state ppid pgrp ...": comm may hold ") " itself */
    char *open_ = strchr(buf, '('), *close_ = strrchr(buf, ')');
    int ppid, pgrp;
    if (open_ == NULL || close_ == NULL || close_ < open_ ||
        sscanf(close_ + 1, " %c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u"
               " %*d %*d %*d %*d %ld", &p->state, &ppid, &pgrp, &p->threads) != 4)
        return false;
    p->pid = pid;
    p->ppid = ppid;
    p->pgrp = pgrp;
    size_t n = (size_t)(close_ - open_ - 1);
    if (n >= sizeof p->comm)
        n = sizeof p->comm - 1;
    memcpy(p->comm, open_ + 1, n);
    p->comm[n] = '\0';
    p->wchan[0] = '\0';
    snprintf(path, sizeof path, "/proc/%d/wchan", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        len = read(fd, p->wchan, sizeof p->wchan - 1);
        close(fd);
        p->wchan[len > 0 ? len : 0] = '\0';
        if (strcmp(p->wchan, "0") == 0)
            p->wchan[0] = '\0';
    }
    return true;
}

/*
 * The running processes (or, when 'zombies', only the zombies) whose
 * parent is 'ppid' (when > 0) or whose process group is 'pgrp' (when
 * > 0), but not 'except', by pid, at most 'max' in 'out'.  Returns how
 * many there are.  Zombies of ours are not counted: orphans of the
 * program (a double fork), which we, its subreaper, wait for at the end.
 */
static size_t procs_where(pid_t ppid, pid_t pgrp, pid_t except, bool zombies,
                          struct proc *out, size_t max)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        struct proc p;
        if (*end != '\0' || pid <= 0 || pid == except || !proc_read((pid_t)pid, &p) ||
            (p.state == 'Z') != zombies || (zombies && p.ppid == getpid()) || !((ppid > 0 && p.ppid == ppid) || (pgrp > 0 && p.pgrp == pgrp)))
            continue;
        if (count < max) {
            size_t i = count;
            while (i > 0 && out[i - 1].pid > p.pid) {
                out[i] = out[i - 1];
                i--;
            }
            out[i] = p;
        }
        count++;
    }
    closedir(d);
    return count;
}

size_t group_procs(pid_t pgrp, struct proc *out, size_t max)
{
    return procs_where(0, pgrp, 0, false, out, max);
}

int impl_running_besides(const struct impl *im)
{
    return im->pid == 0 ? 0 : (int)procs_where(0, im->pid, im->pid, false, NULL, 0);
}

int impl_zombies(const struct impl *im)
{
    return im->pid == 0 ? 0 : (int)procs_where(0, im->pid, 0, true, NULL, 0);
}

int impl_stop(struct impl *im)
{
    int left = 0;
    if (im->pid != 0) {
        left = impl_running_besides(im);
        kill(-im->pid, SIGKILL);
        if (!im->ended) {
            kill(im->pid, SIGKILL);
            impl_wait(im, 5000);
        }
        /* What left the group (setsid, a double fork) was reparented
         * to us, a child subreaper: sweep our children until none is
         * left (they may fork as we go).  A check stops its own
         * drivers before it stops the implementation. */
        for (int round = 0; round < 50; round++) {
            static struct proc kids[PROCS_MAX];
            size_t n = procs_where(getpid(), 0, watchdog_pid, false, kids, PROCS_MAX);
            n = n < PROCS_MAX ? n : PROCS_MAX;
            /* the lab's holder (without root) is the lab's, not theirs */
            size_t keep = 0;
            for (size_t i = 0; i < n; i++)
                if (watchdog_lab == NULL || kids[i].pid != watchdog_lab->holder)
                    kids[keep++] = kids[i];
            n = keep;
            if (n == 0)
                break;
            for (size_t i = 0; i < n; i++) {
                kill(-kids[i].pid, SIGKILL);
                kill(kids[i].pid, SIGKILL);
            }
            for (size_t i = 0; i < n; i++)
                waitpid(kids[i].pid, NULL, 0);
        }
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        remember(im->pid, false);
        im->pid = 0;
    }
    if (im->out_fd >= 0)
        close(im->out_fd);
    if (im->err_fd >= 0)
        close(im->err_fd);
    im->out_fd = im->err_fd = -1;
    return left;
}

static size_t tail_of(int fd, char **buf, size_t max)
{
    *buf = NULL;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return 0;
    size_t size = (size_t)st.st_size;
    size_t take = size < max ? size : max;
    char *b = malloc(take + 1);
    if (b == NULL)
        return 0;
    ssize_t got = pread(fd, b, take, (off_t)(size - take));
    if (got < 0)
        got = 0;
    b[got] = '\0';
    *buf = b;
    return (size_t)got;
}

size_t impl_stdout(const struct impl *im, char **buf, size_t max)
{
    return tail_of(im->out_fd, buf, max);
}

size_t impl_stderr(const struct impl *im, char **buf, size_t max)
{
    return tail_of(im->err_fd, buf, max);
}

const char *impl_how(const struct impl *im, char *buf, size_t len)
{
    if (!im->ended)
        snprintf(buf, len, "is still running");
    else if (WIFEXITED(im->status))
        snprintf(buf, len, "exited with %d", WEXITSTATUS(im->status));
    else if (WIFSIGNALED(im->status))
        snprintf(buf, len, "was killed by SIG%s%s", sigabbrev_np(WTERMSIG(im->status)),
                 WTERMSIG(im->status) == SIGXFSZ ? " (its output passed 16 MiB)" : "");
    else
        snprintf(buf, len, "ended (status %#x)", im->status);
    return buf;
}

void impl_log_output(const struct impl *im, struct verdict *v)
{
    char *out, *err;
    size_t no = impl_stdout(im, &out, 600), ne = impl_stderr(im, &err, 600);
    char how[96];
    verdict_say(v, "%s %s", im->label, impl_how(im, how, sizeof how));
    if (no > 0)
        verdict_quote(v, "its stdout ended", out, no, 600);
    if (ne > 0)
        verdict_quote(v, "its stderr ended", err, ne, 600);
    if (no == 0 && ne == 0)
        verdict_say(v, "  (it printed nothing)");
    struct stat so, se;
    if ((im->out_fd >= 0 && fstat(im->out_fd, &so) == 0 && so.st_size >= IMPL_OUTPUT_MAX) ||
        (im->err_fd >= 0 && fstat(im->err_fd, &se) == 0 && se.st_size >= IMPL_OUTPUT_MAX))
        verdict_say(v, "  its output reached %d MiB, the limit: past it a program is killed "
                    "by SIGXFSZ, or, if it ignores that signal (as Python does), its writes "
                    "fail with \"File too large\"", IMPL_OUTPUT_MAX >> 20);
    if (im->drop_user[0] != '\0' && ne > 0 && strstr(err, "ermission denied") != NULL)
        verdict_say(v, "  it runs as user %s (grade is root): its files must be readable, "
                    "and their directories searchable, by that user (chmod o+rX), or "
                    "grade it with --user", im->drop_user);
    free(out);
    free(err);
}

/*
 * The ports picked during this check, each held by a lock that every
 * grader on the machine (any user: the abstract socket names of a
 * network namespace are one space) sees: two graders side by side never
 * hand their programs the same port, even in the moment between the
 * kernel's choice and the program's bind.
 */
enum { PORT_LOCKS = 32 };
static int port_locks[PORT_LOCKS];
static size_t port_locks_held;

static int lock_port(unsigned port)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int n = snprintf(sa.sun_path + 1, sizeof sa.sun_path - 1, "week3-grade-port-%u", port);
    if (bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                                                     1 + (size_t)n)) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int pick_port(bool tcp, char *buf)
{
    for (int tries = 0; tries < 50; tries++) {
        int gai_err;
        int fd = tcp ? net_listen_tcp("127.0.0.1", "0", 1, &gai_err)
                     : net_bind_udp("127.0.0.1", "0", false, &gai_err);
        if (fd < 0)
            return -1;
        int port = net_local_port(fd);
        close(fd);
        if (port < 0)
            return -1;
        int lock = lock_port((unsigned)port);
        if (lock < 0) {
            if (errno == EADDRINUSE)
                continue;           /* another grader's: pick again */
            return -1;
        }
        if (port_locks_held < PORT_LOCKS)
            port_locks[port_locks_held++] = lock;
        else
            close(lock);
        snprintf(buf, 8, "%u", (unsigned)port & 0xffff);
        return 0;
    }
    errno = EADDRINUSE;
    return -1;
}

void sandbox_release_ports(void)
{
    while (port_locks_held > 0)
        close(port_locks[--port_locks_held]);
}

bool command_has(const struct grade_opts *o, const char *placeholder)
{
    for (int i = 0; i < o->command_len; i++)
        if (strstr(o->command[i], placeholder) != NULL)
            return true;
    return false;
}

int impl_bound(const struct impl *im, bool tcp, const char *port, char *addr, size_t len)
{
    static const char *const tables[2][2] = { { "udp", "udp6" }, { "tcp", "tcp6" } };
    unsigned want = (unsigned)atoi(port), got, state;
    char line[256], path[64], hex[40];
    int readable = 0;

    /* the tables of its network namespace (a lab's node's, maybe) */
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/proc/%d/net/%s", (int)im->pid, tables[tcp][i]);
        FILE *f = fopen(path, "re");
        if (f == NULL)
            continue;
        readable++;
        while (fgets(line, sizeof line, f) != NULL)
            if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", hex, &got,
                       &state) == 3 && got == want && (!tcp || state == 0x0A)) {
                fclose(f);
                if (addr != NULL) {
                    /* IPv4 as the kernel has it: one 32-bit word, host order */
                    unsigned a = (unsigned)strtoul(hex, NULL, 16);
                    if (strlen(hex) == 8)
                        snprintf(addr, len, "%u.%u.%u.%u", a & 255, a >> 8 & 255,
                                 a >> 16 & 255, a >> 24);
                    else
                        snprintf(addr, len, "an IPv6 address");
                }
                return 1;
            }
        fclose(f);
    }
    return readable ? 0 : -1;
}

int run_program(char *const argv[], char *const env[], bool with_stderr, char *out,
                size_t cap, int timeout_ms)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(with_stderr ? p[1] : null, 2);
        for (size_t i = 0; env != NULL && env[i] != NULL; i++)
            putenv(env[i]);
        signal(SIGPIPE, SIG_DFL);
        execv(argv[0], argv);
        dprintf(1, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    size_t len = 0;
    uint64_t start = timing_now_ns();
    bool late = false;
    for (;;) {
        struct pollfd pf = { .fd = p[0], .events = POLLIN };
        int left = timeout_ms - (int)ms_since(start);
        if (left <= 0) {
            late = true;
            break;
        }
        int r = poll(&pf, 1, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;           /* the time is up: said above */
        char chunk[512];
        ssize_t n = read(p[0], chunk, sizeof chunk);
        if (n <= 0)
            break;              /* it closed its output: it ends */
        size_t take = (size_t)n < cap - 1 - len ? (size_t)n : cap - 1 - len;
        memcpy(out + len, chunk, take);
        len += take;
    }
    out[len] = '\0';
    close(p[0]);
    int status = 0;
    if (late)
        kill(pid, SIGKILL);
    if (waitpid(pid, &status, 0) != pid || late)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *kit_program(const struct grade_opts *o, const char *name, char *buf)
{
    snprintf(buf, PATH_MAX, "%s/%s", o->kit_bindir, name);
    return access(buf, X_OK) == 0 ? buf : NULL;
}
