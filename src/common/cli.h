/*
 * cli - what every program of the kit does the same way at its edges:
 * its name in messages, the one error format, usage errors (exit 2),
 * strict numbers for options, and the stop request of SIGINT/SIGTERM.
 *
 * This is the program side of lib/: it prints, exits and keeps the
 * program's name and stop flag in globals, which lib/ never does.
 * Not thread-safe to initialise; the reporting calls may be used from
 * any thread (each message is one fputs to unbuffered stderr).
 */
#ifndef KIT_CLI_H
#define KIT_CLI_H

#include <signal.h>
#include <stdint.h>
#include <stdnoreturn.h>

#define KIT_VERSION "0.1.0"

/* Print "PROG (week-3 kit) VERSION" on stdout. */
void cli_print_version(void);

/*
 * Remember the program's name (the basename of argv[0]) for messages,
 * and make stdout line-buffered so that output shows up at once in a
 * pipe.  Call first in main().
 */
void cli_init(const char *argv0);

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

/* A bad command line: "PROG: MSG (try 'PROG --help')" on stderr, exit 2. */
noreturn void cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * What getopt_long's '?' (unknown option) or ':' (missing argument)
 * means, as a usage error naming the option.  Call with opterr = 0 and
 * an optstring that starts with ':'.
 */
noreturn void cli_option_error(int c, char *const argv[]);

/*
 * The value of option 'name' (as the user wrote it, "-n" or "--count"),
 * or a usage error naming the option, the text and the allowed range.
 */
uint64_t cli_parse_u64(const char *name, const char *text,
                       uint64_t min, uint64_t max);

/*
 * The option's name as the user typed it: "--" + long name when
 * getopt_long matched a long option (longindex >= 0), else "-c".
 */
const char *cli_optname(int c, int longindex, const void *longopts);

/*
 * Install handlers for SIGINT and SIGTERM that only set the stop flag,
 * without SA_RESTART, so that a blocked system call returns EINTR and
 * the program looks at the flag.  Returns 0 or -1 with errno set.
 */
int cli_catch_stop_signals(void);

/* The signal that asked us to stop, or 0 while none has. */
int cli_stop_requested(void);

#endif
