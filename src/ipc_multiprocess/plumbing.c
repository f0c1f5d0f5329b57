/* plumbing - the pipes of ipc_multiprocess: made up front, then pruned per process. */
#include "ipc_multiprocess.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

enum { PIPE_SIZE = 1 << 20 };

int plumbing_open(struct plumbing *p, unsigned workers)
{
    p->report[0] = p->report[1] = -1;
    p->task = calloc(workers, sizeof(*p->task));
    p->result = calloc(workers, sizeof(*p->result));
    if (p->task == NULL || p->result == NULL)
        return -1;
    p->workers = workers;
    for (unsigned i = 0; i < workers; i++)
        p->task[i][0] = p->task[i][1] = p->result[i][0] = p->result[i][1] = -1;
    for (unsigned i = 0; i < workers; i++) {
        if (pipe2(p->task[i], O_CLOEXEC) != 0 || pipe2(p->result[i], O_CLOEXEC) != 0)
            return -1;
        /*
         * A bigger pipe lets a writer run further ahead before it must
         * sleep, so big batches cost fewer context switches.  Only a
         * hint, and only for a few workers: a user's pipes share a
         * budget (/proc/sys/fs/pipe-user-pages-soft).  Refusal is fine.
         */
        if (workers <= 8) {
            fcntl(p->task[i][1], F_SETPIPE_SZ, PIPE_SIZE);
            fcntl(p->result[i][1], F_SETPIPE_SZ, PIPE_SIZE);
        }
    }
    return pipe2(p->report, O_CLOEXEC);
}

size_t plumbing_role_ends(const struct plumbing *p, enum role role, unsigned id,
                          int *keep)
{
    size_t n = 0;

    switch (role) {
    case ROLE_GENERATE:
        for (unsigned i = 0; i < p->workers; i++)
            keep[n++] = p->task[i][1];
        break;
    case ROLE_SQUARE:
        keep[n++] = p->task[id - 1][0];
        keep[n++] = p->result[id - 1][1];
        break;
    default:
        for (unsigned i = 0; i < p->workers; i++)
            keep[n++] = p->result[i][0];
        keep[n++] = p->report[1];
    }
    return n;
}

static void close_unless_kept(int *fd, const int *keep, size_t nkeep)
{
    for (size_t k = 0; k < nkeep; k++)
        if (keep[k] == *fd)
            return;
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

void plumbing_keep_only(struct plumbing *p, const int *keep, size_t nkeep)
{
    for (unsigned i = 0; i < p->workers; i++)
        for (int end = 0; end < 2; end++) {
            close_unless_kept(&p->task[i][end], keep, nkeep);
            close_unless_kept(&p->result[i][end], keep, nkeep);
        }
    for (int end = 0; end < 2; end++)
        close_unless_kept(&p->report[end], keep, nkeep);
}

void plumbing_free(struct plumbing *p)
{
    plumbing_keep_only(p, NULL, 0);
    free(p->task);
    free(p->result);
}
