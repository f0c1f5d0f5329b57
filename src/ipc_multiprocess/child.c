/* child - the parent's children: how messages and ps name each, and how each ended. */
#include "ipc_multiprocess.h"

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "cli.h"

const char *child_label(const struct child *kid)
{
    static char label[32];

    if (kid->role == ROLE_SQUARE)
        snprintf(label, sizeof(label), "worker %u", kid->id);
    else
        snprintf(label, sizeof(label), "%s",
                 kid->role == ROLE_GENERATE ? "generator" : "storage");
    return label;
}

void child_name_process(const struct child *kid)
{
    char name[16];              /* the kernel keeps 15 characters */

    if (kid->role == ROLE_SQUARE)
        snprintf(name, sizeof(name), "ipc-worker-%u", kid->id);
    else
        snprintf(name, sizeof(name), "ipc-%.11s", child_label(kid));
    prctl(PR_SET_NAME, name);
}

struct child *child_find(struct child *kids, unsigned n, pid_t pid)
{
    for (unsigned i = 0; i < n; i++)
        if (kids[i].pid == pid)
            return &kids[i];
    return NULL;
}

unsigned child_report_failures(const struct child *kids, unsigned n)
{
    unsigned failed = 0;

    for (unsigned i = 0; i < n; i++) {
        const struct child *kid = &kids[i];

        if (WIFSIGNALED(kid->status)) {
            int sig = WTERMSIG(kid->status);

            cli_error(0, "%s (pid %d) was killed by signal %d (%s)",
                      child_label(kid), (int)kid->pid, sig, strsignal(sig));
            failed++;
        } else if (WIFEXITED(kid->status) && WEXITSTATUS(kid->status) != 0) {
            cli_error(0, "%s (pid %d) exited with status %d",
                      child_label(kid), (int)kid->pid, WEXITSTATUS(kid->status));
            failed++;
        }
    }
    return failed;
}
