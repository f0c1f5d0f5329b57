#!/bin/sh
# t5003-pictures - README's pictures: every diagram (docs/diagrams/*.dot)
# renders with dot and has its PNG committed beside it, and
# scripts/timeline turns udp_receiver's --json events into a row of
# states per node: checked exactly through --data (the intervals as
# text), then drawn as a PNG where gnuplot is installed; and its errors.
test_description='the diagrams render; scripts/timeline: intervals, marks, PNG, errors'
. "$(dirname "$0")/test-lib.sh"

tree=$(cd "$TEST_DIR/.." && pwd)
timeline=$tree/scripts/timeline

test_lazy_prereq DOT 'needs dot (apt-get install graphviz)' 'command -v dot'
test_lazy_prereq GNUPLOT 'needs gnuplot (apt-get install gnuplot-nox)' 'command -v gnuplot'

# is_png FILE: FILE is a PNG image (its signature), and not a tiny one.
is_png() {
	test "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a &&
	test "$(wc -c <"$1")" -gt 2000
}

test_expect_success DOT 'every diagram renders with dot, without a warning' '
	ls "$tree"/docs/diagrams/*.dot >dots && test -s dots &&
	while read -r d; do
		n=$(basename "$d" .dot)
		dot -Tpng -o "$n.png" "$d" 2>"$n.err" && ! test -s "$n.err" &&
		is_png "$n.png" || { echo "$d:"; cat "$n.err"; exit 1; }
	done <dots
'

test_expect_success 'each diagram README shows is there, as a .dot and its PNG' '
	for n in ipc threads tcp udp mpi lab; do
		test -f "$tree/docs/diagrams/$n.dot" && is_png "$tree/docs/diagrams/$n.png" ||
			{ echo "docs/diagrams/$n: no .dot or no PNG"; exit 1; }
	done &&
	for d in "$tree"/docs/diagrams/*.dot; do
		is_png "${d%.dot}.png" || { echo "$d: no PNG beside it (make diagrams)"; exit 1; }
	done &&
	is_png "$tree/docs/timeline.png"
'

# A receiver's log as udp_receiver -q --json writes it (heartbeat lines,
# as without -q, included: they change no state), demo-lab's marks, a
# line of stderr sent to the same file, and the summary that ends it.
cat >log.jsonl <<'EOF'
{"event":"listening","program":"udp_receiver","addr":"[::]:5005","port":5005,"detector":"deadline","t_ms":0}
{"event":"alive","program":"udp_receiver","node":"node2","addr":"10.77.3.2:40001","t_ms":300}
{"event":"heartbeat","program":"udp_receiver","node":"node2","addr":"10.77.3.2:40001","seq":1,"inc":1,"leaving":false,"t_ms":300}
{"event":"alive","program":"udp_receiver","node":"node10","addr":"10.77.3.10:40004","t_ms":310}
{"event":"alive","program":"udp_receiver","node":"node3","addr":"10.77.3.3:40002","t_ms":320}
{"event":"mark","program":"demo-lab","label":"cut node3","t_ms":1800}
{"event":"suspect","program":"udp_receiver","node":"node3","silent_ms":400,"t_ms":2120}
udp_receiver: a line of stderr, in the same file
{"event":"dead","program":"udp_receiver","node":"node3","silent_ms":1000,"t_ms":2720}
{"event":"malformed","program":"udp_receiver","addr":"10.77.3.9:9","reason":"not a heartbeat","not_shown":0,"t_ms":3000}
{"event":"mark","program":"demo-lab","label":"heal node3","t_ms":4000}
{"event":"alive","program":"udp_receiver","node":"node3","addr":"10.77.3.3:40002","down_ms":2400,"t_ms":4010}
{"event":"alive","program":"udp_receiver","node":"web-1","addr":"10.77.3.4:40003","t_ms":4500}
{"event":"suspect","program":"udp_receiver","node":"web-1","silent_ms":400,"t_ms":5100}
{"event":"alive","program":"udp_receiver","node":"web-1","addr":"10.77.3.4:40003","t_ms":5150}
{"event":"left","program":"udp_receiver","node":"node3","t_ms":5600}
{"event":"dead","program":"udp_receiver","node":"web-1","silent_ms":1000,"t_ms":6150}
{"event":"forgotten","program":"udp_receiver","node":"web-1","state":"dead","silent_ms":2000,"t_ms":7150}
{"event":"summary","program":"udp_receiver","heartbeats":60,"malformed":1,"malformed_by_reason":{"not a heartbeat":1},"stale":0,"implausible":0,"refused":0,"forgotten":1,"nodes":[],"ok":true,"seconds":7.5,"per_sec":8,"t_ms":7500}
EOF

test_expect_success 'each node a row of intervals, in the order of their names (node2, node3, node10); marks; the summary ends them' '
	"$timeline" log.jsonl --data >out 2>err &&
	cat >expect <<-\EOF &&
	node2 ALIVE 300 7500
	node3 ALIVE 320 2120
	node3 SUSPECT 2120 2720
	node3 DEAD 2720 4010
	node3 ALIVE 4010 5600
	node3 LEFT 5600 7500
	node10 ALIVE 310 7500
	web-1 ALIVE 4500 5100
	web-1 SUSPECT 5100 5150
	web-1 ALIVE 5150 6150
	web-1 DEAD 6150 7150
	mark 1800 cut node3
	mark 4000 heal node3
	EOF
	test_cmp expect out &&
	echo "timeline: log.jsonl: 1 line(s) not JSON, skipped (the first: line 8)" >expect &&
	test_cmp expect err
'

test_expect_success '--mark T=LABEL in ms or in seconds, and marks from a file of their own; no summary: the last event ends the rows' '
	grep -v "\"summary\"\|\"mark\"\|^udp_receiver" log.jsonl >rx.jsonl &&
	echo "{\"event\":\"mark\",\"program\":\"demo-lab\",\"label\":\"from a file\",\"t_ms\":9000}" >marks.jsonl &&
	"$timeline" rx.jsonl marks.jsonl --mark 2500=two --mark=1.5s=one --data >out 2>err &&
	! test -s err &&
	cat >expect <<-\EOF &&
	node2 ALIVE 300 9000
	node3 ALIVE 320 2120
	node3 SUSPECT 2120 2720
	node3 DEAD 2720 4010
	node3 ALIVE 4010 5600
	node3 LEFT 5600 9000
	node10 ALIVE 310 9000
	web-1 ALIVE 4500 5100
	web-1 SUSPECT 5100 5150
	web-1 ALIVE 5150 6150
	web-1 DEAD 6150 7150
	mark 1500 one
	mark 2500 two
	mark 9000 from a file
	EOF
	test_cmp expect out
'

# (A loaded machine may delay a heartbeat past the SUSPECT deadline: the
# rows are then compared with the receiver's own events, whatever they
# are, and end as a silent node must.)
test_expect_success 'a real receiver: a sender that stops without a goodbye, its events in a row, ending DEAD' '
	start_receiver rx -q --json --suspect-after 100 --dead-after 250 &&
	"$BINDIR/udp_sender" 127.0.0.1 -p $port -n quiet -i 50 -c 3 -q >/dev/null &&
	wait_until 10 grep -q "\"event\":\"dead\"" rx &&
	stop_receiver &&
	"$timeline" rx --data >out &&
	cut -d" " -f1,2 out >states &&
	sed -n "s/^{\"event\":\"\([a-z]*\)\",\"program\":\"udp_receiver\",\"node\":\"quiet\".*/quiet \1/p" rx |
		tr a-z A-Z | sed "s/^QUIET/quiet/" >expect &&
	test_cmp expect states &&
	head -1 states | grep -qx "quiet ALIVE" &&
	tail -2 states | tr "\n" " " | grep -qx "quiet SUSPECT quiet DEAD "
'

test_expect_success GNUPLOT 'a PNG: beside the log by default, or where -o says' '
	"$timeline" log.jsonl --mark 3s=three >out 2>err &&
	echo log.png >expect && test_cmp expect out &&
	is_png log.png &&
	"$timeline" log.jsonl -o "my picture.png" --title "a \"quoted\" title" >out 2>err &&
	is_png "my picture.png"
'

test_expect_success GNUPLOT 'a PNG that cannot be written: exit 1, why, and nothing drawn on stdout' '
	test_expect_code 1 "$timeline" log.jsonl -o nosuchdir/t.png >out 2>err &&
	! test -s out &&
	grep -q "^timeline: nosuchdir/t.png: No such file or directory$" err
'

test_expect_success 'a missing file, an empty log, a log with no JSON or no node: exit 1, and why' '
	test_expect_code 1 "$timeline" nosuch.jsonl --data 2>err &&
	grep -q "^timeline: nosuch.jsonl: No such file or directory$" err &&
	: >empty.jsonl &&
	test_expect_code 1 "$timeline" empty.jsonl --data 2>err &&
	grep -q "^timeline: empty.jsonl: empty" err &&
	printf "node2 ALIVE: first heartbeat\nnot json either\n" >text.log &&
	test_expect_code 1 "$timeline" text.log --data 2>err &&
	grep -q "^timeline: text.log: no line is JSON: is it what udp_receiver --json printed?$" err &&
	head -1 log.jsonl >listening.jsonl &&
	test_expect_code 1 "$timeline" listening.jsonl --data 2>err &&
	grep -q "^timeline: listening.jsonl: no node.s state in it" err
'

test_expect_success 'a wrong command line: exit 2, and what is wrong' '
	test_expect_code 2 "$timeline" 2>err &&
	grep -q "^timeline: no log given" err &&
	test_expect_code 2 "$timeline" rx.jsonl --mark soon=x 2>err &&
	grep -q "^timeline: --mark .soon=x.: not TIME=LABEL" err &&
	test_expect_code 2 "$timeline" rx.jsonl --mark 1.5=x 2>err &&
	grep -q "a time in ms is a whole number" err &&
	test_expect_code 2 "$timeline" rx.jsonl --bogus 2>err &&
	grep -q "^timeline: unknown option --bogus" err &&
	test_expect_code 2 "$timeline" rx.jsonl -o 2>err &&
	"$timeline" --help >out && grep -q "^usage: scripts/timeline LOG.jsonl" out
'

# What a log or a command line holds is text, never a command: gnuplot
# runs what is between backquotes in a double-quoted string.
test_expect_success GNUPLOT 'backquotes in a node, a mark, the title or the file name run nothing' '
	printf "%s\n" "{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"a\`touch ran1\`\",\"t_ms\":10}" \
		"{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"b\",\"t_ms\":10}" \
		"{\"event\":\"mark\",\"label\":\"\`touch ran2\`\",\"t_ms\":20}" >q.jsonl &&
	"$timeline" q.jsonl --mark "5=\`touch ran3\`" --title "x\`touch ran4\`" -o "o\`touch ran5\`.png" 2>err &&
	test -s "o\`touch ran5\`.png" &&
	! ls ran* 2>/dev/null &&
	grep -q "1 line(s) skipped (the first: line 1): 1 with a node name udp_receiver does not print" err
'

test_expect_success 'times and names that cannot be believed are skipped, and counted by why' '
	printf "%s\n" "{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"a\",\"t_ms\":5000}" \
		"{\"event\":\"dead\",\"program\":\"udp_receiver\",\"node\":\"a\",\"t_ms\":1000}" \
		"{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"c\",\"t_ms\":-300}" \
		"{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"d\",\"t_ms\":99999999999999999999}" \
		"{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":{\"n\":1},\"t_ms\":30}" \
		"{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"fake ALIVE 0 0\\nmark 5 x\",\"t_ms\":7}" \
		"{\"event\":\"mark\",\"label\":\"a\\rb\\u0000c\",\"t_ms\":9}" >odd.jsonl &&
	"$timeline" odd.jsonl --data >out 2>err &&
	printf "a ALIVE 5000 5000\nmark 9 a?b?c\n" >expect &&
	test_cmp expect out &&
	grep -q "5 line(s) skipped (the first: line 2): 2 with a node name udp_receiver does not print; 2 with a t_ms that is not a whole number of ms; 1 with an event earlier than its node.s last" err &&
	test_expect_code 2 "$timeline" odd.jsonl --mark 9999999999999999=big --data 2>err &&
	grep -q "up to 15 digits" err
'

test_expect_success GNUPLOT 'more nodes than a picture has room for: refused, and no file left' '
	i=0; while [ $i -lt 301 ]; do
		i=$((i + 1)); echo "{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"n$i\",\"t_ms\":$i}"
	done >many.jsonl &&
	test_expect_code 1 "$timeline" many.jsonl -o many.png 2>err &&
	grep -q "301 nodes: too many rows for one picture" err &&
	! test -e many.png
'

test_expect_success 'without gnuplot: drawing says which package to install; --data still works' '
	mkdir nognuplot &&
	for c in perl sh; do ln -s "$(command -v $c)" nognuplot/$c || exit 1; done &&
	(PATH=$PWD/nognuplot && export PATH && test_expect_code 1 "$timeline" log.jsonl) 2>err &&
	grep -q "^timeline: drawing needs gnuplot: apt-get install gnuplot-nox" err &&
	! test -e log.png &&
	(PATH=$PWD/nognuplot && export PATH && "$timeline" log.jsonl --data) 2>/dev/null >out &&
	test $(wc -l <out) -eq 13
'

test_done
