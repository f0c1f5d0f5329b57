#!/bin/sh
# t1002-ipc-faults - a dead child, Ctrl-C and garbage never hang ipc_multiprocess.
test_description='kill -9 of each role, SIGINT, garbage on a stage'
. "$(dirname "$0")/test-lib.sh"

# start_run: a run long enough to be killed mid-way; sets pid.
start_run() {
	"$BINDIR/ipc_multiprocess" -n 4000000000 -w 2 -q >out 2>err &
	pid=$!
	test_started $pid
	wait_until 10 has_children $pid 4 || { echo "children never appeared"; return 1; }
	children_of $pid >kids
}

# child_by_name COMM: the child of $pid with that name.
child_by_name() {
	for c in $(cat kids); do
		if [ "$(cat /proc/$c/comm 2>/dev/null)" = "$1" ]; then
			echo $c
			return 0
		fi
	done
	return 1
}

# none_left: every child is gone (reaped, not a zombie, not an orphan).
none_left() {
	for c in $(cat kids); do
		if pid_exists $c; then echo "child $c still exists"; return 1; fi
	done
}

for role in ${ROLES:-generator worker-1 worker-2 storage}; do
	label=$(echo $role | sed 's/-/ /')
	test_expect_success "kill -9 of the $label: exit 1, named, nothing left" '
		start_run &&
		victim=$(child_by_name ipc-$role) &&
		test -n "$victim" &&
		sleep 0.2 &&
		kill -KILL $victim &&
		test_expect_code 1 wait_bounded $pid 10 &&
		grep -q "^ipc_multiprocess: $label (pid $victim) was killed by signal 9 (Killed)$" err &&
		grep -q "^result       MISMATCH$" out &&
		none_left
	'
done

test_expect_success 'after a worker dies, the storage reports what arrived' '
	start_run &&
	sleep 0.2 &&
	kill -KILL $(child_by_name ipc-worker-1) &&
	test_expect_code 1 wait_bounded $pid 10 &&
	grep -q "^received     [0-9]* of 4000000000 squares" out &&
	n=$(sed -n "s/^received     \([0-9]*\) of.*/\1/p" out) &&
	test "$n" -gt 0 && test "$n" -lt 4000000000
'

test_expect_success 'after the storage dies, the summary says the results are lost' '
	start_run &&
	kill -KILL $(child_by_name ipc-storage) &&
	test_expect_code 1 wait_bounded $pid 10 &&
	grep -q "^received     unknown: the storage process died" out
'

test_expect_success 'SIGINT to the parent: partial summary, checked, exit 0' '
	start_run &&
	sleep 0.3 &&
	kill -INT $pid &&
	wait_bounded $pid 10 &&
	grep -q "^stopped      after [0-9]* of 4000000000 numbers (interrupted)$" out &&
	grep -q "^result       OK$" out &&
	test ! -s err &&
	none_left
'

test_expect_success 'Ctrl-C (SIGINT to the whole process group): the same' '
	setsid "$BINDIR/ipc_multiprocess" -n 4000000000 -w 3 --json >out 2>err &
	pid=$! &&
	test_started $pid &&
	wait_until 10 has_children $pid 5 &&
	children_of $pid >kids &&
	sleep 0.3 &&
	kill -INT -$pid &&
	wait_bounded $pid 10 &&
	grep -q "\"interrupted\":true" out &&
	grep -q "\"ok\":true" out &&
	none_left
'

test_expect_success 'SIGTERM is a clean stop too' '
	start_run &&
	kill -TERM $pid &&
	wait_bounded $pid 10 &&
	grep -q "^result       OK$" out
'

head -c 100000 /dev/urandom >random
test_expect_success '--stage square < random bytes: says so, exit 1' '
	test_expect_code 1 test_within 10 "$BINDIR/ipc_multiprocess" --stage square <random >/dev/null 2>err &&
	grep -q "^ipc_multiprocess: worker 1: input is not frames of ipc_multiprocess (text?  A stage reads what the stage before it writes)$" err
'

test_expect_success '--stage store < random bytes: says so, exit 1' '
	test_expect_code 1 test_within 10 "$BINDIR/ipc_multiprocess" --stage store <random >out 2>err &&
	grep -q "storage: input 1 is not frames of ipc_multiprocess" err &&
	! test -s out
'

test_expect_success '--stage store < /dev/urandom itself: stops at once' '
	test_expect_code 1 test_within 10 "$BINDIR/ipc_multiprocess" --stage store </dev/urandom >out 2>err
'

test_expect_success 'generate piped straight into store: told to square first' '
	"$BINDIR/ipc_multiprocess" --stage generate -n 10 >nums &&
	test_expect_code 1 "$BINDIR/ipc_multiprocess" --stage store <nums 2>err &&
	grep -q "numbers, not squares (put .--stage square. before it)" err
'

test_expect_success 'a stream cut short is reported, not taken for the whole' '
	"$BINDIR/ipc_multiprocess" --stage generate -n 1000 >nums &&
	head -c 5000 nums >cut &&
	test_expect_code 1 "$BINDIR/ipc_multiprocess" --stage square <cut >sq 2>err1 &&
	grep -q "^ipc_multiprocess: worker 1: input ends in the middle of a frame (did its sender die?)$" err1 &&
	test_expect_code 1 "$BINDIR/ipc_multiprocess" --stage store <sq >out 2>err2 &&
	grep -q "^ipc_multiprocess: storage: input 1 ends without the end mark (did its sender die?)$" err2 &&
	grep -q "^result       MISMATCH$" out
'

test_done
