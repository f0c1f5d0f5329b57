/*
 * test_stop - the stop request (src/common/stop.c): what stop_signal()
 * and stop_posted() each hold.  The module keeps one global state, so
 * the tests run in this order, each building on the one before.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stop.h"
#include "tap.h"

static void before_catching_there_is_no_pipe_and_no_request(void)
{
    CHECK_INT(stop_fd(), ==, -1);
    CHECK_INT(stop_signal(), ==, 0);
    CHECK(!stop_posted());
}

/* The pipe, inherited, wakes a child that was blocked in poll(). */
static void a_request_wakes_a_forked_child_blocked_in_poll(void)
{
    int st = -1;
    pid_t pid;

    CHECK_INT(stop_catch_signals(), ==, 0);
    CHECK_INT(stop_fd(), >=, 0);
    CHECK(!stop_posted());
    pid = fork();
    if (pid == 0) {
        struct pollfd p = { .fd = stop_fd(), .events = POLLIN };

        _exit(poll(&p, 1, 10000) == 1 && stop_posted() && stop_signal() == 0 ? 0 : 1);
    }
    CHECK_INT(pid, >, 0);
    stop_request();
    CHECK_INT(waitpid(pid, &st, 0), ==, pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* stop_request is not a signal: stop_signal() stays 0, stop_posted() says yes. */
static void a_request_is_posted_but_names_no_signal(void)
{
    int saved;

    errno = EAGAIN;
    stop_request();
    saved = errno;
    CHECK_INT(saved, ==, EAGAIN);
    CHECK(stop_posted());
    CHECK_INT(stop_signal(), ==, 0);
}

static void a_signal_is_recorded_not_fatal(void)
{
    CHECK_INT(raise(SIGTERM), ==, 0);
    CHECK_INT(stop_signal(), ==, SIGTERM);
    CHECK(stop_posted());
}

int main(void)
{
    RUN_TEST(before_catching_there_is_no_pipe_and_no_request);
    RUN_TEST(a_request_wakes_a_forked_child_blocked_in_poll);
    RUN_TEST(a_request_is_posted_but_names_no_signal);
    RUN_TEST(a_signal_is_recorded_not_fatal);
    return tap_done();
}
