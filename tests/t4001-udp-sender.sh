#!/bin/sh
# t4001-udp-sender - the exact datagrams udp_sender sends, and when.
test_description='wire format, count, goodbye, drops, many nodes, options, send errors'
. "$(dirname "$0")/test-lib.sh"

sender="$BINDIR/udp_sender"

# start_sink: a bare UDP receiver on a free loopback port; sets sink, port.
start_sink() {
	"$HELPERDIR/udp_sink" >sink 2>sink.err &
	sink=$!
	test_started $sink
	wait_until 10 grep -q '^port [0-9]*$' sink || return 1
	port=$(sed -n 's/^port //p' sink)
}

# heartbeats: the datagrams the sink got, without its port line.
heartbeats() {
	sed 1d sink
}

# has_heartbeats N: the sink got N datagrams or more.
has_heartbeats() {
	test "$(heartbeats | wc -l)" -ge "$1"
}

# sink_got PATTERN: one of the datagrams matches PATTERN.
sink_got() {
	heartbeats | grep -q "$1"
}

re_hb='^HEARTBEAT v=1 node=[A-Za-z0-9._-]* inc=[0-9]* seq=[0-9]* interval_ms=[0-9]* sent_ms=[0-9]*$'

test_expect_success 'COUNT heartbeats, seq 1..COUNT, one incarnation, then silence' '
	start_sink &&
	"$sender" -p $port -i 20 -c 5 -n node-a >out &&
	wait_until 5 has_heartbeats 5 &&
	sleep 0.2 &&
	heartbeats >got &&
	test "$(grep -c "$re_hb" got)" -eq 5 &&
	test "$(wc -l <got)" -eq 5 &&
	sed "s/.* seq=\([0-9]*\) .*/\1/" got | tr "\n" " " >seqs &&
	test "$(cat seqs)" = "1 2 3 4 5 " &&
	test "$(sed "s/.* inc=\([0-9]*\) .*/\1/" got | sort -u | wc -l)" -eq 1 &&
	grep -q "node=node-a .* interval_ms=20 " got &&
	! grep -q leaving got &&
	grep -q "^heartbeats to 127.0.0.1:$port from node node-a every 20 ms, incarnation [0-9]*; Ctrl-C to leave$" out &&
	test "$(grep -c "^sent HEARTBEAT v=1 node=node-a " out)" -eq 5 &&
	grep -q "^sent         5$" out &&
	grep -q "^leaving      0$" out
'

test_expect_success 'the incarnation is the start time in ms, sent_ms the wall clock' '
	start_sink &&
	before=$(date +%s) &&
	"$sender" -p $port -i 10 -c 2 -q >out &&
	after=$(date +%s) &&
	wait_until 5 has_heartbeats 2 &&
	inc=$(heartbeats | sed -n "1s/.* inc=\([0-9]*\) .*/\1/p") &&
	sent=$(heartbeats | sed -n "2s/.* sent_ms=\([0-9]*\)$/\1/p") &&
	test $((inc / 1000)) -ge $before && test $((inc / 1000)) -le $after &&
	test $sent -ge $inc
'

test_expect_success 'SIGINT: one last heartbeat with leaving=1 and the next seq, exit 0' '
	start_sink || exit 1
	"$sender" -p $port -i 50 -n bye >out &
	spid=$! && test_started $spid &&
	wait_until 5 has_heartbeats 3 &&
	kill -INT $spid &&
	wait_bounded $spid 5 &&
	wait_until 5 sink_got "leaving=1" &&
	last=$(heartbeats | tail -1) &&
	n=$(heartbeats | wc -l) &&
	echo "$last" | grep -q "^HEARTBEAT v=1 node=bye inc=[0-9]* seq=$n interval_ms=50 sent_ms=[0-9]* leaving=1$" &&
	test "$(heartbeats | grep -c leaving)" -eq 1 &&
	grep -q "^leaving      1$" out
'

test_expect_success 'SIGTERM says goodbye too' '
	start_sink || exit 1
	"$sender" -p $port -i 50 -q >out &
	spid=$! && test_started $spid &&
	wait_until 5 has_heartbeats 1 &&
	kill -TERM $spid &&
	wait_bounded $spid 5 &&
	wait_until 5 sink_got "leaving=1$"
'

test_expect_success '--drop-rate 100: nothing sent, every seq used and counted skipped' '
	start_sink &&
	"$sender" -p $port -i 5 -c 20 --drop-rate 100 >out &&
	sleep 0.2 &&
	test "$(heartbeats | wc -l)" -eq 0 &&
	grep -q "^skipped      20$" out &&
	grep -q "^sent         0$" out &&
	grep -q "^skipped seq=20 of " out
'

test_expect_success '--drop-rate 50: gaps in seq, sent + skipped = COUNT' '
	start_sink &&
	"$sender" -p $port -i 2 -c 200 --drop-rate 50 -q >out &&
	sent=$(sed -n "s/^sent *//p" out) && skipped=$(sed -n "s/^skipped *//p" out) &&
	test $((sent + skipped)) -eq 200 &&
	test $sent -gt 50 && test $sent -lt 150 &&
	wait_until 5 has_heartbeats $sent &&
	heartbeats | sed "s/.* seq=\([0-9]*\) .*/\1/" >seqs &&
	sort -n -c seqs &&
	test "$(sort -u seqs | wc -l)" -eq $sent &&
	test "$(tail -1 seqs)" -le 200
'

test_expect_success '--nodes 3: NAME-1..NAME-3, each its own seq' '
	start_sink &&
	"$sender" -p $port -i 30 -c 2 --nodes 3 -n sim -q >out &&
	wait_until 5 has_heartbeats 6 &&
	for i in 1 2 3; do
		test "$(heartbeats | grep -c "node=sim-$i .* seq=[12] ")" -eq 2 || exit 1
	done &&
	grep -q "^sent         6$" out
'

test_expect_success 'held up (SIGSTOP) for 10 intervals, it beats on from now: no burst' '
	start_sink || exit 1
	"$sender" -p $port -i 50 -c 12 -q >out &
	spid=$! && test_started $spid &&
	wait_until 5 has_heartbeats 3 &&
	kill -STOP $spid && sleep 0.5 && kill -CONT $spid &&
	wait_bounded $spid 10 &&
	heartbeats | sed "s/.* sent_ms=\([0-9]*\)$/\1/" |
		awk "NR > 1 && \$1 - prev < 20 { near++ } { prev = \$1 } END { print near + 0 }" >close &&
	test "$(cat close)" -le 1 &&
	test "$(heartbeats | wc -l)" -eq 12
'

test_expect_success 'a reader of its output that goes away: an error and exit 1, not SIGPIPE' '
	start_sink || exit 1
	{ "$sender" -p $port -i 10 2>err; echo $? >status; } | head -1 >line &
	test_started $! &&
	wait_until 5 test -s status &&
	test "$(cat status)" = 1 &&
	grep -q "^udp_sender: writing to stdout: Broken pipe$" err
'

test_expect_success '--json: the totals as one object' '
	start_sink &&
	"$sender" -p $port -i 5 -c 3 --json >out &&
	test "$(wc -l <out)" -eq 1 &&
	grep -q "^{\"event\":\"summary\",\"program\":\"udp_sender\",\"to\":\"127.0.0.1:$port\",\"nodes\":1,\"sent\":3,\"skipped\":0,\"errors\":0,\"leaving\":0,\"ok\":true,\"seconds\":[0-9.]*,\"per_sec\":[0-9]*}$" out
'

test_expect_success IPV6 'IPv6 loopback' '
	"$HELPERDIR/udp_sink" -b ::1 >sink 2>sink.err &
	sink=$! && test_started $sink &&
	wait_until 5 grep -q "^port" sink &&
	port=$(sed -n "s/^port //p" sink) &&
	"$sender" ::1 -p $port -i 5 -c 2 -n six >out &&
	grep -q "^heartbeats to \[::1\]:$port from node six" out &&
	wait_until 5 has_heartbeats 2
'

test_expect_success 'options that do not fit the address are refused, exit 2' '
	test_expect_code 2 "$sender" --ttl 4 -c 1 2>err &&
	grep -q "^udp_sender: --ttl is for a multicast HOST" err &&
	test_expect_code 2 "$sender" --iface lo -c 1 2>err &&
	grep -q "^udp_sender: --iface is for --broadcast or a multicast HOST" err &&
	test_expect_code 2 "$sender" ::1 --broadcast 2>err &&
	grep -q "is not IPv4 (IPv6 has no broadcast" err &&
	test_expect_code 2 "$sender" -n "a/b" 2>err &&
	grep -q "^udp_sender: -n: .a/b. is not a node name" err &&
	test_expect_code 2 "$sender" -n "$(printf "%065d" 0)" 2>err &&
	test_expect_code 2 "$sender" host1 host2 2>err &&
	grep -q "unexpected argument .host2." err &&
	test_expect_code 2 "$sender" --jitter 101 2>err &&
	test_expect_code 2 "$sender" -i 0 2>err
'

test_expect_success 'an interface without broadcast, or none at all: exit 1' '
	test_expect_code 1 "$sender" --broadcast --iface lo -c 1 2>err &&
	grep -q "^udp_sender: --iface lo: it has no IPv4 broadcast address$" err &&
	test_expect_code 1 "$sender" --broadcast --iface no-such-if0 -c 1 2>err &&
	grep -q "^udp_sender: --iface no-such-if0: no such interface$" err
'

# Send errors need a network without a route: a namespace of our own
# (unshare -n: only a loopback, and it is down), root only.
test_expect_success NETNS 'no route: each error counted, reported with a hint, sending goes on' '
	test_expect_code 1 unshare -n "$sender" 127.0.0.1 -i 5 -c 5 >out 2>err &&
	grep -q "^udp_sender: send to 127.0.0.1:5005: Network is unreachable (no route to that network)$" err &&
	test "$(wc -l <err)" -eq 1 &&
	grep -q "^errors       5$" out &&
	grep -q "^sent         0$" out
'
test_expect_success NETNS 'no route for broadcast: the hint says --iface or a default route' '
	test_expect_code 1 unshare -n "$sender" --broadcast -c 1 -q 2>err &&
	grep -q "^udp_sender: send to 255.255.255.255:5005: Network is unreachable (no route for broadcast: give --iface IFNAME, or add a default route)$" err
'

test_done
