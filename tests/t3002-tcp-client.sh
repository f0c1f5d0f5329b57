#!/bin/sh
# t3002-tcp-client - the client checks every reply and says what went wrong.
test_description='modes, errors, refused and dying servers, --retry, --timeout, --bench'
. "$(dirname "$0")/test-lib.sh"

client="$BINDIR/tcp_client"
talk="$HELPERDIR/tcp_talk"

# free_port: a port nobody listens on (a server's, once it has stopped).
free_port() {
	start_server srv0 -q && kill -INT $pid && wait_bounded $pid 10 && echo $port
}

test_expect_success 'no NUMBERs: 1..10, each checked, exit 0' '
	start_server srv -q &&
	"$client" 127.0.0.1 -p $port >out &&
	test "$(grep -c "^square([0-9]*) = [0-9]*$" out)" -eq 10 &&
	grep -q "^square(10) = 100$" out &&
	grep -q "^10 replies, 0 failed$" out
'

test_expect_success 'NUMBERs, negative ones after --, an error reply: exit 1' '
	start_server srv -q &&
	test_expect_code 1 "$client" -p $port 7 abc -- -9223372036854775808 >out &&
	grep -q "^square(7) = 49$" out &&
	grep -q "^square(abc): ERR not an integer$" out &&
	grep -q "^square(-9223372036854775808) = 85070591730234615865843651857942052864$" out &&
	grep -q "^3 replies, 1 failed$" out
'

test_expect_success 'HOST first, unless it is a number' '
	start_server srv -q &&
	"$client" localhost -p $port 12 >out &&
	grep -q "^square(12) = 144$" out &&
	"$client" -p $port 13 >out2 &&
	grep -q "^square(13) = 169$" out2
'

test_expect_success '- streams 100000 numbers from stdin, pipelined, all checked' '
	start_server srv -q &&
	seq 1 100000 | test_within 60 "$client" -q -p $port - >out &&
	test "$(cat out)" = "100000 replies, 0 failed"
'

test_expect_success 'a closed port: one line, the hint, exit 1' '
	p=$(free_port) &&
	test_expect_code 1 "$client" 127.0.0.1 -p $p 5 >out 2>err &&
	test "$(cat err)" = "tcp_client: cannot connect to 127.0.0.1:$p: Connection refused (is tcp_server running there?)"
'

test_expect_success 'IPv6 literal in brackets in the message' '
	p=$(free_port) &&
	test_expect_code 1 "$client" ::1 -p $p 5 2>err &&
	grep -q "^tcp_client: cannot connect to \[::1\]:$p: " err
'

test_expect_success 'a server killed mid-run: exit 1, how many replies came' '
	start_server srv -q || exit 1
	seq 1 50000000 | "$client" -q -p $port - >out 2>err &
	cpid=$! && test_started $cpid &&
	sleep 0.5 &&
	kill -KILL $pid &&
	test_expect_code 1 wait_bounded $cpid 10 &&
	{ grep -q "^tcp_client: the server closed the connection after [0-9]* replies, [0-9]* unanswered" err ||
	  { cat err; exit 1; }; }
'

test_expect_success '--retry: the server may start late' '
	p=$(free_port) || exit 1
	"$client" -p $p --retry 10 21 >out 2>err &
	cpid=$! && test_started $cpid &&
	sleep 1
	"$BINDIR/tcp_server" -p $p -b 127.0.0.1 -q >srv2 &
	spid=$! && test_started $spid &&
	wait_bounded $cpid 15 &&
	grep -q "^square(21) = 441$" out
'

test_expect_success '--timeout: a server that never answers' '
	start_server srv -q -m iterative || exit 1
	(echo 1; sleep 5) | "$talk" $port >held &
	test_started $! &&
	sleep 0.3 &&
	test_expect_code 1 test_within 10 "$client" -p $port --timeout 1 9 >out 2>err &&
	grep -q "^tcp_client: no reply within 1 s (after 0 replies, 1 unanswered)$" err
'

test_expect_success '- with a line over 1024 bytes: refused as too long, later replies in step' '
	start_server srv -q &&
	{ echo 5; printf "%03000d\n" 0; echo 7; } >in &&
	test_expect_code 1 "$client" -p $port - <in >out 2>err &&
	printf "square(5) = 25\nsquare(<over 1024 bytes>): ERR line too long\nsquare(7) = 49\n3 replies, 1 failed\n" >want &&
	cmp want out &&
	! test -s err
'

test_expect_success '- : a last number without its newline is asked too' '
	start_server srv -q &&
	printf "5\n7" | "$client" -p $port - >out &&
	printf "square(5) = 25\nsquare(7) = 49\n2 replies, 0 failed\n" >want &&
	cmp want out
'

test_expect_success 'a NUMBER with a line break in it is a usage error' '
	test_expect_code 2 "$client" -p 1 5 "6
7" 2>err &&
	grep -q "^tcp_client: a NUMBER is one line: no line breaks in" err
'

test_expect_success 'Ctrl-C while a reply is due: a summary, what was unanswered, exit 0' '
	start_server srv -m iterative || exit 1
	(echo 1; sleep 8) | "$talk" $port >held &
	test_started $! &&
	wait_until 5 grep -q "connection from" srv &&
	"$client" -p $port 9 >out 2>err &
	cpid=$! && test_started $cpid &&
	sleep 0.5 &&
	kill -INT $cpid &&
	wait_bounded $cpid 5 &&
	printf "0 replies, 0 failed\ninterrupted: 1 request unanswered\n" >want &&
	cmp want out
'

# The bound is checked with --timeout 1; the default (10 s) waits that
# long, and is a long round.
test_expect_success '--bench --timeout 1 against a server that serves one connection: bounded, a reason' '
	start_server srv -q -m iterative &&
	test_expect_code 1 test_within 20 "$client" -p $port --bench -c 4 -n 2000 --timeout 1 >out 2>err &&
	grep -q "^tcp_client: no reply within 1 s: 3 of 2000 requests unanswered (is the server serving every connection?" err
'

test_expect_success EXPENSIVE '--bench against a server that serves one connection: a default bound, a reason' '
	start_server srv -q -m iterative &&
	test_expect_code 1 test_within 30 "$client" -p $port --bench -c 4 -n 2000 >out 2>err &&
	grep -q "^tcp_client: no reply within 10 s: 3 of 2000 requests unanswered (is the server serving every connection?" err
'

test_expect_success '--bench: counts, no errors, latency percentiles, JSON keys' '
	start_server srv -q &&
	"$client" -p $port --bench -c 4 -P 4 -n 20000 --json >out 2>err &&
	grep -q "^{\"event\":\"summary\",\"program\":\"tcp_client\",\"mode\":\"bench\",\"connections\":4,\"pipeline\":4,\"requests\":20000,\"wrong_replies\":0,\"ok\":true," out &&
	for k in seconds per_sec latency_us p50 p90 p99 p999 max; do
		grep -q "\"$k\":" out || { echo "missing $k"; exit 1; }
	done
'

test_expect_success '--bench --request: a fixed line, replies counted unchecked' '
	start_server srv -q &&
	"$client" -p $port --bench -c 2 -n 1000 --request PING >out 2>err &&
	grep -q "^requests     1000$" out &&
	grep -q "^errors       0$" out
'

test_expect_success '--bench --rate --duration: open loop at the rate asked' '
	start_server srv -q &&
	"$client" -p $port --bench -c 2 --rate 2000 --duration 1 --json >out 2>err &&
	n=$(sed -n "s/.*\"requests\":\([0-9]*\).*/\1/p" out) &&
	test $n -ge 1900 && test $n -le 2000
'

test_done
