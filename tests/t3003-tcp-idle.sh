#!/bin/sh
# t3003-tcp-idle - the event loops' idle clients hold no buffers.
test_description='an idle client costs under 1 KB; lines cut across idleness, bursts, all at once'
. "$(dirname "$0")/test-lib.sh"

idle="$HELPERDIR/tcp_idle"
talk="$HELPERDIR/tcp_talk"

model_pre() {
	[ "$1" = uring ] && echo URING_BUILT,URING
}

rss_kb() {
	sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$1/status
}
rss_below() {
	test "$(rss_kb $1)" -lt $2
}

# idle_then_all MODEL: 10000 clients ask once and stay; the server's RSS
# grows by $per bytes a client; then all speak at once (tcp_idle), and
# every reply must come, in order.
idle_then_all() {
	start_server srv -m $1 -q &&
	rm -f go && mkfifo go &&
	{ "$idle" $port 10000 <go >idle.out 2>&1 & } &&
	helper=$! && exec 9>go &&
	before=$(rss_kb $pid) &&
	wait_until 120 grep -q "^10000 idle$" idle.out &&
	after=$(rss_kb $pid) &&
	per=$(( (after - before) * 1024 / 10000 )) &&
	echo "server RSS $before kB, then $after kB with 10000 idle clients: $per bytes each" &&
	echo go >&9 && exec 9>&- &&
	wait_bounded $helper 120 &&
	cat idle.out &&
	grep -q "^10000 answered in order$" idle.out &&
	stop_server
}

# A sanitizer's shadow memory grows with every byte the program touches:
# under one, the RSS says little of the program's own.
test_lazy_prereq PLAIN_BUILD "a sanitizer's shadow memory is in the RSS: the bound is for a plain build" '
	test -z "$SANITIZE"
'
test_lazy_prereq SANITIZED 'the plain build runs this with the memory bound' '
	test -n "$SANITIZE"
'

# An event loop lends an idle client's buffers (25 KiB) to the clients
# that speak: what an idle client costs the server is its struct, not
# its buffers.  Then all speak at once, each with a burst whose last
# line comes in two parts, the server's answers read in between.
for model in epoll uring; do
	pre=$(model_pre $model)
	test_expect_success ${pre:+$pre,}PLAIN_BUILD "$model: 10000 clients asked once and idle: under 1 KB each; then all speak at once, in order" '
		idle_then_all $model &&
		test $per -lt 1024
	'

	test_expect_success ${pre:+$pre,}SANITIZED "$model: 10000 clients asked once and idle, then all speak at once: in order" '
		idle_then_all $model
	'

	test_expect_success $pre "$model: a line cut in two across an idle time is one request" '
		start_server srv -m $model -q &&
		rm -f go && mkfifo go &&
		{ "$idle" $port 3 <go >idle.out 2>&1 & } &&
		helper=$! && exec 9>go &&
		wait_until 10 grep -q "^3 idle$" idle.out &&
		echo go >&9 && exec 9>&- &&
		wait_bounded $helper 20 &&
		grep -q "^3 answered in order$" idle.out &&
		printf "2\n3\n" | "$talk" $port >got && printf "4\n9\n" >want && test_cmp want got &&
		stop_server
	'
done

# Clients that flood and never read hold their buffers (25 KiB each);
# when they go, the buffers become the loop's spares, and with nothing
# to time (no --idle-timeout, no client waiting) they are freed within a
# sweep or two all the same: -m epoll kept them for good before.
hold="$HELPERDIR/tcp_hold"
for model in epoll uring; do
	pre=$(model_pre $model)
	test_expect_success ${pre:+$pre,}PLAIN_BUILD "$model -t 1: a crowd's buffers are freed once it has gone" '
		start_server srv -m $model -t 1 -q &&
		# the loop at work once first (its stack, its arena: not the crowd'"'"'s)
		printf "2\n" | "$talk" $port >got && printf "4\n" >want && test_cmp want got &&
		base=$(rss_kb $pid) &&
		{ "$hold" -s -t 20 $port 400 >hold.out 2>&1 & } &&
		holder=$! &&
		wait_until 20 grep -q "^400 held" hold.out &&
		peak=$(rss_kb $pid) &&
		echo "server RSS $base kB, $peak kB with 400 clients that never read" &&
		test $((peak - base)) -gt 2048 &&
		{ kill $holder; wait_bounded $holder 10; true; } &&
		# what the crowd took, given back (but uring'"'"'s ring: 512 KiB a loop)
		wait_until 5 rss_below $pid $((base + 768)) &&
		echo "then $(rss_kb $pid) kB" &&
		stop_server
	'
done

test_done
