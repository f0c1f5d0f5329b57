/* proc - a forked child's tie to its parent. */
#include "proc.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

int proc_die_with_parent(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* Died before the request?  Then we were re-parented already. */
    return getppid() == parent ? 0 : -1;
}
