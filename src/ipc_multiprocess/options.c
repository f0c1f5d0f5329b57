/*
 * options - ipc_multiprocess's command line: the usage text and the
 * option table side by side, parsed into one struct ipc_config.
 */
#include "ipc_multiprocess.h"

#include <getopt.h>

#include "cli.h"
#include "frame.h"

static const char usage_text[] =
"Usage: ipc_multiprocess [-n COUNT] [-w WORKERS] [-b BATCH] [-q] [--json]\n"
"       ipc_multiprocess --stage generate|square|store [-n COUNT] [-b BATCH]\n"
"\n"
"A generator process sends the numbers 1..COUNT through pipes to WORKERS\n"
"worker processes, which square them and send the squares to a storage\n"
"process, which adds them up.  The sum is checked against n(n+1)(2n+1)/6.\n"
"\n"
"  -n, --count COUNT      numbers to square, 0..4294967296 (default 10)\n"
"  -w, --workers WORKERS  worker processes, 1..128 (default 1)\n"
"  -b, --batch BATCH      numbers per write, 1..65536 (default 1)\n"
"  -q, --quiet            print only the summary\n"
"      --json             print the summary as one JSON object (with\n"
"                         --stage, only store has one)\n"
"      --stage ROLE       run one role alone, stdin to stdout, so that the\n"
"                         shell can build the same pipeline\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Each step is printed when COUNT is at most 20.  Ctrl-C stops the run\n"
"with a summary of what was done.\n"
"\n"
"Examples:\n"
"  ipc_multiprocess -n 5 -w 2\n"
"  ipc_multiprocess -n 100000000 -b 1024 -q\n"
"  ipc_multiprocess --stage generate -n 1000 | ipc_multiprocess --stage square |\n"
"      ipc_multiprocess --stage store\n";

void options_parse(int argc, char **argv, struct ipc_config *cfg)
{
    static const struct option longopts[] = {
        { "count", required_argument, NULL, 'n' },
        { "workers", required_argument, NULL, 'w' },
        { "batch", required_argument, NULL, 'b' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, 'j' },
        { "stage", required_argument, NULL, 's' },
        CLI_STANDARD_OPTIONS,   /* --help, --version, the end */
    };
    const char *name;
    int c;

    *cfg = (struct ipc_config){ .count = 10, .workers = 1, .batch = 1 };
    while ((c = cli_next_option(argc, argv, ":n:w:b:qhV", longopts, usage_text,
                                &name)) != -1) {
        switch (c) {
        case 'n': cfg->count = cli_parse_u64(name, optarg, 0, 1ULL << 32); break;
        case 'w': cfg->workers = (unsigned)cli_parse_u64(name, optarg, 1, MAX_WORKERS); break;
        case 'b': cfg->batch = (unsigned)cli_parse_u64(name, optarg, 1, FRAME_MAX_BATCH); break;
        case 'q': cfg->quiet = true; break;
        case 'j': cfg->json = true; break;
        case 's': cfg->stage = stage_parse(optarg); break;
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (cfg->json && (cfg->stage == ROLE_GENERATE || cfg->stage == ROLE_SQUARE))
        cli_usage_error("--json: --stage %s writes frames, not a summary "
                        "(--json goes with --stage store)",
                        cfg->stage == ROLE_GENERATE ? "generate" : "square");
    if (!cfg->quiet && !cfg->json && cli_progress_wanted(stderr))
        cfg->progress_of = cfg->count;
}
