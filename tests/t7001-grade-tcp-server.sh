#!/bin/sh
# t7001-grade-tcp-server - grade: its command line, its box (nothing the
# program starts outlives a check, its output bounded, nobody as root),
# its reports, and the tcp-server spec proven to discriminate: the kit's
# server full marks in both profiles, its iterative model losing exactly
# the concurrency checks, the course's Python and its flawed variants.
test_description='grade: the command line, the box, the reports, tcp-server'
. "$(dirname "$0")/test-lib.sh"

grade="$BINDIR/grade"
grade_as_root_if_hidden
server="$BINDIR/tcp_server"
py="$TEST_DIR/grade"

test_expect_success 'usage errors: one line naming the problem, exit 2' '
	test_expect_code 2 "$grade" 2>err && grep -q "^grade: which program? give a SPEC: tcp-server, " err &&
	test_expect_code 2 "$grade" tcp-sever -- x 2>err &&
	grep -q "^grade: .tcp-sever. is not a SPEC (tcp-server, tcp-client, udp-sender, udp-receiver, ipc, threads)" err &&
	test_expect_code 2 "$grade" tcp-server 2>err &&
	grep -q "^grade: no COMMAND: grade tcp-server \[OPTIONS\] -- COMMAND \[ARG...\]" err &&
	test_expect_code 2 "$grade" tcp-server -- "$server" -p 5000 2>err &&
	grep -q "^grade: tcp-server: COMMAND must have {port}, which the grader fills in" err &&
	test_expect_code 2 "$grade" tcp-server python3 s.py 2>err &&
	grep -q "^grade: .python3.: COMMAND goes after .--." err &&
	test_expect_code 2 "$grade" tcp-server --profile fast -- x {port} 2>err &&
	grep -q "^grade: --profile: .fast. is not a profile (course or full)" err &&
	test_expect_code 2 "$grade" tcp-server --only nope -- x {port} 2>err &&
	grep -q "^grade: --only: tcp-server has no check .nope. (grade tcp-server --list)" err &&
	test_expect_code 2 "$grade" tcp-server --only "tcp-server.s*,nope" -- x {port} 2>err &&
	grep -q "^grade: --only: tcp-server has no check .nope. (grade tcp-server --list)" err &&
	test_expect_code 2 "$grade" tcp-server --only "tcp-server.squares," -- x {port} 2>err &&
	grep -q "^grade: --only: tcp-server has no check .. (grade tcp-server --list)" err &&
	test_expect_code 2 "$grade" ipc -- ./ipc 2>err &&
	grep -q "^grade: ipc: COMMAND has no {n}: say which N it computes with --n N" err &&
	printf "tcp-server.squares 5\nno.such 1\n" >w &&
	test_expect_code 2 "$grade" tcp-server --weights w -- x {port} 2>err &&
	grep -q "^grade: --weights: w:2: no check .no.such. (grade SPEC --list)" err &&
	printf "tcp-server.squares 5\n" >w &&
	"$grade" tcp-server --list --weights w >list &&
	grep -q "^tcp-server.squares  *basic  *course,full  *5  " list &&
	grep -q "^tcp-server.clients  *concurrency  *course,full  *2  " list &&
	printf "tcp-server.squares lots\n" >w &&
	test_expect_code 2 "$grade" tcp-server --weights w -- x {port} 2>err &&
	grep -q "^grade: --weights: w:1: not .ID POINTS. (points 0..1000)" err &&
	test "$(wc -l <err)" -eq 1 &&
	test_expect_code 2 test_within 5 "$grade" tcp-server --weights /dev/zero -- x {port} 2>err &&
	grep -q "^grade: --weights: /dev/zero is not a file of lines .ID POINTS." err &&
	test_expect_code 2 "$grade" tcp-server --weights . -- x {port} 2>err &&
	test_expect_code 2 "$grade" tcp-server -- python3 s.py {port} {n} 2>err &&
	grep -q "^grade: tcp-server: COMMAND has {n}, which this spec does not fill in (it fills {host} {port})" err &&
	test_expect_code 2 "$grade" tcp-server --json no/such/dir/r.json -- x {port} 2>err &&
	grep -q "^grade: --json: cannot write no/such/dir/r.json: No such file or directory" err &&
	! test -e no
'

test_expect_success 'the list of a spec: id, category, profiles, points' '
	"$grade" tcp-server --list >out &&
	grep -q "^tcp-server: " out &&
	grep -q "^tcp-server\.squares  *basic  *course,full  *3  *answers each number" out &&
	grep -q "^tcp-server\.protocol  *protocol  *full  *2 " out &&
	test "$(grep -c "^tcp-server\." out)" -ge 10
'

test_expect_success 'grade(1) says what every check of every spec asks' '
	for s in tcp-server tcp-client udp-sender udp-receiver ipc threads; do
		"$grade" $s --list | sed -n "s/^\($s\.[^ ]*\) .*/\1/p"
	done >ids &&
	test "$(wc -l <ids)" -ge 27 &&
	for id in $(cat ids); do
		grep -q "^\.It Li $id$" "$TEST_DIR/../man/grade.1" || { echo "not in grade(1): $id"; exit 1; }
	done
'

test_expect_success 'a forking server that waits for its children passes reaps; --only takes a list' '
	test_within 60 "$grade" tcp-server --profile full --only tcp-server.reaps,tcp-server.squares \
		-- "$server" -m fork -p {port} -b 127.0.0.1 -q >out 2>err ||
		{ cat out err; exit 1; } &&
	grep -q "^1\.\.2$" out &&
	grep -q "^ok [0-9] - tcp-server.reaps " out &&
	grep -q "^ok [0-9] - tcp-server.squares " out &&
	# A pool of 8 processes is not 8 left behind.
	test_within 60 "$grade" tcp-server --profile full --only tcp-server.reaps \
		-- "$server" -m prefork -t 8 -p {port} -b 127.0.0.1 -q >out 2>err ||
		{ cat out err; exit 1; }
'

test_expect_success 'the kit'"'"'s server: full marks in the full profile, exit 0' '
	test_within 120 "$grade" tcp-server --profile full -- "$server" -p {port} -b 127.0.0.1 -q >out 2>err ||
		{ cat out err; exit 1; }
	cat out &&
	test -z "$(lost out)" &&
	grep -q "^1\.\.13$" out &&
	test "$(total out)" = "20 / 20" &&
	grep -q "^#   leaderboard: requests/s [0-9][0-9]*$" out
'

test_expect_success EXPENSIVE 'the kit'"'"'s server, -m thread: full marks in the course profile' '
	test_within 120 "$grade" tcp-server -- "$server" -m thread -p {port} -b 127.0.0.1 -q >out ||
		{ cat out; exit 1; }
	test "$(total out)" = "15 / 15"
'

test_expect_success 'the iterative model loses exactly the concurrency checks, and says why' '
	test_expect_code 1 test_within 120 "$grade" tcp-server --only tcp-server.idle-client \
		-- "$server" -m iterative -p {port} -b 127.0.0.1 -q >out &&
	cat out &&
	test "$(lost out)" = "tcp-server.idle-client" &&
	grep -q "^#   while a first client is connected and sends nothing, a second client sent \"42\\\\n\" and expected 1764$" out &&
	grep -q "^#     got: nothing within 2000 ms$" out &&
	grep -q "serve each client in a thread or a process of its own, or watch them all with select/poll/epoll" out
'

test_expect_success EXPENSIVE 'the iterative model, every check: clients, idle-client and many lost' '
	test_expect_code 1 test_within 180 "$grade" tcp-server -- "$server" -m iterative -p {port} -b 127.0.0.1 -q >out &&
	test "$(lost out)" = "tcp-server.clients tcp-server.idle-client tcp-server.many" &&
	test "$(total out)" = "9 / 15"
'

# A server that leaves things behind: a child in its group that ignores
# SIGINT, and one that left the group (setsid) - the box ends both.
test_expect_success 'nothing the program starts outlives the check: its group, and what left it' '
	mark=leaky$$x$(date +%N) &&
	cat >leaky <<-EOF &&
	#!/bin/sh
	sh -c "trap \"\" INT TERM; sleep 300; : $mark" &
	setsid sh -c "sleep 301; : $mark" &
	exec "$server" -p "\$1" -b 127.0.0.1 -q
	EOF
	chmod 755 leaky &&
	test_within 60 "$grade" tcp-server --only tcp-server.signal -- ./leaky {port} >out &&
	ps -eo args >ps &&
	! grep "^sh -c .*: $mark" ps
'

# no_mark MARK: no process runs whose arguments end in MARK.
no_mark() {
	ps -eo args >ps.now && ! grep -q "^sh -c .*: $1$" ps.now
}
test_expect_success 'grade killed with SIGKILL: its watchdog ends the program it was grading' '
	mark=lingering$$x$(date +%N) &&
	cat >lingering <<-EOF &&
	#!/bin/sh
	sh -c "sleep 300; : $mark" &
	exec "$server" -m iterative -p "\$1" -b 127.0.0.1 -q
	EOF
	chmod 755 lingering || exit 1
	# a check of 2 s: the iterative server keeps the second client waiting
	"$grade" tcp-server --only tcp-server.idle-client -- ./lingering {port} >out &
	g=$! && test_started $g &&
	wait_until 10 eval "! no_mark $mark" &&
	kill -KILL $g &&
	wait_until 5 no_mark $mark
'

test_expect_success 'grade'"'"'s whole process group killed (timeout -s KILL): the program ended, its files gone' '
	mark=lingering$$y$(date +%N) &&
	cat >lingering2 <<-EOF &&
	#!/bin/sh
	sh -c "sleep 300; : $mark" &
	exec "$server" -m iterative -p "\$1" -b 127.0.0.1 -q
	EOF
	chmod 755 lingering2 && mkdir -p tmp2 &&
	{ TMPDIR=$PWD/tmp2 timeout -s KILL 1 "$grade" tcp-server --only tcp-server.idle-client -- ./lingering2 {port} >out; test $? -eq 137; } &&
	wait_until 5 no_mark $mark &&
	wait_until 5 eval "test -z \"\$(ls tmp2)\""
'

test_expect_success 'output is bounded: a program that prints forever is stopped at 16 MiB' '
	mkdir tmp &&
	TMPDIR=$PWD/tmp test_expect_code 1 test_within 60 "$grade" tcp-server --only tcp-server.squares \
		-- sh -c "exec yes a line of noise" {port} >out &&
	grep -q "^#   the server was killed by SIGXFSZ (its output passed 16 MiB)$" out &&
	# one that ignores SIGXFSZ (as Python does) is told why its writes failed
	TMPDIR=$PWD/tmp test_expect_code 1 test_within 60 "$grade" tcp-server --only tcp-server.squares \
		-- sh -c "trap \"\" XFSZ; yes a line of noise; exit 4" {port} >out &&
	grep -q "^#     its output reached 16 MiB, the limit: past it a program is killed by SIGXFSZ, or, if it ignores" out &&
	# the run'"'"'s directory, with the output files, is gone
	test -z "$(ls tmp)"
'

test_expect_success 'a program that does not start: the failure says how it ended and what it said' '
	test_expect_code 1 "$grade" tcp-server --only tcp-server.squares -- sh -c "echo starting on \$0; exit 3" {port} >out &&
	grep -q "^#   the server ended before it listened on port [0-9]*$" out &&
	grep -q "^#   the server exited with 3$" out &&
	grep -q "^#     its stdout ended: \"starting on [0-9]*\\\\n\"$" out &&
	test_expect_code 1 "$grade" tcp-server --only tcp-server.squares -- ./no-such-program {port} >out &&
	grep -q "^#   the server exited with 127$" out &&
	grep -q "grade: cannot run ./no-such-program: No such file or directory" out
'

# The tests of nobody: from /, which nobody may enter, GRADE_USER unset.
as_nobody() {
	(cd / && env -u GRADE_USER "$BINDIR/grade" "$@")
}
test_expect_success ROOT 'as root, COMMAND runs as nobody (or --user, or GRADE_USER), and the first line says so' '
	test_expect_code 1 as_nobody tcp-server --only tcp-server.squares -- sh -c "id -u; exit 3" {port} >out &&
	grep -q "^# grade tcp-server, profile course: 1 check; COMMAND runs as user nobody (grade is root; --user to change)$" out &&
	grep -q "its stdout ended: \"$(id -u nobody)\\\\n\"" out &&
	test_expect_code 1 as_nobody tcp-server --user root --only tcp-server.squares -- sh -c "id -u; exit 3" {port} >out &&
	grep -q "its stdout ended: \"0\\\\n\"" out &&
	(cd / && GRADE_USER=root test_expect_code 1 "$BINDIR/grade" tcp-server --only tcp-server.squares -- sh -c "id -u; exit 3" {port}) >out &&
	grep -q "its stdout ended: \"0\\\\n\"" out
'

test_expect_success ROOT 'as root, from a directory nobody cannot enter: refused once, with what to do; exit 2' '
	mkdir -p closed && chmod 700 closed &&
	(cd closed && test_expect_code 2 env -u GRADE_USER "$BINDIR/grade" tcp-server -- ./server {port}) 2>err >out &&
	grep -q "^grade: as root, COMMAND runs as user nobody, who cannot enter $TRASH/closed: grade from a directory that user may enter (chmod o+x on the way, or a copy in /tmp), or choose the user (--user USER, or GRADE_USER)" err &&
	test ! -s out
'

test_expect_success ROOT 'as root, a program nobody may not read: the failure says so, and what to do' '
	mkdir -p private && chmod 700 private &&
	printf "#!/bin/sh\nexec \"%s\" -p \"\$1\" -b 127.0.0.1 -q\n" "$server" >private/server &&
	chmod 755 private/server &&
	test_expect_code 1 as_nobody tcp-server --only tcp-server.squares -- "$TRASH/private/server" {port} >out &&
	grep -q "Permission denied" out &&
	grep -q "^#     it runs as user nobody (grade is root): its files must be readable, and their directories searchable, by that user (chmod o+rX), or grade it with --user$" out &&
	(cd "$TRASH" && "$BINDIR/grade" tcp-server --user root --only tcp-server.squares -- private/server {port}) >out
'

test_expect_success ROOT 'as root, the program'"'"'s environment is its own: no secret of the grader'"'"'s' '
	GRADER_SECRET=hush test_expect_code 1 as_nobody tcp-server --only tcp-server.squares -- \
		sh -c "env; exit 3" {port} >out &&
	! grep -q "GRADER_SECRET\|hush" out &&
	grep -q "HOME=/[^ ]*/home\\\\n" out &&
	grep -q "USER=nobody\\\\n" out
'

test_expect_success 'Ctrl-C on grade: the program is ended, what ran reported, exit 130' '
	"$grade" tcp-server --json r.json -- "$server" -m iterative -p {port} -b 127.0.0.1 -q >out 2>err &
	g=$! && test_started $g &&
	wait_until 20 grep -q "^ok 1 " out &&
	kill -INT $g &&
	{ wait_bounded $g 10; rc=$?; } ;
	test $rc -eq 130 &&
	grep -q "^grade: interrupted after [0-9]* of 9 checks$" err &&
	grep -q "^#   total " out &&
	grep -q "# SKIP not finished: grade was interrupted (SIGINT)$" out &&
	! grep -q "^not ok" out &&
	grep -q "\"output\":\"grade tcp-server, profile course: INTERRUPTED (SIGINT) after [0-9]* of 9 checks: not a grade\"" r.json &&
	! grep -q "\"status\":\"failed\"" r.json &&
	test -z "$(children_of $g)" &&
	! ps -eo ppid,args | grep -q "^ *$g "
'

test_expect_success 'reports: Gradescope results.json and JUnit XML, weights applied' '
	printf "# more for the basics\ntcp-server.squares 10\ntcp-server.idle-client 4\ntcp-server.many 1\n" >w &&
	test_expect_code 1 "$grade" tcp-server --weights w --only tcp-server.idle-client --json r.json --junit r.xml \
		-- "$server" -m iterative -p {port} -b 127.0.0.1 -q >out &&
	perl -MJSON::PP -e '"'"'
		local $/; my $r = decode_json(<STDIN>);
		die "score" unless $r->{score} == 0 && $r->{max_score} == 4;
		my @t = @{$r->{tests}};
		die "tests" unless @t == 1 && $t[0]{name} =~ /^tcp-server\.idle-client: / &&
			$t[0]{max_score} == 4 && $t[0]{status} eq "failed" && $t[0]{tags}[0] eq "concurrency" &&
			$t[0]{output} =~ /a second client sent "42\\n" and expected 1764/;
	'"'"' <r.json &&
	grep -q "<testsuite name=\"grade tcp-server (course)\" tests=\"1\" failures=\"1\" skipped=\"0\"" r.xml &&
	grep -q "<testcase classname=\"tcp-server.concurrency\" name=\"tcp-server.idle-client: " r.xml &&
	grep -q "<failure message=\"a client that connects and sends nothing does not stop others\">" r.xml &&
	grep -q "expected 1764" r.xml
'

# One mistake, cheaply: the course's server passes burst, the one that
# takes one recv() for one request fails it (make test-full: every check).
test_expect_success PYTHON3 'one recv() for one request: the course'"'"'s server passes burst, the flawed one fails it' '
	"$grade" tcp-server --only tcp-server.burst -- python3 "$py/course/tcp_server.py" {port} >course.tap &&
	test_expect_code 1 "$grade" tcp-server --only tcp-server.burst -- python3 "$py/flawed/tcp_server_one_recv.py" {port} >flawed.tap &&
	grep -q "^#     got: \"ERR not an integer\\\\n\"$" flawed.tap
'

# The course's Python server full marks in its profile, and each flawed
# variant losing exactly what its mistake costs (graded side by side).
test_expect_success PYTHON3,EXPENSIVE 'the course'"'"'s Python server: full marks; each flawed one loses exactly its checks' '
	for v in course/tcp_server flawed/tcp_server_iterative flawed/tcp_server_dies_on_abc \
		 flawed/tcp_server_one_recv; do
		"$grade" tcp-server -- python3 "$py/$v.py" {port} >"${v#*/}.tap" &
		test_started $!
	done &&
	wait &&
	test "$(total tcp_server.tap)" = "15 / 15" || { cat tcp_server.tap; exit 1; }
	test "$(lost tcp_server_iterative.tap)" = "tcp-server.clients tcp-server.idle-client tcp-server.many" &&
	test "$(lost tcp_server_dies_on_abc.tap)" = "tcp-server.bad-input" &&
	grep -q "^#     a request that is not a number must not end the server" tcp_server_dies_on_abc.tap &&
	test "$(lost tcp_server_one_recv.tap)" = "tcp-server.burst" &&
	grep -q "^#     one recv() is not one request" tcp_server_one_recv.tap
'

# locked PORT: the lock every grader sees on PORT is held.
locked() {
	grep -q " @week3-grade-port-$1$" /proc/net/unix
}
test_expect_success 'the port handed to the program is locked for every other grader until the check ends' '
	mkdir -p told && chmod 777 told &&     # the program may run as nobody
	cat >telling <<-EOF &&
	#!/bin/sh
	echo "\$1" >"$TRASH/told/port"
	exec "$server" -m iterative -p "\$1" -b 127.0.0.1 -q
	EOF
	chmod 755 telling && rm -f told/port || exit 1
	"$grade" tcp-server --only tcp-server.idle-client -- ./telling {port} >out &
	g=$! && test_started $g &&
	wait_until 10 test -s told/port &&
	locked "$(cat told/port)" || exit 1
	wait_bounded $g 20     # 1: the iterative server fails the check
	! locked "$(cat told/port)"
'

test_expect_success 'two grades side by side do not meet (ports of their own)' '
	"$grade" tcp-server --only tcp-server.many -- "$server" -p {port} -b 127.0.0.1 -q >a &
	a=$! && test_started $a &&
	"$grade" tcp-server --only tcp-server.many -- "$server" -p {port} -b 127.0.0.1 -q >b &&
	wait_bounded $a 60 &&
	grep -q "^ok 1 " a && grep -q "^ok 1 " b
'

test_done
