#!/bin/sh
# t7004-grade-udp - grade's udp-sender and udp-receiver specs give the
# kit's programs and the course's Python full marks, and each flawed
# variant loses exactly the checks its mistake costs.
test_description='grade udp-sender, udp-receiver: the kit, the course Python, flawed variants'
. "$(dirname "$0")/test-lib.sh"

: "${TEST_ROOT:=$TEST_DIR/..}"
grade="$BINDIR/grade"
grade_as_root_if_hidden
course="$TEST_ROOT/tests/grade/course"
flawed="$TEST_ROOT/tests/grade/flawed"


sender="$BINDIR/udp_sender"
receiver="$BINDIR/udp_receiver"

test_expect_success 'the kit sender: full marks in course' '
	test_within 60 "$grade" udp-sender --profile course -- \
		"$sender" {host} -p {port} -i {interval_ms} -n kit-node >out &&
	test -z "$(lost out)" &&
	passed out udp-sender.steady udp-sender.nobody-listens &&
	! grep -q "udp-sender.seq\|udp-sender.goodbye" out
'

test_expect_success 'the kit sender: full marks in full, its jitter in the log' '
	test_within 60 "$grade" udp-sender --profile full -v -- \
		"$sender" {host} -p {port} -i {interval_ms} -n kit-node >out &&
	test -z "$(lost out)" &&
	passed out udp-sender.steady udp-sender.seq udp-sender.goodbye \
		udp-sender.nobody-listens &&
	grep -q "mean gap [0-9.]* ms (asked 100), .* jitter (standard deviation) [0-9.]* ms" out &&
	grep -q "node kit-node, inc [0-9]*, seq 1 to 5" out
'

test_expect_success 'the kit receiver: full marks in course' '
	test_within 60 "$grade" udp-receiver --profile course -- \
		"$receiver" -p {port} -b 127.0.0.1 >out &&
	test -z "$(lost out)" &&
	passed out udp-receiver.shows-nodes udp-receiver.garbage udp-receiver.sizes
'

test_expect_success 'the kit receiver: full marks in full' '
	test_within 60 "$grade" udp-receiver --profile full -v -- \
		"$receiver" -p {port} -b 127.0.0.1 >out &&
	test -z "$(lost out)" &&
	passed out udp-receiver.shows-nodes udp-receiver.garbage udp-receiver.sizes \
		udp-receiver.dead udp-receiver.back udp-receiver.reorder udp-receiver.left &&
	grep -q "SUSPECT at [0-9]* ms, DEAD at [0-9]* ms" out &&
	grep -q "hb-golf, SUSPECT, beat again: ALIVE [0-9]* ms later" out &&
	grep -q "hb-golf, DEAD, beat again: ALIVE [0-9]* ms later" out
'

test_expect_success 'no {interval_ms}: 1000 ms is assumed, and the log says so' '
	test_within 30 "$grade" udp-sender --profile full -v --only udp-sender.goodbye -- \
		"$sender" {host} -p {port} >out &&
	passed out udp-sender.goodbye &&
	grep -q "COMMAND has no {interval_ms}: the sender is taken to beat every 1000 ms" out
'

test_expect_success EXPENSIVE 'a sender that beats every 300 ms when asked 100: what came, what is right' '
	test_expect_code 1 test_within 60 "$grade" udp-sender --profile full -- \
		"$sender" {host} -p {port} -i {interval_ms} -i 300 -n slow >out &&
	test "$(lost out)" = udp-sender.steady &&
	grep -q "gaps between heartbeats (ms): [23][0-9][0-9] " out &&
	grep -q "they came every [23][0-9][0-9].[0-9] ms on average, not every 100 ms" out &&
	grep -q "a correct sender waits its interval between two heartbeats" out
'

test_expect_success PYTHON3 'a sender whose interval_ms is not its interval loses seq' '
	cat >liar.py <<-\EOF &&
	# Beats every INTERVAL_MS but says interval_ms=1000.
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	for seq in range(1, 100):
	    s.sendto(f"HEARTBEAT v=1 node=liar inc=1 seq={seq} interval_ms=1000 "
	             f"sent_ms=1".encode(), (sys.argv[1], int(sys.argv[2])))
	    time.sleep(int(sys.argv[3]) / 1000)
	EOF
	test_expect_code 1 test_within 60 "$grade" udp-sender --profile full \
		--only udp-sender.seq -- python3 "$PWD/liar.py" {host} {port} {interval_ms} >out &&
	test "$(lost out)" = udp-sender.seq &&
	grep -q "say interval_ms=1000, but they came every [0-9]*.[0-9] ms" out
'

test_expect_success 'a receiver late to declare death: what was sent, what is right' '
	test_expect_code 1 test_within 60 "$grade" udp-receiver --profile full -- \
		"$receiver" -p {port} -b 127.0.0.1 --dead-after 2000 >out &&
	test "$(lost out)" = udp-receiver.dead &&
	grep -q "no line with hb-delta and DEAD within 800 ms of its last heartbeat" out &&
	grep -q "last sent: \"HEARTBEAT v=1 node=hb-delta .* seq=5 interval_ms=100 " out &&
	grep -q "a correct receiver watches its nodes. silence on a timer" out &&
	grep -q "its stdout ended: .*hb-delta SUSPECT" out
'

test_expect_success PYTHON3 'a receiver that dies on binary: loses garbage, says after what' '
	cat >decode.py <<-\EOF &&
	# Shows each datagram with its address; decode() of binary raises.
	import socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("127.0.0.1", int(sys.argv[1])))
	while True:
	    data, addr = s.recvfrom(65535)
	    print(f"from {addr[0]}:{addr[1]}: {data.decode()[:40]}", flush=True)
	EOF
	test_expect_code 1 test_within 60 "$grade" udp-receiver --profile course -- \
		python3 "$PWD/decode.py" {port} >out &&
	test "$(lost out)" = udp-receiver.garbage &&
	passed out udp-receiver.shows-nodes udp-receiver.sizes &&
	grep -q "it exited with 1 after these datagrams: a correct receiver" out &&
	grep -q "sent 15 bytes: \"\\\\x00\\\\xff" out &&
	grep -q "UnicodeDecodeError" out
'

test_expect_success PYTHON3 'the course Python sender: full marks in course' '
	test_within 60 "$grade" udp-sender --profile course -- \
		python3 "$course/udp_sender.py" {host} {port} {interval_ms} >out &&
	test -z "$(lost out)" &&
	passed out udp-sender.steady udp-sender.nobody-listens
'

test_expect_success PYTHON3 'the course Python receiver: full marks in course' '
	test_within 60 "$grade" udp-receiver --profile course -- \
		python3 "$course/udp_receiver.py" {port} {interval_ms} >out &&
	test -z "$(lost out)" &&
	passed out udp-receiver.shows-nodes udp-receiver.garbage udp-receiver.sizes
'

test_expect_success PYTHON3,EXPENSIVE 'a sender without seq: course, loses nothing' '
	test_within 60 "$grade" udp-sender --profile course -- \
		python3 "$flawed/udp_sender_no_seq.py" {host} {port} {interval_ms} >out &&
	test -z "$(lost out)"
'

test_expect_success PYTHON3,EXPENSIVE 'a sender without seq: full, loses seq and goodbye' '
	test_expect_code 1 test_within 60 "$grade" udp-sender --profile full -- \
		python3 "$flawed/udp_sender_no_seq.py" {host} {port} {interval_ms} >out &&
	test "$(lost out)" = "udp-sender.seq udp-sender.goodbye" &&
	grep -q "datagram 1 is not a heartbeat of the kit.s format: missing " out
'

test_expect_success PYTHON3,EXPENSIVE 'a receiver that never declares death: loses dead only' '
	test_expect_code 1 test_within 60 "$grade" udp-receiver --profile full -- \
		python3 "$flawed/udp_receiver_never_dead.py" {port} {interval_ms} >out &&
	test "$(lost out)" = udp-receiver.dead &&
	grep -q "SUSPECT at -1 ms, DEAD at -1 ms" out
'

test_expect_success PYTHON3,EXPENSIVE 'a receiver that takes reordering for death: loses reorder only' '
	test_expect_code 1 test_within 60 "$grade" udp-receiver --profile full -- \
		python3 "$flawed/udp_receiver_reorder_dead.py" {port} {interval_ms} >out &&
	test "$(lost out)" = udp-receiver.reorder &&
	grep -q "it declared hb-echo DEAD while it beat every 100 ms" out &&
	grep -q "its line: \"hb-echo .*DEAD" out
'

test_done
