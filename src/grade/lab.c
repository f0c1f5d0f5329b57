/*
 * lab - the grader's own lab (--lab): three machines of the kit's
 * netlab, made for this run and removed at its end, so that a check can
 * run the implementation on one node and its peers on others, and cut a
 * node's cable in the middle.
 *
 * netlab makes the namespaces (as root, or without root in a user
 * namespace of the user's own); the grader then holds each node's
 * network namespace open, and a process of the grader's enters one
 * with setns(2): the implementation, between fork and exec (as root,
 * before it becomes the unprivileged user), and the grader's own
 * sockets, made by a short-lived child that enters the node, opens the
 * socket and hands it back over a UNIX socket.  A socket belongs to
 * the network namespace it was made in, wherever it is used after.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grade.h"
#include "net.h"

#ifndef KIT_NETLAB
#define KIT_NETLAB "netlab"
#endif

enum { NETLAB_MS = 30000 };     /* for one netlab command */

void lab_prepare(struct lab *lab, const char *kitdir, const char *workdir)
{
    memset(lab, 0, sizeof *lab);
    lab->userns_fd = -1;
    for (int i = 0; i <= LAB_NODES; i++)
        lab->netns_fd[i] = -1;
    /* Installed, netlab is beside grade; in the tree, in scripts/ */
    snprintf(lab->netlab, sizeof lab->netlab, "%s/netlab", kitdir);
    if (access(lab->netlab, X_OK) != 0)
        snprintf(lab->netlab, sizeof lab->netlab, "%s", KIT_NETLAB);
    /* A lab of this run's own: two graders side by side make two */
    snprintf(lab->prefix, sizeof lab->prefix, "grade%ld", (long)getpid());
    snprintf(lab->state, sizeof lab->state, "%s/lab", workdir);
}

/* What every netlab command of this lab is run with: its prefix and,
 * without root, its state in the run's own directory. */
struct netlab_env {
    char prefix[64], state[PATH_MAX + 32];
    char *list[3];
};

static char **netlab_env(const struct lab *lab, struct netlab_env *e)
{
    snprintf(e->prefix, sizeof e->prefix, "NETLAB_PREFIX=%s", lab->prefix);
    snprintf(e->state, sizeof e->state, "XDG_RUNTIME_DIR=%s", lab->state);
    e->list[0] = e->prefix;
    e->list[1] = e->state;
    e->list[2] = NULL;
    return e->list;
}

/* Run 'netlab A1 [A2]' for this lab, its output (stdout and stderr) in
 * 'out'.  Returns its exit status, -1 when it could not run. */
static int netlab(const struct lab *lab, char *out, size_t cap, const char *a1,
                  const char *a2)
{
    struct netlab_env e;
    char *argv[] = { (char *)lab->netlab, (char *)a1, (char *)a2, NULL };
    return run_program(argv, netlab_env(lab, &e), true, out, cap, NETLAB_MS);
}

/* The last line netlab said, without "netlab: ", as the reason. */
static void why_from(struct lab *lab, const char *what, const char *out)
{
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '\n')
        len--;
    const char *line = out + len;
    while (line > out && line[-1] != '\n')
        line--;
    if (strncmp(line, "netlab: ", 8) == 0)
        line += 8;
    snprintf(lab->why, sizeof lab->why, "%s: %.*s", what, (int)(len - (size_t)(line - out)),
             line);
}

/* Open what the processes of the lab enter: each node's network
 * namespace and, without root, the lab's user namespace (through its
 * holder, whose PID netlab keeps in the state file). */
static int open_namespaces(struct lab *lab)
{
    char path[PATH_MAX + 64], root[PATH_MAX + 32] = "";
    if (geteuid() != 0) {
        char file[PATH_MAX + 64];
        snprintf(file, sizeof file, "%s/netlab/%s", lab->state, lab->prefix);
        FILE *f = fopen(file, "re");
        long holder = 0;
        if (f == NULL || fscanf(f, "%ld", &holder) != 1 || holder <= 1) {
            if (f != NULL)
                fclose(f);
            snprintf(lab->why, sizeof lab->why, "netlab up: no holder of the lab in %.300s", file);
            return -1;
        }
        fclose(f);
        lab->holder = (pid_t)holder;
        snprintf(path, sizeof path, "/proc/%ld/ns/user", holder);
        lab->userns_fd = open(path, O_RDONLY | O_CLOEXEC);
        /* the namespace files are in the holder's own /run */
        snprintf(root, sizeof root, "/proc/%ld/root", holder);
        if (lab->userns_fd < 0) {
            snprintf(lab->why, sizeof lab->why, "cannot open %.300s: %s", path, strerror(errno));
            return -1;
        }
    }
    for (int i = 1; i <= LAB_NODES; i++) {
        snprintf(path, sizeof path, "%s/run/netns/%s-node%d", root, lab->prefix, i);
        lab->netns_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (lab->netns_fd[i] < 0) {
            snprintf(lab->why, sizeof lab->why, "cannot open %.300s: %s", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int lab_up(struct lab *lab)
{
    char out[4096], nodes[8];
    if (mkdir(lab->state, 0700) < 0 && errno != EEXIST) {
        snprintf(lab->why, sizeof lab->why, "cannot make %.300s: %s", lab->state, strerror(errno));
        return -1;
    }
    snprintf(nodes, sizeof nodes, "%d", LAB_NODES);
    int rc = netlab(lab, out, sizeof out, "up", nodes);
    if (rc != 0) {
        why_from(lab, "netlab up", out);
        lab_down(lab);
        return -1;
    }
    lab->up = true;
    if (open_namespaces(lab) != 0) {
        lab_down(lab);
        return -1;
    }
    /* netlab's addresses, asked rather than assumed */
    for (int i = 1; i <= LAB_NODES; i++) {
        char n[8];
        snprintf(n, sizeof n, "%d", i);
        if (netlab(lab, out, sizeof out, "addr", n) != 0) {
            why_from(lab, "netlab addr", out);
            lab_down(lab);
            return -1;
        }
        out[strcspn(out, "\n")] = '\0';
        snprintf(lab->addr[i], sizeof lab->addr[i], "%.15s", out);
    }
    return 0;
}

pid_t lab_link_start(const struct lab *lab, int node, bool cut)
{
    char n[8];
    struct netlab_env e;
    char **env = netlab_env(lab, &e);
    snprintf(n, sizeof n, "%d", node);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        for (char **v = env; *v != NULL; v++)
            putenv(*v);
        execl(lab->netlab, "netlab", cut ? "cut" : "heal", n, (char *)NULL);
        _exit(127);
    }
    return pid;
}

bool lab_link_done(pid_t pid, int *status)
{
    int st;
    if (waitpid(pid, &st, WNOHANG) != pid)
        return false;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return true;
}

int lab_link(const struct lab *lab, int node, bool cut)
{
    char out[1024], n[8];
    snprintf(n, sizeof n, "%d", node);
    return netlab(lab, out, sizeof out, cut ? "cut" : "heal", n) == 0 ? 0 : -1;
}

void lab_down(struct lab *lab)
{
    for (int i = 0; i <= LAB_NODES; i++)
        if (lab->netns_fd[i] >= 0) {
            close(lab->netns_fd[i]);
            lab->netns_fd[i] = -1;
        }
    if (lab->userns_fd >= 0)
        close(lab->userns_fd);
    lab->userns_fd = -1;
    char out[1024];
    netlab(lab, out, sizeof out, "down", NULL);
    if (lab->holder > 0)
        waitpid(lab->holder, NULL, WNOHANG);  /* reparented to us: ours to reap */
    lab->holder = 0;
    lab->up = false;
}

/*
 * In the lab's user namespace we are its root, with every capability
 * over the lab: a program under test could take its cable down, or
 * enter the hub and undo a cut.  Before exec, none of them, for good:
 * the bounding set emptied (an exec as uid 0 gains nothing back), the
 * sets cleared, no new privileges.
 */
static int powerless(void)
{
    for (int cap = 0; cap <= 63; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return -1;
    struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct none[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
    if (syscall(SYS_capset, &head, none) < 0)
        return -1;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int lab_enter(const struct lab *lab, int node)
{
    if (node < 1 || node > LAB_NODES || lab->netns_fd[node] < 0) {
        errno = EINVAL;
        return -1;
    }
    if (lab->userns_fd >= 0 && setns(lab->userns_fd, CLONE_NEWUSER) < 0)
        return -1;
    if (setns(lab->netns_fd[node], CLONE_NEWNET) < 0)
        return -1;
    return lab->userns_fd >= 0 ? powerless() : 0;
}

int lab_socket(const struct lab *lab, int node, int type)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        int fd = -1, err = 0;
        if (lab_enter(lab, node) < 0 || (fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) < 0)
            err = errno;
        union {
            struct cmsghdr h;
            char space[CMSG_SPACE(sizeof(int))];
        } ctl;
        struct iovec iov = { &err, sizeof err };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
        if (fd >= 0) {
            m.msg_control = ctl.space;
            m.msg_controllen = sizeof ctl.space;
            struct cmsghdr *c = CMSG_FIRSTHDR(&m);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &fd, sizeof fd);
        }
        _exit(sendmsg(sv[1], &m, 0) < 0 ? 1 : 0);
    }
    close(sv[1]);
    int err = EIO, fd = -1;
    union {
        struct cmsghdr h;
        char space[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct iovec iov = { &err, sizeof err };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
                        .msg_controllen = sizeof ctl.space };
    ssize_t n = recvmsg(sv[0], &m, MSG_CMSG_CLOEXEC);
    struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
    if (c != NULL && c->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
    close(sv[0]);
    waitpid(pid, NULL, 0);
    if (fd < 0)
        errno = n > 0 && err != 0 ? err : EIO;
    return fd;
}

int lab_dial(const struct lab *lab, int node, int to, const char *port, int timeout_ms)
{
    struct addrinfo *ai;
    if (net_resolve(lab->addr[to], port, SOCK_STREAM, &ai) != 0) {
        errno = EINVAL;
        return -1;
    }
    int fd = lab_socket(lab, node, SOCK_STREAM);
    if (fd >= 0 && net_connect_fd(fd, ai, timeout_ms) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

void lab_port(char *buf)
{
    /* each check a port of its own: a server that did not set
     * SO_REUSEADDR cannot bind again where the last one's connections
     * linger in TIME_WAIT */
    static unsigned next;
    snprintf(buf, 8, "%u", 7100 + next++ % 800);
}

bool lab_ready(const struct grade_opts *o, struct verdict *v)
{
    if (o->lab != NULL && o->lab->up)
        return true;
    verdict_skip(v, o->lab != NULL && o->lab->why[0] != '\0' ? o->lab->why : "no lab");
    return false;
}
