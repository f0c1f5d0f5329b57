/*
 * tcp_server - answers each request line with the square of its number.
 *
 * Lesson: one protocol, seven ways to serve many clients at once, to
 * compare side by side: -m iterative (one at a time), fork (a process
 * per client), prefork (processes started up front), thread (a thread
 * per client), pool (threads started up front), epoll (event loops:
 * one thread, many sockets) and uring (the kernel does the I/O and
 * reports what is done, io_uring).  Each model is one short file; the
 * protocol lives in lib/proto.c and knows nothing of sockets.
 *
 * Usage: tcp_server [-p PORT] [-b ADDRESS] [-m MODEL] [-t THREADS] ...
 * See also: tcp_client, which speaks the same protocol and can load-test it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "net.h"
#include "proto.h"
#include "stop.h"
#include "tcp_server.h"
#include "timing.h"

static const struct model {
    const char *name;
    serve_fn *serve;
    const char *uses;           /* what it runs on, for the start line; %u: -t */
} models[] = {
    { "epoll", model_epoll, "%u event loop%s" },
    { "thread", model_thread, "a thread per client" },
    { "pool", model_pool, "%u thread%s" },
    { "fork", model_fork, "a process per client" },
    { "prefork", model_prefork, "%u process%s" },
    { "iterative", model_iterative, "one client at a time" },
#ifdef KIT_HAVE_URING
    { "uring", model_uring, "%u io_uring loop%s" },
#endif
};

static const char usage_text[] =
"Usage: tcp_server [-p PORT] [-b ADDRESS] [-m MODEL] [-t THREADS]\n"
"                  [--max-clients N] [--idle-timeout SECONDS]\n"
"                  [--send-timeout SECONDS] [-q] [--json]\n"
"\n"
"Answers each request line (an integer) with its square, on many client\n"
"connections at once.  Try it by hand: nc localhost 65432, then type 12.\n"
"\n"
"  -p, --port PORT            TCP port, 0 for any free one (default 65432)\n"
"  -b, --bind ADDRESS         listen on this address only (default: every\n"
"                             interface, IPv4 and IPv6)\n"
"  -m, --model MODEL          epoll (default), thread, pool, fork, prefork,\n"
"                             iterative or uring (io_uring, if built in)\n"
"  -t, --threads THREADS      event loops (epoll, uring), threads (pool) or\n"
"                             processes (prefork), 1..1024 (default: CPUs)\n"
"      --max-clients N        clients served at once; more get\n"
"                             'ERR server busy' (default 10000)\n"
"      --idle-timeout SECONDS drop a client silent this long (default: never)\n"
"      --send-timeout SECONDS drop a client that takes none of its replies\n"
"                             this long (default 5)\n"
"  -q, --quiet                no connection log, only the totals\n"
"      --json                 totals as one JSON object\n"
"  -h, --help                 show this help\n"
"  -V, --version              show the version\n"
"\n"
"Protocol: one request per line (ended by LF, CRLF or the end of the\n"
"stream; at most 1024 bytes), one reply per line, in order: the square,\n"
"or ERR empty request | not an integer | out of range | line too long.\n"
"QUIT is answered BYE and closes.\n"
"\n"
"Examples:\n"
"  tcp_server                      # then, elsewhere: tcp_client 192.168.1.5\n"
"  tcp_server -p 0 -b 127.0.0.1 -m fork\n"
"  tcp_server -m pool -t 8 --max-clients 100 --idle-timeout 30\n";

static const struct model *find_model(const char *name)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    if (strcmp(name, "uring") == 0)
        cli_usage_error("-m uring: this tcp_server was built without io_uring "
                        "(apt-get install liburing-dev, then make)");
    cli_usage_error("-m: '%s' is not epoll, thread, pool, fork, prefork, iterative or uring",
                    name);
}

static void parse_options(int argc, char **argv, struct server_config *cfg,
                          char *port, size_t port_size)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, 'p' },
        { "bind", required_argument, NULL, 'b' },
        { "model", required_argument, NULL, 'm' },
        { "threads", required_argument, NULL, 't' },
        { "max-clients", required_argument, NULL, 'M' },
        { "idle-timeout", required_argument, NULL, 'I' },
        { "send-timeout", required_argument, NULL, 'S' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *name;
    int c;

    *cfg = (struct server_config){ .model = "epoll", .max_clients = 10000,
                                   .threads = cpus > 0 ? (unsigned)cpus : 1,
                                   .idle_ms = -1,
                                   .send_timeout_ms = SERVER_SEND_TIMEOUT_S * 1000 };
    snprintf(port, port_size, "%d", PROTO_PORT);
    while ((c = cli_next_option(argc, argv, ":p:b:m:t:qhV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'p':
            cli_parse_port(name, optarg, 0, port);
            break;
        case 'b': cfg->bind = optarg; break;
        case 'm': find_model(optarg); cfg->model = optarg; break;
        case 't': cfg->threads = (unsigned)cli_parse_u64(name, optarg, 1, 1024); break;
        case 'M': cfg->max_clients = (unsigned)cli_parse_u64(name, optarg, 1, 1000000); break;
        case 'I': cfg->idle_ms = (int)cli_parse_u64(name, optarg, 1, 86400) * 1000; break;
        case 'S': cfg->send_timeout_ms = (int)cli_parse_u64(name, optarg, 1, 86400) * 1000; break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    cfg->port = port;
}

/* As many clients as the system allows us: the soft limit up to the hard one. */
static void raise_open_files_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* The listening socket, the spare descriptor and the counters. */
static int open_server(struct server *srv)
{
    int gai;

    srv->listen_fd = net_listen_tcp(srv->cfg->bind, srv->cfg->port, SOMAXCONN, &gai);
    if (srv->listen_fd < 0) {
        cli_listen_error(srv->cfg->bind, srv->cfg->port, gai);
        return -1;
    }
    /* Non-blocking: several threads or processes may race for one client. */
    fcntl(srv->listen_fd, F_SETFL, fcntl(srv->listen_fd, F_GETFL) | O_NONBLOCK);
    srv->stats = mmap(NULL, sizeof(*srv->stats), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (srv->stats == MAP_FAILED) {
        cli_error(errno, "setting up");
        return -1;
    }
    srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return 0;
}

static void print_listening(const struct server *srv)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char addr[NET_ADDR_STRLEN];

    getsockname(srv->listen_fd, (struct sockaddr *)&ss, &len);
    net_format((struct sockaddr *)&ss, len, addr);
    if (srv->cfg->json) {
        struct json j;

        json_init(&j);
        json_event_begin(&j, "listening", "tcp_server");
        json_str(&j, "addr", addr);
        json_i64(&j, "port", net_local_port(srv->listen_fd));
        json_str(&j, "model", srv->cfg->model);
        cli_print_json(&j);
    } else {
        const struct model *m = find_model(srv->cfg->model);
        unsigned n = srv->cfg->threads;
        char uses[64];

        snprintf(uses, sizeof(uses), m->uses, n,
                 n == 1 ? "" : m->serve == model_prefork ? "es" : "s");
        printf("listening on %s (model %s, %s)\n", addr, m->name, uses);
    }
}

static void print_totals(const struct server *srv, int status, double seconds)
{
    const struct server_stats *st = srv->stats;

    if (srv->cfg->json) {
        struct json j;

        json_init(&j);
        json_event_begin(&j, "summary", "tcp_server");
        json_str(&j, "model", srv->cfg->model);
        json_u64(&j, "connections", atomic_load(&st->connections));
        json_u64(&j, "requests", atomic_load(&st->requests));
        json_u64(&j, "err_replies", atomic_load(&st->errors));
        json_u64(&j, "refused", atomic_load(&st->refused));
        json_bool(&j, "ok", status == 0);
        json_double(&j, "seconds", seconds, 3);
        json_double(&j, "per_sec", timing_rate(atomic_load(&st->requests), seconds), 0);
        cli_print_json(&j);
        return;
    }
    printf("connections  %llu\nrequests     %llu\nerrors       %llu\nrefused      %llu\n",
           (unsigned long long)atomic_load(&st->connections),
           (unsigned long long)atomic_load(&st->requests),
           (unsigned long long)atomic_load(&st->errors),
           (unsigned long long)atomic_load(&st->refused));
}

int main(int argc, char **argv)
{
    struct server_config cfg;
    struct server srv = { .cfg = &cfg, .listen_fd = -1, .spare_fd = -1,
                          .announce = print_listening };
    char port[8];
    int status;

    cli_init(argv[0]);
    parse_options(argc, argv, &cfg, port, sizeof(port));
    serve_fn *serve = find_model(cfg.model)->serve;

    /* 1. A client that vanishes must cost us an EPIPE, not our life. */
    signal(SIGPIPE, SIG_IGN);
    /* 2. SIGINT/SIGTERM only post a stop request; each model watches for it. */
    if (stop_catch_signals() != 0) {
        cli_error(errno, "signal handlers");
        return 1;
    }
    /* 3. One listening socket, shared by every model. */
    raise_open_files_limit();
    if (open_server(&srv) != 0)
        return 1;

    /* 4. The lesson proper: the chosen model sets up, says "listening"
     *    (server_ready), and runs until told to stop. */
    uint64_t start = timing_now_ns();

    status = serve(&srv);
    if (!atomic_load(&srv.ready))
        return 1;                       /* it said why; it served nobody */

    /* 5. Account for everything, release everything. */
    print_totals(&srv, status, timing_seconds_since(start));
    close(srv.listen_fd);
    return status;
}
