/* cli - the program side of the kit: names, messages, usage errors. */
#include "cli.h"
#include "json.h"
#include "version.h"         /* KIT_VERSION, made by the Makefile */

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "opt.h"

static const char *prog = "kit";
static int progress_shown;              /* length of the progress line on screen */

void cli_init(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');

    prog = slash ? slash + 1 : argv0;
    setvbuf(stdout, NULL, _IOLBF, 0);
}

void cli_check_stdout(void)
{
    if (ferror(stdout)) {
        int err = errno ? errno : EIO;

        clearerr(stdout);
        cli_error(err, "writing to stdout");
        exit(1);
    }
}

bool cli_progress_wanted(FILE *to)
{
    return isatty(fileno(to)) == 1;
}

/* Over the last line: back to its start, the new one, blanks over the rest
 * of the old (no escape sequences: every terminal knows \r). */
void cli_progress_show(FILE *to, const char *line)
{
    int n = (int)strlen(line);

    fprintf(to, "\r%s%*s", line, progress_shown > n ? progress_shown - n : 0, "");
    if (progress_shown > n)
        fprintf(to, "\r%s", line);
    fflush(to);
    progress_shown = n;
}

void cli_progress_clear(FILE *to)
{
    if (progress_shown > 0)
        fprintf(to, "\r%*s\r", progress_shown, "");
    fflush(to);
    progress_shown = 0;
}

void cli_print_version(void)
{
    printf("%s %s\n", prog, KIT_VERSION);
}

void cli_print_json(struct json *j)
{
    json_object_end(j);
    if (json_finish(j) == 0)
        fputs(j->buf, stdout);
    json_free(j);
}

const char *cli_prog(void)
{
    return prog;
}

static void report(int err, const char *fmt, va_list ap)
{
    char msg[1024];

    diag_vformat(msg, sizeof(msg), prog, err, fmt, ap);
    fflush(stdout);                     /* keep stdout and stderr in order */
    fputs(msg, stderr);
}

void cli_error(int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(err, fmt, ap);
    va_end(ap);
}

void cli_listen_error(const char *host, const char *port, int gai_err)
{
    if (gai_err != 0)
        cli_error(0, "cannot listen on %s: %s", host, gai_strerror(gai_err));
    else
        cli_error(errno, "cannot listen on %s port %s", host ? host : "every interface",
                  port);
}

static void usage_report(const char *fmt, va_list ap)
{
    char what[512];

    vsnprintf(what, sizeof(what), fmt, ap);
    cli_error(0, "%s (try '%s --help')", what, prog);
}

void cli_usage_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    usage_report(fmt, ap);
    va_end(ap);
}

noreturn void cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    usage_report(fmt, ap);
    va_end(ap);
    exit(CLI_EXIT_USAGE);
}

/* What getopt_long's '?' (unknown option) or ':' (missing value) means. */
static noreturn void option_error(int c, char *const argv[])
{
    const char *arg = argv[optind - 1];

    if (c == ':')
        cli_usage_error("option '%s' needs a value", arg);
    if (optopt != 0 && strncmp(arg, "--", 2) != 0)
        cli_usage_error("unknown option '-%c'", optopt);
    cli_usage_error("unknown option '%s'", arg);
}

int cli_next_option(int argc, char *const argv[], const char *shortopts,
                    const void *longopts, const char *usage,
                    const char **name)
{
    static char buf[64];
    const struct option *opts = longopts;
    int longindex = -1;
    int c;

    opterr = 0;                         /* our messages, not getopt's */
    c = getopt_long(argc, argv, shortopts, opts, &longindex);
    if (longindex >= 0)
        snprintf(buf, sizeof(buf), "--%s", opts[longindex].name);
    else
        snprintf(buf, sizeof(buf), "-%c", c);
    *name = buf;
    switch (c) {
    case 'h':
        fputs(usage, stdout);
        exit(0);
    case 'V':
        cli_print_version();
        exit(0);
    case '?':
    case ':':
        option_error(c, argv);
    }
    return c;
}

uint64_t cli_parse_u64(const char *name, const char *text,
                       uint64_t min, uint64_t max)
{
    uint64_t v = 0;
    enum opt_result r = opt_parse_u64(text, min, max, &v);

    if (r == OPT_RANGE)
        cli_usage_error("%s: '%s' is out of range (%llu..%llu)", name, text,
                        (unsigned long long)min, (unsigned long long)max);
    if (r != OPT_OK)
        cli_usage_error("%s: '%s' %s", name, text, opt_result_str(r));
    return v;
}

double cli_parse_decimal(const char *name, const char *text, double min, double max)
{
    double v = 0;
    enum opt_result r = opt_parse_decimal(text, min, max, &v);

    if (r == OPT_RANGE)
        cli_usage_error("%s: '%s' is out of range (%g..%g)", name, text, min, max);
    if (r != OPT_OK)
        cli_usage_error("%s: '%s' %s", name, text, opt_result_str(r));
    return v;
}

void cli_parse_port(const char *name, const char *text, unsigned min, char *buf)
{
    snprintf(buf, 8, "%u", (unsigned)cli_parse_u64(name, text, min, 65535));
}
