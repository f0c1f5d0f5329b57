#!/bin/sh
# t4003-udp-keyed - keyed heartbeats: --key, --genkey, the mac field, the
# replay window, rotation without a false death, mixed clusters.
test_description='udp_sender and udp_receiver --key: only signed heartbeats are believed'
. "$(dirname "$0")/test-lib.sh"

sender="$BINDIR/udp_sender"
receiver="$BINDIR/udp_receiver"
script="$HELPERDIR/udp_script"
sign="$HELPERDIR/udp_sign"
page="$TEST_DIR/../man/week3.7"

# Skipped only where the programs say they were built without it: a
# program that does not know --key at all fails the tests, not skips them.
test_lazy_prereq SODIUM 'built without libsodium: apt-get install libsodium-dev, then make' '
	! "$BINDIR/udp_sender" --genkey 2>&1 >/dev/null | grep -q "built without libsodium"
'
test_lazy_prereq NO_SODIUM 'built with libsodium' '
	"$BINDIR/udp_sender" --genkey 2>&1 >/dev/null | grep -q "built without libsodium"
'

# now_ms: the wall clock, ms since 1970, as sent_ms is.
now_ms() {
	date +%s%3N
}

# hb NODE INC SEQ [SENT_MS [EXTRA]]: a heartbeat line, sent now unless said.
hb() {
	echo "HEARTBEAT v=1 node=$1 inc=$2 seq=$3 interval_ms=10000 sent_ms=${4:-$(now_ms)}${5:+ $5}"
}

# newkey FILE: a key file of mode 0600 (whatever FILE was: a FIFO, say).
newkey() {
	rm -f "$1" && (umask 077 && "$sender" --genkey >"$1")
}

# event NAME FILE: the JSON events of that name in FILE.
event() {
	grep "^{\"event\":\"$1\"" "$2"
}

# node_json FILE NODE: NODE's object in the summary's list.
node_json() {
	event summary "$1" | tr '[]' '\n\n' | sed 's/},{/}\n{/g' | grep "^{\"node\":\"$2\","
}

# sentinel KEY: a signed heartbeat of a node of its own, to send last; once
# the receiver has it, everything sent before it has been taken.
sentinel() {
	hb sentinel 1 1 | "$sign" "$1"
}
wait_sentinel() {
	wait_until 5 grep -q "\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"sentinel\"" "$1"
}

# rejected FILE: "unsigned bad_mac replayed" of the summary.
rejected() {
	echo "$(json_field "$1" unsigned) $(json_field "$1" bad_mac) $(json_field "$1" replayed)"
}

test_expect_success SODIUM '--genkey: 64 lower-case hex digits and a newline, new each time' '
	"$sender" --genkey >k1 && "$sender" --genkey >k2 &&
	grep -qx "[0-9a-f]\{64\}" k1 && test "$(wc -c <k1)" -eq 65 &&
	! cmp -s k1 k2
'

test_expect_success SODIUM 'a key file group or others may read or write is refused, with the chmod to run' '
	newkey hb.key &&
	for mode in 644 640 620 604; do
		chmod $mode hb.key &&
		test_expect_code 2 "$sender" --key hb.key -c 1 >out 2>err &&
		grep -q "^udp_sender: --key hb.key: permissions 0$mode are too open .*: run '"'"'chmod 600 hb.key'"'"'$" err &&
		test_expect_code 2 "$receiver" -p 0 --key hb.key >out 2>err &&
		grep -q "^udp_receiver: --key hb.key: permissions 0$mode are too open .*: run '"'"'chmod 600 hb.key'"'"'$" err &&
		! test -s out || exit 1
	done &&
	chmod 600 hb.key && start_receiver rx --key hb.key && stop_receiver
'

test_expect_success SODIUM 'a key file that is not a key, or not there: said, exit 2' '
	(umask 077 && echo 0123 >short && : >empty && printf "%063d\r\n" 0 >crlf63 &&
	 printf "%064d\r\r\n" 0 >crcr) &&
	for f in short empty crlf63 crcr missing; do
		test_expect_code 2 "$receiver" -p 0 --key $f >out 2>err &&
		grep -q "^udp_receiver: --key $f: " err || exit 1
	done
'

test_expect_success SODIUM 'a key file that is a FIFO, a directory or a device: refused at once, no hang' '
	mkfifo fifo && mkdir -p dir &&
	for f in fifo dir /dev/zero; do
		test_expect_code 2 test_within 5 "$sender" --key $f -c 1 >out 2>err &&
		grep -q "^udp_sender: --key $f: not a regular file$" err &&
		test_expect_code 2 test_within 5 "$receiver" -p 0 --key $f >out 2>err &&
		grep -q "^udp_receiver: --key $f: not a regular file$" err || exit 1
	done
'

test_expect_success SODIUM 'a key file turned into a FIFO before SIGHUP: the receiver keeps its keys and goes on' '
	newkey hb.key &&
	start_receiver rx --json --key hb.key && rx=$pid &&
	rm hb.key && mkfifo hb.key && kill -HUP $rx &&
	wait_until 5 grep -q "^udp_receiver: SIGHUP: kept the keys we had: hb.key: not a regular file" rx.err &&
	stop_receiver &&
	rm hb.key
'

test_expect_success SODIUM 'a keyring file saved with CRLF line ends is read as with LF' '
	newkey A && newkey B &&
	(umask 077 && cat A B | sed "s/\$/\r/" >ring.crlf) &&
	test "$(wc -c <ring.crlf)" -eq 132 &&
	start_receiver rx --json --key ring.crlf &&
	{ hb a 1 1 | "$sign" B; sentinel A; } | "$script" $port && wait_sentinel rx &&
	stop_receiver &&
	node_json rx a && test "$(rejected rx)" = "0 0 0" &&
	"$sender" -p 9 --key ring.crlf -c 1 -q
'

test_expect_success NO_SODIUM 'built without libsodium: --key and --genkey say which package' '
	(umask 077 && printf "%064d\n" 0 >hb.key) &&
	test_expect_code 2 "$sender" --genkey 2>err &&
	grep -q "built without libsodium: apt-get install libsodium-dev" err &&
	test_expect_code 2 "$sender" --key hb.key -c 1 2>err &&
	grep -q "built without libsodium: apt-get install libsodium-dev" err &&
	test_expect_code 2 "$receiver" -p 0 --key hb.key 2>err &&
	grep -q "built without libsodium: apt-get install libsodium-dev" err
'

test_expect_success SODIUM 'signed heartbeats of udp_sender --key are believed; the mac field as week3(7) says' '
	newkey hb.key &&
	start_receiver rx --json --key hb.key &&
	"$sender" -p $port --key hb.key -c 3 -i 10 -n a >tx &&
	sed -n "s/^sent //p" tx >lines &&
	test "$(grep -c " mac=[0-9a-f]\{64\}\$" lines)" -eq 3 &&
	sentinel hb.key | "$script" $port && wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"received\":3,\"lost\":0," &&
	test "$(rejected rx)" = "0 0 0"
'

test_expect_success SODIUM 'forged first datagrams (unsigned, another key) create no node' '
	newkey hb.key && newkey other.key &&
	start_receiver rx --json --key hb.key &&
	{ hb ghost 1 1; hb ghost2 1 1 | "$sign" other.key; hb ghost3 1 1 "" leaving=1; sentinel hb.key; } |
		"$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	! node_json rx ghost && ! node_json rx ghost2 && ! node_json rx ghost3 &&
	test "$(rejected rx)" = "2 1 0" &&
	event rejected rx | grep -q "\"reason\":\"unsigned\"" &&
	event rejected rx | grep -q "\"reason\":\"bad mac\"" &&
	test "$(event alive rx | wc -l)" -eq 1
'

test_expect_success SODIUM 'a forged goodbye, even from the node'"'"'s own address, is refused by a keyed receiver (an unkeyed one believes it)' '
	newkey hb.key && newkey other.key &&
	{ hb a 1 1 | "$sign" hb.key; hb a 1 2 | "$sign" hb.key;
	  hb a 1 3 "" leaving=1; hb a 1 4 "" leaving=1 | "$sign" other.key; } >forged &&
	start_receiver rx --json --key hb.key &&
	{ cat forged; sentinel hb.key; } | "$script" $port && wait_sentinel rx &&
	stop_receiver &&
	! event left rx && node_json rx a | grep -q "\"state\":\"alive\",\"received\":2," &&
	test "$(rejected rx)" = "1 1 0" &&
	start_receiver rx2 --json &&
	{ cat forged; sentinel hb.key; } | "$script" $port && wait_sentinel rx2 &&
	stop_receiver &&
	event left rx2 | grep -q "\"node\":\"a\""
'

test_expect_success SODIUM 'truncated, long, upper-case and altered MACs, and a byte changed: bad mac' '
	newkey hb.key &&
	hb a 1 1 | "$sign" hb.key >good &&
	start_receiver rx --json --key hb.key &&
	{ cat good
	  sed "s/.$//" good                                   # 63 digits
	  sed "s/\$/0/" good                                  # 65 digits
	  sed "s/mac=\(.*\)/mac=\U\1/" good                     # upper case
	  sed "s/mac=\(.\)/mac=\1\1/; s/.$//" good              # one digit changed
	  sed "s/node=a/node=b/" good                         # the signed bytes changed
	  sed "s/seq=1/seq=2/" good
	  sed "s/ mac=/  mac=/" good                          # the blank is signed too
	  sed "s/ mac=/ mac=x/" good
	  sed "s/\$/ /" good                                  # nothing may follow
	  sed "s/ mac=.*//" good                              # unsigned
	  sentinel hb.key; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"received\":1,\"lost\":0,\"duplicates\":0," &&
	! node_json rx b &&
	test "$(rejected rx)" = "1 9 0"
'

test_expect_success SODIUM 'replays: the same bytes later change nothing; an old first heartbeat, restart or goodbye is refused' '
	newkey hb.key &&
	old=$(($(now_ms) - 60000)) &&
	{ hb a 5 1; hb a 5 2; hb a 5 3; } | "$sign" hb.key >captured &&
	hb a 5 4 "" leaving=1 | "$sign" hb.key >goodbye &&
	start_receiver rx --json --key hb.key &&
	{ cat captured goodbye captured goodbye
	  hb b 1 1 $old | "$sign" hb.key                     # a first heartbeat, a minute old
	  hb c 1 1 | "$sign" hb.key; hb c 1 2 $old | "$sign" hb.key  # old, but its next: believed
	  hb c 2 1 $old | "$sign" hb.key                     # a restart, a minute old
	  hb c 1 3 $old leaving=1 | "$sign" hb.key           # a goodbye, a minute old
	  hb d 1 1 $(($(now_ms) + 60000)) | "$sign" hb.key   # from a minute ahead
	  sentinel hb.key; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"state\":\"left\",\"received\":8,\"lost\":0,\"duplicates\":4," &&
	test "$(event left rx | wc -l)" -eq 1 &&
	test "$(event alive rx | grep -c "\"node\":\"a\"")" -eq 1 &&
	! node_json rx b && ! node_json rx d &&
	node_json rx c | grep -q "\"state\":\"alive\",\"received\":2,.*\"restarts\":0," &&
	test "$(rejected rx)" = "0 0 4" &&
	event rejected rx | grep -q "\"node\":\"b\",.*\"reason\":\"replayed: sent_ms behind our clock by [0-9]* ms, more than --max-skew 5000 ms\""
'

# older_than MS FILE: the sent_ms of the heartbeat in FILE is more than MS ago.
older_than() {
	test $(($(now_ms) - $(sed -n "s/.* sent_ms=\([0-9]*\) .*/\1/p" "$2"))) -gt "$1"
}

test_expect_success SODIUM 'a DEAD node is not brought back by its own heartbeat replayed outside the window' '
	newkey hb.key &&
	start_receiver rx --json --key hb.key --dead-after 300 --max-skew 1000 &&
	hb a 1 1 | "$sign" hb.key >first &&
	hb a 1 2 | "$sign" hb.key >withheld &&         # captured, kept from the receiver
	"$script" $port <first &&
	wait_until 5 grep -q "\"event\":\"dead\",.*\"node\":\"a\"" rx &&
	wait_until 5 older_than 1000 withheld &&
	{ cat withheld; sentinel hb.key; } | "$script" $port && wait_sentinel rx &&
	stop_receiver &&
	test "$(event alive rx | grep -c "\"node\":\"a\"")" -eq 1 &&
	node_json rx a | grep -q "\"state\":\"dead\",\"received\":1," &&
	test "$(rejected rx)" = "0 0 1"
'

test_expect_success SODIUM '--max-skew sets the window; it is for a keyed receiver only' '
	newkey hb.key &&
	test_expect_code 2 "$receiver" -p 0 --max-skew 100 2>err &&
	grep -q "^udp_receiver: --max-skew is for a keyed receiver (--key)" err &&
	start_receiver rx --json --key hb.key --max-skew 120000 &&
	{ hb b 1 1 $(($(now_ms) - 60000)) | "$sign" hb.key; sentinel hb.key; } | "$script" $port &&
	wait_sentinel rx &&
	stop_receiver &&
	node_json rx b && test "$(rejected rx)" = "0 0 0"
'

test_expect_success SODIUM 'mixed: an unkeyed receiver takes signed heartbeats and says once that MACs are not checked' '
	newkey hb.key &&
	start_receiver rx --json &&
	"$sender" -p $port --key hb.key -c 3 -i 10 -n a -q >tx &&
	sentinel hb.key | "$script" $port && wait_sentinel rx &&
	stop_receiver &&
	node_json rx a | grep -q "\"received\":3," &&
	test "$(grep -c "mac= field, and this receiver has no --key: their MACs are not checked" rx.err)" -eq 1
'

test_expect_success SODIUM,PYTHON3 'the worked example of week3(7) is HMAC-SHA-256 as Python computes it' '
	sed -n "/^A worked example/,/^\.It/p" "$page" >example &&
	key=$(sed -n "s/^\.Li \([0-9a-f]\{64\}\) ,$/\1/p" example | head -1) &&
	mac=$(sed -n "s/^\.Li \([0-9a-f]\{64\}\) ,$/\1/p" example | sed -n 2p) &&
	line=$(sed -n "s/^\(HEARTBEAT v=1 .*\)$/\1/p" example) &&
	test -n "$key" && test -n "$mac" && test -n "$line" &&
	python3 -c "import hmac, hashlib, sys; print(hmac.new(bytes.fromhex(sys.argv[1]), sys.argv[2].encode(), hashlib.sha256).hexdigest())" \
		"$key" "$line" >got &&
	echo "$mac" >want && cmp want got &&
	(umask 077 && echo "$key" >ex.key) &&
	echo "$line" | "$sign" ex.key | grep -q " mac=$mac\$"
'

test_expect_success SODIUM,PYTHON3 'the Python sender of week3(7), standard library only, is believed by a keyed receiver' '
	sed -n "/^\.\\\\\" python-sender-begin/,/^\.\\\\\" python-sender-end/p" "$page" |
		grep -v "^\.\(Bd\|Ed\|\\\\\"\)" | sed "s/\\\\e/\\\\/g" >sender.py &&
	grep -q "^import hmac, hashlib" sender.py &&
	newkey hb.key &&
	start_receiver rx --json --key hb.key &&
	python3 sender.py hb.key $port &&
	wait_until 5 grep -q "\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"py\"" rx &&
	stop_receiver &&
	test "$(rejected rx)" = "0 0 0"
'

# sent_since_reload FILE: "sent" lines of a sender after it said it signs
# with the key it read again.
sent_since_reload() {
	sed -n "/^signing with key /,\$p" "$1" | grep -c "^sent "
}

# A heartbeat refused during the rotation is counted (bad_mac, unsigned):
# none may be, whatever the machine's load.  SUSPECT comes after 600 ms
# of silence here, not 200: a busy machine may delay two heartbeats of
# 100 ms, and that is no fault of the keys.
test_expect_success SODIUM 'rotation A -> B of three nodes at 100 ms, by SIGHUP: no node goes SUSPECT' '
	newkey A && newkey B &&
	(umask 077 && cp A ring && cp A s1.key && cp A s2.key && cp A s3.key) &&
	start_receiver rx --json --key ring --suspect-after 600 && rx=$pid &&
	for n in 1 2 3; do
		"$sender" -p $port -i 100 --key s$n.key -n node$n >tx$n 2>tx$n.err &
		eval "s$n=\$!" && test_started $! || exit 1
	done &&
	wait_until 5 at_least 3 "\"event\":\"alive\"" rx &&
	# 1. install B: the receiver takes A and B
	cat A B >ring && kill -HUP $rx &&
	wait_until 5 grep -q "\"event\":\"keyring\",.*\"keys\":2," rx &&
	# 2. use B: each sender signs with it from its next heartbeat
	cp B s1.key && cp B s2.key && cp B s3.key &&
	kill -HUP $s1 $s2 $s3 &&
	for n in 1 2 3; do
		wait_until 5 eval "test \"\$(sent_since_reload tx$n)\" -ge 2" || exit 1
	done &&
	# 3. remove A
	cp B ring && kill -HUP $rx &&
	wait_until 5 at_least 3 "\"event\":\"keyring\"" rx &&
	grep "\"event\":\"keyring\"" rx | tail -1 | grep -q "\"keys\":1," &&
	for n in 1 2 3; do
		wait_until 5 eval "test \"\$(sent_since_reload tx$n)\" -ge 5" || exit 1
	done &&
	# A no longer verifies; the nodes say goodbye with B
	hb node1 1 1 | "$sign" A | "$script" $port &&
	kill -INT $s1 $s2 $s3 &&
	wait_until 5 at_least 3 "\"event\":\"left\"" rx &&
	pid=$rx && stop_receiver &&
	! event suspect rx && ! event dead rx &&
	test "$(rejected rx)" = "0 1 0" &&
	! test -s tx1.err
'

test_expect_success SODIUM 'a key file broken on SIGHUP: the receiver keeps its keys and says why' '
	newkey hb.key &&
	start_receiver rx --json --key hb.key && rx=$pid &&
	hb a 1 1 | "$sign" hb.key >signed &&
	chmod 644 hb.key && kill -HUP $rx &&
	"$script" $port <signed &&
	wait_until 5 grep -q "\"event\":\"alive\",.*\"node\":\"a\"" rx &&
	grep -q "^udp_receiver: SIGHUP: kept the keys we had: hb.key: permissions 0644 are too open" rx.err &&
	stop_receiver
'

test_done
