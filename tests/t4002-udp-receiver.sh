#!/bin/sh
# t4002-udp-receiver - counts, states on time, bad datagrams, many nodes.
test_description='sequence accounting, failure detection, malformed datagrams, scale, IPv6'
. "$(dirname "$0")/test-lib.sh"

sender="$BINDIR/udp_sender"
script="$HELPERDIR/udp_script"

# hb NODE INC SEQ [INTERVAL_MS [EXTRA]]: one heartbeat line for udp_script.
hb() {
	echo "HEARTBEAT v=1 node=$1 inc=$2 seq=$3 interval_ms=${4:-10000} sent_ms=1700000000000${5:+ $5}"
}

# event NAME FILE: the JSON events of that name in FILE.
event() {
	grep "^{\"event\":\"$1\"" "$2"
}

# node_json FILE NODE: NODE's object in the summary's list.
node_json() {
	event summary "$1" | tr '[]' '\n\n' | sed 's/},{/}\n{/g' | grep "^{\"node\":\"$2\","
}

# sentinel: a heartbeat of a node of its own, to send last.  The receiver
# takes one socket's datagrams in order, and does not drain its socket when
# it stops: once it has seen the sentinel, everything sent before it has
# been counted, and it may be stopped.  (A fixed sleep may stop it with
# datagrams still queued.)
sentinel() {
	hb sentinel 1 1
}

# wait_sentinel FILE: until the receiver's output (text or JSON) has it.
wait_sentinel() {
	wait_until 5 grep -q "^[0-9:.]* sentinel ALIVE\|\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"sentinel\"" "$1"
}

# within LOW HIGH VALUE: LOW <= VALUE <= HIGH, or say what it was.
within() {
	[ "$3" -ge "$1" ] && [ "$3" -le "$2" ] && return 0
	echo "$3 is not within $1..$2" >&2
	return 1
}

# Timers fire at their deadline; what comes on top is the wait for the
# CPU, more so on a loaded machine and under the sanitizers.
slack=100
[ -n "$SANITIZE" ] && slack=250

test_expect_success 'seq accounting: gaps, late arrivals, duplicates, a restart' '
	start_receiver rx -q --json &&
	{ hb a 1 1; hb a 1 2; hb a 1 4; hb a 1 5; hb a 1 3; hb a 1 3; hb a 1 7;
	  hb a 2 1; hb a 2 2; sentinel; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx a >a.json &&
	grep -q "^{\"node\":\"a\",\"addr\":\"127.0.0.1:[0-9]*\",\"state\":\"alive\",\"received\":9,\"lost\":1,\"duplicates\":1,\"reordered\":1,\"restarts\":1,\"last_seen_ms\":[0-9]*,\"stale\":0,\"implausible\":0}$" a.json &&
	event summary rx | grep -q "\"heartbeats\":10,\"malformed\":0," &&
	test "$(event alive rx | grep -c "\"node\":\"a\"")" -eq 1 &&
	! grep -q "\"event\":\"heartbeat\"" rx
'

test_expect_success 'a seq far ahead (forged, corrupted) is ignored; the node stays ALIVE' '
	start_receiver rx -q --json &&
	{ hb a 1 1 1000; hb a 1 18446744073709551615 1000; hb a 1 5000 1000;
	  for s in 2 3 4 5 6; do echo "@sleep 50"; hb a 1 $s 1000; done; sentinel; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"state\":\"alive\",\"received\":6,\"lost\":0,\"duplicates\":0,.*\"implausible\":2}$" &&
	event summary rx | grep -q "\"implausible\":2,"
'

test_expect_success 'one older than the first seen is reordered, never a negative loss' '
	start_receiver rx -q --json &&
	{ hb a 1 2; hb a 1 1; hb a 1 3; sentinel; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"received\":3,\"lost\":0,\"duplicates\":0,\"reordered\":1,"
'

test_expect_success 'a late datagram of the previous incarnation is stale, not a restart' '
	start_receiver rx -q --json &&
	{ hb a 1 10; hb a 2 1; hb a 1 11; hb a 2 2; sentinel; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"received\":3,\"lost\":0,\"duplicates\":0,\"reordered\":0,\"restarts\":1,.*\"stale\":1," &&
	event summary rx | grep -q "\"stale\":1,"
'

test_expect_success 'another address: no news moves the node, no goodbye is taken from it' '
	start_receiver rx --json &&
	hb a 1 1 | "$script" $port &&
	wait_until 5 grep -q "\"event\":\"alive\"" rx &&
	addr=$(event alive rx | sed -n "s/.*\"addr\":\"\([^\"]*\)\".*/\1/p") &&
	{ hb a 1 1; hb a 1 2 10000 leaving=1; } | "$script" $port &&
	wait_until 5 grep -q "\"event\":\"ignored\".*goodbye from another address" rx &&
	stop_receiver &&
	node_json rx a | grep -q "^{\"node\":\"a\",\"addr\":\"$addr\",\"state\":\"alive\",\"received\":1,.*\"implausible\":2}$" &&
	! grep -q "\"event\":\"left\"" rx
'

test_expect_success 'an incarnation from the future is ignored, and makes no node' '
	start_receiver rx -q --json &&
	{ hb ghost 99999999999999999 1; hb a 1 1; hb a 99999999999999999 1; hb a 1 2; sentinel; } |
		"$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	! node_json rx ghost &&
	node_json rx a | grep -q "\"received\":2,\"lost\":0,\"duplicates\":0,\"reordered\":0,\"restarts\":0," &&
	event summary rx | grep -q "\"implausible\":2,"
'

test_expect_success 'forged restarts at seq 2^64-1: from elsewhere ignored, from the node'"'"'s address no huge loss' '
	start_receiver rx -q --json &&
	{ hb a 1 1 1000; } | "$script" $port &&
	{ hb a 2 18446744073709551615 1000; hb a 3 18446744073709551615 1000; } | "$script" $port &&
	{ hb b 1 1 1000; hb b 2 18446744073709551615 1000; hb b 3 18446744073709551615 1000;
	  sentinel; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"state\":\"alive\",\"received\":1,\"lost\":0,\"duplicates\":0,\"reordered\":0,\"restarts\":0,.*\"stale\":0,\"implausible\":2}$" &&
	node_json rx b | grep -q "\"received\":3,\"lost\":[0-9]*,\"duplicates\":0,\"reordered\":0,\"restarts\":2," &&
	# Each restart may lose what a jump of seq may: 64 + 2 intervals here.
	within 0 200 $(node_json rx b | json_field /dev/stdin lost)
'

test_expect_success 'a forged incarnation 20 h ahead, from elsewhere, does not take a live node' '
	start_receiver rx --json || exit 1
	"$sender" -p $port -i 50 -n live -q >tx &
	spid=$! && test_started $spid &&
	wait_until 5 grep -q "\"event\":\"alive\"" rx &&
	future=$(( $(date +%s) * 1000 + 20 * 3600 * 1000 )) &&
	{ hb live $future 1 50; hb live $future 2 50; } | "$script" $port &&
	beats=$(grep -c "^{\"event\":\"heartbeat\",\"program\":\"udp_receiver\",\"node\":\"live\"" rx) &&
	# Its real heartbeats are still news (they were stale: 31 ignored).
	wait_until 5 at_least $((beats + 5)) "^{\"event\":\"heartbeat\",\"program\":\"udp_receiver\",\"node\":\"live\"" rx &&
	test "$(grep -c "\"node\":\"live\",.*\"reason\":\"from another address while the node is alive\"" rx)" -eq 2 &&
	kill -INT $spid && wait_bounded $spid 5 &&
	wait_until 5 grep -q "\"event\":\"left\"" rx &&
	stop_receiver &&
	! grep -q "\"event\":\"\(suspect\|dead\)\"" rx &&
	node_json rx live | grep -q "\"state\":\"left\",.*\"restarts\":0,.*\"stale\":0,\"implausible\":2}$"
'

# The heartbeat event of NODE last in FILE: its seq, inc, addr.
last_beat() {
	grep "^{\"event\":\"heartbeat\",\"program\":\"udp_receiver\",\"node\":\"$2\"" "$1" | tail -n 1
}

# beats_from NODE ADDR INC: NODE's last heartbeat in rx came from ADDR, of INC.
beats_from() {
	last_beat rx "$1" >last &&
	grep -q "\"addr\":\"$2\"" last && grep -q "\"inc\":$3[,}]" last
}

# A node late by two heartbeats is SUSPECT, yet beating: one forged
# heartbeat of an incarnation 20 h ahead took it, and its real heartbeats
# (its goodbye too) were stale for 20 h.  Whoever beats takes a silent
# node: the forger, silent after its one datagram, loses it again; the
# interval it announces (a day: the node its for two) is not believed
# from a new address's first word.  (DEAD only after 100 s: the forgery
# comes while the node is SUSPECT, however loaded the machine.)
test_expect_success 'a forged incarnation 20 h ahead while the node is SUSPECT holds it only until the real one beats on' '
	start_receiver rx --json --dead-after 100000 || exit 1
	"$sender" -p $port -i 50 -n lag -q >tx &
	spid=$! && test_started $spid &&
	wait_until 5 grep -q "\"event\":\"alive\"" rx &&
	last_beat rx lag >beat && addr=$(json_field beat addr) && inc=$(json_field beat inc) &&
	kill -STOP $spid &&
	wait_until 5 grep -q "\"event\":\"suspect\",.*\"node\":\"lag\"" rx &&
	future=$(( $(date +%s) * 1000 + 20 * 3600 * 1000 )) &&
	hb lag $future 1 86400000 | "$script" $port &&
	wait_until 5 grep -q "^{\"event\":\"heartbeat\",.*\"node\":\"lag\",.*\"inc\":$future" rx &&
	kill -CONT $spid &&
	# Back to its own address and incarnation, and its goodbye taken.
	wait_until 5 beats_from lag "$addr" $inc &&
	kill -INT $spid && wait_bounded $spid 5 &&
	wait_until 5 grep -q "\"event\":\"left\",.*\"node\":\"lag\"" rx &&
	stop_receiver &&
	node_json rx lag | grep -q "^{\"node\":\"lag\",\"addr\":\"$addr\",\"state\":\"left\",.*\"restarts\":2,"
'

test_expect_success 'a real node'"'"'s inc and seq copied, from another port: ignored while it is ALIVE' '
	start_receiver rx --json || exit 1
	"$sender" -p $port -i 50 -n web-1 -q >tx &
	spid=$! && test_started $spid &&
	wait_until 5 grep -q "\"event\":\"alive\"" rx &&
	last_beat rx web-1 >beat &&
	addr=$(json_field beat addr) && seq=$(json_field beat seq) && inc=$(json_field beat inc) &&
	# A jump of 60 is within what the time allows: as the node'"'"'s, it
	# would move it to the forger, whose goodbye would then make it LEFT.
	{ hb web-1 $inc $((seq + 60)) 50; hb web-1 $inc $((seq + 61)) 50 leaving=1;
	  hb web-1 $inc $((seq + 62)) 86400000; } | "$script" $port &&
	wait_until 5 at_least 3 "\"event\":\"ignored\".*\"node\":\"web-1\"" rx &&
	beats=$(grep -c "^{\"event\":\"heartbeat\",.*\"node\":\"web-1\",\"addr\":\"$addr\"" rx) &&
	# Its real heartbeats are still news, from its own address.
	wait_until 5 at_least $((beats + 5)) "^{\"event\":\"heartbeat\",.*\"node\":\"web-1\",\"addr\":\"$addr\"" rx &&
	test "$(grep -c "\"node\":\"web-1\",.*\"reason\":\"from another address while the node is alive\"" rx)" -eq 2 &&
	test "$(grep -c "\"node\":\"web-1\",.*\"reason\":\"goodbye from another address than the node'"'"'s\"" rx)" -eq 1 &&
	! grep -q "\"event\":\"left\"" rx &&
	# Its own goodbye is taken.
	kill -INT $spid && wait_bounded $spid 5 &&
	wait_until 5 grep -q "\"event\":\"left\",.*\"node\":\"web-1\"" rx &&
	stop_receiver &&
	! grep -q "\"event\":\"\(suspect\|dead\)\"" rx &&
	node_json rx web-1 | grep -q "^{\"node\":\"web-1\",\"addr\":\"$addr\",\"state\":\"left\",\"received\":[0-9]*,\"lost\":0,.*\"implausible\":3}$" &&
	event summary rx | grep -q "\"implausible\":3,"
'

test_expect_success 'the same from another port once the node is SUSPECT: believed, the node moved' '
	start_receiver rx --json --suspect-after 100 --dead-after 100000 &&
	hb a 1 1 50 | "$script" $port &&
	wait_until 5 grep -q "\"event\":\"suspect\"" rx &&
	{ hb a 1 3 50; sentinel; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	test "$(event alive rx | grep -c "\"node\":\"a\"")" -eq 2 &&
	node_json rx a | grep -q "\"state\":\"alive\",\"received\":2,\"lost\":1,.*\"implausible\":0}$" &&
	test "$(node_json rx a | json_field /dev/stdin addr)" = "$(last_beat rx sentinel | json_field /dev/stdin addr)"
'

test_expect_success 'a node that restarts while ALIVE (kill -9, started again) is seen restarted once SUSPECT' '
	start_receiver rx || exit 1
	"$sender" -p $port -i 500 -n back -q >tx &
	spid=$! && test_started $spid &&
	wait_until 5 grep -q "back ALIVE: first heartbeat" rx || exit 1
	kill -KILL $spid; { wait $spid; } 2>/dev/null    # no goodbye: a crash
	"$sender" -p $port -i 500 -n back -q >tx2 &
	spid=$! && test_started $spid &&
	wait_until 5 grep -q "back ALIVE again" rx &&
	kill -INT $spid && wait_bounded $spid 5 &&
	wait_until 5 grep -q "back LEFT" rx &&
	stop_receiver &&
	# The new one starts well within the old one'"'"'s SUSPECT deadline (1 s):
	# its first heartbeats are ignored, then: SUSPECT, restarted, ALIVE
	# again; counted from its first believed heartbeat.
	sed -n -e "s/^[0-9:.]* back ALIVE: first .*/F/p" \
	       -e "s/^[0-9:.]* ignored heartbeat .*: from another address while the node is alive (node back)$/I/p" \
	       -e "s/^[0-9:.]* back SUSPECT: .*/S/p" -e "s/^[0-9:.]* back restarted (incarnation .*/R/p" \
	       -e "s/^[0-9:.]* back ALIVE again .*/A/p" -e "s/^[0-9:.]* back \(DEAD\|LEFT\).*/X/p" rx |
		tr -d "\n" >order &&
	grep -q "^FI\{1,\}SRAX$" order &&
	grep -q "^back  *127.0.0.1:[0-9]*  *LEFT  *[0-9]*  *0  *0.0%" rx
'

test_expect_success '--max-nodes: heartbeats of more nodes are refused, counted, reported' '
	start_receiver rx --max-nodes 2 &&
	{ hb a 1 1; hb b 1 1; hb c 1 1; hb c 1 2; hb a 1 2; } | "$script" $port &&
	wait_until 5 grep -q "^[0-9:.]* heartbeat from a (127.0.0.1:[0-9]*) seq=2$" rx &&
	grep -q "ignored heartbeat from 127.0.0.1:[0-9]*: node limit reached (--max-nodes) (node c)" rx &&
	stop_receiver &&
	grep -q "^2 nodes (2 alive, 0 suspect, 0 dead, 0 left), 3 heartbeats, 0 malformed$" rx &&
	grep -q "^ignored: 0 of older incarnations, 0 implausible, 2 past --max-nodes$" rx
'

test_expect_success '--forget-after: DEAD and LEFT nodes are forgotten, their room reused' '
	start_receiver rx --max-nodes 100 --suspect-after 100 --dead-after 200 --forget-after 300 &&
	awk "BEGIN { for (i = 1; i <= 99; i++) print \"HEARTBEAT v=1 node=x\" i \" inc=1 seq=1 interval_ms=50 sent_ms=1\";
		print \"HEARTBEAT v=1 node=bye inc=1 seq=1 interval_ms=50 sent_ms=1 leaving=1\" }" | "$script" $port &&
	wait_until 5 grep -q "^[0-9:.]* bye forgotten (LEFT, silent for 3[0-9][0-9] ms)$" rx &&
	wait_until 5 at_least 99 "x[0-9]* forgotten (DEAD, silent for 5[0-9][0-9] ms)$" rx &&
	awk "BEGIN { for (i = 1; i <= 100; i++) print \"HEARTBEAT v=1 node=y\" i \" inc=1 seq=1 interval_ms=10000 sent_ms=1\" }" |
		"$script" $port &&
	wait_until 5 at_least 100 "y[0-9]* ALIVE: first heartbeat" rx &&
	stop_receiver &&
	# Every y fitted.  (Their states: SUSPECT 100 ms after their one
	# heartbeat, which a loaded machine may take to stop the receiver.)
	grep -q "^100 nodes ([0-9]* alive, [0-9]* suspect, [0-9]* dead, 0 left), 200 heartbeats, 0 malformed$" rx &&
	grep -q "^forgotten: 100 dead or left nodes (--forget-after)$" rx &&
	! grep -q "past --max-nodes" rx
'

test_expect_success 'a flood of garbage and invented nodes: every real heartbeat kept, memory bounded' '
	start_receiver rx -q --json --max-nodes 1000 &&
	awk "BEGIN { for (i = 1; i <= 100000; i++) {
		if (i % 4 == 0) print \"garbage \" i; else print \"HEARTBEAT v=1 node=x\" i \" inc=1 seq=1 interval_ms=1000 sent_ms=1\";
		if (i % 1000 == 0) { print \"HEARTBEAT v=1 node=real inc=1 seq=\" i / 1000 \" interval_ms=100000 sent_ms=1\"; print \"@sleep 5\" } }
		print \"HEARTBEAT v=1 node=real inc=1 seq=101 interval_ms=100000 sent_ms=1 leaving=1\" }" >flood &&
	"$script" $port <flood &&
	# Its goodbye, last, is the sentinel (the table is full: no new node).
	wait_until 10 grep -q "\"event\":\"left\",\"program\":\"udp_receiver\",\"node\":\"real\"" rx &&
	rss=$(sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$pid/status) &&
	echo "receiver RSS $rss kB" &&
	stop_receiver &&
	node_json rx real | grep -q "\"state\":\"left\",\"received\":101,\"lost\":0," &&
	event summary rx | grep -q "\"malformed\":25000," &&
	event summary rx | grep -q "\"refused\":74001," &&
	test $rss -lt 60000
'

test_expect_success 'text: each heartbeat with its address, the restart, the table' '
	start_receiver rx &&
	{ hb a 1 1; hb a 1 3; hb a 5 1; } | "$script" $port &&
	wait_until 5 grep -q "restarted" rx &&
	stop_receiver &&
	grep -q "^[0-9:.]* heartbeat from a (127.0.0.1:[0-9]*) seq=1$" rx &&
	grep -q "^[0-9:.]* a ALIVE: first heartbeat, from 127.0.0.1:[0-9]*, every 10000 ms$" rx &&
	grep -q "^[0-9:.]* a restarted (incarnation 5, was 1)$" rx &&
	grep -q "^node  *address  *state  *received  *lost  *loss%  *last seen$" rx &&
	grep -q "^a  *127.0.0.1:[0-9]*  *ALIVE  *3  *1  *25.0%  *0.[0-9] s ago$" rx &&
	grep -q "^1 node (1 alive, 0 suspect, 0 dead, 0 left), 3 heartbeats, 0 malformed$" rx
'

test_expect_success 'malformed datagrams: each counted with its reason; heartbeats go on' '
	start_receiver rx --json &&
	{ hb ok 1 1; echo @empty; echo @binary; hb ok 1 2; echo @oversize 600;
	  hb "bad/name" 1 1; hb ok 1 3; hb x 1 -1; echo "HEARTBEAT v=1 node=x inc=1 interval_ms=1 sent_ms=1";
	  echo hello; echo "HEARTBEAT v=2 node=x inc=1 seq=1 interval_ms=1 sent_ms=1"; hb ok 1 4; } |
		"$script" $port &&
	wait_until 5 grep -q "\"seq\":4" rx &&
	pid_alive $pid &&
	stop_receiver &&
	for reason in "empty" "not text" "oversize" "bad value for node" "bad value for seq" \
	              "missing seq" "not a heartbeat" "unsupported version"; do
		event malformed rx | grep -q "^{\"event\":\"malformed\",\"program\":\"udp_receiver\",\"addr\":\"127.0.0.1:[0-9]*\",\"reason\":\"$reason\",\"t_ms\":[0-9]*}$" ||
			{ echo "no malformed event for: $reason"; exit 1; }
	done &&
	test "$(event malformed rx | wc -l)" -eq 8 &&
	event summary rx | grep -q "\"heartbeats\":4,\"malformed\":8,\"malformed_by_reason\":{\"empty\":1,\"oversize\":1,\"not text\":1,\"not a heartbeat\":1,\"missing\":1,\"bad value\":2,\"unsupported version\":1}" &&
	node_json rx ok | grep -q "\"received\":4,\"lost\":0,"
'

test_expect_success 'malformed reports are rate-limited; the count is not' '
	start_receiver rx &&
	awk "BEGIN { for (i = 0; i < 100; i++) print \"junk\" }" | "$script" $port &&
	sleep 1.1 &&
	echo junk | "$script" $port &&
	wait_until 5 grep -q "more not shown" rx &&
	stop_receiver &&
	n=$(grep -c "malformed datagram from" rx) &&
	within 11 21 $n &&
	grep -q "^[0-9:.]* malformed datagram from 127.0.0.1:[0-9]*: not a heartbeat (and [0-9]* more not shown)$" rx &&
	grep -q "101 malformed (not a heartbeat 101)$" rx
'

test_expect_success 'a silent node: SUSPECT, then DEAD, each on time (--suspect-after, --dead-after)' '
	start_receiver rx --json -q --suspect-after 300 --dead-after 800 &&
	"$sender" -p $port -i 100 -c 3 -n quiet -q >tx &&
	wait_until 5 grep -q "\"event\":\"dead\"" rx &&
	stop_receiver &&
	s=$(event suspect rx | json_field /dev/stdin silent_ms) &&
	d=$(event dead rx | json_field /dev/stdin silent_ms) &&
	within 300 $((300 + slack)) $s &&
	within 800 $((800 + slack)) $d &&
	node_json rx quiet | grep -q "\"state\":\"dead\",\"received\":3,\"lost\":0,"
'

test_expect_success 'default deadlines: 2 and 5 of the node'"'"'s own intervals' '
	start_receiver rx --json -q &&
	"$sender" -p $port -i 60 -c 2 -n own -q >tx &&
	wait_until 5 grep -q "\"event\":\"dead\"" rx &&
	stop_receiver &&
	within 120 $((120 + slack)) $(event suspect rx | json_field /dev/stdin silent_ms) &&
	within 300 $((300 + slack)) $(event dead rx | json_field /dev/stdin silent_ms)
'

# One of the two deadlines given: the other keeps its default, in the
# node's intervals, and the start line says so (it once announced
# "SUSPECT after 3000 ms" for --dead-after 3000, then said SUSPECT at 2001).
test_expect_success 'one deadline given: the start line names both as they apply, and they do' '
	start_receiver rx --dead-after 3000 &&
	grep -q "^deadline detector: SUSPECT after 2 intervals of silence (unless DEAD comes first), DEAD after 3000 ms$" rx &&
	"$sender" -p $port -i 100 -c 2 -n d3000 -q >tx &&
	wait_until 5 grep -q "^[0-9:.]* d3000 SUSPECT: silent for" rx &&
	stop_receiver &&
	within 200 $((200 + slack)) $(sed -n "s/^[0-9:.]* d3000 SUSPECT: silent for \([0-9]*\) ms$/\1/p" rx) &&
	! grep -q "d3000 DEAD" rx &&
	start_receiver rx --suspect-after 150 &&
	grep -q "^deadline detector: SUSPECT after 150 ms of silence (unless DEAD comes first), DEAD after 5 intervals$" rx &&
	"$sender" -p $port -i 100 -c 2 -n s150 -q >tx &&
	wait_until 5 grep -q "^[0-9:.]* s150 DEAD: silent for" rx &&
	stop_receiver &&
	within 150 $((150 + slack)) $(sed -n "s/^[0-9:.]* s150 SUSPECT: silent for \([0-9]*\) ms$/\1/p" rx) &&
	within 500 $((500 + slack)) $(sed -n "s/^[0-9:.]* s150 DEAD: silent for \([0-9]*\) ms$/\1/p" rx) &&
	start_receiver rx &&
	grep -q "^deadline detector: SUSPECT after 2 intervals of silence, DEAD after 5$" rx &&
	stop_receiver &&
	start_receiver rx --suspect-after 150 --dead-after 400 &&
	grep -q "^deadline detector: SUSPECT after 150 ms of silence, DEAD after 400 ms$" rx &&
	stop_receiver
'

test_expect_success 'a sender stopped by SIGINT is LEFT, not DEAD' '
	start_receiver rx --json -q || exit 1
	"$sender" -p $port -i 50 -n polite -q >tx &
	spid=$! && test_started $spid &&
	wait_until 5 grep -q "\"event\":\"alive\"" rx &&
	sleep 0.2 && kill -INT $spid && wait_bounded $spid 5 &&
	wait_until 5 grep -q "\"event\":\"left\"" rx &&
	# A timer of polite would fire before the sentinel goes DEAD.
	hb sentinel 1 1 50 | "$script" $port &&
	wait_until 5 grep -q "\"event\":\"dead\",\"program\":\"udp_receiver\",\"node\":\"sentinel\"" rx &&
	stop_receiver &&
	event left rx | grep -q "^{\"event\":\"left\",\"program\":\"udp_receiver\",\"node\":\"polite\",\"t_ms\":[0-9]*}$" &&
	! grep -q "\"event\":\"\(suspect\|dead\)\",\"program\":\"udp_receiver\",\"node\":\"polite\"" rx &&
	node_json rx polite | grep -q "\"state\":\"left\""
'

test_expect_success 'a receiver held up (SIGSTOP) takes what queued before it judges: no false SUSPECT' '
	start_receiver rx --json -q || exit 1
	"$sender" -p $port -i 50 -n steady -q >tx &
	spid=$! && test_started $spid &&
	wait_until 5 grep -q "\"event\":\"alive\"" rx &&
	kill -STOP $pid && sleep 1 && kill -CONT $pid &&
	sleep 0.3 &&
	kill -INT $spid && wait_bounded $spid 5 &&
	wait_until 5 grep -q "\"event\":\"left\"" rx &&
	stop_receiver &&
	! grep -q "\"event\":\"\(suspect\|dead\)\"" rx
'

test_expect_success 'back from the dead: ALIVE again with down_ms (same incarnation, then a restart)' '
	start_receiver rx --json -q &&
	{ hb back 1 1 50; echo @sleep 600; hb back 1 2 50; } | "$script" $port &&
	wait_until 5 grep -q "down_ms" rx &&
	wait_until 5 at_least 2 "\"event\":\"dead\"" rx &&
	"$sender" -p $port -i 50 -c 1 -n back -q >tx &&
	wait_until 5 at_least 2 down_ms rx &&
	wait_until 5 at_least 3 "\"event\":\"dead\"" rx &&
	"$sender" -p $port -i 50 -c 1 -n back -q >tx &&
	wait_until 5 at_least 3 down_ms rx &&
	stop_receiver &&
	event alive rx | sed -n 2p | grep -q "^{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"back\",\"addr\":\"127.0.0.1:[0-9]*\",\"down_ms\":[0-9]*,\"t_ms\":[0-9]*}$" &&
	within 550 $((600 + slack)) $(event alive rx | sed -n 2p | json_field /dev/stdin down_ms) &&
	node_json rx back | grep -q "\"restarts\":2,"
'

test_expect_success '--nodes 1000: every node tracked, none lost' '
	start_receiver rx --json -q &&
	"$sender" -p $port --nodes 1000 -i 200 -c 3 -n sim -q >tx &&
	wait_until 10 at_least 1000 "\"event\":\"dead\"" rx &&
	stop_receiver &&
	test "$(event alive rx | wc -l)" -eq 1000 &&
	test "$(event dead rx | wc -l)" -eq 1000 &&
	event summary rx | grep -q "\"heartbeats\":3000,\"malformed\":0," &&
	test "$(event summary rx | grep -o "\"received\":3,\"lost\":0," | wc -l)" -eq 1000 &&
	test "$(event summary rx | grep -o "\"node\":\"sim-[0-9]*\"" | sort -u | wc -l)" -eq 1000
'

test_expect_success IPV6 'IPv6 loopback' '
	"$BINDIR/udp_receiver" -p 0 -b ::1 --json >rx 2>rx.err &
	pid=$! && test_started $pid && out=rx &&
	wait_until 5 server_listening rx &&
	port=$(server_port rx) &&
	"$sender" ::1 -p $port -i 10 -c 2 -n six -q >tx &&
	wait_until 5 grep -q "\"seq\":2" rx &&
	stop_receiver &&
	event heartbeat rx | grep -q "\"node\":\"six\",\"addr\":\"\[::1\]:[0-9]*\",\"seq\":1,"
'

v6=' and IPv6'; have_ipv6 || v6=' (no IPv6 here: IPv4 only)'
test_expect_success "every interface by default: IPv4$v6 senders" '
	start_listener rx udp_receiver -p 0 --json &&
	"$sender" 127.0.0.1 -p $port -i 10 -c 1 -n four -q >tx &&
	if have_ipv6; then "$sender" ::1 -p $port -i 10 -c 1 -n six -q >tx6; fi &&
	wait_until 5 grep -q "\"node\":\"four\"" rx &&
	if have_ipv6; then wait_until 5 grep -q "\"node\":\"six\"" rx; fi &&
	stop_receiver &&
	head -1 rx | grep -q "^{\"event\":\"listening\",\"program\":\"udp_receiver\",\"addr\":\"\[::\]:$port\",\"port\":$port,\"detector\":\"deadline\",\"t_ms\":0}$" &&
	event heartbeat rx | grep -q "\"node\":\"four\",\"addr\":\"127.0.0.1:" &&
	if have_ipv6; then event heartbeat rx | grep -q "\"node\":\"six\",\"addr\":\"\[::1\]:"; fi
'

test_expect_success 'phi: a steady and a jittery node stay ALIVE while they beat; DEAD soon after' '
	start_receiver rx --detector phi || exit 1
	"$sender" -p $port -i 200 --jitter 0 -c 15 -n steady -q >tx1 &
	s1=$! && test_started $s1
	"$sender" -p $port -i 200 --jitter 50 -c 15 -n jittery -q >tx2 &
	s2=$! && test_started $s2 &&
	wait_bounded $s1 10 && wait_bounded $s2 10 &&
	wait_until 5 at_least 2 " DEAD: " rx &&
	stop_receiver &&
	for n in steady jittery; do
		# Nothing but heartbeats until its last one, then DEAD.
		sed -n "/ heartbeat from $n .* seq=15$/q;/ $n \(SUSPECT\|DEAD\)/p" rx >early &&
		{ test ! -s early || { cat early; exit 1; }; } &&
		grep -q "^[0-9:.]* $n DEAD: silent for [0-9]* ms, phi [0-9.]*$" rx || exit 1
	done &&
	grep -q "^phi detector: SUSPECT at phi 4.0, DEAD at phi 8.0$" rx
'

test_expect_success 'a busy port: Address already in use, exit 1' '
	start_receiver rx &&
	test_expect_code 1 "$BINDIR/udp_receiver" -p $port -b 127.0.0.1 >rx2 2>err &&
	grep -q "^udp_receiver: cannot listen on 127.0.0.1 port $port: Address already in use$" err &&
	stop_receiver
'

test_expect_success 'a reader of its output that goes away: an error and exit 1, not SIGPIPE' '
	{ "$BINDIR/udp_receiver" -p 0 -b 127.0.0.1 2>err; echo $? >status; } | head -1 >line &
	test_started $! &&
	wait_until 5 server_listening line &&
	port=$(server_port line) || exit 1
	"$sender" -p $port -i 10 -q >tx &       # until the receiver has gone
	test_started $!
	wait_until 5 test -s status &&
	test "$(cat status)" = 1 &&
	grep -q "^udp_receiver: writing to stdout: Broken pipe$" err
'

test_expect_success 'SIGTERM: the table, exit 0' '
	start_receiver rx &&
	kill -TERM $pid && wait_bounded $pid 5 &&
	grep -q "^0 nodes (0 alive, 0 suspect, 0 dead, 0 left), 0 heartbeats, 0 malformed$" rx
'

test_expect_success 'options that do not fit together: exit 2' '
	test_expect_code 2 "$BINDIR/udp_receiver" --suspect-after 500 --dead-after 300 2>err &&
	grep -q "^udp_receiver: --suspect-after (500) must be less than --dead-after (300)" err &&
	test_expect_code 2 "$BINDIR/udp_receiver" --detector gossip 2>err &&
	grep -q "^udp_receiver: --detector: .gossip. is not deadline or phi" err &&
	test_expect_code 2 "$BINDIR/udp_receiver" --phi 6 2>err &&
	grep -q "^udp_receiver: --phi is for --detector phi" err &&
	test_expect_code 2 "$BINDIR/udp_receiver" --detector phi --phi 0.1 2>err &&
	grep -q "^udp_receiver: --phi: .0.1. is out of range" err &&
	test_expect_code 2 "$BINDIR/udp_receiver" --detector phi --dead-after 100 2>err &&
	test_expect_code 2 "$BINDIR/udp_receiver" -p 0 -b 127.0.0.1 --group 10.1.2.3 2>err &&
	grep -q "^udp_receiver: --group: .10.1.2.3. is not a multicast address" err
'

# --live, on a terminal of its own: tmux, a server of this script's own
# (its socket in the trash directory), which keeps a pane whose program
# ended, to read what it showed last.  The exit status is written by a
# shell around the program, deaf to Ctrl-C (the program sets its own
# handler): tmux may leave the program a zombie for seconds, and say
# nothing of its status until it reaps it.  The shell is /bin/sh: without
# SHELL in the environment tmux runs the user's login shell, which for a
# system user such as nobody is nologin.
test_lazy_prereq TMUX 'needs tmux (apt-get install tmux)' 'command -v tmux'
tm() {
	tmux -S "$TRASH/tmux.sock" -f "$TRASH/tmux.conf" "$@"
}
# live_terminal COLUMNS ROWS ARGS...: udp_receiver --live ARGS on a new
# terminal of that size; waits for its listening line, sets port.
live_terminal() {
	cols=$1 rows=$2
	shift 2
	printf "set -g remain-on-exit on\nset -g default-shell /bin/sh\n" >"$TRASH/tmux.conf" &&
	rm -f "$TRASH/status" &&
	tm new-session -d -s live -x $cols -y $rows \
		"trap '' INT; $BINDIR/udp_receiver -p 0 -b 127.0.0.1 --live $*; echo \$? >$TRASH/status" &&
	test_started "$(tm display -p "#{pid}")" &&
	test_started "$(tm display -p -t live "#{pane_pid}")" &&
	wait_until 10 on_screen "^listening on 127.0.0.1:[0-9]* (" &&
	port=$(sed -n "s/^listening on 127.0.0.1:\([0-9]*\) (.*/\1/p" shown)
}
# on_screen PATTERN: the terminal shows a line matching PATTERN (all it
# shows is left in the file shown).
on_screen() {
	tm capture-pane -p -t live >shown && grep -q -- "$1" shown
}
# live_header FILE: how many headers of the live table FILE shows.
live_header() {
	grep -c "^node  *address  *state  *last heard" "$1"
}
# redrawn_after N: the table is on the screen once, and its status line
# counts more than N heartbeats.
redrawn_after() {
	on_screen "(Ctrl-C: stop)$" && test "$(live_header shown)" -eq 1 &&
	test "$(sed -n "s/.* left; \([0-9]*\) heartbeats.*/\1/p" shown)" -gt "$1"
}
# live_ended: udp_receiver on the terminal has ended, and said its status.
live_ended() {
	test -s "$TRASH/status"
}

test_expect_success TMUX '--live: the table redrawn in place, state changes above it; Ctrl-C: the summary, exit 0' '
	live_terminal 120 30 --dead-after 600 || exit 1
	"$sender" -p $port -i 100 -n beta -q >tx.beta &
	beta=$! && test_started $beta &&
	"$sender" -p $port -i 100 -c 3 -n alpha -q >tx.alpha &&
	wait_until 10 on_screen "^alpha  *127.0.0.1:[0-9]*  *DEAD  *[0-9.]* s ago  *3  *0  *0.0%$" &&
	cat shown &&
	test "$(live_header shown)" -eq 1 &&
	grep -q "^beta  *127.0.0.1:[0-9]*  *ALIVE  *0\.[0-9] s ago  *[0-9]*  *0  *0.0%$" shown &&
	grep "[^ ]" shown | tail -1 | grep -q "^[0-9:]*  2 nodes: 1 alive, 0 suspect, 1 dead, 0 left; [0-9]* heartbeats  (Ctrl-C: stop)$" &&
	# The state changes, once each, as lines above the table; no line
	# per heartbeat (the table counts them).
	test "$(grep -c "^[0-9:.]* alpha SUSPECT: silent for [0-9]* ms$" shown)" -eq 1 &&
	test "$(grep -c "^[0-9:.]* alpha DEAD: silent for [0-9]* ms$" shown)" -eq 1 &&
	test "$(grep -n "alpha DEAD: silent" shown | cut -d: -f1)" -lt "$(grep -n "^node  *address" shown | cut -d: -f1)" &&
	! grep -q "heartbeat from" shown &&
	# Redrawn with no state change (each second), still in place.
	h=$(sed -n "s/.* left; \([0-9]*\) heartbeats.*/\1/p" shown) &&
	wait_until 5 redrawn_after $h &&
	kill -INT $beta && wait_bounded $beta 5 &&
	wait_until 5 on_screen "^beta  *127.0.0.1:[0-9]*  *LEFT " &&
	grep -q "^[0-9:.]* beta LEFT (said goodbye)$" shown &&
	tm send-keys -t live C-c &&
	wait_until 5 live_ended &&
	test "$(cat "$TRASH/status")" = 0 &&
	tm capture-pane -p -t live >after &&
	cat after &&
	# The live table gone, the summary in its place.
	test "$(live_header after)" -eq 0 && ! grep -q "(Ctrl-C: stop)" after &&
	grep -q "^node  *address  *state  *received  *lost  *loss%  *last seen$" after &&
	grep -q "^2 nodes (0 alive, 0 suspect, 1 dead, 1 left), [0-9]* heartbeats, 0 malformed$" after &&
	tm kill-server
'

test_expect_success TMUX '--live on a small terminal: as many rows as fit, no line wider than it' '
	live_terminal 60 8 || exit 1
	"$sender" -p $port --nodes 20 -n node -i 100 -c 30 -q >tx &
	test_started $! &&
	wait_until 10 on_screen "^[0-9:]*  20 nodes: 20 alive, " &&
	cat shown &&
	test "$(live_header shown)" -eq 1 &&
	grep -q "^\.\.\. and 16 more nodes$" shown &&
	test "$(grep -c "^node-[0-9]*  *127.0.0.1:[0-9]*  *ALIVE " shown)" -eq 4 &&
	test -z "$(awk "length > 59" shown)" &&
	tm send-keys -t live C-c &&
	wait_until 5 live_ended &&
	tm capture-pane -p -t live >after &&
	grep -q "^20 nodes (" after &&
	tm kill-server
'

# listening_on_terminal: the file term (on_terminal's) has the listening
# line, in the file lines without the terminal's carriage returns.
listening_on_terminal() {
	tr -d "\r" <term >lines && server_listening lines
}
# The bytes a terminal gets (80 columns: script(1) has no size to give
# it): each frame ends with its status line.
test_expect_success SCRIPT '--live: at most 5 frames a second, however many state changes' '
	on_terminal term "$BINDIR/udp_receiver -p 0 -b 127.0.0.1 --live" &&
	wait_until 10 listening_on_terminal &&
	port=$(server_port lines) &&
	start=$(date +%s%N) &&
	"$sender" -p $port --nodes 50 -n node -i 20 -c 10 -q >tx &&
	wait_until 10 at_least 50 " DEAD: silent for" term &&
	kill -INT $(children_of $pid) && wait_bounded $pid 5 &&
	ms=$(( ($(date +%s%N) - start) / 1000000 )) &&
	frames=$(grep -c "^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]  [0-9]* nodes\{0,1\}: " term) &&
	echo "$frames frames in $ms ms, 150 state changes" &&
	test $frames -ge 1 &&
	test $frames -le $(( ms * 5 / 1000 + 2 )) &&
	grep -q "^50 nodes (0 alive, 0 suspect, 50 dead, 0 left)" term
'

test_expect_success '--live: refused in a pipe or a file (exit 2), and with --json' '
	test_expect_code 2 "$BINDIR/udp_receiver" --live -p 0 >out 2>err &&
	test ! -s out && test "$(grep -c . err)" -eq 1 &&
	grep -q "^udp_receiver: --live needs a terminal on standard output; in a pipe or a file, leave it out for one line per event (try .udp_receiver --help.)$" err &&
	{ "$BINDIR/udp_receiver" --live -p 0 2>err; echo $? >status; } | cat >out &&
	test "$(cat status)" = 2 && test ! -s out &&
	grep -q "^udp_receiver: --live needs a terminal" err &&
	test_expect_code 2 "$BINDIR/udp_receiver" --live --json -p 0 2>err &&
	grep -q "^udp_receiver: --live and --json do not go together" err
'

test_expect_success SCRIPT '--live where TERM=dumb: refused, exit 2' '
	on_terminal term "env TERM=dumb $BINDIR/udp_receiver --live -p 0" &&
	test_expect_code 2 wait_bounded $pid 5 &&
	grep -q "^udp_receiver: --live needs a terminal that can move its cursor, and TERM is dumb" term
'

# unbalanced FILE: the paragraphs of a rendered page whose parentheses
# do not pair up (none: empty).
unbalanced() {
	perl -0777 -ne 'for (split /\n\s*\n/) { my $o = () = /\(/g; my $c = () = /\)/g; print "$_\n" if $o != $c }' "$1"
}
test_expect_success MANDOC 'week3(7) and udp_receiver(1) as rendered: every parenthesis paired (the receiver'"'"'s events had two strays)' '
	for p in week3.7 udp_receiver.1; do
		mandoc -Tascii "$TEST_DIR/../man/$p" | col -b >page &&
		grep -q "udp_receiver" page && unbalanced page >bad &&
		{ test ! -s bad || { echo "$p:"; cat bad; exit 1; }; } || exit 1
	done
'

test_done
