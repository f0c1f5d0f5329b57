#!/bin/sh
# t3001-tcp-server - every concurrency model speaks the same protocol.
test_description='protocol bytes, pipelining, splits, limits, stop, for each model'
. "$(dirname "$0")/test-lib.sh"

talk="$HELPERDIR/tcp_talk"
many="$HELPERDIR/tcp_many"
hold="$HELPERDIR/tcp_hold"

cat >requests <<-\END
	7
	-9223372036854775808
	9223372036854775807
	   +12	

	   
	abc
	12a
	0x10
	1e3
	99999999999999999999
	-9223372036854775809
	QUIT
	5
END
printf '49\n85070591730234615865843651857942052864\n85070591730234615847396907784232501249\n144\nERR empty request\nERR empty request\nERR not an integer\nERR not an integer\nERR not an integer\nERR not an integer\nERR out of range\nERR out of range\nBYE\n' >expected

seq 1 100000 >pipelined
awk '{ printf "%.0f\n", $1 * $1 }' pipelined >pipelined.expected

# models_pre MODEL: the prerequisites of a model's tests (uring: io_uring).
model_pre() {
	[ "$1" = uring ] && echo URING_BUILT,URING
}

# pre_for MODEL SHORT...: the prerequisites of a slow test run for each
# model: in make test for the models named (SHORT), for every model in
# make test-full (EXPENSIVE).
pre_for() {
	_m=$1
	shift
	_p=$(model_pre $_m)
	case " $* " in *" $_m "*) ;; *) _p=${_p:+$_p,}EXPENSIVE ;; esac
	echo "$_p"
}

# What a connection's bytes meet (lines, CRLF, splits, limits, replies
# left unread, the two timeouts) is one of three engines: the epoll loop,
# the io_uring loop, and conn_serve, which thread, pool, fork, prefork and
# iterative all run.  make test checks it on one model of each (epoll,
# uring, thread), make test-full on all seven; what each model does in
# its own way (the protocol end to end, many clients at once, a stop with
# a client connected, --max-clients) is checked on all seven always.
engines="epoll uring thread"

# A model that io_uring cannot run here is a skip of its own, with why.
for m in "epoll 2 event loops" "thread a thread per client" "pool 2 threads" \
	 "fork a process per client" "prefork 2 processes" "iterative one client at a time" \
	 "uring 2 io_uring loops"; do
	test_expect_success $(model_pre ${m%% *}) "${m%% *}: the start line names what it runs on" '
		start_server start.${m%% *} -m ${m%% *} -t 2 &&
		grep -q "^listening on 127.0.0.1:[0-9]* (model ${m%% *}, ${m#* })$" start.${m%% *} &&
		stop_server || { cat start.${m%% *}*; exit 1; }
	'
done

test_expect_success 'pool: the start line says 1 thread, not 1 threads' '
	start_server srv -m pool -t 1 && grep -q "(model pool, 1 thread)$" srv && stop_server
'

for model in ${MODELS:-epoll thread pool fork prefork iterative uring}; do
	pre=$(model_pre $model)
	eng=$(pre_for $model $engines)
	test_expect_success $pre "$model: exact reply bytes, errors included; QUIT ends it" '
		start_server srv -m $model -t 2 &&
		"$talk" $port <requests >got &&
		test_cmp expected got &&
		stop_server &&
		grep -q "disconnected after 13 requests (QUIT)" srv
	'

	test_expect_success $eng "$model: CRLF lines, one byte per write" '
		start_server srv -m $model -t 2 &&
		printf "3\r\n-4\r\nQUIT\r\n" | "$talk" -1 $port >got &&
		printf "9\n16\nBYE\n" >want && { test_cmp want got || { od -c got; cat srv srv.err; exit 1; }; } &&
		stop_server
	'

	test_expect_success $eng "$model: one CR is the line end's, a second is the request's" '
		start_server srv -m $model -t 2 &&
		printf "7\r\r\n6\r\n\r\n" | "$talk" $port >got &&
		printf "ERR not an integer\n36\nERR empty request\n" >want && test_cmp want got &&
		stop_server
	'

	test_expect_success $eng "$model: a last request without its newline is answered at the end" '
		start_server srv -m $model -t 2 &&
		printf "7\n5" | "$talk" $port >got &&
		printf "49\n25\n" >want && test_cmp want got &&
		printf "8\r" | "$talk" $port >got &&
		echo 64 >want && test_cmp want got &&
		stop_server &&
		grep -q "disconnected after 2 requests (closed by client)" srv
	'

	test_expect_success $eng "$model: a 3000-byte line is refused, the connection goes on" '
		start_server srv -m $model -t 2 &&
		{ awk "BEGIN { while (i++ < 3000) printf \"7\"; print \"\" }"; echo 6; } |
			"$talk" $port >got &&
		printf "ERR line too long\n36\n" >want && test_cmp want got &&
		stop_server
	'

	test_expect_success $eng "$model: 100000 pipelined requests in one stream, in order" '
		start_server srv -m $model -t 2 -q &&
		test_within 60 "$talk" $port <pipelined >got &&
		test_cmp pipelined.expected got &&
		stop_server &&
		grep -q "^requests     100000$" srv
	'

	test_expect_success $eng "$model: clients that leave with replies unread do no harm" '
		start_server srv -m $model -t 2 -q &&
		"$talk" -l 1 $port <pipelined >/dev/null &&
		"$talk" -l 1 $port <pipelined >/dev/null &&
		echo 11 | "$talk" $port >got &&
		echo 121 >want && test_cmp want got &&
		stop_server
	'

	# A thousand where the model serves them all at once; fewer where each
	# client costs a process.
	clients=1000
	case $model in fork|prefork|iterative) clients=300 ;; esac
	test_expect_success $pre "$model: $clients clients at once, each answered" '
		start_server srv -m $model -t 2 -q &&
		test_within 60 "$many" $port $clients >got &&
		grep -q "^$clients ok$" got &&
		stop_server
	'

	test_expect_success $eng "$model: --idle-timeout drops a silent client" '
		start_server srv -m $model -t 2 --idle-timeout 1 || exit 1
		(sleep 8; echo 2) | "$talk" $port >got &
		test_started $!
		wait_until 6 grep -q "disconnected after 0 requests (idle timeout)" srv &&
		stop_server
	'

	test_expect_success $eng "$model: a client that takes no replies is dropped after --send-timeout" '
		start_server srv -m $model -t 2 --send-timeout 1 || exit 1
		"$hold" -s $port 1 >held &
		test_started $! &&
		wait_until 10 grep -q held held &&
		wait_until 3 grep -q "disconnected after [0-9]* requests (not taking its replies)" srv &&
		echo 6 | "$talk" $port >got && echo 36 >want && test_cmp want got &&
		stop_server
	'

	test_expect_success $(pre_for $model epoll fork) "$model: stop with 100 clients that take no replies: out within 3 s" '
		start_server srv -m $model -t 2 -q || exit 1
		"$hold" -s $port 100 >held &
		test_started $! &&
		wait_until 20 grep -q held held &&
		kill -TERM $pid && wait_bounded $pid 3 &&
		grep -q "^requests" srv
	'

	test_expect_success $pre "$model: SIGINT with a client connected: exit 0, totals, nothing left" '
		start_server srv -m $model -t 2 || exit 1
		(echo 4; sleep 5) | "$talk" $port >got &
		test_started $!
		wait_until 10 grep -q "connection from" srv &&
		kids=$(children_of $pid) &&
		stop_server &&
		for k in $kids; do ! pid_exists $k || { echo "child $k left"; exit 1; }; done
	'
done

for model in ${MODELS:-epoll thread pool fork prefork uring}; do
	[ $model = iterative ] && continue
	pre=$(model_pre $model)
	test_expect_success $pre "$model: past --max-clients: ERR server busy, and closed" '
		start_server srv -m $model -t 2 --max-clients 1 || exit 1
		(echo 1; sleep 8) | "$talk" $port >held &
		test_started $!
		wait_until 10 grep -q "connection from" srv &&
		echo 5 | "$talk" $port >got &&
		echo "ERR server busy" >want && test_cmp want got &&
		stop_server &&
		grep -q "^refused      1$" srv
	'
done

test_expect_success "fork: a child killed with SIGKILL gives its client's slot back" '
	start_server srv -m fork --max-clients 3 || exit 1
	for i in 1 2 3; do
		(echo $i; sleep 20) | "$talk" $port >held.$i &
		test_started $!
	done
	wait_until 10 at_least 3 "connection from" srv &&
	wait_until 10 has_children $pid 3 &&
	kill -KILL $(children_of $pid) &&
	wait_until 5 has_children $pid 0 &&
	# Every slot is back: 3 clients at once are served, a 4th is refused.
	{ test_within 20 "$many" -b $port 3 >got && grep -q "^3 ok, then busy$" got ||
		{ cat got; exit 1; }; } &&
	stop_server &&
	grep -q "^refused      1$" srv
'

test_expect_success 'prefork: workers killed are reaped, named and replaced' '
	start_server srv -m prefork -t 2 || exit 1
	wait_until 10 has_children $pid 2 &&
	old=$(children_of $pid) &&
	kill -KILL $old &&
	wait_until 5 at_least 2 "killed by signal 9; starting another" srv.err &&
	wait_until 5 has_children $pid 2 &&
	for k in $old; do ! pid_exists $k || { echo "worker $k not reaped"; exit 1; }; done &&
	echo 5 | test_within 5 "$talk" $port >got && echo 25 >want && test_cmp want got &&
	grep -q "^tcp_server: worker [12] (pid [0-9]*) killed by signal 9; starting another$" srv.err &&
	stop_server
'

test_expect_success 'prefork: a worker killed while serving gives its slot back' '
	start_server srv -m prefork -t 2 --max-clients 1 || exit 1
	(echo 1; sleep 20) | "$talk" $port >held &
	test_started $! &&
	wait_until 10 grep -q "connection from" srv &&
	echo 2 | "$talk" $port >busy && echo "ERR server busy" >want && test_cmp want busy &&
	kill -KILL $(children_of $pid) &&
	wait_until 5 at_least 2 "starting another" srv.err &&
	wait_until 5 has_children $pid 2 &&
	echo 5 | "$talk" $port >got && echo 25 >want && test_cmp want got &&
	stop_server
'

for model in epoll uring; do
	pre=$(model_pre $model)
	test_expect_success ${pre:+$pre,}EXPENSIVE "$model: 10000 clients at once, each answered" '
		start_server srv -m $model -q &&
		test_within 120 "$many" $port 10000 >got &&
		grep -q "^10000 ok$" got &&
		stop_server
	'
done

test_expect_success EXPENSIVE 'epoll: 1000 silent connections (slowloris) leave the rate at least half' '
	start_server srv -m epoll -q || exit 1
	"$BINDIR/tcp_client" -p $port --bench -c 8 --duration 2 --json >before 2>/dev/null &&
	"$hold" $port 1000 >held &
	test_started $! &&
	wait_until 20 grep -q "held" held &&
	"$BINDIR/tcp_client" -p $port --bench -c 8 --duration 2 --json >during 2>/dev/null &&
	a=$(json_field before per_sec) && b=$(json_field during per_sec) &&
	echo "req/s alone $a, beside 1000 idle connections $b" &&
	test $((b * 2)) -ge $a &&
	stop_server
'

awk 'BEGIN { for (i = 0; i < 4000000; i++) print 123456789 }' >flood

# stdin_pos PID: how far PID has read its standard input (a file).
stdin_pos() {
	sed -n "s/^pos:[[:space:]]*//p" /proc/$1/fdinfo/0 2>/dev/null
}

# sent_at_least PID BYTES: PID has read BYTES of its standard input or more.
sent_at_least() {
	test "$(stdin_pos $1)" -ge $2 2>/dev/null
}

# held_back PID: PID's place in its standard input has not moved for half
# a second: it is blocked in its send, the server taking no more.
held_back() {
	_at=$(stdin_pos $1) && test -n "$_at" && sleep 0.5 && test "$(stdin_pos $1)" = "$_at"
}

for model in epoll thread pool iterative uring; do
	pre=$(model_pre $model)
	# The flood must really flow: the client has sent a megabyte or more
	# (its place in the file), and is held back (it stays there) when we
	# look: a server that took it all would have read the 40 MB by then.
	test_expect_success $(pre_for $model epoll thread uring) "$model: a client that sends and never reads: memory stays bounded" '
		start_server srv -m $model -t 2 -q || exit 1
		"$talk" -w -l 0 $port <flood >/dev/null 2>flood.err &
		flooder=$! && test_started $flooder &&
		{ wait_until 10 sent_at_least $flooder 1000000 || { cat flood.err; exit 1; }; } &&
		wait_until 10 held_back $flooder &&
		rss=$(sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$pid/status) &&
		echo "server RSS $rss kB; the client sent $(stdin_pos $flooder) bytes and waits" &&
		test $rss -lt 40000 &&
		pid_alive $flooder &&
		if [ $model != iterative ]; then
			echo 6 | "$talk" $port >got && echo 36 >want && test_cmp want got
		fi &&
		stop_server &&
		! grep -q "^requests     0$" srv
	'
done

# cpu_ticks PID...: the CPU time (user + system, in clock ticks) they used.
cpu_ticks() {
	for p in "$@"; do sed "s/^.*) //" /proc/$p/stat 2>/dev/null; done |
	awk "{ t += \$12 + \$13 } END { print t + 0 }"
}

# cpu_percent SECONDS PID: the share of one CPU that PID and its
# children used over the next SECONDS.
cpu_percent() {
	procs="$2 $(children_of $2)"
	t0=$(cpu_ticks $procs) && sleep $1 && t1=$(cpu_ticks $procs) &&
	echo $(( (t1 - t0) * 100 / ($1 * $(getconf CLK_TCK)) ))
}

# answers PORT N WANT: a new client asking N is answered WANT.
answers() {
	test "$(echo $2 | test_within 5 "$talk" $1 2>/dev/null)" = "$3"
}

# no_lsan: LeakSanitizer needs descriptors of its own at the exit, and
# under these limits it has none: only its fatal error would be seen.
no_lsan() {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# start_limited FILES N ARGS...: tcp_server under ulimit -n N, as start_server.
start_limited() {
	out=$1
	n=$2
	shift 2
	: >$out && : >$out.err || return 1  # not the last test's lines: see start_listener
	(ulimit -n $n; no_lsan; exec "$BINDIR/tcp_server" -p 0 -b 127.0.0.1 "$@") >$out 2>$out.err &
	pid=$! && test_started $pid &&
	wait_until 10 server_listening $out &&
	port=$(server_port $out)
}

turned_away="^tcp_server: accept (clients are turned away until some leave): Too many open files$"

# Held clients keep the descriptors; those who come next must be turned
# away at once, at no cost while they wait, and served once some leave.
for model in epoll uring thread; do
	pre=$(model_pre $model)
	test_expect_success $(pre_for $model epoll uring) "$model: out of descriptors, 80 clients held: no busy loop, busy, then served" '
		# -m uring on one ring: with two, the descriptor one ring lets
		# go to shed a client may be taken by the other ring'"'"'s accept,
		# which the kernel runs on its own (tcp_server(1) says so).
		start_limited srv 64 -q -m $model -t $(test $model = uring && echo 1 || echo 2) || exit 1
		"$hold" $port 80 >held &
		test_started $! && holder=$! &&
		wait_until 20 grep -q "80 held" held &&
		wait_until 10 grep -q "$turned_away" srv.err &&
		busy=$(cpu_percent 2 $pid) &&
		echo "CPU while out of descriptors: $busy% of one" &&
		test $busy -lt 20 &&
		answers $port 6 "ERR server busy" &&
		kill $holder &&
		wait_until 10 answers $port 7 49 &&
		stop_server &&
		test $(grep -c . srv.err) -eq 1
	'
done

# Eight event loops out of descriptors at once: while one gives its spare
# back to shed a client, another's accept must not take the slot (the
# spare would be lost, and every later client left waiting, unanswered).
# A race: 8 rounds of 80 clients, each answered or told busy.
test_expect_success EXPENSIVE 'epoll -t 8: out of descriptors, every client answered or told busy, 8 rounds' '
	for round in 1 2 3 4 5 6 7 8; do
		start_limited srv 64 -q -m epoll -t 8 || exit 1
		i=0 talkers=
		while [ $i -lt 80 ]; do
			i=$((i + 1))
			(echo 12 | test_within 5 "$talk" $port >reply.$i 2>/dev/null) &
			talkers="$talkers $!"
		done
		wait $talkers
		cat reply.* | sort | uniq -c >replies
		stop_server
		rm -f reply.*
		if grep -v " 144$" replies | grep -qv " ERR server busy$"; then cat replies; exit 1; fi
		test "$(awk "{ n += \$1 } END { print n }" replies)" -eq 80 || { cat replies; exit 1; }
	done
'

# Out of processes (RLIMIT_NPROC binds an ordinary user only, and counts
# every process of the user): a client that cannot have its process or
# thread hears ERR server busy, and the failure is said once, not once a
# client.  The limit: what the user runs now, and 5 more.
test_lazy_prereq NOT_ROOT 'the process limit does not bind root: the unprivileged pass of CI runs it' '
	[ "$(id -u)" -ne 0 ] && command -v prlimit
'
for model in fork thread; do
	test_expect_success NOT_ROOT "$model: out of processes: each client answered or told busy, said once" '
		out=srv n=$(ps -o pid= -u "$(id -u)" | wc -l) && : >srv && : >srv.err || exit 1
		prlimit --nproc=$((n + 5)) "$BINDIR/tcp_server" -p 0 -b 127.0.0.1 -q -m '$model' >srv 2>srv.err &
		pid=$! && test_started $pid &&
		wait_until 10 server_listening srv && port=$(server_port srv) || exit 1
		"$hold" $port 60 >held &
		test_started $! &&
		wait_until 20 grep -q "60 held" held &&
		wait_until 10 grep -q "clients are turned away until it works again" srv.err &&
		reply=$(echo 12 | test_within 5 "$talk" $port) &&
		{ [ "$reply" = "ERR server busy" ] || [ "$reply" = 144 ]; } &&
		stop_server &&
		test "$(grep -c . srv.err)" -eq 1
	'
done

# With no room for the spare descriptor either (a limit that tight, or a
# prefork worker, which has none), nobody can be shed: the client waits,
# and the server must wait too, not spin on it.
for model in thread pool fork prefork iterative; do
	test_expect_success $(pre_for $model thread) "$model: out of descriptors, none to shed with: no busy loop" '
		start_limited srv 6 -q -m $model -t 2 || exit 1
		"$hold" $port 2 >held &
		test_started $! &&
		wait_until 20 grep -q "2 held" held &&
		wait_until 10 grep -q "$turned_away" srv.err &&
		busy=$(cpu_percent 2 $pid) &&
		echo "CPU while out of descriptors: $busy% of one" &&
		test $busy -lt 20 &&
		stop_server
	'
done

# A setup that fails is one message and exit 1 (by itself: a server
# that goes on is a server that works), and never says "listening".  Tiny limits on descriptors
# fail the event loops' sets and rings at each step of their setup.
for model in epoll uring; do
	pre=$(model_pre $model)
	test_expect_success $pre "$model: under ulimit -n 5..10: serves, or one message and exit 1" '
		for n in 5 6 7 8 9 10; do
			(ulimit -n $n; no_lsan; exec "$BINDIR/tcp_server" -p 0 -b 127.0.0.1 -q -m $model -t 2) \
				>srv 2>srv.err &
			pid=$! && test_started $pid && out=srv &&
			wait_until 10 eval "server_listening srv || ! pid_alive $pid" || exit 1
			port=$(server_port srv)
			if [ -n "$port" ] && reply=$(echo 6 | test_within 5 "$talk" $port 2>/dev/null) &&
			   { [ "$reply" = 36 ] || [ "$reply" = "ERR server busy" ]; }; then
				echo "ulimit -n $n: serves ($reply)" &&
				stop_server &&
				! grep -v "$turned_away" srv.err || exit 1
			else
				test_expect_code 1 wait_bounded $pid 5 &&
				echo "ulimit -n $n: $(cat srv.err)" &&
				test $(grep -c . srv.err) -eq 1 &&
				! test -s srv &&
				grep -q "^tcp_server: .*: Too many open files$" srv.err ||
					{ echo "ulimit -n $n:"; cat srv.err; exit 1; }
			fi
		done
	'
done

# Threads that cannot start (1024 stacks in 200 MB of address space).
# Sanitizers reserve terabytes of it: not under them.
test_lazy_prereq NO_SANITIZER 'a sanitizer maps terabytes: ulimit -v is not for it' '
	[ -z "$SANITIZE" ]
'
for model in epoll uring pool; do
	pre=NO_SANITIZER
	[ $model = uring ] && pre=NO_SANITIZER,$(model_pre $model)
	test_expect_success $pre "$model: threads that cannot all start: one message, exit 1" '
		(ulimit -v 200000; exec "$BINDIR/tcp_server" -p 0 -b 127.0.0.1 -q -m $model -t 1024) \
			>srv 2>srv.err &
		pid=$! && test_started $pid &&
		test_expect_code 1 wait_bounded $pid 5 &&
		cat srv.err &&
		test $(grep -c . srv.err) -eq 1 &&
		! test -s srv &&
		grep -q "^tcp_server: [a-z_]*: \(Resource temporarily unavailable\|Cannot allocate memory\)$" srv.err
	'
done

test_expect_success 'SIGTERM is a clean stop too' '
	start_server srv &&
	echo 3 | "$talk" $port >got &&
	kill -TERM $pid &&
	wait_bounded $pid 10 &&
	grep -q "^requests     1$" srv
'

test_expect_success 'a second server on a busy port: Address already in use, exit 1' '
	start_server srv &&
	test_expect_code 1 "$BINDIR/tcp_server" -p $port -b 127.0.0.1 >out2 2>err2 &&
	grep -q "^tcp_server: cannot listen on 127.0.0.1 port $port: Address already in use$" err2 &&
	stop_server
'

test_expect_success 'every interface by default: IPv4 clients' '
	"$BINDIR/tcp_server" -p 0 >srv 2>srv.err &
	pid=$! && test_started $pid && out=srv &&
	wait_until 10 server_listening srv &&
	port=$(server_port srv) &&
	echo 3 | "$talk" -H 127.0.0.1 $port >got4 &&
	echo 9 >want && test_cmp want got4 &&
	stop_server
'

test_expect_success IPV6 'every interface by default: IPv6 clients too' '
	"$BINDIR/tcp_server" -p 0 >srv 2>srv.err &
	pid=$! && test_started $pid && out=srv &&
	wait_until 10 server_listening srv &&
	port=$(server_port srv) &&
	echo 3 | "$talk" -H ::1 $port >got6 &&
	echo 9 >want && test_cmp want got6 &&
	stop_server
'

test_expect_success IPV6 'IPv6 loopback with -b ::1' '
	"$BINDIR/tcp_server" -p 0 -b ::1 >srv 2>srv.err &
	pid=$! && test_started $pid && out=srv &&
	wait_until 5 server_listening srv &&
	port=$(server_port srv) &&
	grep -q "^listening on \[::1\]:" srv &&
	echo -5 | "$talk" -H ::1 $port >got &&
	echo 25 >want && test_cmp want got &&
	stop_server
'

test_expect_success '--json: a listening event, then the totals' '
	start_server srv --json -m thread &&
	echo 8 | "$talk" $port >got &&
	kill -INT $pid && wait_bounded $pid 10 &&
	head -1 srv | grep -q "^{\"event\":\"listening\",\"program\":\"tcp_server\",\"addr\":\"127.0.0.1:$port\",\"port\":$port" &&
	tail -1 srv | grep -q "^{\"event\":\"summary\",\"program\":\"tcp_server\",\"model\":\"thread\",\"connections\":1,\"requests\":1,\"err_replies\":0,\"refused\":0,\"ok\":true,\"seconds\":[0-9.]*,\"per_sec\":[0-9]*}$"
'

test_expect_success 'an unknown model is a usage error' '
	test_expect_code 2 "$BINDIR/tcp_server" -m spawn 2>err &&
	grep -q "^tcp_server: -m: .spawn. is not epoll, thread, pool, fork, prefork, iterative or uring" err
'

test_done
