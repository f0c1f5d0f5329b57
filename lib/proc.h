/*
 * proc - a forked child's tie to its parent.
 */
#ifndef KIT_PROC_H
#define KIT_PROC_H

#include <sys/types.h>

/*
 * In a child just forked by 'parent': have the kernel kill this process
 * (SIGKILL) when the parent dies, so that no child outlives the program
 * that started it.  Returns 0, or -1 when the parent has died already
 * (before the request was made): the caller should _exit.
 */
int proc_die_with_parent(pid_t parent);

#endif
