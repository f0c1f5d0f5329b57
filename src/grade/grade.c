/*
 * grade - check a student's own implementation of a course program, in
 * any language, against the course's contract.
 *
 * Lesson: a grader is a test harness that trusts nothing.  It starts
 * the program under test in a box of its own (a process group, bounded
 * output, an unprivileged user), talks to it the way its peers would,
 * judges what comes back, and ends it with everything it started.  Each
 * check says what it sent, what came back and what a correct program
 * does, so that a failure teaches.
 *
 * Usage: grade SPEC [OPTIONS] -- COMMAND [ARG...]
 * See also: grade(1), week3(7) for the contract the checks hold.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "grade.h"
#include "opt.h"
#include "report.h"
#include "timing.h"

static const struct spec *const specs[] = {
    &spec_tcp_server, &spec_tcp_client, &spec_udp_sender,
    &spec_udp_receiver, &spec_ipc, &spec_threads,
};
enum { SPECS = sizeof specs / sizeof specs[0] };

static const char usage_text[] =
"Usage: grade SPEC [OPTIONS] -- COMMAND [ARG...]\n"
"       grade SPEC --list [--weights FILE]\n"
"\n"
"Checks an implementation of one of the course's programs, in any language,\n"
"against the course's contract: COMMAND starts it, with {port}, {host}, {n},\n"
"{interval_ms}, {consumers} and {capacity} filled in by the grader.\n"
"TAP on stdout, then the points by category.\n"
"\n"
"SPEC: tcp-server, tcp-client, udp-sender, udp-receiver, ipc, threads\n"
"\n"
"  -p, --profile NAME  course (default): what the course's own programs do;\n"
"                      full: the kit's contract, week3(7)\n"
"      --n N           the N that COMMAND computes, when it has no {n}\n"
"      --lab           also the checks across a lab of three machines (the\n"
"                      kit's netlab: as root, or in a user namespace)\n"
"      --only ID       run only the check ID, or those a pattern names\n"
"                      ('tcp-server.lab-*'; see --list); several, with commas\n"
"      --list          list SPEC's checks: id, category, profiles, points\n"
"                      (with --weights: the points it gives)\n"
"      --weights FILE  points per check: lines 'ID POINTS'\n"
"      --json FILE     the results as Gradescope's results.json\n"
"      --junit FILE    the results as JUnit XML\n"
"      --user USER     as root, run COMMAND as USER (default: GRADE_USER,\n"
"                      else nobody)\n"
"  -v, --verbose       every check's log, passed ones too\n"
"  -h, --help          this text\n"
"  -V, --version       the version\n"
"\n"
"Examples:\n"
"  grade tcp-server -- python3 server.py {port}\n"
"  grade tcp-server --profile full -- java Server {port}\n"
"  grade threads --n 1000 -- ./threads 1000\n"
"  grade udp-receiver --lab -- python3 receiver.py {host} {port}\n"
"\n"
"Exit status: 0 when every check passed, 1 when points were lost, 2 on a\n"
"usage error, 128 + N when interrupted by signal N.\n";

struct config {
    const struct spec *spec;
    struct grade_opts opts;
    const char *only;
    bool list;
    const char *weights, *json, *junit;
    const char *user;
    bool lab;
};

/* The grader is interrupted: the check under way ends (its program is
 * killed by the sandbox), and what ran is reported. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
    sandbox_interrupt();
}

static const struct spec *find_spec(const char *name)
{
    for (size_t i = 0; i < SPECS; i++)
        if (strcmp(specs[i]->name, name) == 0)
            return specs[i];
    return NULL;
}

static void parse_args(int argc, char **argv, struct config *c)
{
    static const struct option longopts[] = {
        { "profile", required_argument, NULL, 'p' },
        { "n", required_argument, NULL, 'N' },
        { "only", required_argument, NULL, 'O' },
        { "list", no_argument, NULL, 'L' },
        { "weights", required_argument, NULL, 'W' },
        { "json", required_argument, NULL, 'J' },
        { "junit", required_argument, NULL, 'U' },
        { "user", required_argument, NULL, 'u' },
        { "verbose", no_argument, NULL, 'v' },
        { "lab", no_argument, NULL, 'A' },
        CLI_STANDARD_OPTIONS
    };
    /* COMMAND is everything after the first "--": it is not ours to parse */
    int ours = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            ours = i;
            break;
        }
    c->opts.profile = PROFILE_COURSE;
    const char *name;
    int opt;
    while ((opt = cli_next_option(ours, argv, ":p:vhV", longopts, usage_text, &name)) != -1) {
        switch (opt) {
        case 'p':
            if (strcmp(optarg, "course") == 0)
                c->opts.profile = PROFILE_COURSE;
            else if (strcmp(optarg, "full") == 0)
                c->opts.profile = PROFILE_FULL;
            else
                cli_usage_error("%s: '%s' is not a profile (course or full)", name, optarg);
            break;
        case 'N':
            c->opts.n = cli_parse_u64(name, optarg, 1, 100000000);
            c->opts.n_given = true;
            break;
        case 'O': c->only = optarg; break;
        case 'L': c->list = true; break;
        case 'W': c->weights = optarg; break;
        case 'J': c->json = optarg; break;
        case 'U': c->junit = optarg; break;
        case 'u': c->user = optarg; break;
        case 'v': c->opts.verbose = true; break;
        case 'A': c->lab = true; break;
        }
    }
    if (optind >= ours)
        cli_usage_error("which program? give a SPEC: tcp-server, tcp-client, udp-sender, "
                        "udp-receiver, ipc or threads");
    if ((c->spec = find_spec(argv[optind])) == NULL)
        cli_usage_error("'%s' is not a SPEC (tcp-server, tcp-client, udp-sender, "
                        "udp-receiver, ipc, threads)", argv[optind]);
    if (optind + 1 < ours)
        cli_usage_error("'%s': COMMAND goes after '--' (grade %s -- COMMAND ...)",
                        argv[optind + 1], c->spec->name);
    if (c->list)
        return;
    if (ours + 1 >= argc)
        cli_usage_error("no COMMAND: grade %s [OPTIONS] -- COMMAND [ARG...]", c->spec->name);
    c->opts.command = argv + ours + 1;
    c->opts.command_len = argc - ours - 1;
    /* The placeholders the spec fills in, and those it cannot do without */
    static const struct { const struct spec *spec; const char *fills; } fills[] = {
        { &spec_tcp_server, "{host} {port}" },
        { &spec_tcp_client, "{host} {port}" },
        { &spec_udp_sender, "{host} {port} {interval_ms}" },
        { &spec_udp_receiver, "{host} {port} {interval_ms}" },
        { &spec_ipc, "{n}" },
        { &spec_threads, "{n} {consumers} {capacity}" },
    };
    static const char *const all[] = { "{host}", "{port}", "{n}", "{interval_ms}",
                                       "{consumers}", "{capacity}" };
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++)
        if (fills[i].spec == c->spec)
            for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
                if (command_has(&c->opts, all[k]) && strstr(fills[i].fills, all[k]) == NULL)
                    cli_usage_error("%s: COMMAND has %s, which this spec does not fill in "
                                    "(it fills %s)", c->spec->name, all[k], fills[i].fills);
    if (c->spec->needs != NULL) {
        if (!command_has(&c->opts, c->spec->needs))
            cli_usage_error("%s: COMMAND must have %s, which the grader fills in "
                            "(grade %s -- python3 %s.py %s)", c->spec->name,
                            c->spec->needs, c->spec->name, c->spec->name, c->spec->needs);
    }
    if ((c->spec == &spec_ipc || c->spec == &spec_threads) && !command_has(&c->opts, "{n}") &&
        !c->opts.n_given)
        cli_usage_error("%s: COMMAND has no {n}: say which N it computes with --n N",
                        c->spec->name);
}

/* Can user uid:gid search the directory 'dir' (and every one above it)?
 * Asked of the kernel, as that user, in a child. */
static bool reachable_by(uid_t uid, gid_t gid, const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
            _exit(2);
        _exit(access(dir, X_OK) == 0 ? 0 : 1);
    }
    int status;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

/*
 * As root, COMMAND runs as --user, else GRADE_USER, else nobody; as
 * root only when asked.  That user must be able to enter the directory
 * COMMAND runs in: said once, here, rather than by every check.
 */
static void choose_user(struct config *c)
{
    const char *env = getenv("GRADE_USER");
    const char *asked = c->user != NULL ? c->user : env != NULL && *env ? env : NULL;
    const char *source = c->user != NULL ? "--user" : "GRADE_USER";
    if (geteuid() != 0) {
        if (c->user != NULL && getpwnam(c->user) != NULL &&
            getpwnam(c->user)->pw_uid == geteuid())
            return;
        if (c->user != NULL)
            cli_usage_error("--user: only root can run COMMAND as another user");
        return;                 /* GRADE_USER is for root's runs */
    }
    const char *who = asked != NULL ? asked : "nobody";
    struct passwd *pw = getpwnam(who);
    if (pw == NULL) {
        if (asked != NULL)
            cli_usage_error("%s: no user '%s' here", source, who);
        return;                 /* no nobody: as root, said below */
    }
    if (pw->pw_uid == 0)
        return;
    c->opts.drop = true;
    c->opts.run_uid = pw->pw_uid;
    c->opts.run_gid = pw->pw_gid;
    static char name[64];
    snprintf(name, sizeof name, "%s", pw->pw_name);
    c->opts.run_user = name;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) != NULL && !reachable_by(pw->pw_uid, pw->pw_gid, cwd))
        cli_usage_error("as root, COMMAND runs as user %s, who cannot enter %s: grade from "
                        "a directory that user may enter (chmod o+x on the way, or a copy "
                        "in /tmp), or choose the user (--user USER, or GRADE_USER)",
                        name, cwd);
}

/* --weights FILE: "ID POINTS" lines, '#' comments. */
static void read_weights(const char *path, const struct spec *s, double *points)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    if (f == NULL)
        cli_usage_error("--weights: cannot open %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20))
        cli_usage_error("--weights: %s is not a file of lines 'ID POINTS' (a regular "
                        "file, at most 1 MiB)", path);
    char line[512];
    unsigned lineno = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        char id[128], value[64], extra[2];
        int n = sscanf(line, " %127s %63s %1s", id, value, extra);
        if (n <= 0 || id[0] == '#')
            continue;
        double w;
        if (n != 2 || opt_parse_decimal(value, 0, 1000, &w) != OPT_OK)
            cli_usage_error("--weights: %s:%u: not 'ID POINTS' (points 0..1000)", path, lineno);
        size_t i;
        for (i = 0; i < s->count; i++)
            if (strcmp(s->checks[i].id, id) == 0)
                break;
        if (i == s->count) {
            /* another spec's check: a weights file may cover all six */
            bool elsewhere = false;
            for (size_t k = 0; k < SPECS; k++)
                for (size_t m = 0; m < specs[k]->count; m++)
                    elsewhere |= strcmp(specs[k]->checks[m].id, id) == 0;
            if (!elsewhere)
                cli_usage_error("--weights: %s:%u: no check '%s' (grade SPEC --list)", path,
                                lineno, id);
            continue;
        }
        points[i] = w;
    }
    fclose(f);
}

/* --only: a comma-separated list of shell patterns; does one name 'id'? */
static bool only_matches(const char *only, const char *id)
{
    char pat[256];
    for (const char *p = only; ; p++) {
        size_t n = strcspn(p, ",");
        if (n < sizeof pat) {
            memcpy(pat, p, n);
            pat[n] = '\0';
            if (fnmatch(pat, id, 0) == 0)
                return true;
        }
        p += n;
        if (*p == '\0')
            return false;
    }
}

/* The first pattern of --only that names no check of 's' (NULL: none). */
static const char *only_unmatched(const char *only, const struct spec *s)
{
    for (const char *p = only; ; p++) {
        size_t n = strcspn(p, ",");
        char one[256];
        bool any = false;
        if (n == 0 || n >= sizeof one)
            return p;
        memcpy(one, p, n);
        one[n] = '\0';
        for (size_t i = 0; i < s->count && !any; i++)
            any = only_matches(one, s->checks[i].id);
        if (!any)
            return p;
        p += n;
        if (*p == '\0')
            return NULL;
    }
}

static void list_checks(const struct spec *s, const double *points)
{
    printf("%s: %s\n", s->name, s->about);
    printf("%-34s %-12s %-16s %6s  %s\n", "ID", "CATEGORY", "PROFILES", "POINTS", "CHECK");
    for (size_t i = 0; i < s->count; i++) {
        const struct check *k = &s->checks[i];
        char profiles[32];
        snprintf(profiles, sizeof profiles, "%s%s",
                 (k->profiles & PROFILE_BOTH) == PROFILE_BOTH ? "course,full"
                 : k->profiles & PROFILE_FULL ? "full" : "course",
                 k->profiles & LAB ? ",lab" : "");
        printf("%-34s %-12s %-16s %6g  %s\n", k->id, k->tag, profiles, points[i], k->title);
    }
}

/* --json and --junit FILE, opened before the checks run: a path that
 * cannot be written is a usage error, not a surprise at the end. */
static FILE *open_report(const char *option, const char *path)
{
    FILE *f = path != NULL ? fopen(path, "we") : NULL;
    if (path != NULL && f == NULL)
        cli_usage_error("%s: cannot write %s: %s", option, path, strerror(errno));
    return f;
}

static int write_file(FILE *f, const char *path, const char *what, struct outcome *ocs,
                      size_t n, const struct config *c, const char *profile, const char *note)
{
    int rc = f == NULL ? -1
             : strcmp(what, "json") == 0 ? report_json(f, ocs, n, c->spec->name, profile, note)
                                         : report_junit(f, ocs, n, c->spec->name, profile);
    if (f != NULL && fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        cli_error(errno, "cannot write %s", path);
    return rc;
}

int main(int argc, char **argv)
{
    struct config c = { 0 };

    /* 1. What to check, and how */
    cli_init(argv[0]);
    parse_args(argc, argv, &c);
    double *points = calloc(c.spec->count, sizeof *points);
    struct outcome *ocs = calloc(c.spec->count, sizeof *ocs);
    if (points == NULL || ocs == NULL) {
        cli_error(ENOMEM, "out of memory");
        return 1;
    }
    for (size_t i = 0; i < c.spec->count; i++)
        points[i] = c.spec->checks[i].points;
    if (c.weights != NULL)
        read_weights(c.weights, c.spec, points);
    if (c.list) {                       /* with the points --weights gives */
        list_checks(c.spec, points);
        free(points);
        free(ocs);
        return 0;
    }
    if (c.only != NULL) {
        const char *bad = only_unmatched(c.only, c.spec);
        if (bad != NULL)
            cli_usage_error("--only: %s has no check '%.*s' (grade %s --list)", c.spec->name,
                            (int)strcspn(bad, ","), bad, c.spec->name);
        for (size_t i = 0; i < c.spec->count; i++)
            if (only_matches(c.only, c.spec->checks[i].id))
                c.lab |= (c.spec->checks[i].profiles & LAB) != 0;  /* asked by name */
    }
    if (c.lab) {
        bool any = false;
        for (size_t i = 0; i < c.spec->count; i++)
            any |= (c.spec->checks[i].profiles & LAB) != 0;
        if (!any)
            cli_usage_error("--lab: %s runs on one machine; the checks across machines are "
                            "tcp-server's, tcp-client's, udp-sender's and udp-receiver's",
                            c.spec->name);
    }
    choose_user(&c);
    FILE *json = open_report("--json", c.json), *junit = open_report("--junit", c.junit);

    /* 2. The box: a directory for its output, its orphans ours to end */
    static char kitdir[PATH_MAX], workdir[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", kitdir, sizeof kitdir - 1);
    kitdir[len > 0 ? len : 0] = '\0';
    char *slash = strrchr(kitdir, '/');
    if (slash != NULL)
        *slash = '\0';
    c.opts.kit_bindir = kitdir;
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/grade.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(workdir) == NULL) {
        cli_error(errno, "cannot make a directory in %s", tmp && *tmp ? tmp : "/tmp");
        return 1;
    }
    c.opts.workdir = workdir;
    if (c.opts.drop) {
        /* the program's HOME and TMPDIR, its own; the directory around
         * it may be passed through, not read */
        char home[PATH_MAX + 8];
        snprintf(home, sizeof home, "%s/home", workdir);
        if (chmod(workdir, 0711) < 0 || mkdir(home, 0700) < 0 ||
            chown(home, c.opts.run_uid, c.opts.run_gid) < 0) {
            cli_error(errno, "cannot make a home for user %s in %s", c.opts.run_user, workdir);
            sandbox_remove_dir(workdir);
            return 1;
        }
    }
    static struct lab lab;
    if (c.lab) {
        lab_prepare(&lab, kitdir, workdir);
        c.opts.lab = &lab;
    }
    if (sandbox_init(workdir, c.lab ? &lab : NULL) != 0) {
        cli_error(errno, "cannot set up the box");
        sandbox_remove_dir(workdir);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    /* 3. With --lab, three machines of our own: a lab of the kit's netlab */
    if (c.lab && lab_up(&lab) != 0 && !interrupted)
        fprintf(stderr, "grade: no lab here, its checks are skipped: %s\n", lab.why);

    /* 4. Every check of the profile, one at a time */
    const char *profile = c.opts.profile == PROFILE_FULL ? "full" : "course";
    size_t n = 0;
    for (size_t i = 0; i < c.spec->count; i++)
        if ((c.spec->checks[i].profiles & c.opts.profile) &&
            (c.lab || !(c.spec->checks[i].profiles & LAB)) &&
            (c.only == NULL || only_matches(c.only, c.spec->checks[i].id))) {
            ocs[n].check = &c.spec->checks[i];
            ocs[n].points = points[i];
            n++;
        }
    printf("# grade %s, profile %s: %zu check%s", c.spec->name, profile, n, n == 1 ? "" : "s");
    if (c.opts.drop)
        printf("; COMMAND runs as user %s (grade is root; --user to change)",
               c.opts.run_user);
    else if (geteuid() == 0)
        printf("; COMMAND runs as root (%s)", c.user != NULL || getenv("GRADE_USER") != NULL
                                              ? "as asked" : "there is no user nobody: --user USER");
    if (lab.up)
        printf("; the lab: node1 %s, node2 %s, node3 %s", lab.addr[1], lab.addr[2],
               lab.addr[3]);
    printf("\n");
    report_tap_plan(stdout, n);
    size_t ran = 0;
    for (; ran < n && !interrupted; ran++) {
        uint64_t start = timing_now_ns();
        ocs[ran].check->run(&c.opts, &ocs[ran].verdict);
        ocs[ran].verdict.seconds = timing_seconds_since(start);
        sandbox_release_ports();
        if (interrupted && !ocs[ran].verdict.skipped) {
            /* what the check saw is of the grader's killing: no verdict */
            static char why[64];
            snprintf(why, sizeof why, "not finished: grade was interrupted (SIG%s)",
                     sigabbrev_np(interrupted));
            ocs[ran].verdict.failed = false;
            verdict_skip(&ocs[ran].verdict, why);
        }
        report_tap_one(stdout, ran + 1, &ocs[ran], c.opts.verbose);
    }

    if (c.lab)
        lab_down(&lab);

    /* 5. The points, for people and for graders */
    report_table(stdout, ocs, ran, c.spec->name, profile);
    int rc = 0;
    char note[128];
    snprintf(note, sizeof note, "INTERRUPTED (SIG%s) after %zu of %zu checks: not a grade",
             interrupted ? sigabbrev_np(interrupted) : "", ran, n);
    const char *said = interrupted ? note : NULL;
    if (json != NULL && write_file(json, c.json, "json", ocs, ran, &c, profile, said) != 0)
        rc = 1;
    if (junit != NULL && write_file(junit, c.junit, "junit", ocs, ran, &c, profile, said) != 0)
        rc = 1;
    for (size_t i = 0; i < ran; i++) {
        if (ocs[i].verdict.failed && !ocs[i].verdict.skipped)
            rc = 1;
        free(ocs[i].verdict.log);
    }
    sandbox_end();
    sandbox_remove_dir(workdir);
    free(points);
    free(ocs);
    if (interrupted) {
        fprintf(stderr, "grade: interrupted after %zu of %zu checks\n", ran, n);
        return 128 + interrupted;
    }
    return rc;
}
