/*
 * stage - --stage ROLE: one role of ipc_multiprocess alone, stdin to
 * stdout, so that the shell can build the same pipeline with '|'.
 */
#include "ipc_multiprocess.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "stop.h"
#include "summary.h"
#include "timing.h"

enum role stage_parse(const char *name)
{
    if (strcmp(name, "generate") == 0)
        return ROLE_GENERATE;
    if (strcmp(name, "square") == 0)
        return ROLE_SQUARE;
    if (strcmp(name, "store") == 0)
        return ROLE_STORE;
    cli_usage_error("--stage: '%s' is not generate, square or store", name);
}

/* A binary stage refuses a terminal, as gzip does. */
static void refuse_terminal(int fd, const char *stage, const char *what)
{
    if (isatty(fd))
        cli_usage_error("--stage %s %s frames through a pipe, not a terminal",
                        stage, what);
}

int stage_run(const struct ipc_config *cfg)
{
    int in = STDIN_FILENO, out = STDOUT_FILENO;
    struct ipc_result res = { .workers = 1 };
    uint64_t start = timing_now_ns();
    int status;

    signal(SIGPIPE, SIG_IGN);
    if (cfg->stage == ROLE_GENERATE) {
        refuse_terminal(out, "generate", "writes");
        stop_catch_signals();       /* Ctrl-C: an end mark that says so */
        return generator_run(&out, 1, cfg->count, cfg->batch, false);
    }
    refuse_terminal(in, cfg->stage == ROLE_SQUARE ? "square" : "store", "reads");
    signal(SIGINT, SIG_IGN);            /* Ctrl-C: wait for the end mark */
    if (cfg->stage == ROLE_SQUARE) {
        refuse_terminal(out, "square", "writes");
        return worker_run(in, out, 1, false);
    }
    status = storage_run(&in, 1, false, 0, &res.rep);
    if (res.rep.received == 0 && res.rep.ended == 0)
        return 1;                       /* it said why: no summary of nothing */
    res.have_report = true;
    res.count = res.rep.ended ? res.rep.generated : res.rep.received;
    res.batch = res.rep.max_batch;
    res.seconds = timing_seconds_since(start);
    summary_print(&res, cfg->json);
    return status != 0 || !summary_ok(&res);
}
