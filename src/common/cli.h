/*
 * cli - what every program of the kit does the same way at its edges:
 * its name in messages, the one error format, usage errors (exit 2),
 * strict numbers for options.  The stop request of SIGINT/SIGTERM has
 * its own home, stop.h.
 *
 * This is the program side of lib/: it prints, exits and keeps the
 * program's name in a global, which lib/ never does.
 * Not thread-safe to initialise; the reporting calls may be used from
 * any thread (each message is one fputs to unbuffered stderr).
 */
#ifndef KIT_CLI_H
#define KIT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Print "PROG VERSION" on stdout: the one version of the kit (Makefile). */
void cli_print_version(void);

/*
 * Remember the program's name (the basename of argv[0]) for messages,
 * and make stdout line-buffered so that output shows up at once in a
 * pipe.  Call first in main().
 */
void cli_init(const char *argv0);

/*
 * If writing to stdout failed (its reader went away: EPIPE, with
 * SIGPIPE ignored), say so on stderr and exit 1.  For programs that
 * print for as long as they run.
 */
void cli_check_stdout(void);

/* The name given to cli_init, e.g. "ipc_multiprocess". */
const char *cli_prog(void);

/*
 * Report a failure on stderr as "PROG: MSG: strerror(err)", or as
 * "PROG: MSG" when err is 0.  Pass errno for system calls and the
 * returned number for pthread_* calls.  stdout is flushed first so
 * that the two streams stay in order.
 */
void cli_error(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Why a listening socket could not be had, in the kit's one wording:
 * "cannot listen on HOST: what getaddrinfo said" when 'gai_err' is not
 * 0, else "cannot listen on HOST port PORT: strerror(errno)".  HOST NULL
 * means every interface.
 */
void cli_listen_error(const char *host, const char *port, int gai_err);

/*
 * End the JSON object that 'j' holds (begun with json_event_begin), print
 * it as one line on stdout and free 'j'.  Out of memory, nothing is
 * printed: a half line would be worse than none.
 */
struct json;
void cli_print_json(struct json *j);

/*
 * The progress line of a long run (lib/progress.h), on 'to': stderr
 * when cli_progress_wanted(stderr), never in a pipe or a file; an MPI
 * rank's stdout with --progress (mpirun passes it on in order with the
 * summary, but gives every rank a terminal, so a rank cannot tell).
 * cli_progress_show writes 'line' over the last one; cli_progress_clear
 * wipes it, before the summary.  One process shows it at a time.
 */
bool cli_progress_wanted(FILE *to);
void cli_progress_show(FILE *to, const char *line);
void cli_progress_clear(FILE *to);

/* A bad command line: "PROG: MSG (try 'PROG --help')" on stderr, exit 2. */
noreturn void cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * The same message without the exit, for a helper that finds the misuse
 * late (an option that does not fit the address it resolved): it says
 * so and returns an error, and main() returns CLI_EXIT_USAGE.
 */
void cli_usage_report(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

enum { CLI_EXIT_USAGE = 2 };    /* the exit status of a bad command line */

/* The entries that end every program's getopt_long table. */
#define CLI_STANDARD_OPTIONS \
    { "help", no_argument, NULL, 'h' }, \
    { "version", no_argument, NULL, 'V' }, \
    { NULL, 0, NULL, 0 }

/*
 * The next option from getopt_long, with what every program does the
 * same way already done: -h/--help prints 'usage' on stdout and exits
 * 0, -V/--version prints the version and exits 0, an unknown option or
 * a missing value is a usage error (exit 2).  *name is set to the
 * option as the user typed it ("-n" or "--count"), for messages.
 * 'shortopts' must start with ':' and include "hV"; 'longopts' must end
 * with CLI_STANDARD_OPTIONS, which
 * maps "help" to 'h' and "version" to 'V'.  Returns -1 at the end.
 */
int cli_next_option(int argc, char *const argv[], const char *shortopts,
                    const void *longopts, const char *usage,
                    const char **name);

/*
 * The value of option 'name' (as the user wrote it, "-n" or "--count"),
 * or a usage error naming the option, the text and the allowed range.
 */
uint64_t cli_parse_u64(const char *name, const char *text,
                       uint64_t min, uint64_t max);

/* The same for a decimal fraction ("0.5"): see opt_parse_decimal. */
double cli_parse_decimal(const char *name, const char *text, double min, double max);

/*
 * A port option, min..65535, as the decimal text getaddrinfo wants, in
 * 'buf' (at least 8 bytes); a usage error otherwise.
 */
void cli_parse_port(const char *name, const char *text, unsigned min, char *buf);

#endif
