#!/bin/sh
# t7002-grade-tcp-client - grade's tcp-client spec gives the kit's client and
# the course's Python client full marks, and a client that hangs loses
# exactly the checks its hang costs.
test_description='grade tcp-client: the kit, the course Python, a flawed variant'
. "$(dirname "$0")/test-lib.sh"

: "${TEST_ROOT:=$TEST_DIR/..}"
grade="$BINDIR/grade"
grade_as_root_if_hidden
course="$TEST_ROOT/tests/grade/course"
flawed="$TEST_ROOT/tests/grade/flawed"


test_expect_success 'the kit: full marks in course' '
	test_within 60 "$grade" tcp-client --profile course -- \
		"$BINDIR/tcp_client" {host} -p {port} >out &&
	test -z "$(lost out)" &&
	passed out tcp-client.answers &&
	passed out tcp-client.not-there &&
	passed out tcp-client.garbage &&
	! grep -q "tcp-client.never-answers\|tcp-client.args" out
'

test_expect_success 'the kit, numbers on its command line: full marks in full' '
	test_within 90 "$grade" tcp-client --profile full -- \
		"$BINDIR/tcp_client" {host} -p {port} --timeout 5 \
		-- -9223372036854775808 7 -3 >out &&
	test -z "$(lost out)" &&
	for c in answers args not-there never-answers garbage; do
		passed out tcp-client.$c || exit 1
	done
'

test_expect_success 'full, no numbers on the command line: args is a skip' '
	test_within 90 "$grade" tcp-client --profile full -- \
		"$BINDIR/tcp_client" {host} -p {port} --timeout 5 >out &&
	grep -q "^ok [0-9]* .*tcp-client.args.*# SKIP" out
'

test_expect_success 'a failure says what was sent, what came back, what is right' '
	cat >wrong.sh <<-\EOF &&
	#!/bin/sh
	exec "$1" "$2" -p "$3" -q
	EOF
	chmod +x wrong.sh &&
	test_expect_code 1 "$grade" tcp-client -- ./wrong.sh "$BINDIR/tcp_client" \
		{host} {port} >out &&
	test "$(lost out)" = tcp-client.answers &&
	grep -q "it asked for 5 and was answered 25, but 25 is not in its output" out &&
	grep -q "and 5 more like these" out &&
	grep -q "the server answered: " out &&
	grep -q "a correct client prints each reply" out
'

test_expect_success 'a client killed by a signal on garbage loses garbage only' '
	cat >crash.sh <<-\EOF &&
	#!/bin/sh
	out=$("$1" "$2" -p "$3")
	st=$?
	printf "%s\n" "$out"
	case $out in *hello*) kill -SEGV $$ ;; esac
	exit $st
	EOF
	chmod +x crash.sh &&
	test_expect_code 1 "$grade" tcp-client -- ./crash.sh "$BINDIR/tcp_client" \
		{host} {port} >out &&
	test "$(lost out)" = tcp-client.garbage &&
	grep -q "SIGSEGV: a crash" out
'

test_expect_success PYTHON3 'a traceback is not a message: not-there lost, and garbage (it cannot decode binary)' '
	cat >bare.py <<-\EOF &&
	import socket, sys
	s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
	f = s.makefile("rw")
	for n in range(1, 11):
	    f.write("%d\n" % n)
	    f.flush()
	    print(n, f.readline().strip())
	EOF
	test_expect_code 1 "$grade" tcp-client -- python3 bare.py {host} {port} >out &&
	test "$(lost out)" = "tcp-client.not-there tcp-client.garbage" &&
	grep -q "uncaught exception, not with a message" out
'

test_expect_success PYTHON3 'a traceback on garbage is a crash: garbage lost (and not-there)' '
	cat >parsing.py <<-\EOF &&
	import socket, sys
	s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
	f = s.makefile("rw")
	for n in range(1, 11):
	    f.write("%d\n" % n)
	    f.flush()
	    print("square(%d) = %d" % (n, int(f.readline())))
	EOF
	test_expect_code 1 "$grade" tcp-client -- python3 parsing.py {host} {port} >out &&
	test "$(lost out)" = "tcp-client.not-there tcp-client.garbage" &&
	grep -q "^#   it exited with 1, by an uncaught exception: a crash all the same" out
'

test_expect_success PYTHON3 'the course Python: full marks in course' '
	test_within 60 "$grade" tcp-client --profile course -- \
		python3 "$course/tcp_client.py" {host} {port} >out &&
	test -z "$(lost out)" &&
	passed out tcp-client.answers
'

test_expect_success PYTHON3,EXPENSIVE 'a client that hangs: course, loses not-there only' '
	test_expect_code 1 test_within 90 "$grade" tcp-client --profile course -- \
		python3 "$flawed/tcp_client_hangs.py" {host} {port} >out &&
	test "$(lost out)" = tcp-client.not-there &&
	grep -q "still runs 10 s later" out
'

test_expect_success PYTHON3,EXPENSIVE 'a client that hangs: full, loses not-there and never-answers' '
	test_expect_code 1 test_within 120 "$grade" tcp-client --profile full -- \
		python3 "$flawed/tcp_client_hangs.py" {host} {port} >out &&
	test "$(lost out)" = "tcp-client.not-there tcp-client.never-answers" &&
	grep -q "still waits 30 s later" out
'

test_done
