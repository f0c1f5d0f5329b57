#!/bin/sh
# t5001-netlab - the course's multi-node runs, on a lab of network
# namespaces (scripts/netlab): three nodes on one bridge, 10.77.3.0/24.
test_description='TCP and UDP across nodes: clients, bench, binding mistakes, broadcast, multicast, cut, heal, loss'
. "$(dirname "$0")/test-lib.sh"

lab="$TEST_DIR/../scripts/netlab"
NETLAB_PREFIX=wk3t$$
export NETLAB_PREFIX
slack=100
[ -n "$SANITIZE" ] && slack=250

skip_all() {
	for t in 'up 3: the lab, and nothing in our own namespace' 'TCP: clients on node2 and node3' \
	         'TCP: --bench across nodes' 'TCP: a server bound to 127.0.0.1' \
	         'UDP: unicast, broadcast, --iface broadcast, multicast' 'UDP: IPv6 multicast' \
	         'UDP: broadcast to the default socket' \
	         'UDP: cut and heal' 'UDP: loss, deadline vs phi' 'MPI: a rank per node' \
	         'MPI: kill -9 of a remote rank' 'MPI: a node cut mid-run' 'MPI: netlab mpirun killed' \
	         'two labs side by side' 'up suggests a command' 'Ctrl-C during up' 'XDG_RUNTIME_DIR under /run' 'names that begin alike' 'two up at once' 'another user' 'down' \
	         'after a crash' 'our own user namespace' 'another program' 'a sandbox on a node' \
	         'after a crash: user namespaces made in the lab' 'a sandbox that hides the mark' \
	         'a state that names another program' 'a namespace with a lab name' \
	         'a hub of the lab name' 'down that cannot remove a namespace' \
	         'a state directory not ours' 'where user namespaces are not allowed'; do
		test_skip "$t" "$1"
	done
	test_done
}
# What needs no lab: the command line, the page, the recipes.  Every
# mistake on the command line is exit 2, said in one line before
# anything is made (no lock file, no state, no namespace); what fails
# at run time (no such node, no lab) stays 1.
test_expect_success 'a wrong command line: one line, exit 2, nothing made; no lab: exit 1' '
	export XDG_RUNTIME_DIR="$TRASH/xdg" &&
	for c in "" "up" "up 0" "up 251" "up x" "up 3 4" "up 99999999999999999999" \
	         "run" "run node1" "run nodex true" "cut" "cut x" "cut 1 2" "heal" \
	         "loss" "loss 1" "loss 1 101" "loss 1 x" "loss x 10" "addr" "addr nodex" \
	         "status now" "down now" "check now" "mpirun" "frobnicate"; do
		test_expect_code 2 "$lab" $c >out 2>err || { echo "netlab $c"; exit 1; }
		test ! -s out || { echo "netlab $c: stdout"; exit 1; }
		{ test -z "$c" && grep -q "^Usage: .*netlab up N" err; } ||
		{ test "$(grep -c . err)" -eq 1 && grep -q "^netlab: .* (try: .*netlab --help)$" err; } ||
			{ echo "netlab $c:"; cat err; exit 1; }
	done &&
	test_expect_code 2 "$lab" up 0 2>err &&
	grep -q "^netlab: up: .0. is not a number of nodes (1\.\.250) (try: " err &&
	test ! -e "$TRASH/xdg/netlab/$NETLAB_PREFIX" && test ! -e "$TRASH/xdg/netlab/$NETLAB_PREFIX.lock" &&
	test -z "$(ls -d /run/netlab/"$NETLAB_PREFIX"* 2>/dev/null)" &&
	test -z "$(ip netns list 2>/dev/null | grep "^$NETLAB_PREFIX-")" &&
	test_expect_code 1 "$lab" addr node1 2>err &&
	test "$(grep -c . err)" -eq 1
'

test_lazy_prereq PAGES 'the pages are not in this copy (t5002 copies the lab and its tests)' '
	test -f "$TEST_DIR/../man/netlab.1"
'
test_expect_success PAGES 'netlab(1): the SYNOPSIS names every command of --help, mpirun too' '
	"$lab" --help | sed -n "s/^\(Usage:\)\{0,1\} *[^ ]*netlab \([a-z]*\).*/\2/p" | sort -u >in_help &&
	sed -n "/^\.Sh SYNOPSIS/,/^\.Sh /s/^\.Cm //p" "$TEST_DIR/../man/netlab.1" |
		sed "s/ \(Ar\|Oo\|Op\) .*//" | tr " |" "\n\n" | grep . | sort -u >in_synopsis &&
	grep -qx mpirun in_help &&
	comm -23 in_help in_synopsis >missing &&
	{ test ! -s missing || { echo "not in the SYNOPSIS:"; cat missing; exit 1; }; }
'

test_expect_success 'an installed netlab names itself as typed in --help, in one column' '
	mkdir inst && cp "$lab" inst/netlab &&
	PATH="$TRASH/inst:$PATH" netlab --help >help &&
	grep -q "^Usage: netlab up N  " help && ! grep -q "scripts/netlab" help &&
	test "$(grep "netlab loss NODE PCT drop" help | sed "s/drop.*//" | wc -c)" = \
	     "$(grep "^ *at random" help | sed "s/at random.*//" | wc -c)"
'

test_expect_success 'scripts/README.md: the loss recipes say which package netlab loss needs' '
	grep "netlab loss" "$TEST_DIR/../scripts/README.md" >recipes &&
	test -s recipes && ! grep -v "apt-get install nftables" recipes
'

# Without nft: here, or hidden for this one command (as root, in a mount
# namespace of its own: its directory is a tmpfs with a link to each of
# the other programs; bash's command -v finds a file that cannot run,
# so one bound over nft would not do).
nft_path=$(PATH=$PATH:/usr/sbin:/sbin command -v nft)
test_lazy_prereq NO_NFT 'nft is installed: needs root and unshare -m to hide it' '
	test -z "$nft_path" || { [ "$(id -u)" -eq 0 ] && unshare -m true; }
'
without_nft() {
	if [ -z "$nft_path" ]; then
		"$@"
		return
	fi
	mkdir -p "$TRASH/real" &&
	unshare -m sh -c '
		d=${1%/*} real=$2
		shift 2
		mount --bind "$d" "$real" && mount -t tmpfs netlab-test "$d" &&
		for f in "$real"/*; do
			[ "${f##*/}" = nft ] || ln -s "$f" "$d/${f##*/}" || exit 1
		done &&
		exec "$@"' sh "$(readlink -f "$nft_path")" "$TRASH/real" "$@"
}
test_expect_success NO_NFT 'loss without nftables: which package, exit 1, before the lab is looked at' '
	test_expect_code 1 without_nft "$lab" loss node1 10 >out 2>err &&
	test ! -s out &&
	test "$(cat err)" = "netlab: loss needs nft, of nftables: apt-get install nftables"
'

# Without perl: a PATH of links to every program but perl (and its
# kin).  Without root, netlab finds the lab's sandboxes with perl: check
# and up say it is needed, before anything is made.  As root, it is run
# as user 65534, from a directory that user can reach.
test_lazy_prereq NO_PERL_USER 'needs ip (iproute2), and as root setpriv (util-linux), to be user 65534' '
	command -v ip && { [ "$(id -u)" -ne 0 ] || command -v setpriv; }
'
test_expect_success NO_PERL_USER 'without root and without perl: check and up say it is needed; exit 1, nothing made' '
	pub=$(mktemp -d "${TMPDIR:-/tmp}/netlab-test.XXXXXX") && chmod 755 "$pub" &&
	cp "$lab" "$pub/netlab" && chmod 755 "$pub/netlab" && mkdir "$pub/bin" "$pub/xdg" &&
	# every tool but perl: one ln a directory (a name met twice fails alone)
	for d in /usr/local/bin /usr/bin /bin; do
		ln -s "$d"/* "$pub/bin/" 2>/dev/null
	done
	rm -f "$pub/bin"/perl* &&
	run=env && if [ "$(id -u)" -eq 0 ]; then
		run="setpriv --reuid=65534 --regid=65534 --clear-groups env" && chown 65534 "$pub/xdg"
	fi &&
	chmod 700 "$pub/xdg" &&
	! $run PATH="$pub/bin" sh -c "command -v perl" &&
	for c in check "up 1"; do
		(cd / && test_expect_code 1 $run PATH="$pub/bin" XDG_RUNTIME_DIR="$pub/xdg" "$pub/netlab" $c >"$TRASH/out" 2>"$TRASH/err") || exit 1
		cat err
		test ! -s out &&
		test "$(cat err)" = "netlab: without root, ${c% *} needs perl (Debian package perl-base), to find what runs in the lab'"'"'s sandboxes; or run it as root" ||
			exit 1
	done;
	rc=$?
	ls "$pub/xdg/netlab" 2>/dev/null >made
	rm -rf "$pub"
	test $rc -eq 0 && test ! -s made
'

test_lazy_prereq SETPRIV 'needs setpriv (util-linux)' 'command -v setpriv'
test_expect_success ROOT,SETPRIV 'check as root without CAP_SYS_ADMIN (a container): no lab, and why' '
	test_expect_code 1 setpriv --bounding-set=-sys_admin --inh-caps=-all "$lab" check >out 2>err &&
	test ! -s out &&
	grep -q "^netlab: no lab here, even as root: cannot make a network namespace (unshare -n: .*; a container without CAP_SYS_ADMIN?)$" err
'

command -v ip >/dev/null 2>&1 || skip_all "needs ip (iproute2)"
if [ "$(id -u)" -eq 0 ]; then
	# Namespaces, a bridge and a veth pair, tried in a namespace of our own.
	probe=$NETLAB_PREFIX-probe
	if ! { ip netns add $probe && ip -n $probe link add br0 type bridge &&
	       ip -n $probe link add v0 type veth peer name v1; } 2>/dev/null; then
		ip netns del $probe 2>/dev/null
		skip_all "cannot make network namespaces, bridges and veth pairs here"
	fi
	ip netns del $probe
else
	# Without root the lab lives in a user namespace: netlab says whether
	# this machine allows one, and if not, which setting keeps it out.
	# t5002 says when this user can have one (WK3_USERNS_WORKS): then a
	# netlab that cannot is a failure, not a reason to skip.
	if ! why=$("$lab" check 2>&1); then
		[ -z "${WK3_USERNS_WORKS:-}" ] || { echo "Bail out! user namespaces work here, and: $why"; exit 1; }
		skip_all "${why#netlab: }"
	fi
fi
# The lab goes, whatever happens to the tests.
trap 'test_cleanup; "$lab" down >/dev/null 2>&1' EXIT

# on NODE CMD...: run CMD on NODE.
on() {
	n=$1
	shift
	"$lab" run "$n" "$@"
}

# own_namespace: what the machine's own namespace has, to compare.
own_namespace() {
	{ ip -o link | sed 's/^[0-9]*: //' | cut -d: -f1; ip route; ip -6 route; } | sort
}

own_namespace >own.before

# Without root, where netlab keeps the labs' state ("" as root).
statedir=$("$lab" check | sed -n "s/.*(state in \(.*\))$/\1/p")
# lab_left PREFIX: what is left of lab PREFIX, one a line: as root, its
# namespaces; without root, every process of it (the holder, and what
# runs on its nodes: they see the lab's /run, the tmpfs netlab-PREFIX,
# as the holder mounted it), and its files in the state directory.
lab_left() {
	ip netns list | awk -v p="$1" '$1 ~ "^" p "-(hub|node[0-9]+)$" { print $1 }'
	[ -z "$statedir" ] || {
		grep -l " - tmpfs netlab-$1 " /proc/[0-9]*/mountinfo 2>/dev/null | cut -d/ -f3
		ls -d "$statedir/$1" "$statedir/$1".* 2>/dev/null
	}
	ls -d /run/netlab/"$1".* 2>/dev/null
	:
}

test_expect_success 'up 3: the lab, and nothing in our own namespace' '
	"$lab" up 3 >out &&
	grep -q "^lab .wk3t[0-9]*. is up: 3 nodes on 10.77.3.0/24" out &&
	"$lab" status >status &&
	test "$(grep -c "^node[123] *10.77.3.[123] *link up *loss 0%" status)" -eq 3 &&
	test "$("$lab" addr node2)" = 10.77.3.2 &&
	on node2 ip -brief addr show eth0 | grep -q "10.77.3.2/24" &&
	test "$(on node2 cat /proc/sys/net/ipv4/tcp_retries2)" = 3 &&
	own_namespace >own.after &&
	cmp "$TRASH/own.before" own.after &&
	test_expect_code 1 "$lab" up 2 2>err &&
	grep -q "is up already" err &&
	test_expect_code 1 "$lab" run node9 true 2>err &&
	grep -q "no node9 in lab" err
'

test_expect_success 'TCP: tcp_server on node1, tcp_client on node2 and node3 at once, by address' '
	RUN_ON="$lab run node1" start_listener srv tcp_server -q || exit 1
	on node2 "$BINDIR/tcp_client" 10.77.3.1 $(seq 1 300) >c2 2>c2.err &
	c2=$! && test_started $c2
	"$lab" status >status &&
	grep -q "^node1 .* runs tcp_server\[$pid\] $" status &&
	grep -q "^node3 .* runs nothing$" status &&
	on node3 "$BINDIR/tcp_client" 10.77.3.1 -- $(seq -300 -1) >c3 2>c3.err &
	c3=$! && test_started $c3
	wait_bounded $c2 20 && wait_bounded $c3 20 &&
	grep -q "^300 replies, 0 failed$" c2 && grep -q "^300 replies, 0 failed$" c3 &&
	grep -q "^square(300) = 90000$" c2 && grep -q "^square(-300) = 90000$" c3 &&
	stop_server &&
	grep -q "^connections  2$" srv
'

test_expect_success 'TCP: tcp_client --bench across nodes: no errors' '
	RUN_ON="$lab run node1" start_listener srv tcp_server -q || exit 1
	on node2 "$BINDIR/tcp_client" 10.77.3.1 --bench -c 8 -P 4 -n 20000 --json >b &&
	grep -q "\"requests\":20000,\"wrong_replies\":0,\"ok\":true," b &&
	stop_server
'

test_expect_success 'TCP: a server bound to 127.0.0.1 is not reachable from another node' '
	RUN_ON="$lab run node1" start_listener srv tcp_server -b 127.0.0.1 -q || exit 1
	test_expect_code 1 on node2 "$BINDIR/tcp_client" 10.77.3.1 5 2>err &&
	grep -q "^tcp_client: cannot connect to 10.77.3.1:65432: Connection refused (is tcp_server running there?)$" err &&
	on node1 "$BINDIR/tcp_client" 127.0.0.1 5 >ok &&
	grep -q "^square(5) = 25$" ok &&
	stop_server
'

test_expect_success 'UDP: node1 hears unicast, broadcast, --iface broadcast and multicast' '
	RUN_ON="$lab run node1" start_listener rx udp_receiver --group 239.1.2.3 --json -q || exit 1
	on node2 "$BINDIR/udp_sender" 10.77.3.1 -n uni -c 3 -i 20 >s1 &&
	on node3 "$BINDIR/udp_sender" --broadcast -n bcast -c 3 -i 20 >s2 &&
	on node3 "$BINDIR/udp_sender" --broadcast --iface eth0 -n ifbcast -c 3 -i 20 >s3 &&
	on node2 "$BINDIR/udp_sender" 239.1.2.3 -n mcast -c 3 -i 20 >s4 &&
	grep -q "^heartbeats to 255.255.255.255:5005 (broadcast) from node bcast" s2 &&
	grep -q "^heartbeats to 10.77.3.255:5005 (broadcast) from node ifbcast" s3 &&
	grep -q "^heartbeats to 239.1.2.3:5005 (multicast) from node mcast" s4 &&
	wait_until 5 at_least 4 "\"event\":\"alive\"" rx &&
	stop_receiver &&
	grep -q "^{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"uni\",\"addr\":\"10.77.3.2:" rx &&
	grep -q "^{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"bcast\",\"addr\":\"10.77.3.3:" rx &&
	grep -q "^{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"ifbcast\",\"addr\":\"10.77.3.3:" rx &&
	grep -q "^{\"event\":\"alive\",\"program\":\"udp_receiver\",\"node\":\"mcast\",\"addr\":\"10.77.3.2:" rx
'

# For MPI jobs (env "$mpi_env" ...): under AddressSanitizer, no leak
# report, which Open MPI's end-of-job allocations would fill.
mpi_env="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# runs_on NODE: what runs on NODE, as netlab status names it: "NAME[PID] ...".
runs_on() {
	"$lab" status | sed -n "s/^$1 .* runs //p"
}
# rank_on NODE: the pid of the mpi_squares rank running on NODE.
rank_on() {
	runs_on "$1" | tr ' ' '\n' | sed -n 's/^mpi_squares\[\([0-9]*\)\]$/\1/p' | grep .
}
# rank_running NODE: the same, once it is mid-run: it has a TCP
# connection over the lab to another rank (made at its first message,
# after MPI_Init; the one on 127.0.0.1 to its daemon comes before).
# A rank killed before that is not named by mpirun.
rank_running() {
	p=$(rank_on "$1") &&
	"$lab" run "$1" ss -Htnp state established | grep -q "^[0-9 ]*10\.77\.3\.[0-9]*:.*pid=$p," &&
	echo $p
}
# runs_on_has NODE NAME: a program called NAME runs on NODE.
runs_on_has() {
	runs_on "$1" | grep -q "\(^\| \)$2\["
}
# no_ranks_left: no rank, and no Open MPI daemon, on any node.
no_ranks_left() {
	! "$lab" status | grep -q "mpi_squares\[\|orted\[\|mpirun\["
}

# ipv6_ready NODE: its link-local address is there and no longer tentative.
ipv6_ready() {
	on "$1" ip -6 addr show dev eth0 scope link | grep -q "inet6 fe80" &&
	! on "$1" ip -6 addr show dev eth0 | grep -q tentative
}

test_lazy_prereq LAB_IPV6 'no IPv6 in the lab (disabled on this machine)' '
	on node1 ip -6 addr show dev eth0 | grep -q inet6
'
test_expect_success LAB_IPV6 'UDP: IPv6 multicast: --group ff05::5, sent out of --iface eth0' '
	wait_until 5 ipv6_ready node1 && wait_until 5 ipv6_ready node2 &&
	RUN_ON="$lab run node1" start_listener rx udp_receiver --group ff05::5 --json -q || exit 1
	on node2 "$BINDIR/udp_sender" ff05::5 --iface eth0 -n six -c 2 -i 20 >s &&
	grep -q "^heartbeats to \[ff05::5\]:5005 (multicast) from node six" s &&
	wait_until 5 grep -q "\"node\":\"six\",\"addr\":\"\[fe80::" rx &&
	stop_receiver
'

test_expect_success 'UDP: the default socket (every interface, IPv4 and IPv6) hears broadcast' '
	RUN_ON="$lab run node1" start_listener rx udp_receiver --json -q || exit 1
	on node3 "$BINDIR/udp_sender" --broadcast -n bcast -c 2 -i 20 -q >s &&
	wait_until 5 grep -q "\"node\":\"bcast\"" rx &&
	stop_receiver
'

test_expect_success 'UDP: cut node3: SUSPECT then DEAD on time, node2 stays ALIVE; heal: ALIVE again' '
	RUN_ON="$lab run node1" start_listener rx udp_receiver --json -q || exit 1
	on node2 "$BINDIR/udp_sender" 10.77.3.1 -n n2 -i 100 -q >s2 &
	test_started $!
	on node3 "$BINDIR/udp_sender" 10.77.3.1 -n n3 -i 100 -q >s3 &
	test_started $!
	wait_until 5 at_least 2 "\"event\":\"alive\"" rx &&
	sleep 0.5 &&
	"$lab" cut node3 >/dev/null &&
	wait_until 5 grep -q "\"event\":\"dead\",\"program\":\"udp_receiver\",\"node\":\"n3\"" rx &&
	"$lab" heal node3 >/dev/null &&
	wait_until 5 grep -q "\"node\":\"n3\",.*\"down_ms\"" rx &&
	stop_receiver &&
	s=$(grep "\"event\":\"suspect\",\"program\":\"udp_receiver\",\"node\":\"n3\"" rx | json_field /dev/stdin silent_ms) &&
	d=$(grep "\"event\":\"dead\",\"program\":\"udp_receiver\",\"node\":\"n3\"" rx | json_field /dev/stdin silent_ms) &&
	echo "cut node3: SUSPECT after $s ms, DEAD after $d ms (deadlines 200, 500)" >>"$TRASH/figures" &&
	test $s -ge 200 && test $s -le $((200 + slack)) &&
	test $d -ge 500 && test $d -le $((500 + slack)) &&
	! grep -q "\"event\":\"\(suspect\|dead\)\",\"program\":\"udp_receiver\",\"node\":\"n2\"" rx
'

# Both detectors, side by side, over the same lossy link for a fixed
# run: every DEAD is false (the senders never stop).
test_expect_success NFT,EXPENSIVE 'UDP: loss node1 10: false DEADs of the deadline and the phi detector' '
	"$lab" loss node1 10 >/dev/null &&
	RUN_ON="$lab run node1" start_listener rxd udp_receiver -p 5005 --json -q || exit 1
	dpid=$pid
	RUN_ON="$lab run node1" start_listener rxp udp_receiver -p 5006 --detector phi --json -q || exit 1
	on node2 "$BINDIR/udp_sender" 10.77.3.1 -p 5005 --nodes 20 -n dl -i 50 -c 100 -q >sd &
	a=$! && test_started $a
	on node2 "$BINDIR/udp_sender" 10.77.3.1 -p 5006 --nodes 20 -n phi -i 50 -c 100 -q >sp &
	b=$! && test_started $b
	wait_bounded $a 30 && wait_bounded $b 30 &&
	stop_receiver && out=rxd pid=$dpid && stop_receiver &&
	"$lab" loss node1 0 >/dev/null &&
	for f in rxd rxp; do
		rec=$(grep -o "\"received\":[0-9]*" $f | awk -F: "{ s += \$2 } END { print s }")
		lost=$(grep -o "\"lost\":[0-9]*" $f | awk -F: "{ s += \$2 } END { print s }")
		# The receivers stop as soon as the senders end: every DEAD
		# came while its node was still beating.
		dead=$(grep -c "\"event\":\"dead\"" $f)
		echo "loss node1 10, $f: received $rec, lost $lost ($((lost * 100 / (rec + lost)))%), false DEADs $dead" >>"$TRASH/figures"
		test $((lost * 100 / (rec + lost))) -ge 4 && test $((lost * 100 / (rec + lost))) -le 20 || exit 1
	done
'

test_expect_success MPI,MPI_NOT_TSAN 'MPI: netlab mpirun: a rank on each node, in its own namespace; the exact sum' '
	test_within 60 env "$mpi_env" "$lab" mpirun "$BINDIR/mpi_squares" -n 100000 -b 100 --json </dev/null >out 2>err &&
	test "$(json_field out ok)" = true &&
	test "$(json_field out sum)" = "$(sum_squares 100000)" &&
	for n in 1 2 3; do
		grep -q "{\"rank\":$((n - 1)),\"host\":\"node$n\",\"addr\":\"10.77.3.$n\"" out ||
			{ cat out err; exit 1; }
	done &&
	test_within 60 env "$mpi_env" "$lab" mpirun "$BINDIR/mpi_squares" --reduce -n 100000 --json </dev/null >red &&
	test "$(json_field red sum)" = "$(json_field out sum)"
'

test_expect_success EXPENSIVE,MPI,MPI_NOT_TSAN 'MPI: kill -9 of the rank on node2 ends the job on every node, named' '
	env "$mpi_env" "$lab" mpirun "$BINDIR/mpi_squares" -n 4000000000 -b 64 -q </dev/null >out 2>err &
	pid=$! && test_started $pid &&
	wait_until 20 rank_running node2 >victim &&
	kill -KILL $(cat victim) &&
	{ wait_bounded $pid 15 2>wb; rc=$?; } ;
	# What mpirun said, shown if a check below fails.
	echo "mpirun exit $rc; killed $(cat victim)"; cat wb err out &&
	! grep -q "still running" wb && test $rc -ne 0 &&
	# mpirun names the rank it noticed first: the killed one, or (slower
	# under the sanitizers) rank 0, whose send to it failed (rank 0 runs
	# where mpirun does, on the node it names by host name, node1); or rank 0
	# names itself as it ends on that failed send ([node1][[JOB,1],0]).
	grep -q "process rank [01] with PID [0-9]* on node \(10.77.3.[12]\|node1\) exited\|Process name: \[\[[0-9]*,1\],[01]\]\|^\[node[12]\]\[\[[0-9]*,1\],[01]\]" err &&
	wait_until 10 no_ranks_left
'

test_expect_success EXPENSIVE,MPI,MPI_NOT_TSAN 'MPI: node3 cut mid-run: the job ends within seconds, nothing left' '
	env "$mpi_env" "$lab" mpirun "$BINDIR/mpi_squares" -n 4000000000 -b 64 -q --timeout 10 </dev/null >out 2>err &
	pid=$! && test_started $pid &&
	wait_until 20 rank_on node3 >/dev/null &&
	"$lab" cut node3 >/dev/null &&
	{ wait_bounded $pid 30 2>wb; rc=$?; } ;
	"$lab" heal node3 >/dev/null;
	echo "mpirun exit $rc"; cat wb err;
	! grep -q "still running" wb && test $rc -ne 0 &&
	grep -q "lost communication with a remote daemon\|--timeout: the job is not done in time" err &&
	wait_until 15 no_ranks_left
'

# job_dir: the directory of the MPI job running on the lab (its mpirun's
# TMPDIR), as the lab sees it.
job_dir() {
	p=$(runs_on node1 | tr ' ' '\n' | sed -n 's/^mpirun\[\([0-9]*\)\]$/\1/p') &&
	tr '\0' '\n' <"/proc/$p/environ" | sed -n 's/^TMPDIR=//p' | grep .
}
test_expect_success EXPENSIVE,MPI,MPI_NOT_TSAN 'MPI: netlab mpirun killed with -9: down ends the job, and removes its directory' '
	NETLAB_PREFIX=${NETLAB_PREFIX}m && export NETLAB_PREFIX &&
	"$lab" up 3 >/dev/null || exit 1
	env "$mpi_env" "$lab" mpirun "$BINDIR/mpi_squares" -n 4000000000 -b 64 -q </dev/null >out 2>err &
	pid=$! && test_started $pid &&
	wait_until 20 rank_on node2 >/dev/null &&
	job=$(job_dir) && echo "job directory: $job" &&
	"$lab" run node1 test -d "$job" &&
	kill -KILL $pid && { wait $pid; :; } &&
	"$lab" down >down;
	rc=$?
	"$lab" down >/dev/null 2>&1
	test $rc -eq 0 && grep -q "is down" down &&
	test -n "$job" && ! test -e "$job" &&
	test -z "$(lab_left $NETLAB_PREFIX)"
'

# as_nobody NETLAB ARGS...: as root, netlab as another user (65534),
# from a directory that user can enter (the checkout may be 0700).
as_nobody() {
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR "$@")
}
test_lazy_prereq NOBODY_USERNS 'as root only: user 65534 may have a user namespace' '
	[ "$(id -u)" -eq 0 ] && command -v setpriv && as_nobody unshare -Urnm true
'
test_expect_success 'two labs side by side: another prefix, one node, the same addresses' '
	other=${NETLAB_PREFIX}b &&
	NETLAB_PREFIX=$other "$lab" up 1 >out &&
	grep -q "^lab .$other. is up: 1 node on 10\.77\.3\.0/24 (node1 = 10\.77\.3\.1)$" out &&
	NETLAB_PREFIX=$other "$lab" run node1 ip -brief addr show eth0 >addr &&
	NETLAB_PREFIX=$other "$lab" status >status2 &&
	"$lab" status >status &&
	NETLAB_PREFIX=$other "$lab" down >down;
	rc=$?
	NETLAB_PREFIX=$other "$lab" down >/dev/null 2>&1
	test $rc -eq 0 &&
	grep -q "10.77.3.1/24" addr &&
	test "$(grep -c "link up" status2)" -eq 1 &&
	test "$(grep -c "link up" status)" -eq 3 &&
	grep -q "is down" down &&
	test "$("$lab" status | grep -c "link up")" -eq 3
'
# The command 'up' suggests, run as printed where 'up' was typed: an
# installed netlab (a copy on PATH) in a directory with no bin/, with
# the programs on PATH, then without; and in the kit's directory.
suggested() {
	sed -n "s/^run a program on a node: //p" "$1"
}
# typed_in DIR PATH COMMAND: COMMAND as a user would type it in DIR.
typed_in() {
	(cd "$1" && PATH=$2 && NETLAB_PREFIX=$h && export PATH NETLAB_PREFIX && eval "$3")
}
test_expect_success 'up suggests a command that runs where it was typed' '
	h=${NETLAB_PREFIX}h &&
	mkdir -p inst2 nobin kit/bin && cp "$lab" inst2/netlab && cp "$BINDIR/tcp_server" kit/bin/ &&
	typed_in nobin "$TRASH/inst2:$BINDIR:$PATH" "netlab up 1" >up1 &&
	typed_in nobin "$TRASH/inst2:$BINDIR:$PATH" "$(suggested up1) --version" >v1 &&
	typed_in nobin "$TRASH/inst2:$BINDIR:$PATH" "netlab down" >/dev/null &&
	typed_in kit "$TRASH/inst2:$PATH" "netlab up 1" >up2 &&
	typed_in kit "$TRASH/inst2:$PATH" "$(suggested up2) --version" >v2 &&
	typed_in kit "$TRASH/inst2:$PATH" "netlab down" >/dev/null &&
	typed_in nobin "$TRASH/inst2:$PATH" "netlab up 1" >up3;
	rc=$?
	NETLAB_PREFIX=$h "$lab" down >/dev/null 2>&1
	cat up1 v1 up2 v2 up3
	test $rc -eq 0 &&
	test "$(suggested up1)" = "netlab run node1 tcp_server" &&
	test "$(suggested up2)" = "netlab run node1 bin/tcp_server" &&
	grep -q "^tcp_server " v1 && grep -q "^tcp_server " v2 &&
	{ command -v tcp_server >/dev/null || test "$(suggested up3)" = "netlab run node1 COMMAND"; }
'

test_expect_success 'two labs whose names begin alike: lab X does not take lab X-node1 for its own' '
	x=${NETLAB_PREFIX}x &&
	NETLAB_PREFIX=$x-node1 "$lab" up 2 >/dev/null &&
	NETLAB_PREFIX=$x "$lab" status >status.down &&
	{ NETLAB_PREFIX=$x "$lab" addr 1 >addr 2>addr.err; rc_addr=$?; } &&
	{ NETLAB_PREFIX=$x "$lab" run 1 true 2>run.err; rc_run=$?; } &&
	NETLAB_PREFIX=$x "$lab" up 1 >/dev/null &&
	NETLAB_PREFIX=$x "$lab" status >status.x &&
	NETLAB_PREFIX=$x "$lab" down >down.x &&
	NETLAB_PREFIX=$x-node1 "$lab" status >status.x1;
	rc=$?
	NETLAB_PREFIX=$x "$lab" down >/dev/null 2>&1
	NETLAB_PREFIX=$x-node1 "$lab" down >/dev/null 2>&1
	cat status.down addr addr.err run.err status.x status.x1
	test $rc -eq 0 &&
	test "$(cat status.down)" = "lab $(printf "\047%s\047" "$x") is down" &&
	test $rc_addr -eq 1 && test ! -s addr && grep -q "^netlab: no node1 in lab .$x. " addr.err &&
	test $rc_run -eq 1 && test "$(grep -c . run.err)" -eq 1 && grep -q "^netlab: no node1 in lab .$x. " run.err &&
	test "$(grep -c "link up" status.x)" -eq 1 &&
	grep -q "is down" down.x &&
	test "$(grep -c "link up" status.x1)" -eq 2 &&
	test -z "$(lab_left $x)" && test -z "$(lab_left $x-node1)"
'

# two_ups: two "up" of one lab at once.  One makes it; the other finds
# it up (having waited for the first, if they met), and says nothing else.
two_ups() {
	"$lab" up 2 >out1 2>err1 &
	a=$!
	"$lab" up 2 >out2 2>err2 &
	b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	echo "up, up at once: exit $ra and $rb"; cat err1 err2
	if [ $ra -eq 0 ]; then won=1 lost=2 rc=$rb; else won=2 lost=1 rc=$ra; fi
	test $rc -eq 1 && grep -q "is up: 2 nodes" out$won && test ! -s out$lost && test ! -s err$won &&
	grep -q "^netlab: lab .$NETLAB_PREFIX. is up already" err$lost &&
	test -z "$(grep -v "is up already\|is making or removing lab .$NETLAB_PREFIX.: waiting for it$" err$lost)" &&
	test "$("$lab" status | grep -c "link up")" -eq 2
}
# 5 rounds in make test-full (EXPENSIVE), 1 in make test.
rounds=1; [ -z "$EXPENSIVE" ] || rounds="1 2 3 4 5"
test_expect_success "two up at once, $(echo $rounds | wc -w) round(s): one lab, the other says it is up; down leaves nothing" '
	NETLAB_PREFIX=${NETLAB_PREFIX}r && export NETLAB_PREFIX &&
	for round in '"$rounds"'; do
		two_ups; rc=$?
		"$lab" down >down || rc=1
		left=$(lab_left $NETLAB_PREFIX)
		test -z "$left" || { echo "left after down: $left"; rc=1; }
		test $rc -eq 0 || exit 1
	done
'
test_expect_success NOBODY_USERNS,EXPENSIVE 'another user, a lab of the same prefix beside this one' '
	# its state goes in /tmp/netlab-65534: removed after, unless it was there
	state=${TMPDIR:-/tmp}/netlab-65534 had=
	test -d $state && had=y
	pub=$(mktemp -d "${TMPDIR:-/tmp}/netlab-test.XXXXXX") && chmod 755 "$pub" &&
	cp "$lab" "$pub/netlab" && chmod 755 "$pub/netlab" &&
	as_nobody "$pub/netlab" up 2 >out &&
	as_nobody "$pub/netlab" run node2 ip -brief addr show eth0 >addr &&
	as_nobody "$pub/netlab" check >check &&
	"$lab" status >status &&
	as_nobody "$pub/netlab" down >down;
	rc=$?
	as_nobody "$pub/netlab" down >/dev/null 2>&1
	rm -rf "$pub"
	test -n "$had" || rm -rf $state
	test $rc -eq 0 &&
	grep -q "^lab .$NETLAB_PREFIX. is up: 2 nodes" out &&
	grep -q "10.77.3.2/24" addr &&
	grep -q "^lab .$NETLAB_PREFIX. is up, held by process [0-9]* " check &&
	test "$(grep -c "link up" status)" -eq 3 &&
	grep -q "is down" down
'

# Ctrl-C: SIGINT to the process group of an 'up' of many nodes, once
# three are made.  The background job of a script ignores SIGINT: perl
# gives it back its default before netlab runs.
test_lazy_prereq PERL_SETSID 'needs perl and setsid, to play Ctrl-C' '
	command -v perl && command -v setsid
'
test_expect_success PERL_SETSID 'Ctrl-C during up 100: the half-made lab is taken down, and said; exit 130' '
	p=${NETLAB_PREFIX}i &&
	{ NETLAB_PREFIX=$p setsid perl -e "\$SIG{INT} = \"DEFAULT\"; exec @ARGV or die" \
		"$lab" up 100 >out 2>err & } &&
	pid=$! &&
	test_started $pid &&
	wait_until 30 eval "NETLAB_PREFIX=$p \"\$lab\" status 2>/dev/null | grep -q \"^node3 \"" &&
	kill -INT -$pid;
	wait_bounded $pid 30;
	rc=$?
	cat out err
	NETLAB_PREFIX=$p "$lab" status >status 2>&1
	left=$(lab_left $p)
	NETLAB_PREFIX=$p "$lab" up 1 >again 2>&1
	again=$?
	NETLAB_PREFIX=$p "$lab" down >/dev/null 2>&1
	cat status again
	test $rc -eq 130 && test ! -s out &&
	test "$(cat err)" = "netlab: up interrupted: lab '"'"'$p'"'"' taken down" &&
	grep -qx "lab .$p. is down" status && test -z "$left" &&
	test $again -eq 0 && grep -q "^lab .$p. is up: 1 node on" again &&
	test -z "$(lab_left $p)"
'

# Without root, the state in a directory under /run, as XDG_RUNTIME_DIR
# is where systemd-logind makes it (/run/user/UID): the holder's own
# /run must not hide it.  As root, for user 65534 in a directory of its
# own there (t5002's run as that user keeps its state in one as well).
test_expect_success NOBODY_USERNS,EXPENSIVE 'without root, XDG_RUNTIME_DIR under /run: up, run, status, down' '
	xdg=$(mktemp -d /run/wk3t-xdg.XXXXXX) && chown 65534 "$xdg" && chmod 700 "$xdg" &&
	pub=$(mktemp -d "${TMPDIR:-/tmp}/netlab-test.XXXXXX") && chmod 755 "$pub" &&
	cp "$lab" "$pub/netlab" && chmod 755 "$pub/netlab" &&
	p=${NETLAB_PREFIX}x &&
	nb() { as_nobody env XDG_RUNTIME_DIR="$xdg" NETLAB_PREFIX=$p "$pub/netlab" "$@"; } &&
	nb up 2 >out 2>err &&
	nb run node2 cat /proc/sys/net/ipv4/tcp_retries2 >retries &&
	nb status >status &&
	test -f "$xdg/netlab/$p" &&
	nb down >down 2>down.err;
	rc=$?
	cat out err status down down.err
	nb down >/dev/null 2>&1
	left=$(ls -A "$xdg/netlab" | grep -v "^$p\.lock$")
	rm -rf "$xdg" "$pub"
	test $rc -eq 0 && test ! -s err && grep -q "^lab .$p. is up: 2 nodes" out &&
	test "$(cat retries)" = 3 && test "$(grep -c "link up" status)" -eq 2 &&
	grep -qx "lab .$p. is down" down && test ! -s down.err && test -z "$left" &&
	test -z "$(grep -l " - tmpfs netlab-$p " /proc/[0-9]*/mountinfo 2>/dev/null)"
'

test_expect_success 'down removes everything it made; a second down is fine' '
	# Without root, the process that holds the lab namespace goes too.
	"$lab" check >check &&
	holder=$(sed -n "s/.*held by process \([0-9]*\) .*/\1/p" check) &&
	{ [ "$(id -u)" -eq 0 ] || { test -n "$holder" && test -f "$statedir/$NETLAB_PREFIX"; }; } &&
	"$lab" down >out &&
	{ test -z "$holder" || ! kill -0 "$holder" 2>/dev/null; } &&
	grep -q "^lab .wk3t[0-9]*. is down$" out &&
	left=$(lab_left $NETLAB_PREFIX) && echo "left: $left" && test -z "$left" &&
	"$lab" down >out &&
	grep -q "was not up" out &&
	own_namespace >own.after &&
	cmp "$TRASH/own.before" own.after
'

test_lazy_prereq NOT_ROOT 'the lab without root: t5002 runs this script as an ordinary user' '
	[ "$(id -u)" -ne 0 ]
'
test_expect_success NOT_ROOT 'without root, after a crash: down ends what still ran on the lab, and its namespace' '
	"$lab" up 2 >/dev/null || exit 1
	holder=$("$lab" check | sed -n "s/.*held by process \([0-9]*\) .*/\1/p")
	on node2 sleep 300 &
	sleeper=$!
	test_started $sleeper && test -n "$holder" &&
	wait_until 5 runs_on_has node2 sleep &&
	kill -KILL "$holder" &&
	"$lab" down >out &&
	grep -q "^lab .wk3t[0-9]*. is down$" out &&
	{ wait_bounded $sleeper 5 2>/dev/null || :; } &&
	! kill -0 $sleeper 2>/dev/null && ! pid_alive "$holder" &&
	"$lab" up 1 >/dev/null && "$lab" down >/dev/null
'

# crash PREFIX: lab PREFIX, of one node, whose holder is killed with -9:
# its user namespace is gone, and the kernel may give its number to the
# next one it makes.  Says the number.
crash() {
	NETLAB_PREFIX=$1 "$lab" up 1 >/dev/null &&
	h=$(NETLAB_PREFIX=$1 "$lab" check | sed -n "s/.*held by process \([0-9]*\) .*/\1/p") &&
	ns=$(readlink "/proc/$h/ns/user" | tr -dc 0-9) &&
	test -n "$ns" && kill -KILL "$h" && wait_until 5 gone "$h" && echo "$ns"
}
gone() {
	! pid_alive "$1"
}
in_another_userns() {
	test "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/self/ns/user)"
}
# as_if_reused PREFIX NS: lab PREFIX crashed, and the kernel gave the
# number of its namespace to NS (whatever the state file's format).
as_if_reused() {
	old=$(crash "$1") && sed -i "s/\<$old\>/$2/" "$statedir/$1" && grep -q "\<$2\>" "$statedir/$1"
}
test_expect_success NOT_ROOT 'without root: a state that names our own user namespace ends nothing, and goes' '
	sleep 300 &
	victim=$! && test_started $victim &&
	own=$(readlink /proc/self/ns/user | tr -dc 0-9) &&
	p=${NETLAB_PREFIX}o &&
	as_if_reused $p $own &&
	NETLAB_PREFIX=$p "$lab" up 1 >up 2>up.err &&
	pid_alive $victim && grep -q "^lab .$p. is up: 1 node on" up &&
	grep -q "^netlab: .*/$p names your own user namespace, no lab.s: nothing ended" up.err &&
	NETLAB_PREFIX=$p "$lab" down >/dev/null &&
	as_if_reused $p $own &&
	NETLAB_PREFIX=$p "$lab" down >down 2>down.err;
	rc=$?
	cat up up.err down down.err
	NETLAB_PREFIX=$p "$lab" down >/dev/null 2>&1
	test $rc -eq 0 && pid_alive $victim &&
	grep -q "^lab .$p. was not up (nothing of it was left but its state file: removed)$" down &&
	grep -q "^netlab: .*/$p names your own user namespace, no lab.s: nothing ended; the file removed$" down.err &&
	test -z "$(lab_left $p)"
'
test_expect_success NOT_ROOT 'without root: a state that names another program'"'"'s user namespace (unshare -U) leaves it alone' '
	unshare -U sleep 300 &
	other=$! && test_started $other &&
	wait_until 5 in_another_userns $other &&
	ns=$(readlink /proc/$other/ns/user | tr -dc 0-9) &&
	p=${NETLAB_PREFIX}o &&
	as_if_reused $p $ns &&
	NETLAB_PREFIX=$p "$lab" down >down 2>down.err &&
	pid_alive $other &&
	grep -q "^lab .$p. was not up (nothing of it was left but its state file: removed)$" down &&
	grep -q "^netlab: left alone: sleep\[$other\], in a user namespace with the number the lab.s had (or one made in it), but no process there sees the lab.s mark" down.err &&
	as_if_reused $p $ns &&
	NETLAB_PREFIX=$p "$lab" up 1 >up 2>up.err &&
	pid_alive $other && grep -q "^netlab: left alone: sleep\[$other\]" up.err &&
	NETLAB_PREFIX=$p "$lab" down >/dev/null;
	rc=$?
	cat down down.err up up.err
	NETLAB_PREFIX=$p "$lab" down >/dev/null 2>&1
	test $rc -eq 0 && pid_alive $other && test -z "$(lab_left $p)"
'

# A lab without root, from root too: as root, user 65534 runs a copy of
# netlab from a directory it can reach, its state in a directory of its
# own (removed by unset_user_lab); otherwise this user, as it is.  ulab
# runs netlab so; wdir is a directory the lab's processes may write in.
test_lazy_prereq USER_LAB 'as root: needs setpriv and a user namespace for user 65534' '
	[ "$(id -u)" -ne 0 ] || { command -v setpriv && as_nobody unshare -Urnm true; }
'
set_user_lab() {
	if [ "$(id -u)" -eq 0 ]; then
		pub=$(mktemp -d "${TMPDIR:-/tmp}/netlab-test.XXXXXX") && chmod 755 "$pub" &&
		cp "$lab" "$pub/netlab" && chmod 755 "$pub/netlab" &&
		mkdir "$pub/xdg" "$pub/w" && chown 65534 "$pub/xdg" "$pub/w" && chmod 700 "$pub/xdg" &&
		ustate=$pub/xdg/netlab wdir=$pub/w
		ulab() { as_nobody env XDG_RUNTIME_DIR="$pub/xdg" "$pub/netlab" "$@"; }
		asu() { as_nobody "$@"; }
	else
		pub= ustate=$statedir wdir=$TRASH
		ulab() { "$lab" "$@"; }
		asu() { "$@"; }
	fi
}
unset_user_lab() {
	ulab down >/dev/null 2>&1
	[ -z "$pub" ] || rm -rf "$pub"
}
# pid_in FILE: the PID a process of the test wrote in FILE, once it is there.
pid_in() {
	wait_until 5 test -s "$1" && cat "$1"
}
test_expect_success USER_LAB 'without root, a sandbox on a node (a user namespace made in the lab'"'"'s): status lists it, down ends it' '
	set_user_lab || exit 1
	NETLAB_PREFIX=${NETLAB_PREFIX}n && export NETLAB_PREFIX &&
	ulab up 1 >/dev/null &&
	{ ulab run 1 unshare -Urn sh -c "echo \$\$ >$wdir/n1; exec sleep 300" & } &&
	test_started $! && n1=$(pid_in $wdir/n1) &&
	{ ulab run 1 unshare -Urn unshare -Urnm sh -c "mount -t tmpfs t /run; echo \$\$ >$wdir/n2; exec sleep 300" & } &&
	test_started $! && n2=$(pid_in $wdir/n2) &&
	ulab status >status &&
	ulab down >down 2>down.err &&
	wait_until 5 gone $n1 && wait_until 5 gone $n2;
	rc=$?
	cat status down down.err
	kill $n1 $n2 2>/dev/null
	unset_user_lab
	test $rc -eq 0 &&
	grep -q "^elsewhere (in namespaces of their own) *runs .*\(sh\|sleep\)\[$n1\]" status &&
	grep -q "^elsewhere .* runs .*\(sh\|sleep\)\[$n2\]" status &&
	grep -qx "lab .$NETLAB_PREFIX. is down" down && test ! -s down.err
'
test_expect_success USER_LAB 'without root, after a crash: what runs in user namespaces made in the lab'"'"'s is ended, one that hides the mark too' '
	set_user_lab || exit 1
	NETLAB_PREFIX=${NETLAB_PREFIX}c && export NETLAB_PREFIX &&
	ulab up 1 >/dev/null &&
	holder=$(sed "s/ .*//" "$ustate/$NETLAB_PREFIX") &&
	{ ulab run 1 unshare -Urn sh -c "echo \$\$ >$wdir/n1; exec sleep 300" & } &&
	test_started $! && n1=$(pid_in $wdir/n1) &&
	{ ulab run 1 unshare -Urnm sh -c "mount -t tmpfs t /run; echo \$\$ >$wdir/n2; exec sleep 300" & } &&
	test_started $! && n2=$(pid_in $wdir/n2) &&
	kill -KILL $holder && wait_until 5 gone $holder &&
	ulab down >down 2>down.err &&
	wait_until 5 gone $n1 && wait_until 5 gone $n2;
	rc=$?
	cat down down.err
	kill $n1 $n2 2>/dev/null
	unset_user_lab
	test $rc -eq 0 && grep -qx "lab .$NETLAB_PREFIX. is down" down && test ! -s down.err
'
test_expect_success USER_LAB 'without root, after a crash: a sandbox that hides the mark, alone, is named and left alone' '
	set_user_lab || exit 1
	NETLAB_PREFIX=${NETLAB_PREFIX}h && export NETLAB_PREFIX &&
	ulab up 1 >/dev/null &&
	holder=$(sed "s/ .*//" "$ustate/$NETLAB_PREFIX") &&
	{ ulab run 1 unshare -Urnm sh -c "mount -t tmpfs t /run; echo \$\$ >$wdir/n2; exec sleep 300" & } &&
	test_started $! && n2=$(pid_in $wdir/n2) &&
	kill -KILL $holder && wait_until 5 gone $holder &&
	ulab down >down 2>down.err &&
	pid_alive $n2;
	rc=$?
	cat down down.err
	kill $n2 2>/dev/null
	unset_user_lab
	test $rc -eq 0 &&
	grep -qx "lab .$NETLAB_PREFIX. was not up (nothing of it was left but its state file: removed)" down &&
	grep -q "^netlab: left alone: sleep\[$n2\], in a user namespace with the number the lab.s had (or one made in it), but no process there sees the lab.s mark: not proven the lab.s$" down.err
'
test_expect_success USER_LAB 'without root, a state that names another program'"'"'s namespace: left alone, and the lab was not up' '
	set_user_lab || exit 1
	NETLAB_PREFIX=${NETLAB_PREFIX}b && export NETLAB_PREFIX &&
	{ asu unshare -U sh -c "echo \$\$ >$wdir/o; exec sleep 300" & } &&
	test_started $! && other=$(pid_in $wdir/o) &&
	wait_until 5 in_another_userns $other &&
	ns=$(readlink /proc/$other/ns/user | tr -dc 0-9) &&
	ulab status >/dev/null &&
	asu sh -c "echo \"1 1 $ns 00000000-0000-4000-8000-000000000000\" >$ustate/$NETLAB_PREFIX" &&
	ulab down >down 2>down.err &&
	pid_alive $other;
	rc=$?
	cat down down.err
	kill $other 2>/dev/null
	unset_user_lab
	test $rc -eq 0 &&
	test "$(cat down)" = "lab $(printf "\047%s\047" "$NETLAB_PREFIX") was not up (nothing of it was left but its state file: removed)" &&
	grep -q "^netlab: left alone: sleep\[$other\]," down.err
'
test_expect_success ROOT 'as root, a namespace with a lab'"'"'s name that its up did not make: named, left alone' '
	p=${NETLAB_PREFIX}q &&
	ip netns add $p-node7 || exit 1
	ip netns exec $p-node7 sleep 300 &
	other=$! && test_started $other &&
	wait_until 5 eval "ip netns pids $p-node7 | grep -qx $other" &&
	NETLAB_PREFIX=$p "$lab" status >status 2>status.err &&
	NETLAB_PREFIX=$p "$lab" up 2 >up 2>up.err &&
	NETLAB_PREFIX=$p "$lab" status >status2 2>status2.err &&
	{ NETLAB_PREFIX=$p "$lab" run 7 true 2>run.err; rc_run=$?; } &&
	NETLAB_PREFIX=$p "$lab" down >down 2>down.err &&
	{ NETLAB_PREFIX=$p "$lab" up 7 >up7 2>up7.err; rc_up7=$?; } &&
	pid_alive $other && ip netns pids $p-node7 | grep -qx $other;
	rc=$?
	cat status status.err up up.err status2 status2.err run.err down down.err up7 up7.err
	kill $other; ip netns del $p-node7
	NETLAB_PREFIX=$p "$lab" down >/dev/null 2>&1
	left="netlab: left alone: $p-node7: a name of lab .$p., but not a namespace its .up. made" &&
	test $rc -eq 0 &&
	grep -qx "lab .$p. is down" status && grep -qx "$left" status.err &&
	grep -q "^lab .$p. is up: 2 nodes" up && grep -qx "$left" up.err &&
	test "$(grep -c "link up" status2)" -eq 2 && ! grep -q "^node7" status2 && grep -qx "$left" status2.err &&
	test $rc_run -eq 1 && grep -q "^netlab: no node7 in lab .$p." run.err &&
	grep -qx "lab .$p. is down" down && grep -qx "$left" down.err &&
	test $rc_up7 -eq 1 && test ! -s up7 &&
	grep -qx "netlab: lab .$p. not made: $p-node7: a name it needs, but not a namespace its .up. made (left alone; if it is no one.s: ip netns del $p-node7)" up7.err &&
	test -z "$(lab_left $p)"
'

# As root, cut and heal act on the lab's hub only: after the hub went
# (ip netns del) another made one of its name, with an n1 on a br0.
test_expect_success ROOT 'as root, a hub of the lab'"'"'s name that its up did not make: cut and heal leave it alone' '
	p=${NETLAB_PREFIX}u &&
	NETLAB_PREFIX=$p "$lab" up 1 >/dev/null &&
	ip netns del $p-hub && ip netns add $p-hub &&
	ip -n $p-hub link add br0 type bridge && ip -n $p-hub link add n1 type veth peer name x1 &&
	ip -n $p-hub link set n1 master br0 &&
	{ NETLAB_PREFIX=$p "$lab" cut 1 >cut 2>cut.err; rc_cut=$?; } &&
	{ NETLAB_PREFIX=$p "$lab" heal 1 >heal 2>heal.err; rc_heal=$?; } &&
	NETLAB_PREFIX=$p "$lab" status >status 2>status.err &&
	ip -n $p-hub -d link show n1 >n1;
	rc=$?
	cat cut cut.err heal heal.err status status.err n1
	NETLAB_PREFIX=$p "$lab" down >/dev/null 2>&1; ip netns del $p-hub
	no="netlab: lab .$p. has no hub, or not the one its .up. made (try: .*)" &&
	test $rc -eq 0 &&
	test $rc_cut -eq 1 && test ! -s cut && grep -qx "$no" cut.err &&
	test $rc_heal -eq 1 && test ! -s heal && grep -qx "$no" heal.err &&
	grep -q "master br0" n1 &&
	grep -q "^node1 .* link ? " status &&
	test -z "$(lab_left $p)"
'

# As root, a namespace that 'ip netns del' cannot remove (its file in
# /run/netns has a second mount on it: ip unmounts one, and the unlink
# fails) stays the lab's: named, still listed, in the way of 'up';
# once it is free, a second 'down' removes it, and the list.
test_expect_success ROOT 'as root, down that cannot remove a namespace: says so, keeps it listed; exit 1' '
	p=${NETLAB_PREFIX}k &&
	NETLAB_PREFIX=$p "$lab" up 1 >/dev/null &&
	mount --bind /run/netns/$p-node1 /run/netns/$p-node1 &&
	{ NETLAB_PREFIX=$p "$lab" down >down 2>down.err; rc_down=$?; } &&
	{ NETLAB_PREFIX=$p "$lab" up 1 >up 2>up.err; rc_up=$?; } &&
	NETLAB_PREFIX=$p "$lab" status >status 2>status.err &&
	cp /run/netlab/$p.netns list &&
	NETLAB_PREFIX=$p "$lab" down >down2 2>down2.err;
	rc=$?
	cat down down.err up up.err status status.err list down2 down2.err
	umount /run/netns/$p-node1 2>/dev/null; NETLAB_PREFIX=$p "$lab" down >/dev/null 2>&1
	ip netns del $p-node1 2>/dev/null     # what a down that lost its list left
	test $rc -eq 0 &&
	test $rc_down -eq 1 && test ! -s down &&
	grep -q "^netlab: $p-node1: not removed (ip netns del: .*): still the lab.s, and listed; .*down. again once it is free$" down.err &&
	test "$(cut -d" " -f1 list)" = "$p-node1" &&
	test $rc_up -eq 1 && grep -q "^netlab: lab .$p. is up already" up.err &&
	grep -q "^node1 " status && test ! -s status.err &&
	grep -qx "lab .$p. is down" down2 && test ! -s down2.err &&
	test -z "$(lab_left $p)"
'

# Another user may make the state directory /tmp/netlab-UID first (as
# root: a directory of root's, for user 65534); without root, a symbolic
# link there plays it.  netlab refuses it once, and XDG_RUNTIME_DIR names
# another.
test_lazy_prereq OTHER_USER 'as root: needs setpriv (util-linux), to be another user' '
	[ "$(id -u)" -ne 0 ] || command -v setpriv
'
test_expect_success OTHER_USER 'a state directory not ours: refused once, and how to go around it (XDG_RUNTIME_DIR)' '
	pub=$(mktemp -d "${TMPDIR:-/tmp}/netlab-test.XXXXXX") && chmod 755 "$pub" &&
	cp "$lab" "$pub/netlab" && chmod 755 "$pub/netlab" && mkdir "$pub/own" "$pub/elsewhere" &&
	if [ "$(id -u)" -eq 0 ]; then
		run=as_nobody && mkdir "$pub/netlab-65534" && chown 65534 "$pub/own" && blocked=$pub/netlab-65534
	else
		run=env && blocked=$pub/netlab-$(id -u) && ln -s "$pub/elsewhere" "$blocked"
	fi &&
	chmod 700 "$pub/own" &&
	for c in "up 1" status down check "run 1 true"; do
		test_expect_code 1 $run env -u XDG_RUNTIME_DIR TMPDIR="$pub" "$pub/netlab" $c 2>err >out || exit 1
		cat err
		test "$(grep -c . err)" -eq 1 && test ! -s out || exit 1
		grep -q "^netlab: $blocked: not a directory of ours (another user may have made it), so it cannot keep the state of our labs; keep it in one of your own: .*export XDG_RUNTIME_DIR=" err || exit 1
	done &&
	$run env TMPDIR="$pub" XDG_RUNTIME_DIR="$pub/own" "$pub/netlab" status >out 2>err;
	rc=$?
	cat out err
	ls -la "$pub/own"
	rm -rf "$pub"
	test $rc -eq 0 && test ! -s err && grep -q "is down" out
'

# The checkout may be in a directory only its owner can enter (a clone
# under /root): as root, the other user runs a copy from a directory it
# can reach.  What user namespaces lack is played by an unshare that
# fails and a directory of sysctls.
test_expect_success 'where user namespaces are not allowed: which setting, and what to change; exit 1' '
	pub=$(mktemp -d "${TMPDIR:-/tmp}/netlab-test.XXXXXX") && chmod 755 "$pub" &&
	cp "$lab" "$pub/netlab" && mkdir -p "$pub/bin" "$pub/sys/kernel" "$pub/sys/user" &&
	printf "#!/bin/sh\necho \"unshare: unshare failed: Operation not permitted\" >&2\nexit 1\n" >"$pub/bin/unshare" &&
	chmod -R a+rX "$pub" && chmod 755 "$pub/netlab" "$pub/bin/unshare" &&
	as_user() {
		run=env; [ "$(id -u)" -ne 0 ] || run=as_nobody
		$run env PATH="$pub/bin:$PATH" NETLAB_SYSCTL_DIR="$pub/sys" "$pub/netlab" "$@"
	}
	no="netlab: without root, the lab needs a user namespace, and" &&
	echo 0 >"$pub/sys/kernel/unprivileged_userns_clone" &&
	test_expect_code 1 as_user up 3 2>err1 &&
	echo 1 >"$pub/sys/kernel/unprivileged_userns_clone" && echo 0 >"$pub/sys/user/max_user_namespaces" &&
	test_expect_code 1 as_user up 3 2>err2 &&
	echo 1 >"$pub/sys/user/max_user_namespaces" &&
	echo 1 >"$pub/sys/kernel/apparmor_restrict_unprivileged_userns" &&
	test_expect_code 1 as_user check 2>err3 &&
	echo 0 >"$pub/sys/kernel/apparmor_restrict_unprivileged_userns" &&
	test_expect_code 1 as_user up 3 2>err4 &&
	as_user --help >help;
	rc=$?
	rm -rf "$pub"
	test $rc -eq 0 &&
	test "$(cat err1)" = "$no user namespaces are off for ordinary users (kernel.unprivileged_userns_clone = 0); an administrator can allow them: sysctl -w kernel.unprivileged_userns_clone=1; or run it as root" &&
	test "$(cat err2)" = "$no user namespaces are off (user.max_user_namespaces = 0); an administrator can allow them: sysctl -w user.max_user_namespaces=15000; or run it as root" &&
	grep -q "^netlab: no lab without root here: AppArmor keeps ordinary users out of user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1); an administrator can lift it: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" err3 &&
	test "$(cat err4)" = "$no cannot make a user namespace (unshare -Urnm: unshare: unshare failed: Operation not permitted); or run it as root" &&
	grep -q "^Usage: .*netlab up N" help &&
	test_expect_code 2 "$lab" frobnicate 2>err &&
	grep -q "^netlab: unknown command .frobnicate." err &&
	test_expect_code 2 env NETLAB_PREFIX=../x "$lab" up 2 2>err &&
	grep -q "^netlab: NETLAB_PREFIX .\.\./x.: 1 to 32 letters, digits" err &&
	for c in "up 1" status "addr 1" down; do
		test_expect_code 2 env NETLAB_PREFIX=-x "$lab" $c >out 2>err || exit 1
		test ! -s out && test "$(grep -c . err)" -eq 1 &&
		grep -q "^netlab: NETLAB_PREFIX .-x.: .*not starting with .-.$" err || { cat err; exit 1; }
	done
'

# What the lab measured, for the log (prove -v shows it).
[ -f figures ] && sed 's/^/# /' figures
test_done
