#!/bin/sh
# t7003-grade-work - grade's ipc and threads specs proven to discriminate:
# the kit's ipc_multiprocess and threading_example full marks in both
# profiles, the course's Python full marks in course, each flawed variant
# losing exactly the checks its mistake costs, and programs made here for
# the faults the Python does not show (children left behind, Ctrl-C
# ignored, the sum on stderr, a sum line that contradicts the sum).
test_description='grade: the ipc and threads specs'
. "$(dirname "$0")/test-lib.sh"

grade="$BINDIR/grade"
grade_as_root_if_hidden
ipc="$BINDIR/ipc_multiprocess"
threads="$BINDIR/threading_example"
py="$TEST_DIR/grade"

# python3 for COMMAND.  As root grade runs COMMAND as nobody, who cannot
# reach an interpreter under root's home (pyenv's shims): the system's
# first.
python=
for p in /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3)"; do
	if test -x "$p"; then python=$p; break; fi
done
test_lazy_prereq PYTHON3 'needs python3 (apt-get install python3)' 'test -n "$python"'
test_lazy_prereq COURSE 'needs the course'"'"'s Python versions in tests/grade/' '
	test -f "$py/course/ipc.py" && test -f "$py/flawed/threads_no_lock.py"
'

test_expect_success 'the lists: ids, categories, profiles, points' '
	"$grade" ipc --list >out &&
	grep -q "^ipc\.sum  *basic  *course,full  *3 " out &&
	grep -q "^ipc\.large  *concurrency  *course,full  *2 " out &&
	grep -q "^ipc\.kill-child  *faults  *full  *2 " out &&
	grep -q "^ipc\.sigint  *shutdown  *full  *1 " out &&
	"$grade" threads --list >out &&
	grep -q "^threads\.sum  *basic  *course,full  *3 " out &&
	grep -q "^threads\.race  *concurrency  *course,full  *3 " out &&
	grep -q "^threads\.no-deadlock  *concurrency  *course,full  *2 " out &&
	grep -q "^threads\.sigint  *shutdown  *full  *1 " out
'

test_expect_success 'the kit'"'"'s ipc_multiprocess: full marks in both profiles' '
	test_within 60 "$grade" ipc -- "$ipc" -n {n} >out || { cat out; exit 1; }
	test "$(total out)" = "5 / 5" &&
	test_within 60 "$grade" ipc --profile full -v -- "$ipc" -n {n} >out || { cat out; exit 1; }
	test "$(total out)" = "8 / 8" &&
	grep -q "^#   ran: $ipc -n 1000$" out &&
	grep -q "^#     its sum line: \"sum          333833500\"$" out &&
	grep -q "after kill -9 of its child pid [0-9]* (ipc-worker-1, the middle one by pid of 3), nothing of it left running$" out
'

test_expect_success 'the kit'"'"'s threading_example: full marks in both profiles' '
	test_within 60 "$grade" threads -- "$threads" -n {n} -c {consumers} -s {capacity} >out ||
		{ cat out; exit 1; }
	test "$(total out)" = "8 / 8" &&
	test_within 60 "$grade" threads --profile full -v -- "$threads" -n {n} -c {consumers} -s {capacity} >out ||
		{ cat out; exit 1; }
	test "$(total out)" = "9 / 9" &&
	grep -q "^#   ran: $threads -n 500 -c 16 -s 1$" out &&
	grep -q "^#   20 runs, each with the exact sum 41791750, " out &&
	grep -q "^#   ran: $threads -n 1000 -c 64 -s 1$" out
'

test_expect_success 'without {n}: the N of --n; what it cannot ask for is skipped or said' '
	test_within 60 "$grade" ipc --profile full --n 1000 -- "$ipc" -n 1000 -q >out ||
		{ cat out; exit 1; }
	test "$(skipped out)" = "ipc.large ipc.kill-child ipc.sigint" &&
	grep -q "# SKIP COMMAND has no {n}, and its N (--n) is below 20000" out &&
	test "$(total out)" = "3 / 3" &&
	test_within 60 "$grade" threads -v --n 2000 -- "$threads" -n 2000 >out || { cat out; exit 1; }
	test "$(total out)" = "8 / 8" &&
	grep -q "^#   COMMAND has no {consumers} nor {capacity}: those runs use the program'"'"'s own" out
'

# --racy appends without the lock and says MISMATCH, then prints the
# right sum as the expected one: its sum line is what counts.
test_expect_success NOT_TSAN 'a race: wrong sums that differ from run to run, said so' '
	test_expect_code 1 test_within 60 "$grade" threads --only threads.race \
		-- "$threads" -n {n} -c {consumers} -s {capacity} --racy >out &&
	test "$(lost out)" = "threads.race" &&
	grep -q "^#   a race: [0-9]* of 20 runs printed a wrong sum (N = 500, expected 41791750)" out &&
	grep -q "^#     a sum line: \"sum          [0-9]*\"$" out &&
	grep -q "under one lock" out
'

test_expect_success 'the same wrong sum every time is not called a race' '
	cat >wrong <<-\EOF &&
	#!/bin/sh
	echo "sum = 12345"
	EOF
	chmod 755 wrong &&
	test_expect_code 1 test_within 60 "$grade" threads -- ./wrong {n} >out &&
	test "$(lost out)" = "threads.sum threads.race" &&
	grep -q "^#   every run printed the same line, without the sum 41791750 (N = 500): not a race" out &&
	grep -q "^#   its output does not show the sum of the squares of 1..1000, 333833500, as a whole word$" out &&
	grep -q "^#     its sum line: \"sum = 12345\"$" out
'

test_expect_success 'the sum on stderr, or as a float: not the sum, and the log says where it is' '
	cat >stderr <<-\EOF &&
	#!/bin/sh
	echo "sum = 333833500" >&2
	echo "sum = 3.338335e+08"
	EOF
	chmod 755 stderr &&
	test_expect_code 1 "$grade" ipc --only ipc.sum -- ./stderr {n} >out &&
	grep -q "333833500, as a whole word (it is on stderr: the result belongs on stdout)$" out &&
	grep -q "^#     its sum line: \"sum = 3.338335e+08\"$" out
'

# Children that outlive the program after one of them is killed (it waits
# for the killed one only), and a program that ignores Ctrl-C.
test_expect_success EXPENSIVE 'kill -9 of a child: the rest of the program left running is a failure' '
	cat >leaves <<-\EOF &&
	#!/bin/sh
	sleep 311 &
	sleep 312 & middle=$!
	sleep 313 &
	wait $middle
	EOF
	chmod 755 leaves &&
	test_expect_code 1 test_within 60 "$grade" ipc --profile full --only ipc.kill-child -- ./leaves {n} >out &&
	grep -q "^#   it exited with 137 [0-9.]* s after kill -9 of its child pid [0-9]* (sleep, the middle one by pid of 3), but left running:$" out &&
	test "$(grep -c "^#     pid [0-9]* sleep (started by it)" out)" -eq 2 &&
	grep -q "^#   2 of its processes were still running 10 s after kill -9 " out &&
	! ps -eo args | grep -q "^sleep 31[123]$"
'

# A child in a process group of its own (as mpirun's ranks are) is
# listed too: the program's descendants, not only its group.
test_lazy_prereq SETSID 'needs setsid(1) (apt-get install util-linux)' 'command -v setsid'
test_expect_success SETSID 'Ctrl-C ignored: did not end within 5 s, and what is left is listed' '
	cat >deaf <<-\EOF &&
	#!/bin/sh
	trap "" INT
	sleep 314 &
	setsid sleep 316 &
	wait
	EOF
	chmod 755 deaf &&
	test_expect_code 1 test_within 60 "$grade" ipc --profile full --only ipc.sigint -- ./deaf {n} >out &&
	grep -q "^#   it did not end within 5 s after Ctrl-C (SIGINT to its process group); still running:$" out &&
	grep -q "^#     pid [0-9]* deaf (the program)" out &&
	test "$(grep -c "^#     pid [0-9]* sleep (its child)" out)" -eq 2 || { cat out; exit 1; }
	! ps -eo args | grep -q "^sleep 31[46]$"
'

test_expect_success PYTHON3,COURSE 'the course'"'"'s Python: full marks in the course profile' '
	test_within 60 "$grade" ipc -- "$python" "$py/course/ipc.py" {n} >out || { cat out; exit 1; }
	test "$(total out)" = "5 / 5" &&
	test_within 120 "$grade" threads -- "$python" "$py/course/threads.py" {n} {consumers} {capacity} >out ||
		{ cat out; exit 1; }
	test "$(total out)" = "8 / 8"
'

# The three at once: two of them hang until their deadlines.
test_expect_success PYTHON3,COURSE,EXPENSIVE 'each flawed variant loses exactly the checks its mistake costs' '
	"$grade" ipc -- "$python" "$py/flawed/ipc_open_pipe.py" {n} >open_pipe &
	a=$!; test_started $a
	"$grade" threads -- "$python" "$py/flawed/threads_no_close.py" {n} {consumers} {capacity} >no_close &
	b=$!; test_started $b
	test_expect_code 1 test_within 120 "$grade" threads -- "$python" "$py/flawed/threads_no_lock.py" \
		{n} {consumers} {capacity} >no_lock &&
	test_expect_code 1 wait_bounded $a 120 &&
	test_expect_code 1 wait_bounded $b 120 &&
	test "$(lost open_pipe)" = "ipc.sum ipc.large" &&
	grep -q "^#   it did not end within 10 s (N = 1000): a deadlock or a hang; still running after 10.0 s:$" open_pipe &&
	grep -q "^#     pid [0-9]* python3 (its child), waiting in .*pipe_read" open_pipe &&
	grep -q "every copy of its write end is closed" open_pipe &&
	test "$(lost no_lock)" = "threads.sum threads.race" &&
	grep -q "^#   a race: [0-9]* of 20 runs printed a wrong sum" no_lock &&
	test "$(lost no_close)" = "threads.sum threads.race threads.no-deadlock" &&
	grep -q "^#     pid [0-9]* python3 (the program, 2 threads)" no_close &&
	grep -q "^#   (the run with 64 consumers was not tried)$" no_close &&
	grep -q "one stop sign per consumer (None in Python" no_close
'

test_done
