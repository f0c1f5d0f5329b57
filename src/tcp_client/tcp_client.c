/*
 * tcp_client - asks tcp_server for squares, and checks every answer.
 *
 * Lesson: the other side of request/response.  The client resolves the
 * server's name (IPv4 or IPv6), connects, writes a request line and
 * reads the reply line, one at a time (ask.c).  With '-' it reads the
 * numbers from stdin and pipelines them: many requests in flight, never
 * more than a window, replies matched in order (pipeline.c).  --bench
 * turns it into a load generator (bench.c).
 *
 * Usage: tcp_client [HOST] [-p PORT] [NUMBER ...] [-] [--retry S] [--timeout S]
 *        tcp_client [HOST] --bench [-c CONNECTIONS] [-n REQUESTS | --duration S] ...
 * See also: tcp_server.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "stop.h"
#include "tcp_client.h"
#include "timing.h"

static const char usage_text[] =
"Usage: tcp_client [HOST] [-p PORT] [NUMBER ...] [-] [--retry SECONDS]\n"
"                  [--timeout SECONDS]\n"
"       tcp_client [HOST] --bench [-c CONNECTIONS] [-n REQUESTS | --duration S]\n"
"                  [-P PIPELINE] [--rate REQ_PER_S] [--request TEXT] [--json]\n"
"\n"
"Asks tcp_server on HOST (a name, an IPv4 or an IPv6 address; default\n"
"localhost) for the squares of the NUMBERs, of the numbers on stdin ('-',\n"
"one per line), or of 1..10, and checks every reply.  Negative NUMBERs go\n"
"after '--'.\n"
"\n"
"  -p, --port PORT           server port (default 65432)\n"
"      --retry SECONDS       keep trying to connect this long (default 0)\n"
"      --timeout SECONDS     bound on connecting and on each reply\n"
"                            (default: none; with --bench, 10)\n"
"  -q, --quiet               print only failures and the summary\n"
"      --bench               measure the server instead (see below)\n"
"  -c, --connections N       --bench: connections, 1..10000 (default 50)\n"
"  -n, --requests N          --bench: requests in all (default 100000)\n"
"      --duration SECONDS    --bench: run this long instead\n"
"  -P, --pipeline N          --bench: requests in flight per connection (1)\n"
"      --rate REQ_PER_S      --bench: send at this fixed rate (open loop)\n"
"      --request TEXT        --bench: send TEXT each time, replies unchecked\n"
"      --json                each reply and the summary as JSON objects\n"
"                            (with --bench: the report)\n"
"  -h, --help                show this help\n"
"  -V, --version             show the version\n"
"\n"
"Examples:\n"
"  tcp_client 192.168.1.5 7 8 9\n"
"  seq 1 100000 | tcp_client -q -\n"
"  tcp_client --bench -c 50 -P 16 -n 1000000\n";

/* HOST comes first, unless the first argument is a number or '-'. */
static void take_positionals(int argc, char **argv, struct client_config *cfg)
{
    int64_t v;

    if (optind < argc && strcmp(argv[optind], "-") != 0 &&
        opt_parse_i64(argv[optind], INT64_MIN, INT64_MAX, &v) != OPT_OK)
        cfg->host = argv[optind++];
    for (int i = optind; i < argc; i++)
        if (strcmp(argv[i], "-") == 0)
            cfg->from_stdin = true;
        else if (cfg->from_stdin)
            cli_usage_error("'-' reads numbers from stdin: no NUMBERs after it");
    cfg->numbers = argv + optind;
    cfg->nnumbers = cfg->from_stdin ? 0 : argc - optind;
    for (int i = 0; i < cfg->nnumbers; i++)
        if (strpbrk(cfg->numbers[i], "\r\n") != NULL)
            cli_usage_error("a NUMBER is one line: no line breaks in '%s'", cfg->numbers[i]);
    if (cfg->bench && (cfg->nnumbers > 0 || cfg->from_stdin))
        cli_usage_error("--bench makes its own requests: no NUMBERs or '-'");
}

static int seconds_ms(const char *name, const char *text)
{
    return (int)cli_parse_u64(name, text, 0, 86400) * 1000;
}

static void parse_options(int argc, char **argv, struct client_config *cfg)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, 'p' },
        { "retry", required_argument, NULL, 'R' },
        { "timeout", required_argument, NULL, 'T' },
        { "quiet", no_argument, NULL, 'q' },
        { "bench", no_argument, NULL, 'B' },
        { "connections", required_argument, NULL, 'c' },
        { "requests", required_argument, NULL, 'n' },
        { "duration", required_argument, NULL, 'D' },
        { "pipeline", required_argument, NULL, 'P' },
        { "rate", required_argument, NULL, 'r' },
        { "request", required_argument, NULL, 'Q' },
        { "json", no_argument, NULL, 'j' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    static char port[8];
    const char *name;
    int c;

    *cfg = (struct client_config){ .host = "localhost", .timeout_ms = -1,
                                   .connections = 50, .pipeline = 1,
                                   .requests = 100000 };
    snprintf(port, sizeof(port), "%d", PROTO_PORT);
    while ((c = cli_next_option(argc, argv, ":p:qc:n:P:hV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'p':
            cli_parse_port(name, optarg, 1, port);
            break;
        case 'R': cfg->retry_ms = seconds_ms(name, optarg); break;
        case 'T': cfg->timeout_ms = seconds_ms(name, optarg); break;
        case 'q': cfg->quiet = true; break;
        case 'B': cfg->bench = true; break;
        case 'c': cfg->connections = (unsigned)cli_parse_u64(name, optarg, 1, 10000); break;
        case 'n': cfg->requests = cli_parse_u64(name, optarg, 1, UINT64_MAX / 2); break;
        case 'D': cfg->duration = (double)cli_parse_u64(name, optarg, 1, 86400); break;
        case 'P': cfg->pipeline = (unsigned)cli_parse_u64(name, optarg, 1, 1024); break;
        case 'r': cfg->rate = (double)cli_parse_u64(name, optarg, 1, 100000000); break;
        case 'Q': cfg->request = optarg; break;
        case 'j': cfg->json = true; break;
        }
    }
    cfg->port = port;
    take_positionals(argc, argv, cfg);
    if (cfg->bench && cfg->timeout_ms < 0)
        cfg->timeout_ms = CLIENT_BENCH_TIMEOUT_S * 1000;
}

int main(int argc, char **argv)
{
    struct client_config cfg;
    struct session s = { .cfg = &cfg };
    uint64_t start;
    int status;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg);    /* exits 0 on --help, 2 on misuse */

    /* 1. A server that vanishes must cost us an EPIPE, not our life;
     *    Ctrl-C stops us with a summary of what was left unanswered. */
    signal(SIGPIPE, SIG_IGN);
    if (stop_catch_signals() != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    if (cfg.bench)
        return bench_run(&cfg);         /* the load generator: bench.c */

    /* 2. Reach the server: every address of its name, --retry, --timeout. */
    s.fd = connect_to_server(&cfg);
    if (s.fd < 0)
        return 1;
    if (linebuf_init(&s.replies, PROTO_MAX_REPLY, 16384) != 0) {
        cli_error(ENOMEM, "buffers");
        return 1;
    }
    /* 3. The lesson: a request, its reply, checked; '-' pipelines them. */
    start = timing_now_ns();
    if (cfg.from_stdin)
        status = pipeline_ask(&s);
    else
        status = ask_each(&s);

    /* 4. Account for every request, and release. */
    if (status == 0)
        status = reply_summary(&s, timing_seconds_since(start));
    else
        status = 1;
    close(s.fd);
    linebuf_free(&s.replies);
    return status;
}
