#!/bin/sh
# t7005-grade-lab - grade --lab: the network checks across a lab of three
# machines of the run's own (netlab), the implementation on one node, its
# peers on the others, a cable cut and plugged in; the kit's programs and
# the course's Python full marks, the classic mistakes losing the checks
# they should, the lab gone at the end (killed too), and a skip that says
# why where no lab can be made.
test_description='grade --lab: checks across the nodes of a lab'
. "$(dirname "$0")/test-lib.sh"

grade="$BINDIR/grade"
grade_as_root_if_hidden
py="$TEST_DIR/grade"
course="$py/course"
flawed="$py/flawed"
lab="$TEST_DIR/../scripts/netlab"

test_lazy_prereq LAB 'no lab here (scripts/netlab check: needs root, or user namespaces)' '
	"$lab" check >/dev/null 2>&1
'

# What is left of grade's lab PID: its namespaces (as root), nothing else.
no_lab_left() {
	test -z "$(ip netns list 2>/dev/null | grep "^grade$1-")"
}

test_expect_success 'the command line: --lab where it makes sense, --only a pattern' '
	test_expect_code 2 "$grade" ipc --lab -- x {n} 2>err &&
	grep -q "^grade: --lab: ipc runs on one machine; the checks across machines are tcp-server" err &&
	test "$(wc -l <err)" -eq 1 &&
	"$grade" tcp-server --list >out &&
	grep -q "^tcp-server\.lab-clients  *concurrency  *course,full,lab  *2 " out &&
	grep -q "^udp-receiver\.lab-cut  *faults  *full,lab  *2 " "$("$grade" udp-receiver --list >l && echo l)" &&
	test_expect_code 2 "$grade" tcp-server --only "nope*" -- x {port} 2>err &&
	grep -q "^grade: --only: tcp-server has no check .nope\*. (grade tcp-server --list)" err
'

test_expect_success 'no lab here: each lab check a skip with netlab'"'"'s reason, exit 0' '
	mkdir kit &&
	cp "$grade" kit/ &&
	cat >kit/netlab <<-\EOF &&
	#!/bin/sh
	[ "$1" = down ] && { echo "lab was not up"; exit 0; }
	echo "netlab: no lab without root here: user namespaces are off" >&2
	exit 1
	EOF
	chmod +x kit/netlab &&
	kit/grade tcp-server --lab --only "*.lab-*" -- x {port} >out 2>err &&
	test "$(skipped out)" = "tcp-server.lab-clients tcp-server.lab-cut" &&
	grep -q "# SKIP netlab up: no lab without root here: user namespaces are off$" out &&
	grep -q "^#   total  *0 / 0   (2 skipped)" out &&
	grep -q "^grade: no lab here, its checks are skipped: netlab up: no lab without root" err &&
	rm -r kit
'

test_expect_success LAB 'the kit'"'"'s server, client, sender and receiver: full marks across the lab' '
	test_within 60 "$grade" tcp-server --profile full --lab -v --only "*.lab-*" -- \
		"$BINDIR/tcp_server" -p {port} -b {host} -q >srv.out &&
	grep -q "; the lab: node1 10\.77\.3\.1, node2 10\.77\.3\.2, node3 10\.77\.3\.3$" srv.out &&
	passed srv.out tcp-server.lab-clients tcp-server.lab-cut &&
	grep -q "node2.s 7 was answered .* after its cable was back (TCP sent it again" srv.out &&
	test_within 60 "$grade" tcp-client --profile full --lab --only "*.lab-*" -- \
		"$BINDIR/tcp_client" {host} -p {port} --timeout 5 >cli.out &&
	passed cli.out tcp-client.lab-answers tcp-client.lab-cut &&
	test_within 60 "$grade" udp-sender --profile full --lab --only "*.lab-*" -- \
		"$BINDIR/udp_sender" {host} -p {port} -i {interval_ms} -n kit >snd.out &&
	passed snd.out udp-sender.lab-heard udp-sender.lab-cut &&
	test_within 60 "$grade" udp-receiver --profile full --lab -v --only "*.lab-*" -- \
		"$BINDIR/udp_receiver" -p {port} -b {host} >rcv.out &&
	passed rcv.out udp-receiver.lab-nodes udp-receiver.lab-cut &&
	grep -q "node3.s cable cut (node2 beating on)" rcv.out &&
	grep -q "its cable back, node3 ALIVE again" rcv.out
'

test_expect_success LAB,PYTHON3,EXPENSIVE 'the course'"'"'s Python, told the address ({host}): full marks across the lab' '
	test_within 60 "$grade" tcp-server --lab --only "*.lab-*" -- \
		python3 "$course/tcp_server.py" {port} {host} >py-srv.out &&
	passed py-srv.out tcp-server.lab-clients tcp-server.lab-cut &&
	test_within 60 "$grade" tcp-client --lab -v --only "*.lab-*" -- \
		python3 "$course/tcp_client.py" {host} {port} >py-cli.out &&
	passed py-cli.out tcp-client.lab-answers tcp-client.lab-cut &&
	grep -q "it said: \"tcp_client: cannot connect to 10\.77\.3\.1:[0-9]*: " py-cli.out &&
	test_within 60 "$grade" udp-receiver --lab --only "*.lab-*" -- \
		python3 "$course/udp_receiver.py" {port} {interval_ms} {host} >py-rcv.out &&
	passed py-rcv.out udp-receiver.lab-nodes
'

test_expect_success LAB,PYTHON3 'an iterative server loses both; one on 127.0.0.1 is told why' '
	test_expect_code 1 test_within 60 "$grade" tcp-server --lab --only "*.lab-*" -- \
		python3 "$flawed/tcp_server_iterative.py" {port} {host} >out &&
	test "$(lost out)" = "tcp-server.lab-clients tcp-server.lab-cut" &&
	grep -q "while node2.s cable was cut, a client on node3 sent \"8\\\\n\" and expected 64" out &&
	grep -q "a client whose machine vanishes never says goodbye" out &&
	test_expect_code 1 test_within 60 "$grade" tcp-server --lab --only tcp-server.lab-clients -- \
		python3 "$course/tcp_server.py" {port} >out &&
	test "$(lost out)" = tcp-server.lab-clients &&
	grep -q "it could not be reached from node2 ([0-9.]* s)" out &&
	grep -q "a server that listens on 127.0.0.1 (localhost) is reached from its own machine only" out
'

test_expect_success LAB,PYTHON3 'a receiver on 127.0.0.1 hears no node of the lab, and is told why' '
	test_expect_code 1 test_within 60 "$grade" udp-receiver --lab --only udp-receiver.lab-nodes -- \
		python3 "$course/udp_receiver.py" {port} {interval_ms} >out &&
	test "$(lost out)" = udp-receiver.lab-nodes &&
	grep -q "the heartbeats went to node1.s address, 10\.77\.3\.1:[0-9]* ({host} {port}): a receiver bound to 127\.0\.0\.1" out
'

test_expect_success LAB 'a client that only fails, a server that never listens: no points, and why' '
	test_expect_code 1 test_within 60 "$grade" tcp-client --lab --only "*.lab-*" -- \
		sh -c "echo cannot connect >&2; exit 1" {host} {port} >out &&
	test "$(lost out)" = "tcp-client.lab-answers tcp-client.lab-cut" &&
	grep -q "(that was with node2.s cable in, before any cut)" out &&
	test_expect_code 1 test_within 60 "$grade" tcp-server --lab --only tcp-server.lab-clients -- \
		sh -c "exec sleep 20" {port} {host} >out &&
	grep -q "nothing listened on port [0-9]* on node1 at all$" out &&
	! grep -q "listens on 127.0.0.1" out
'

test_expect_success LAB,PYTHON3,EXPENSIVE 'a client that retries for ever, cut off: loses lab-cut' '
	test_expect_code 1 test_within 60 "$grade" tcp-client --lab --only tcp-client.lab-cut -- \
		python3 "$flawed/tcp_client_hangs.py" {host} {port} >out &&
	test "$(lost out)" = tcp-client.lab-cut &&
	grep -q "the client still runs 10 s later: a correct client gives up" out
'

test_expect_success LAB,PYTHON3,EXPENSIVE 'a sender that sends to 127.0.0.1, not {host}: loses both' '
	test_expect_code 1 test_within 60 "$grade" udp-sender --lab --only "*.lab-*" -- \
		python3 "$course/udp_sender.py" 127.0.0.1 {port} {interval_ms} >out &&
	test "$(lost out)" = "udp-sender.lab-heard udp-sender.lab-cut" &&
	grep -q "from node2 (10\.77\.3\.2): 0 heartbeat(s) within" out
'

# As root the program runs as nobody (here, from / and a copy of the
# server nobody may read: the checkout may be root's alone); without
# root, as root of the lab's user namespace, which must give it nothing.
test_expect_success LAB 'the program on a node may not rewire the lab (no capability, as root or not)' '
	user= kit=$(mktemp -d "${TMPDIR:-/tmp}/t7005.XXXXXX") &&
	if [ "$(id -u)" -eq 0 ]; then
		user="--user nobody" && rmdir "$kit" && kit=$(mktemp -d /tmp/t7005.XXXXXX)
	fi &&
	chmod 755 "$kit" && cp "$BINDIR/tcp_server" "$kit/" &&
	(cd / && test_within 60 "$grade" tcp-server --lab $user --only tcp-server.lab-clients -- sh -c \
		"PATH=\$PATH:/usr/sbin:/sbin; ip link set eth0 down 2>/dev/null; exec $kit/tcp_server -p \$0 -b \$1 -q" \
		{port} {host}) >out;
	rc=$? && rm -rf "$kit" && test $rc -eq 0 &&
	passed out tcp-server.lab-clients
'

test_expect_success LAB,ROOT 'the lab is gone at the end, and when grade is killed' '
	"$grade" tcp-server --lab --only tcp-server.lab-clients -- "$BINDIR/tcp_server" -p {port} -b {host} -q >out &
	pid=$! &&
	wait $pid &&
	no_lab_left $pid &&
	{ "$grade" tcp-server --lab --only tcp-server.lab-clients -- sleep 30 {port} >out & } &&
	pid=$! &&
	wait_until 10 grep -q "^1\.\." out &&
	ip netns list | grep -q "^grade$pid-node1" &&
	kill -9 $pid &&
	wait_until 10 no_lab_left $pid
'

test_done
