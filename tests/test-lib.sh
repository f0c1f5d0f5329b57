# test-lib.sh - TAP for the integration scripts, in the manner of git's t/.
#
# A script sets test_description, sources this file, runs
#     test_expect_success 'title' 'shell commands'
# blocks and ends with test_done.  Each block runs in a subshell inside
# the script's own trash directory, which is removed when all passed.
# Environment: BINDIR (the programs), HELPERDIR (helper programs),
# SANITIZE (set for sanitized builds).
#
# To look into one script, as git's t/ does (tests/README.md):
#   -v, --verbose    each test's commands, then its output (TAP comments)
#   -x               -v, with each command traced as it runs (set -x)
#   -i, --immediate  stop at the first failure; its trash directory stays
#   --run=LIST       only these tests, the others a skip: N, N-M, N-
#                    (N to the end), -M (1 to M), joined by commas

verbose= trace= immediate= run_list=
for _arg; do
	case $_arg in
	-v|--verbose) verbose=t ;;
	-x) verbose=t trace=t ;;
	-i|--immediate) immediate=t ;;
	--run=*) run_list=$(echo "${_arg#--run=}" | tr , ' ') ;;
	*)	echo "$0: unknown option '$_arg' (-v, -x, -i or --run=LIST)" >&2
		exit 2 ;;
	esac
done
for _r in $run_list; do
	case $_r in
	*[!0-9-]*|*-*-*|-|'') echo "$0: --run: '$_r' is not N, N-M, N- or -M" >&2; exit 2 ;;
	esac
done

TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(cd "$(dirname "$0")" && pwd)
: "${BINDIR:=$TEST_DIR/../bin}"
: "${HELPERDIR:=$TEST_DIR/../build/default/tests/helpers}"
export BINDIR HELPERDIR
TRASH="$TEST_DIR/trash/$TEST_NAME.$$"
rm -rf "$TRASH" && mkdir -p "$TRASH" && cd "$TRASH" || exit 1

test_count=0
test_failures=0

# started_at PID: when the process started (clock ticks since boot), to
# tell it from a later process that got the same PID.
# (Read by the shell itself, as pid_alive does: no process started for it.)
started_at() {
	_st=
	read -r _st 2>/dev/null <"/proc/$1/stat" || return 0
	# Field 2, (comm), may hold blanks: drop everything up to its ")".
	set -- ${_st##*) }
	shift 19 && echo "$1"
}

# test_started PID: a process this test started in the background.  It
# (and its process group, if it leads one) is killed when the test block
# ends, passed or not, so that a failed test leaves nothing running.
# Only that very process: a PID that has since gone to another process
# (of another suite running beside this one, say) is left alone.
test_started() {
	echo "$1 $(started_at "$1")" >>"$TRASH/.pids"
}

test_cleanup() {
	[ -f "$TRASH/.pids" ] || return 0
	_killed=
	while read -r p t; do
		[ -n "$t" ] && [ "$(started_at "$p")" = "$t" ] || continue
		kill -KILL "-$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
		_killed="$_killed $p"
	done <"$TRASH/.pids"
	rm -f "$TRASH/.pids"
	# Before the next test: the killed ones gone (their ports and files
	# let go), waited for, not slept on; 2 s at most.
	_i=0
	for p in $_killed; do
		while pid_alive "$p" && [ $_i -lt 200 ]; do
			sleep 0.01
			_i=$((_i + 1))
		done
	done
}
trap test_cleanup EXIT

# test_expect_success [PREREQ,...] 'title' 'shell commands': one test.
# The commands are eval'ed in a subshell, so single-quote them: variables
# are expanded when the test runs.  With PREREQs (see test_have_prereq),
# a test whose prerequisites do not hold is a TAP skip that says why.
# With -i, the first failure ends the script (see the options above).
test_expect_success() {
	_tes_prereq=
	if [ $# -eq 3 ]; then
		_tes_prereq=$1
		shift
	fi
	if ! test_selected $((test_count + 1)); then
		test_skip "$1" "not in --run"
		return 0
	fi
	if [ -n "$_tes_prereq" ] && ! test_have_prereq "$_tes_prereq"; then
		test_skip "$1" "$prereq_missing"
		return 0
	fi
	test_count=$((test_count + 1))
	ls -A "$TRASH" >"$TRASH/.before"
	if [ -n "$verbose" ]; then
		echo "# expecting success of $TEST_NAME $test_count '$1':"
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
	if [ -n "$trace" ]; then
		(set -x; eval "$2") >"$TRASH/.out" 2>&1
	else
		(eval "$2") >"$TRASH/.out" 2>&1
	fi
	rc=$?
	test_cleanup
	[ -n "$verbose" ] && [ $rc -eq 0 ] && sed 's/^/#   /' "$TRASH/.out"
	if [ $rc -eq 0 ]; then
		# A passed test's files go with it: the next test starts from what
		# the script made, and cannot take a file of this one (a
		# "listening" line with another port, say) for its own.  A failed
		# test's stay, to be read.
		ls -A "$TRASH" | grep -vxF -f "$TRASH/.before" | grep -vx '\.out\|\.before' |
		while read -r _f; do rm -rf "${TRASH:?}/$_f"; done
		echo "ok $test_count - $1"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $1"
		# On stderr too, where prove shows it without -v.  (Not with
		# tee /dev/stderr: reopening a log file that way truncates it.)
		sed 's/^/#   /' "$TRASH/.out"
		sed 's/^/#   /' "$TRASH/.out" >&2
		if [ -n "$immediate" ]; then
			echo "1..$test_count"
			echo "# stopped at the first failure (-i); output kept in $TRASH"
			exit 1
		fi
	fi
}

# test_selected N: test N is to run (it is in --run's list, or there is
# no list).
test_selected() {
	[ -z "$run_list" ] && return 0
	for _r in $run_list; do
		case $_r in
		*-*)	_lo=${_r%-*} _hi=${_r#*-}
			[ -n "$_lo" ] || _lo=1
			[ -n "$_hi" ] || _hi=$1 ;;
		*)	_lo=$_r _hi=$_r ;;
		esac
		[ "$1" -ge "$_lo" ] && [ "$1" -le "$_hi" ] && return 0
	done
	return 1
}

# test_cmp EXPECTED ACTUAL: the two files are the same; if not, fails
# with a diff -u of them (lines expected with -, lines that came with +).
test_cmp() {
	if [ $# -ne 2 ]; then
		echo "test_cmp: two files, not $#: $*" >&2
		return 1
	fi
	diff -u -- "$1" "$2"
}

# test_skip 'title' 'reason'
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # SKIP $1 ($2)"
}

# Prerequisites, in the manner of git's test suite.
# test_lazy_prereq NAME 'reason when it does not hold' 'shell commands':
# NAME holds when the commands succeed; they run once, at first use.
test_lazy_prereq() {
	eval "prereq_script_$1=\$3 prereq_reason_$1=\$2"
}

# test_have_prereq NAME[,NAME...]: whether every one holds; if not,
# $prereq_missing says why (the reason of the first that does not).
test_have_prereq() {
	for _prq in $(echo "$1" | tr , ' '); do
		eval "_prq_state=\${prereq_state_$_prq-}"
		if [ -z "$_prq_state" ]; then
			eval "_prq_script=\${prereq_script_$_prq-false}"
			if (eval "$_prq_script") >/dev/null 2>&1; then _prq_state=yes; else _prq_state=no; fi
			eval "prereq_state_$_prq=$_prq_state"
		fi
		if [ "$_prq_state" = no ]; then
			eval "prereq_missing=\${prereq_reason_$_prq:-missing $_prq}"
			return 1
		fi
	done
	return 0
}

# The prerequisites the scripts share.
test_lazy_prereq IPV6 'no IPv6 on this machine' '
	grep -q "^00000000000000000000000000000001 " /proc/net/if_inet6
'
test_lazy_prereq ROOT 'needs root' '[ "$(id -u)" -eq 0 ]'
test_lazy_prereq NETNS 'needs root and network namespaces (unshare -n)' '
	[ "$(id -u)" -eq 0 ] && unshare -n true
'
test_lazy_prereq NOT_TSAN 'a data race on purpose: not for ThreadSanitizer' '
	[ "$SANITIZE" != thread ]
'
test_lazy_prereq MANDOC 'needs mandoc (apt-get install mandoc)' 'command -v mandoc'
# grade's tests run the course's Python versions (tests/grade/).
test_lazy_prereq PYTHON3 'needs python3 (apt-get install python3)' 'command -v python3'
# The long rounds (kill rounds, thousands of connections, the whole lab
# again as an ordinary user): CI runs them, and so does make test-full.
test_lazy_prereq EXPENSIVE 'a long round: make test-full (or EXPENSIVE=1) runs it' '
	test -n "$EXPENSIVE"
'
test_lazy_prereq SCRIPT 'needs script(1) (apt-get install bsdutils)' 'command -v script'
test_lazy_prereq NFT 'needs nft (apt-get install nftables)' 'command -v nft'
# Open MPI's own threads are not built for ThreadSanitizer: its reports
# would be about them, not about us (mpi_squares itself has one thread).
test_lazy_prereq MPI_NOT_TSAN 'Open MPI is not built for ThreadSanitizer' '[ "$SANITIZE" != thread ]'
test_lazy_prereq MPI 'needs Open MPI and mpi_squares: apt-get install openmpi-bin libopenmpi-dev, then make' '
	command -v mpirun && test -x "$BINDIR/mpi_squares"
'
# tcp_server -m uring: built with liburing, and io_uring allowed here
# (the model says so and exits 1 when the kernel refuses it).
test_lazy_prereq URING_BUILT 'tcp_server is built without io_uring: apt-get install liburing-dev, then make' '
	"$BINDIR/tcp_server" -m uring --help >/dev/null 2>&1
'
test_lazy_prereq URING 'the kernel refuses io_uring here (kernel.io_uring_disabled, or a seccomp filter)' '
	"$BINDIR/tcp_server" -m uring -t 1 -p 0 -b 127.0.0.1 -q >uring.probe 2>&1 &
	probe=$! &&
	wait_until 10 grep -q "^listening" uring.probe &&
	kill -TERM $probe && wait $probe
'

# on_terminal OUT 'COMMAND': COMMAND (one string, as sh reads it) on a
# terminal of its own (script(1)), in the background, the bytes that
# terminal shows in OUT.  Sets pid (script's; COMMAND runs as its child).
on_terminal() {
	: >"$1" || return 1                 # emptied now: see start_listener
	script -qfec "exec $2" /dev/null </dev/null >"$1" 2>&1 &
	pid=$!
	test_started $pid
}

# shows_progress SCREEN UNIT TOTAL: SCREEN (what on_terminal saw) has a
# progress line "N of TOTAL UNIT (P%), RATE/s, T left", and the last one
# was wiped (a line of blanks) before the summary's first line ("stopped"
# after Ctrl-C, else "received" or "stored").
shows_progress() {
	tr '\r' '\n' <"$1" >"$1.lines" &&
	grep -q "^[0-9]* of $3 $2 ([0-9.]*%), [0-9.]*[kMGT]\{0,1\}/s, [0-9].* left *\$" "$1.lines" &&
	grep -B1 "^stopped  \|^received  \|^stored  " "$1.lines" | head -1 | grep -q "^ *\$" ||
		{ cat -A "$1"; return 1; }
}

# progress_then_stop UNIT TOTAL 'COMMAND': COMMAND on a terminal until its
# progress line ("N of TOTAL UNIT (") shows, then Ctrl-C; the terminal's
# bytes in 'screen', with a progress line wiped before the summary.
progress_then_stop() {
	on_terminal screen "$3" &&
	wait_until 20 grep -q " of $2 $1 (" screen &&
	kill -INT $(children_of $pid) &&
	wait_bounded $pid 20 &&
	shows_progress screen "$1" "$2"
}

# no_progress_in_a_file COMMAND...: COMMAND, its output in files, run
# longer than a progress line waits, then Ctrl-C: its summary in 'out',
# and nothing on stderr.
no_progress_in_a_file() {
	"$@" >out 2>err &
	pid=$! && test_started $pid &&
	sleep 1.5 &&
	kill -INT $pid && wait_bounded $pid 20 &&
	grep -q "^stopped  " out && ! test -s err
}

# have_ipv6: this machine (or namespace) has IPv6 and its loopback ::1.
have_ipv6() {
	test_have_prereq IPV6
}

# test_expect_code CODE COMMAND...: COMMAND must exit with CODE.
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "expected exit code $want, got $got: $*" >&2
		return 1
	fi
}

# A command that must finish within SECONDS (a hang is a failure).
test_within() {
	timeout --kill-after=2 "$@"
}

# children_of PID: the PIDs whose parent is PID, from /proc.
children_of() {
	# Field 2, (comm), may hold blanks: drop everything up to its ")".
	# Through cat, which skips a process that ends meanwhile: awk given
	# the file names would fail on it, and so would the caller.
	cat /proc/[0-9]*/stat 2>/dev/null |
	awk -v p="$1" '{ pid = $1; sub(/.*\) /, ""); if ($2 == p) print pid }'
}

# count_children PID: how many children PID has.
count_children() {
	children_of "$1" | wc -l
}

# has_children PID N: PID has exactly N children.
has_children() {
	test "$(count_children "$1")" -eq "$2"
}

# pid_alive PID: the process exists and is not a zombie.
# (Read by the shell itself: it is polled, and a sed a poll would cost a
# process each time.)
pid_alive() {
	_st=
	read -r _st 2>/dev/null <"/proc/$1/stat" || return 1
	_st=${_st##*) }
	_st=${_st%% *}
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# pid_exists PID: the process exists at all, zombie or not.
pid_exists() {
	[ -e "/proc/$1/stat" ]
}

# poll_pause N: the pause after the Nth poll (from 0) of a wait: 10 ms
# for the first 5 (many waits end within them: a server's listening line,
# a process gone), 50 ms after that: a poll costs a process or two (some
# ms of CPU each), and a long wait must not take the CPU from what it
# waits for.  Adds the pause to $_waited (ms).
poll_pause() {
	if [ "$1" -lt 5 ]; then
		sleep 0.01
		_waited=$((_waited + 10))
	else
		sleep 0.05
		_waited=$((_waited + 50))
	fi
}

# wait_until SECONDS COMMAND...: poll COMMAND (see poll_pause) until it
# succeeds; fails once it has waited SECONDS.
wait_until() {
	_wu_ms=$(( $1 * 1000 ))
	shift
	_wu_polls=0 _waited=0
	while ! "$@"; do
		if [ $_waited -ge $_wu_ms ]; then
			echo "timed out after $((_wu_ms / 1000)) s ($_wu_polls polls): $*" >&2
			return 1
		fi
		poll_pause $_wu_polls
		_wu_polls=$((_wu_polls + 1))
	done
}

# at_least N PATTERN FILE: N lines of FILE or more match PATTERN (for
# wait_until, which runs its command afresh each time: a "$(grep -c)"
# in its arguments would be counted once, before the wait).
at_least() {
	test "$(grep -c -- "$2" "$3")" -ge "$1"
}

# wait_bounded PID SECONDS: wait for our child PID and return its exit
# status; if it is still running after SECONDS, kill it (status 137).
wait_bounded() {
	_wb_polls=0 _waited=0
	while pid_alive "$1" && [ $_waited -lt $(( $2 * 1000 )) ]; do
		poll_pause $_wb_polls
		_wb_polls=$((_wb_polls + 1))
	done
	if pid_alive "$1"; then
		echo "pid $1 still running after $2 s: killed" >&2
		kill -KILL "$1"
	fi
	wait "$1"
}

# sum_squares N: 1^2 + ... + N^2, exact at any size (perl's bigint),
# to check the programs' 128-bit sums with arithmetic of another kind.
sum_squares() {
	perl -Mbigint -e 'my $n = shift; print $n * ($n + 1) * (2 * $n + 1) / 6, "\n"' "$1"
}

# json_field FILE KEY: the value of KEY in a one-line JSON object
# (a number, true/false, or a string without its quotes).
json_field() {
	sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" "$1"
}

# start_listener OUT PROGRAM ARGS...: PROGRAM (tcp_server, udp_receiver)
# in the background, its stdout in OUT and stderr in OUT.err; waits for
# its "listening" line.  Sets pid, port and out.  $RUN_ON, if set, is a
# command to run it with (a lab node: "scripts/netlab run node1").
start_listener() {
	out=$1
	prog=$2
	shift 2
	# Emptied here, not by the child's redirection: under load the child
	# may not have run yet when we first look, and a file of the test
	# before would give its port.
	: >"$out" && : >"$out.err" || return 1
	$RUN_ON "$BINDIR/$prog" "$@" >"$out" 2>"$out.err" &
	pid=$!
	test_started $pid
	# The whole line, not just "listening": a read can catch a line
	# half written.
	wait_until 10 server_listening "$out" || { cat "$out.err"; return 1; }
	port=$(server_port "$out")
}

# start_server OUT ARGS...: tcp_server on a free loopback port.
start_server() {
	o=$1
	shift
	start_listener "$o" tcp_server -p 0 -b 127.0.0.1 "$@"
}

# start_receiver OUT ARGS...: udp_receiver on a free loopback port.
start_receiver() {
	o=$1
	shift
	start_listener "$o" udp_receiver -p 0 -b 127.0.0.1 "$@"
}

# server_port FILE: the port of the complete "listening on ADDR:PORT (...)"
# line (or JSON "listening" event) in FILE; fails while there is none.
server_port() {
	sed -n -e 's/^listening on .*:\([0-9]*\) (.*)$/\1/p' \
		-e 's/^{"event":"listening".*"port":\([0-9]*\).*}$/\1/p' "$1" | grep .
}

# server_listening FILE: the same, quietly.
server_listening() {
	server_port "$1" >/dev/null
}

# stop_listener PATTERN: SIGINT; the program must exit 0 and print
# PATTERN (its totals).
stop_listener() {
	kill -INT $pid &&
	wait_bounded $pid 10 &&
	grep -q "$1" "$out" && return 0
	echo "$(basename "$out") did not stop cleanly; its output:" >&2
	cat "$out" "$out.err" >&2
	return 1
}

stop_server() {
	stop_listener connections
}

stop_receiver() {
	stop_listener '^{"event":"summary"\|^[0-9]* nodes\{0,1\} ('
}

# grade_as_root_if_hidden: as root, grade runs the program under test as
# nobody, and refuses where nobody cannot enter the directory it runs in:
# in a checkout only root may enter (root's home), the scripts that grade
# what is in it (t0005, t700N) have grade run it as root (GRADE_USER).
# The tests of nobody itself unset it.
grade_as_root_if_hidden() {
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	   ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$TRASH/." 2>/dev/null; then
		GRADE_USER=root && export GRADE_USER
	fi
}

# What grade printed (its TAP, in FILE), for the t700N scripts: the ids
# of the checks lost, or skipped, in the order they ran, on one line;
# whether each ID given passed (an "ok" that is not a skip); the table's
# total, "GOT / MAX".
lost() {
	sed -n 's/^not ok [0-9]* - \([^ ]*\) .*/\1/p' "$1" | tr '\n' ' ' | sed 's/ $//'
}
skipped() {
	sed -n 's/^ok [0-9]* - \([^:]*\): .* # SKIP .*/\1/p' "$1" | tr '\n' ' ' | sed 's/ $//'
}
passed() {
	_f=$1
	shift
	for _id in "$@"; do
		grep "^ok [0-9]* - $_id " "$_f" | grep -qv '# SKIP' || return 1
	done
}
total() {
	sed -n 's/^#   total  *\([0-9.]* \/ [0-9.]*\).*/\1/p' "$1"
}

test_done() {
	echo "1..$test_count"
	cd "$TEST_DIR" || exit 1
	if [ $test_failures -eq 0 ]; then
		rm -rf "$TRASH"
		rmdir "$TEST_DIR/trash" 2>/dev/null
		exit 0
	fi
	echo "# failed $test_failures of $test_count; output kept in $TRASH"
	exit 1
}
