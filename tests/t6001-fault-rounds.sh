#!/bin/sh
# t6001-fault-rounds - kill -9 at random moments, over and over: every
# run ends in bounded time, names the cause, leaves nothing running, and
# counts exactly what arrived.  (Threads cannot be killed alone: a
# signal to a pool thread or a threading_example consumer ends the
# whole process, so those are not among the victims.)
test_description='kill -9 rounds: pipeline roles, server children, clients, senders'
. "$(dirname "$0")/test-lib.sh"

# 20 rounds each in make test-full (EXPENSIVE), 2 in make test.
ROUNDS=${ROUNDS:-$([ -n "$EXPENSIVE" ] && echo 20 || echo 2)}

# pause_ms MAX: sleep a random time below MAX milliseconds.
pause_ms() {
	seed=$(od -An -N4 -tu4 /dev/urandom)
	sleep "$(awk -v m="$1" -v s="$seed" 'BEGIN { srand(s); printf "%.3f", rand() * m / 1000 }')"
}

# sum_of_run N: the sum a whole run of 1..N prints (exact, 128 bits).
sum_of_run() {
	"$BINDIR/ipc_multiprocess" -n "$1" -b 65536 -q | sed -n 's/^sum *//p'
}

for role in generator worker-1 storage; do
	label=$(echo $role | sed 's/-/ /')
	test_expect_success "ipc_multiprocess: $ROUNDS rounds of kill -9 of the $label at a random moment" '
		round=0
		while [ $round -lt $ROUNDS ]; do
			round=$((round + 1))
			"$BINDIR/ipc_multiprocess" -n 4000000000 -w 1 -b 64 -q >out 2>err &
			pid=$!
			test_started $pid
			wait_until 10 has_children $pid 3 || exit 1
			kids=$(children_of $pid)
			victim=
			for c in $kids; do
				[ "$(cat /proc/$c/comm 2>/dev/null)" = ipc-$role ] && victim=$c
			done
			test -n "$victim" || { echo "round $round: no ipc-$role among $kids"; exit 1; }
			pause_ms 200
			kill -KILL $victim
			test_expect_code 1 wait_bounded $pid 10 || { echo "round $round: exit"; exit 1; }
			grep -q "^ipc_multiprocess: $label (pid $victim) was killed by signal 9 (Killed)$" err ||
				{ echo "round $round: cause not named"; cat err; exit 1; }
			for c in $kids; do
				! pid_exists $c || { echo "round $round: child $c left"; exit 1; }
			done
			if [ $role = storage ]; then
				grep -q "^received     unknown: the storage process died" out || exit 1
			else
				# One worker: 1..k arrived in order, and their sum is exact.
				k=$(sed -n "s/^received     \\([0-9]*\\) of.*/\\1/p" out)
				got=$(sed -n "s/^sum *//p" out)
				test -n "$k" && test "$got" = "$(sum_of_run $k)" ||
					{ echo "round $round: $k received, sum $got"; exit 1; }
			fi
		done
	'
done

# serving_child PID N: a child of PID that holds N sockets or more (a
# fork child has its client's; a prefork worker the listening one too).
serving_child() {
	for c in $(children_of "$1"); do
		if [ "$(ls -l /proc/$c/fd 2>/dev/null | grep -c socket:)" -ge "$2" ]; then
			echo $c
			return 0
		fi
	done
	return 1
}

# every_slot_back PORT N: N clients (--max-clients) are served at once,
# and one more is refused: every slot is free, not just one.  The
# server may still be seeing its last clients go: try for 10 s.
every_slot_back() {
	wait_until 10 eval "test_within 5 \"$HELPERDIR/tcp_many\" -b $1 $2 >slots" ||
		{ cat slots; return 1; }
	grep -q "^$2 ok, then busy$" slots
}

# Prefork runs 3 workers for 2 slots: the third takes the client past
# --max-clients and refuses it (with 2 workers it would wait unserved).
for model in fork prefork; do
	sockets=1 workers=0
	[ $model = prefork ] && sockets=2 workers=3
	test_expect_success "tcp_server -m $model: $ROUNDS rounds of kill -9 of the child serving a client" '
		start_server srv -m $model -t 3 -q --max-clients 2 || exit 1
		round=0
		while [ $round -lt $ROUNDS ]; do
			round=$((round + 1))
			before=$(children_of $pid)
			seq 1 100000000 | "$BINDIR/tcp_client" -q -p $port - >cl.out 2>cl.err &
			cpid=$!
			test_started $cpid
			wait_until 10 serving_child $pid $sockets >victim ||
				{ echo "round $round: no child serving"; exit 1; }
			victim=$(cat victim)
			pause_ms 300
			kill -KILL $victim
			test_expect_code 1 wait_bounded $cpid 10 || { echo "round $round: client"; exit 1; }
			grep -q "the server closed the connection after [0-9]* replies" cl.err ||
				{ echo "round $round:"; cat cl.err; exit 1; }
		done
		wait_until 5 has_children $pid $workers &&
		every_slot_back $port 2 &&
		stop_server
	'
done

test_expect_success "tcp_server -m epoll: $ROUNDS rounds of 3 clients killed mid-stream, every slot back" '
	start_server srv -m epoll -q --max-clients 3 || exit 1
	round=0
	while [ $round -lt '"$ROUNDS"' ]; do
		round=$((round + 1))
		cpids=
		for c in 1 2 3; do
			seq 1 100000000 | "$BINDIR/tcp_client" -q -p $port - >/dev/null 2>&1 &
			cpids="$cpids $!"
			test_started $!
		done
		pause_ms 200
		kill -KILL $cpids
		wait $cpids
	done
	every_slot_back $port 3 &&
	stop_server
'

test_expect_success "udp_sender: $ROUNDS senders killed at random moments, each found DEAD" '
	start_receiver rx -q --suspect-after 100 --dead-after 300 || exit 1
	round=0
	while [ $round -lt '"$ROUNDS"' ]; do
		round=$((round + 1))
		"$BINDIR/udp_sender" 127.0.0.1 -p $port -i 20 -n victim-$round -q >/dev/null 2>&1 &
		s=$!
		test_started $s
		echo $s >>senders
	done
	for s in $(cat senders); do
		pause_ms 100
		kill -KILL $s
	done
	wait_until 10 at_least '"$ROUNDS"' "victim-[0-9]* DEAD: silent for" rx &&
	stop_receiver &&
	grep -q "^'"$ROUNDS"' nodes (0 alive, 0 suspect, '"$ROUNDS"' dead, 0 left)" rx
'

test_done
