#!/bin/sh
# t0005-readme - every command that README.md, scripts/README.md,
# bench/README.md, docs/instructors.md and the pages' EXAMPLES show works
# when pasted, as
# printed: run here in a directory that has the tree's bin/, scripts/ and
# man/, the pages' installed names found on the PATH that README gives
# (PATH=$PWD/bin:$PWD/scripts:$PATH).
#
# - A command that ends by itself runs to its end (bounded) and must exit
#   0, or the status its doc gives.
# - A server or receiver runs in the background, must print its listening
#   line, serves the clients and senders shown beside it, and must stop on
#   Ctrl-C (SIGINT) with its summary and exit 0. A sender that runs until
#   Ctrl-C is stopped so once the receiver has seen it.
# - The docs' samples of output are compared with what the command prints
#   (numbers and the host name "laptop" stand for any; "..." for lines
#   left out, and at the end of a line for the rest of that line; a
#   line's leading blanks are not compared; a sample that does not end
#   in "..." ends as the output does).
# - What needs what is not here (mpirun, nc, man, a lab, a network
#   namespace) is a skip that says what to install; what runs for hours or
#   builds the tree is listed below as excluded, with the reason.
# - The last test fails when the docs show a command that this test
#   neither runs nor excludes, or when this test names one that the docs
#   no longer show: docs and test cannot drift apart.
#
# The loopback examples use the docs' own ports (65432, 6000, 5005), so
# they run in a network namespace of the test's own where one can be made
# (root, or user namespaces), which also plays "node A" of the LAN
# examples: an eth0 at 192.168.1.5/24, with a default route, so that
# broadcast and multicast leave nothing on the machine's own network.
# Elsewhere they run on the machine's loopback, when those ports are free.
test_description='the commands of README, scripts/README, bench/README, the instructors'"'"' guide and the pages, as printed'
. "$(dirname "$0")/test-lib.sh"
# Its groups start in the background at once and are reported later:
# --run would skip their reports and leave their programs running.
if [ -n "$run_list" ]; then
	echo "# --run: t0005 runs whole (its groups run in the background from the start)"
	run_list=
fi

tree=$(cd "$TEST_DIR/.." && pwd)
docs="README.md scripts/README.md bench/README.md docs/instructors.md $(cd "$tree" && echo man/*.1)"

# The commands a doc shows, one "DOC<TAB>COMMAND" a line: in the
# Markdown files, the code blocks' lines after "$ " (the other lines are
# output) or, in a block without "$ ", the lines that begin with a
# command; and the `code spans` of the text that begin with a command and
# an argument, or are bin/PROGRAM; in the pages, the EXAMPLES section's
# .Dl lines, the "$ " lines of its literal blocks, and its .Ql and .Ic
# that begin with a command.  Comments (" # ...") are dropped, a line
# ending in "|" goes on on the next, and blanks are squeezed.
cat >extract.pl <<'EOF'
use strict; use warnings;
my $word = qr{(?:bin|scripts|bench)/\S+|make|mpirun|seq|echo|nc|man|ps|kill|sudo|export|ip|perf|cp
	|tcp_server|tcp_client|udp_sender|udp_receiver|ipc_multiprocess|threading_example|mpi_squares|netlab|grade}x;
sub clean { my $c = shift; $c =~ s/\s+#.*$//; $c =~ s/^\s+|\s+$//g; $c =~ s/\s+/ /g; $c }
for my $f (@ARGV) {
	open(my $fh, '<', $f) or die "$f: $!";
	my @l = <$fh>;
	chomp @l;
	my (@out, $cmd);
	my $take = sub {
		my $c = shift;
		$c = defined $cmd ? "$cmd $c" : $c;
		if ($c =~ /\|\s*$/) { $cmd = $c; return; }
		undef $cmd;
		push @out, clean($c);
	};
	if ($f =~ /\.[1-9]$/) {
		my ($in, $lit) = (0, 0);
		for (@l) {
			if (/^\.Sh /) { $in = /^\.Sh EXAMPLES/; next; }
			next unless $in;
			if (/^\.Bd -literal/) { $lit = 1; next; }
			if (/^\.Ed/) { $lit = 0; next; }
			if (defined $cmd) { $take->($_); }
			elsif ($lit && /^\$ (.*)/) { $take->($1); }
			elsif (/^\.Dl (?:\$ )?(.*)/) { $take->($1); }
			elsif (/^\.(?:Ql|Ic) ((?:$word) .*?)(?: [,.;:)])*$/) { $take->($1); }
		}
	} else {
		my ($i, $para) = (0, '');
		my $spans = sub {
			while ($para =~ /`([^`]+)`/g) {
				my $s = $1;
				push @out, clean($s) if $s =~ /^(?:$word)\s/ || $s =~ m{^bin/\S+$};
			}
			$para = '';
		};
		while ($i < @l) {
			if ($l[$i] =~ /^    / && ($i == 0 || $l[$i - 1] =~ /^\s*$/)) {
				$spans->();
				my @b;
				push @b, $l[$i++] while $i < @l && $l[$i] =~ /^    /;
				my $dollar = grep { /^    \$ / } @b;
				for (@b) {
					if (defined $cmd) { $take->($_); }
					elsif ($dollar) { $take->($1) if /^    \$ (.*)/; }
					elsif (/^    ((?:$word)(?:\s.*)?)$/) { $take->($1); }
				}
				next;
			}
			# A paragraph, or a table row: code spans may cross lines.
			if ($l[$i] =~ /^\s*$/ || $l[$i] =~ /^\|/) { $spans->(); }
			$para .= ' ' . $l[$i++];
			$spans->() if $para =~ /^ \|/;
		}
		$spans->();
	}
	print "$f\t$_\n" for @out;
}
EOF
(cd "$tree" && perl "$TRASH/extract.pl" $docs) | sort -u >shown

# sample.pl DOC COMMAND OUTPUT: the sample of output DOC shows under
# "$ COMMAND" (the block's lines up to its next "$ "), against OUTPUT.
cat >sample.pl <<'EOF'
use strict; use warnings;
my ($doc, $want, $outf) = @ARGV;
open(my $fh, '<', $doc) or die "$doc: $!";
my (@sample, $in);
while (<$fh>) {
	chomp;
	if (/^    \$ (.*)/) {
		(my $c = $1) =~ s/\s+#.*$//;
		last if $in;
		$in = $c eq $want;
		next;
	}
	next unless $in;
	last unless /^    (.*)/;
	(my $line = $1) =~ s/^\s+//;
	push @sample, $line;
}
exit 0 unless @sample;
open(my $oh, '<', $outf) or die "$outf: $!";
my @out = map { s/^\s+|\s+$//gr } <$oh>;
# A sample line as a pattern: any number for a number, any name for
# "laptop" (the docs' host), any run of two blanks or more for one; a
# line that ends in " ..." is the start of a line (the rest left out).
sub pat {
	my $s = shift;
	my $end = $s =~ s/ \.\.\.$// ? '' : '$';
	my $re = join '', map {
		/^[0-9][0-9.]*$/ ? '[0-9][0-9.]*' : $_ eq 'laptop' ? '[^ ,()]+' : /^  +$/ ? ' +' : quotemeta
	} split /([0-9][0-9.]*|laptop|  +)/, $s;
	qr/^$re$end/;
}
my $bad = 0;
for my $s (@sample) {
	next if $s eq '...';
	next if grep { $_ =~ pat($s) } @out;
	print STDERR "$doc: the sample line '$s' of '$want' is not in what it printed\n";
	$bad = 1;
}
# Its end, after the last "...", is the end of the output.
if (!$bad && $sample[-1] ne '...') {
	my @tail = @sample;
	@tail = @tail[(grep { $tail[$_] eq '...' } 0..$#tail)[-1] + 1 .. $#tail] if grep { $_ eq '...' } @tail;
	my @end = @out[-@tail .. -1] if @out >= @tail;
	for my $k (0..$#tail) {
		next if defined $end[$k] && $end[$k] =~ pat($tail[$k]);
		print STDERR "$doc: the output of '$want' does not end as its sample does ('$tail[$k]'; a line left out needs a '...')\n";
		$bad = 1;
		last;
	}
}
if ($bad) { print STDERR "  it printed:\n"; print STDERR "  | $_\n" for @out; }
exit $bad;
EOF

# This directory plays the top of the tree.
here=$TRASH
ln -s "$BINDIR" bin && ln -s "$tree/scripts" scripts && ln -s "$tree/man" man && ln -s "$tree/docs" docs || exit 1

# As root, mpirun refuses to run unless told (README, example 5).
if [ "$(id -u)" -eq 0 ]; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
NETLAB_PREFIX=wk3r$$
export NETLAB_PREFIX
grade_as_root_if_hidden

test_lazy_prereq NC 'needs nc (apt-get install netcat-openbsd)' 'command -v nc'
test_lazy_prereq MAN 'needs man (apt-get install man-db)' 'command -v man'
if [ "$(id -u)" -eq 0 ]; then
	unshare_net='unshare -n' enter_net='nsenter -n -t'
	unshare_pids='unshare -pf --mount-proc' enter_pids='nsenter -p -m -t'
else
	unshare_net='unshare -rn' enter_net='nsenter -U -n --preserve-credentials -t'
	unshare_pids='unshare -rpf --mount-proc' enter_pids='nsenter -U -p -m --preserve-credentials -t'
fi
test_lazy_prereq OWN_PIDS 'no PID namespace of our own (root, or user namespaces)' '
	command -v nsenter && $unshare_pids true
'
# What namespaces this machine gives us, and if not, why not.
if ! command -v ip >/dev/null 2>&1; then
	lab_why='needs ip (apt-get install iproute2)' net_why=$lab_why
elif ! command -v nsenter >/dev/null 2>&1; then
	lab_why='needs nsenter (apt-get install util-linux)' net_why=$lab_why
else
	lab_why=$("$tree/scripts/netlab" check 2>&1) && lab_why= || lab_why=${lab_why#netlab: }
	net_why=$($unshare_net ip link add eth0 type veth peer name eth1 2>&1) && net_why= ||
		net_why="needs a network namespace of its own, to play the LAN (as root, or with user namespaces): $net_why"
fi
test_lazy_prereq LAB "$lab_why" 'test -z "$lab_why"'
test_lazy_prereq OWN_NET "$net_why" 'test -z "$net_why"'
# The docs' ports: TCP 65432 and 6000, UDP 5005 (hex in /proc/net).
test_lazy_prereq LOOP 'port 65432, 6000 (TCP) or 5005 (UDP) is taken on this machine, and no network namespace of our own can be had' '
	test_have_prereq OWN_NET || {
		! grep -q "^ *[0-9]*: [0-9A-F]*:\(FF98\|1770\) [0-9A-F]*:0000 0A" /proc/net/tcp /proc/net/tcp6 &&
		! grep -q "^ *[0-9]*: [0-9A-F]*:138D " /proc/net/udp /proc/net/udp6
	}
'

# The helpers below run in two passes.  In the listing pass (listing=1)
# each only notes its DOC and COMMAND in "covered", and does nothing
# else; in a test it runs COMMAND as DOC prints it.
listing=
rm -f covered

# printed DOC CMD: in the listing pass, note; in a test, name the output
# file (o) and return 0, so that the caller goes on to run CMD.
printed() {
	if [ -n "$listing" ]; then
		printf '%s\t%s\n' "$1" "$2" >>"$TRASH/covered"
		return 1
	fi
	n=$((${n:-0} + 1))
	o=$TRASH/out.$test_count.$n
	echo "$1: \$ $2"
	printf '%s\n' "$2" >>"$here/ran"
}

# same DOC CMD: a page's CMD is, but for its installed names, a command
# of README's that a test has run (the names are README's PATH line's).
same() {
	if [ -n "$listing" ]; then
		printf '%s\t%s\n' "$1" "$2" >>"$TRASH/covered"
		return 0
	fi
	readme=$(printf '%s\n' "$2" | sed 's/\(^\|[ |(]\)\(ipc_multiprocess\|threading_example\|tcp_server\|tcp_client\|udp_sender\|udp_receiver\|mpi_squares\)\( \|$\)/\1bin\/\2\3/g')
	grep -qxF -- "$readme" "$here/ran" || { echo "$1: '$2' is not '$readme', run above"; return 1; }
}

# as_read_in DOC: the PATH of DOC's reader: README's for the pages'
# installed names (PATH=$PWD/bin:$PWD/scripts:$PATH, here).
as_read_in() {
	case $1 in
	man/*) PATH=$here/bin:$here/scripts:$PATH && export PATH ;;
	esac
}

# run DOC CMD [STATUS [PATTERN]]: CMD ends by itself within 60 s, exits
# STATUS (default 0) and prints PATTERN.  What is typed: $stdin.
stdin=/dev/null
run() {
	printed "$1" "$2" || return 0
	(as_read_in "$1" && test_within 60 $RUN_ON sh -c "$2") <"$stdin" >"$o" 2>"$o.err"
	rc=$?
	[ $rc -eq "${3:-0}" ] || { echo "exit $rc, not ${3:-0}"; cat "$o" "$o.err"; return 1; }
	[ -z "${4:-}" ] || grep -q -- "$4" "$o" || { echo "no '$4' in what it printed"; cat "$o" "$o.err"; return 1; }
}

# in_background DOC CMD: CMD started as DOC shows it, its process in bg
# (exec'ed, so that it is CMD's own; a page's trailing " &" is ours).
in_background() {
	: >"$o" && : >"$o.err" || return 1
	(as_read_in "$1" && exec $RUN_ON sh -c "exec ${2% &}") </dev/null >"$o" 2>"$o.err" &
	bg=$!
	test_started $bg
}

# serve DOC CMD: a server or receiver, up to its listening line.  Sets
# pid and out (for stop_listener).
serve() {
	printed "$1" "$2" || return 0
	in_background "$1" "$2" || return 1
	pid=$bg out=$o
	wait_until 10 server_listening "$out" || { echo "no listening line"; cat "$out" "$out.err"; return 1; }
}

# stop PATTERN: Ctrl-C to the server; it must exit 0, its summary
# having PATTERN.
rx='^{"event":"summary"\|^[0-9]* nodes\{0,1\} ('
stop() {
	[ -n "$listing" ] || stop_listener "$1"
}

# beside DOC CMD: a client or sender in the background, beside the
# server, until "joined".
beside() {
	printed "$1" "$2" || return 0
	in_background "$1" "$2" &&
	running="${running:-} $bg:$o"
}

# joined [PATTERN...]: without PATTERNs, each command started by
# "beside" ends by itself; with them, once the server has printed each
# PATTERN, each is stopped with Ctrl-C.  Each must exit 0.
joined() {
	[ -z "$listing" ] || return 0
	for pat; do
		wait_until 10 grep -q -- "$pat" "$out" || { echo "the server did not print '$pat'"; cat "$out"; return 1; }
	done
	for r in $running; do
		p=${r%%:*} f=${r#*:}
		[ $# -eq 0 ] || kill -INT $p
		wait_bounded $p 30 || { echo "$(head -1 "$f"): exit $?"; cat "$f" "$f.err"; return 1; }
	done
	running=
}

# heard DOC CMD PATTERN: a sender that runs until Ctrl-C: stopped so
# once the receiver has printed PATTERN; it must exit 0.
heard() {
	printed "$1" "$2" || return 0
	before=$(grep -c -- "$3" "$out")
	in_background "$1" "$2" || return 1
	wait_until 10 at_least $((before + 1)) "$3" "$out" || {
		echo "the receiver did not print '$3' for it"; cat "$out" "$o" "$o.err"; return 1; }
	kill -INT $bg &&
	wait_bounded $bg 10 || { echo "exit $? after Ctrl-C"; cat "$o" "$o.err"; return 1; }
}

# also DOC CMD: the same command as the one just run, shown by DOC too.
also() {
	[ -z "$listing" ] || printf '%s\t%s\n' "$1" "$2" >>"$TRASH/covered"
}

# excluded DOC CMD REASON: a command this test does not run, and why.
excluded() {
	printf '%s\t%s\n' "$1" "$2" >>"$TRASH/covered"
	echo "# not run: $2 ($1): $3"
}

# as_default FILE: FILE, with this test's lab named as the docs name the
# default lab ('wk3lab'), in FILE.lab.
as_default() {
	[ -n "$listing" ] || sed "s/'$NETLAB_PREFIX'/'wk3lab'/g" "$1" >"$1.lab"
}

# wait_for PATTERN [SECONDS]: until the server or receiver prints PATTERN.
wait_for() {
	[ -n "$listing" ] || wait_until "${2:-10}" grep -q -- "$1" "$out" || {
		echo "it did not print '$1'"; cat "$out"; return 1; }
}

# sample DOC CMD FILE: DOC's sample of CMD's output against FILE.
sample() {
	[ -n "$listing" ] || perl "$here/sample.pl" "$tree/$1" "$2" "$3"
}
# sample_soon DOC CMD FILE: the same, for a program that is still writing.
sample_soon() {
	[ -n "$listing" ] || wait_until 15 perl "$here/sample.pl" "$tree/$1" "$2" "$3" 2>/dev/null ||
		perl "$here/sample.pl" "$tree/$1" "$2" "$3"
}

# mpi_quiet: for the MPI jobs that follow, under AddressSanitizer, no
# leak report: Open MPI keeps memory to the end on purpose.
mpi_quiet() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" && export ASAN_OPTIONS
}

# own_net: for the rest of the test, a network namespace of our own
# (RUN_ON enters it): loopback, and eth0 at 192.168.1.5/24 with the
# default route, on a veth pair whose other end takes what is sent.
# Without one (no root, no user namespaces), the machine's own loopback.
own_net() {
	RUN_ON=
	[ -z "$listing" ] && test_have_prereq OWN_NET || return 0
	: >"$TRASH/net.ready"
	$unshare_net sh -c 'ip link set lo up &&
		ip link add eth0 type veth peer name eth1 &&
		ip link set eth1 up && ip link set eth0 up &&
		ip addr add 192.168.1.5/24 brd + dev eth0 &&
		ip route add default dev eth0 &&
		echo ready >"$0" && exec sleep 600' "$TRASH/net.ready" &
	holder=$!
	test_started $holder
	wait_until 10 grep -q ready "$TRASH/net.ready" || return 1
	RUN_ON="$enter_net $holder"
}

# Example 4: the receiver, and the senders beside it.  Heartbeats come
# once a second and silence takes seconds to be noticed, so these two
# run in the background from here on (each on a network of its own where
# one can be had, else one after the other), and are reported later.
g_udp() {
	own_net &&
	serve README.md 'bin/udp_receiver' &&
	beside README.md 'bin/udp_sender -c 5' &&
	joined &&
	also docs/instructors.md 'bin/udp_sender -c 5' &&
	sample docs/instructors.md 'bin/udp_sender -c 5' "$o" &&
	sample_soon README.md 'bin/udp_receiver' "$out" &&
	also docs/instructors.md 'bin/udp_receiver' &&
	sample_soon docs/instructors.md 'bin/udp_receiver' "$out" &&
	heard README.md 'bin/udp_sender --nodes 1000 -q' '-1000 ALIVE: first heartbeat' &&
	heard README.md 'bin/udp_sender -i 200 --drop-rate 20' ' ALIVE' &&
	stop "$rx" &&
	serve README.md 'bin/udp_receiver --detector phi' &&
	stop "$rx"
}
g_udp_pages() {
	own_net &&
	serve man/udp_receiver.1 'udp_receiver' &&
	heard man/udp_sender.1 'udp_sender' ' ALIVE' &&
	beside man/udp_sender.1 'udp_sender -c 5' &&
	heard man/udp_sender.1 'udp_sender --nodes 1000 -q' '-1000 ALIVE: first heartbeat' &&
	joined &&
	{ [ -n "$listing" ] || grep -q ' ALIVE again after' "$out"; } &&
	stop "$rx" &&
	serve man/udp_receiver.1 'udp_receiver --dead-after 3000 -q' &&
	stop "$rx" &&
	serve man/udp_receiver.1 'udp_receiver --detector phi --json' &&
	stop "$rx"
}

# early GROUP...: the GROUPs, one after the other, in the background from
# now on, each in a directory of its own for its files and the processes
# it starts; "late" reports each as a test.
early() {
	# The directories made now, not in the background: a passed test
	# removes what appeared in the trash while it ran (test-lib.sh).
	for g; do mkdir -p "$TRASH/$g.d" || return 1; done
	(for g; do
		(TRASH=$TRASH/$g.d test_count=$g
		 $g >"$TRASH/log" 2>&1
		 echo $? >"$TRASH/rc.part"
		 test_cleanup
		 mv "$TRASH/rc.part" "$TRASH/rc")
	done) &
}
# late PREREQ TITLE GROUP: the outcome of GROUP, started by "early".
late() {
	test_expect_success "$1" "$2" "
		wait_until 60 test -f $3.d/rc || { (TRASH=\$TRASH/$3.d; test_cleanup); cat $3.d/log; exit 1; }
		test \$(cat $3.d/rc) -eq 0 || { cat $3.d/log; exit 1; }
	"
}
# Whatever happens: what the background groups started, and the labs.
trap 'test_cleanup; for d in "$TRASH"/*.d; do (TRASH=$d; test_cleanup); done
      for p in $NETLAB_PREFIX ${NETLAB_PREFIX}p; do
              NETLAB_PREFIX=$p "$tree/scripts/netlab" down >/dev/null 2>&1; done' EXIT

# Across machines: this test's own namespace is node A, 192.168.1.5.
g_lan() {
	own_net &&
	run README.md 'ip -brief address' 0 ' 192\.168\.1\.5/24 ' &&
	also man/tcp_server.1 'ip -brief address' &&
	also scripts/README.md 'ip -brief address' &&
	serve scripts/README.md 'bin/tcp_server' &&
	run README.md 'bin/tcp_client 192.168.1.5 7 8 9' 0 '^3 replies, 0 failed$' &&
	also scripts/README.md 'bin/tcp_client 192.168.1.5 7 8 9' &&
	run man/tcp_server.1 'tcp_client 192.168.1.5 7 8 9' 0 '^3 replies, 0 failed$' &&
	run man/tcp_client.1 'tcp_client 192.168.1.5 --retry 30 -- -12' 0 '^square(-12) = 144$' &&
	run scripts/README.md 'bin/tcp_client 192.168.1.5 --bench -c 50' 0 '^errors       0$' &&
	stop '^connections  ' &&
	serve scripts/README.md 'bin/udp_receiver' &&
	heard README.md 'bin/udp_sender 192.168.1.5 -n B' ' B ALIVE' &&
	also scripts/README.md 'bin/udp_sender 192.168.1.5 -n B' &&
	heard scripts/README.md 'bin/udp_sender --broadcast -n C' ' C ALIVE' &&
	heard README.md 'bin/udp_sender --broadcast' ' ALIVE' &&
	also scripts/README.md 'bin/udp_sender --broadcast' &&
	heard man/udp_sender.1 'udp_sender 192.168.1.5 -n node-b' ' node-b ALIVE' &&
	heard man/udp_sender.1 'udp_sender --broadcast -i 500' ' ALIVE' &&
	stop "$rx" &&
	serve README.md 'bin/udp_receiver --group 239.1.2.3' &&
	also scripts/README.md 'bin/udp_receiver --group 239.1.2.3' &&
	heard README.md 'bin/udp_sender 239.1.2.3' ' ALIVE' &&
	also scripts/README.md 'bin/udp_sender 239.1.2.3' &&
	stop "$rx" &&
	serve man/udp_receiver.1 'udp_receiver --group 239.1.2.3' &&
	heard man/udp_sender.1 'udp_sender 239.1.2.3 --ttl 1' ' ALIVE' &&
	stop "$rx"
}
# Started now; reported below.  Each on a network of its own where one
# can be had; else, the UDP ones one after the other (one port 5005).
if test_have_prereq LOOP; then
	if test_have_prereq OWN_NET; then
		early g_udp
		early g_udp_pages
		early g_lan
	else
		early g_udp g_udp_pages
	fi
fi


# The lab: scripts/README's recipes and netlab(1)'s examples, on a lab of
# this test's own (NETLAB_PREFIX), taken down whatever happens.
g_lab() {
	run README.md 'scripts/netlab check' 0 &&
	also scripts/README.md 'scripts/netlab check' &&
	also bench/README.md 'scripts/netlab check' &&
	also docs/instructors.md 'scripts/netlab check' &&
	sample docs/instructors.md 'scripts/netlab check' "$o" &&
	run scripts/README.md 'scripts/netlab up 3' 0 "^lab '$NETLAB_PREFIX' is up: 3 nodes" &&
	also docs/instructors.md 'scripts/netlab up 3' &&
	as_default "$o" && sample docs/instructors.md 'scripts/netlab up 3' "$o.lab" &&
	run scripts/README.md 'scripts/netlab addr node1' 0 '^10\.77\.3\.1$' &&
	serve scripts/README.md 'scripts/netlab run node1 bin/tcp_server' &&
	run scripts/README.md 'scripts/netlab run node2 bin/tcp_client 10.77.3.1 7 8 9' 0 '^3 replies, 0 failed$' &&
	run scripts/README.md 'scripts/netlab status' 0 '^node1 .* runs tcp_server' &&
	also docs/instructors.md 'scripts/netlab status' &&
	stop '^connections  ' &&
	serve scripts/README.md 'scripts/netlab run node1 bin/udp_receiver' &&
	also docs/instructors.md 'scripts/netlab run node1 bin/udp_receiver' &&
	heard scripts/README.md 'scripts/netlab run node2 bin/udp_sender 10.77.3.1 -n B' ' B ALIVE' &&
	also docs/instructors.md 'scripts/netlab run node2 bin/udp_sender 10.77.3.1 -n B' &&
	beside scripts/README.md 'scripts/netlab run node3 bin/udp_sender --broadcast -n C' &&
	also docs/instructors.md 'scripts/netlab run node3 bin/udp_sender --broadcast -n C' &&
	wait_for ' C ALIVE' &&
	run scripts/README.md 'scripts/netlab cut node3' 0 '^node3: link cut$' &&
	also docs/instructors.md 'scripts/netlab cut node3' &&
	sample docs/instructors.md 'scripts/netlab cut node3' "$o" &&
	# The guide's story: the heal once node3 is DEAD, as there.
	wait_for ' C DEAD: silent for ' 15 &&
	run scripts/README.md 'scripts/netlab heal node3' 0 '^node3: link healed$' &&
	also docs/instructors.md 'scripts/netlab heal node3' &&
	sample docs/instructors.md 'scripts/netlab heal node3' "$o" &&
	joined ' C ALIVE again after ' &&
	stop "$rx" &&
	sample docs/instructors.md 'scripts/netlab run node1 bin/udp_receiver' "$out"
}
g_lab_bench() {
	serve scripts/README.md 'scripts/netlab run node1 bin/tcp_server' &&
	run scripts/README.md 'scripts/netlab run node2 bin/tcp_client 10.77.3.1 --bench -c 50' 0 '^errors       0$' &&
	stop '^connections  50$'
}
g_lab_loss() {
	run scripts/README.md 'scripts/netlab loss node1 10' 0 '^node1: dropping 10% '
}
g_lab_mpi() {
	mpi_quiet &&
	run scripts/README.md 'scripts/netlab mpirun bin/mpi_squares -n 5' 0 '^result       OK$' &&
	sample scripts/README.md 'scripts/netlab mpirun bin/mpi_squares -n 5' "$o" &&
	run README.md 'scripts/netlab mpirun bin/mpi_squares -n 1000' 0 '^result       OK$' &&
	also scripts/README.md 'scripts/netlab mpirun bin/mpi_squares -n 1000'
}
g_lab_down() {
	run scripts/README.md 'scripts/netlab down' 0 "^lab '$NETLAB_PREFIX' is down$" &&
	also docs/instructors.md 'scripts/netlab down' &&
	as_default "$o" && sample docs/instructors.md 'scripts/netlab down' "$o.lab"
}
g_lab_page() {
	NETLAB_PREFIX=${NETLAB_PREFIX}p && export NETLAB_PREFIX &&
	run man/netlab.1 'netlab check' 0 &&
	run man/netlab.1 'netlab up 3' 0 "^lab '$NETLAB_PREFIX' is up: 3 nodes" &&
	serve man/netlab.1 'netlab run node1 tcp_server &' &&
	run man/netlab.1 'netlab run node2 tcp_client 10.77.3.1 7 8 9' 0 '^3 replies, 0 failed$' &&
	run man/netlab.1 'netlab run node3 tcp_client 10.77.3.1 --bench -c 8' 0 '^errors       0$' &&
	stop '^connections  ' &&
	serve man/netlab.1 'netlab run node1 udp_receiver &' &&
	beside man/netlab.1 'netlab run node2 udp_sender 10.77.3.1 -n n2 &' &&
	beside man/netlab.1 'netlab run node3 udp_sender --broadcast --iface eth0 -n n3 &' &&
	run man/netlab.1 'netlab cut node3' 0 '^node3: link cut$' &&
	run man/netlab.1 'netlab heal node3' 0 '^node3: link healed$' &&
	joined ' n[23] ALIVE' &&
	stop "$rx" &&
	run man/netlab.1 'netlab down' 0 "^lab '$NETLAB_PREFIX' is down$"
}

# The lab's steps wait on the kernel and on each other more than they
# compute: they too run in the background from here on, one after the
# other (netlab(1)'s on a lab of its own, beside).
if test_have_prereq LAB; then
	steps=g_lab
	! test_have_prereq EXPENSIVE || steps="$steps g_lab_bench"
	! test_have_prereq NFT || steps="$steps g_lab_loss"
	! test_have_prereq EXPENSIVE,MPI,MPI_NOT_TSAN || steps="$steps g_lab_mpi"
	early $steps g_lab_down
	! test_have_prereq EXPENSIVE || early g_lab_page
fi

# The PATH line near README's top.
g_path() {
	cmd='export PATH=$PWD/bin:$PWD/scripts:$PATH'
	printed README.md "$cmd" || return 0
	sh -c "$cmd && for p in tcp_server udp_sender mpi_squares netlab; do command -v \$p; done" >"$o"

	grep -qx "$TRASH/bin/tcp_server" "$o" && grep -qx "$TRASH/bin/udp_sender" "$o" &&
	grep -qx "$TRASH/scripts/netlab" "$o" &&
	{ ! test -x bin/mpi_squares || grep -qx "$TRASH/bin/mpi_squares" "$o"; } || { cat "$o"; return 1; }
}
test_expect_success 'README: the PATH line finds the programs and netlab' g_path

# Example 1 and its page.
g_pipes() {
	run README.md 'bin/ipc_multiprocess -n 5 -w 2' 0 '^result       OK$' &&
	sample README.md 'bin/ipc_multiprocess -n 5 -w 2' "$o" &&
	also docs/instructors.md 'bin/ipc_multiprocess -n 5 -w 2' &&
	sample docs/instructors.md 'bin/ipc_multiprocess -n 5 -w 2' "$o" &&
	run README.md 'bin/ipc_multiprocess -n 100000000 -b 1024 -q --json' 0 '"ok":true' &&
	also docs/instructors.md 'bin/ipc_multiprocess -n 100000000 -b 1024 -q --json' &&
	run README.md 'bin/ipc_multiprocess --stage generate -n 1000 | bin/ipc_multiprocess --stage square | bin/ipc_multiprocess --stage store' 0 '^result       OK$' &&
	also docs/instructors.md 'bin/ipc_multiprocess --stage generate -n 1000 | bin/ipc_multiprocess --stage square | bin/ipc_multiprocess --stage store' &&
	run man/ipc_multiprocess.1 'ipc_multiprocess -n 5 -w 2' 0 '^result       OK$' &&
	same man/ipc_multiprocess.1 'ipc_multiprocess -n 100000000 -b 1024 -q --json' &&
	run man/ipc_multiprocess.1 'ipc_multiprocess --stage generate -n 1000 | ipc_multiprocess --stage square | ipc_multiprocess --stage store' 0 '^result       OK$'
}
test_expect_success 'example 1, pipes: README and ipc_multiprocess(1)' g_pipes

# A fault, in two terminals: the run meant to be killed (4000000000
# numbers: hours), the ps line as printed, kill -9 of a worker; the
# parent names it, says what arrived, and exits 1.  pgrep -n takes the
# newest ipc_multiprocess of the machine (another test's, maybe): the
# recipe runs in a PID namespace of its own where one can be had.
own_pids() {
	RUN_ON=
	[ -z "$listing" ] && test_have_prereq OWN_PIDS || return 0
	$unshare_pids sleep 600 &
	test_started $!
	wait_until 10 has_children $! 1 || return 1
	init=$(children_of $!)
	test_started $init
	RUN_ON="$enter_pids $init --wd=$here"
}
fault() {
	if [ -n "$listing" ]; then
		printed "$1" "$2"; printed "$1" "$3"; also "$1" 'kill -9'
		return 0
	fi
	printed "$1" "$2" && in_background "$1" "$2" || return 1
	job=$bg log=$o parent=$bg
	[ -z "$RUN_ON" ] || { wait_until 10 has_children $job 1 && parent=$(children_of $job); } || return 1
	wait_until 10 has_children $parent 4 || return 1
	i=0
	while :; do
		run "$1" "$3" 0 '^ *[0-9]* ipc-worker-1$' || return 1
		worker=$(sed -n 's/^ *\([0-9]*\) ipc-worker-1$/\1/p' "$o")
		[ -z "$RUN_ON" ] || break
		children_of $parent | grep -qx "$worker" && break
		i=$((i + 1))
		[ $i -lt 20 ] || { echo "pgrep -n found another ipc_multiprocess 20 times"; return 1; }
	done
	$RUN_ON sh -c "kill -9 $worker" &&
	test_expect_code 1 wait_bounded $job 10 &&
	grep -q "^ipc_multiprocess: worker 1 (pid $worker) was killed by signal 9" "$log.err" &&
	grep -q "^received     [0-9]* of 4000000000 squares" "$log" || { cat "$log" "$log.err"; return 1; }
}
g_fault() {
	own_pids &&
	fault README.md 'bin/ipc_multiprocess -n 4000000000 -w 2 -q' 'ps -o pid,comm --ppid $(pgrep -n -x ipc_multiproces)' &&
	also docs/instructors.md 'bin/ipc_multiprocess -n 4000000000 -w 2 -q' &&
	also docs/instructors.md 'ps -o pid,comm --ppid $(pgrep -n -x ipc_multiproces)' &&
	sample docs/instructors.md 'ps -o pid,comm --ppid $(pgrep -n -x ipc_multiproces)' "$o" &&
	same man/ipc_multiprocess.1 'ipc_multiprocess -n 4000000000 -w 2 -q' &&
	same man/ipc_multiprocess.1 'ps -o pid,comm --ppid $(pgrep -n -x ipc_multiproces)' &&
	also man/ipc_multiprocess.1 'kill -9'
}
test_expect_success 'example 1, watching a fault: the run, ps, kill -9 of a worker' g_fault

# Example 2 and its page.
g_threads() {
	run README.md 'bin/threading_example -n 6 -c 2 -s 2' 0 '^result       OK$' &&
	sample README.md 'bin/threading_example -n 6 -c 2 -s 2' "$o" &&
	also docs/instructors.md 'bin/threading_example -n 6 -c 2 -s 2' &&
	sample docs/instructors.md 'bin/threading_example -n 6 -c 2 -s 2' "$o" &&
	run man/threading_example.1 'threading_example -n 8 -c 2 -s 2' 0 '^result       OK$' &&
	run man/threading_example.1 'threading_example -n 1000000 -c 2 -q' 0 '^result       OK$'
}
test_expect_success 'example 2, threads: README and threading_example(1)' g_threads
# --racy loses results on every run, says so, and exits 1 (README).
g_racy() {
	run README.md 'bin/threading_example -n 2000000 -c 2 --racy -q' 1 '^racy  ' &&
	also docs/instructors.md 'bin/threading_example -n 2000000 -c 2 --racy -q' &&
	sample docs/instructors.md 'bin/threading_example -n 2000000 -c 2 --racy -q' "$o" &&
	run man/threading_example.1 'threading_example -n 2000000 -c 4 --racy -q' 1 '^racy  '
}
test_expect_success NOT_TSAN 'example 2, --racy: README and threading_example(1)' g_racy

# Example 3: the server and the clients beside it, on the docs' ports.
g_tcp() {
	own_net &&
	serve README.md 'bin/tcp_server' &&
	run README.md 'bin/tcp_client' 0 '^10 replies, 0 failed$' &&
	sample README.md 'bin/tcp_client' "$o" &&
	also docs/instructors.md 'bin/tcp_client' &&
	sample docs/instructors.md 'bin/tcp_client' "$o" &&
	sample_soon README.md 'bin/tcp_server' "$out" &&
	run README.md 'seq 1 1000000 | bin/tcp_client -q -' 0 '^1000000 replies, 0 failed$' &&
	stop '^connections  2$' &&
	serve README.md 'bin/tcp_server -m fork -p 6000 -b 127.0.0.1' &&
	also docs/instructors.md 'bin/tcp_server -m fork -p 6000 -b 127.0.0.1' &&
	run README.md 'bin/tcp_client -p 6000 --bench -c 50 -P 16 -n 200000' 0 '^errors       0$' &&
	also docs/instructors.md 'bin/tcp_client -p 6000 --bench -c 50 -P 16 -n 200000' &&
	run README.md 'bin/tcp_client 127.0.0.1 -p 6000' 0 '^10 replies, 0 failed$' &&
	stop '^connections  51$' &&
	# The guide's -p 0: the client given the port the server printed.
	serve docs/instructors.md 'bin/tcp_server -p 0 -b 127.0.0.1' &&
	sample docs/instructors.md 'bin/tcp_server -p 0 -b 127.0.0.1' "$out" &&
	{ ! printed docs/instructors.md 'bin/tcp_client -p 40827 7' || {
		port=$(server_port "$out") &&
		test_within 60 $RUN_ON sh -c "bin/tcp_client -p $port 7" >"$o" 2>"$o.err" &&
		sample docs/instructors.md 'bin/tcp_client -p 40827 7' "$o"; }; } &&
	stop '^connections  1$'
}
test_expect_success LOOP 'example 3, TCP: README, two terminals' g_tcp
g_tcp_pages() {
	own_net &&
	serve man/tcp_server.1 'tcp_server' &&
	run man/tcp_server.1 'tcp_client 7 8 9' 0 '^3 replies, 0 failed$' &&
	also man/tcp_client.1 'tcp_client 7 8 9' &&
	run man/tcp_client.1 'seq 1 100000 | tcp_client -q -' 0 '^100000 replies, 0 failed$' &&
	run man/tcp_client.1 'tcp_client --bench -c 50 -P 16 -n 200000' 0 '^errors       0$' &&
	run man/tcp_client.1 'tcp_client --bench -c 8 --rate 20000 --duration 2 --json' 0 '"ok":true' &&
	stop '^connections  ' &&
	same man/tcp_server.1 'tcp_server -m fork -p 6000 -b 127.0.0.1' &&
	same man/tcp_server.1 'tcp_client -p 6000 --bench -c 50 -P 16 -n 200000'
}
test_expect_success LOOP 'example 3, TCP: tcp_server(1), tcp_client(1)' g_tcp_pages
# By hand: typed numbers, then QUIT; from a pipe, -N.
g_nc() {
	own_net &&
	serve README.md 'bin/tcp_server' &&
	printf '7\nQUIT\n' >typed && stdin=typed &&
	run README.md 'nc localhost 65432' 0 '^49$' &&
	also docs/instructors.md 'nc localhost 65432' &&
	sample docs/instructors.md 'nc localhost 65432' "$o" &&
	run man/tcp_server.1 'nc localhost 65432' 0 '^49$' &&
	stdin=/dev/null &&
	run README.md 'echo 7 | nc -N localhost 65432' 0 '^49$' &&
	also docs/instructors.md 'echo 7 | nc -N localhost 65432' &&
	sample docs/instructors.md 'echo 7 | nc -N localhost 65432' "$o" &&
	stop '^connections  3$' &&
	also docs/instructors.md 'bin/tcp_server' &&
	sample docs/instructors.md 'bin/tcp_server' "$out"
}
test_expect_success LOOP,NC 'example 3, TCP: nc as the client' g_nc
g_uring() {
	own_net &&
	serve README.md 'bin/tcp_server -m uring' &&
	run README.md 'bin/tcp_client' 0 '^10 replies, 0 failed$' &&
	stop '^connections  1$'
}
test_expect_success LOOP,URING_BUILT,URING 'example 3, TCP: the io_uring server' g_uring

# Example 5: its first command on every run; the others, a second or
# more of MPI's busy ranks each, with the long rounds.
g_mpi() {
	mpi_quiet &&
	run README.md 'mpirun --oversubscribe -np 4 bin/mpi_squares -n 5' 0 '^result       OK$' &&
	sample README.md 'mpirun --oversubscribe -np 4 bin/mpi_squares -n 5' "$o" &&
	also docs/instructors.md 'mpirun --oversubscribe -np 4 bin/mpi_squares -n 5' &&
	sample docs/instructors.md 'mpirun --oversubscribe -np 4 bin/mpi_squares -n 5' "$o" &&
	run man/mpi_squares.1 'mpirun --oversubscribe -np 4 mpi_squares -n 8' 0 '^result       OK$'
}
test_expect_success MPI,MPI_NOT_TSAN 'example 5, MPI: README and mpi_squares(1), the first' g_mpi
g_mpi_more() {
	mpi_quiet &&
	run README.md 'mpirun -np 2 bin/mpi_squares --reduce -n 1000000000 -q' 0 '^result       OK$' &&
	run man/mpi_squares.1 'mpirun --oversubscribe -np 3 mpi_squares -n 100000000 -b 1024 -q' 0 '^result       OK$' &&
	run man/mpi_squares.1 'mpirun -np 2 mpi_squares --reduce -n 1000000000 -q' 0 '^result       OK$'
}
test_expect_success MPI,MPI_NOT_TSAN,EXPENSIVE 'example 5, MPI: README and mpi_squares(1), the others' g_mpi_more
# A hostfile of the reader's machines: here one, this one, with 6 slots.
g_hostfile() {
	mpi_quiet &&
	echo 'localhost slots=6' >hosts &&
	run README.md 'mpirun --hostfile hosts -np 6 bin/mpi_squares -n 1000000 -b 1024' 0 '^result       OK$' &&
	also README.md 'mpirun --hostfile hosts -np 2' &&
	run man/mpi_squares.1 'mpirun --hostfile hosts -np 6 mpi_squares -n 1000000 -b 1024' 0 '^result       OK$'
}
test_expect_success MPI,MPI_NOT_TSAN,EXPENSIVE 'example 5, MPI: a hostfile (one host, 6 slots)' g_hostfile

# The pages, from the tree and installed under the reader's home.
g_man() {
	run README.md 'man ./man/tcp_server.1' 0 'tcp_server' &&
	also docs/instructors.md 'man ./man/tcp_server.1' &&
	run README.md 'man ./man/week3.7' 0 'week3' &&
	run scripts/README.md 'man ./man/netlab.1' 0 'netlab' &&
	run README.md 'man ./man/grade.1' 0 'grade' &&
	also docs/instructors.md 'man ./man/grade.1' &&
	mkdir -p home && HOME=$TRASH/home && export HOME &&
	# From the top of the tree, as a user types it (not as a sub-make of
	# the suite's), installing the programs under test.
	(cd "$tree" && unset MAKEFLAGS MFLAGS MAKELEVEL && export BINDIR &&
	 run README.md 'make install PREFIX=$HOME/.local') &&
	also docs/instructors.md 'make install PREFIX=$HOME/.local' &&
	{ [ -n "$listing" ] || test -x home/.local/bin/tcp_server; } &&
	MANPATH=$HOME/.local/share/man: && export MANPATH &&
	run README.md 'man tcp_server' 0 'tcp_server'
}
test_expect_success MAN 'the pages: from the tree, and installed in a home' g_man

# scripts/README's timeline, from the log of README's picture.
g_timeline() {
	run scripts/README.md 'scripts/timeline docs/timeline.jsonl --data' 0 '^node3 DEAD ' &&
	sample scripts/README.md 'scripts/timeline docs/timeline.jsonl --data' "$o"
}
test_expect_success 'scripts/timeline: the intervals of README'"'"'s timeline' g_timeline

# grade(1): what a server is checked for (t7001 grades the kit's own
# programs and the course's Python with it).
g_grade() {
	run README.md 'bin/grade tcp-server --list' 0 '^tcp-server\.squares  *basic  *course,full ' &&
	also man/grade.1 'bin/grade tcp-server --list' &&
	also docs/instructors.md 'bin/grade tcp-server --list' &&
	sample docs/instructors.md 'bin/grade tcp-server --list' "$o" &&
	run README.md 'bin/grade tcp-server --only tcp-server.idle-client -- bin/tcp_server -m iterative -p {port} -b 127.0.0.1 -q' 1 \
		'^not ok 1 - tcp-server\.idle-client \[concurrency\] ' &&
	sample README.md 'bin/grade tcp-server --only tcp-server.idle-client -- bin/tcp_server -m iterative -p {port} -b 127.0.0.1 -q' "$o" &&
	also docs/instructors.md 'bin/grade tcp-server --only tcp-server.idle-client -- bin/tcp_server -m iterative -p {port} -b 127.0.0.1 -q' &&
	also man/grade.1 'grade tcp-server -- python3 server.py {port}' &&
	also man/grade.1 'bin/grade tcp-server --profile full -- bin/tcp_server -p {port} -b 127.0.0.1'
}
test_expect_success 'grade(1): the checks of a spec' g_grade

# The guide's batch of hand-ins: the course's Python server (full marks)
# and its one-client-at-a-time variant, graded two at a time, then the
# line per student.
g_batch() {
	if [ -z "$listing" ]; then
		mkdir -p batch/submissions/alice batch/submissions/bob &&
		cp "$tree/tests/grade/course/tcp_server.py" batch/submissions/alice/server.py &&
		cp "$tree/tests/grade/flawed/tcp_server_iterative.py" batch/submissions/bob/server.py &&
		chmod -R a+rX batch && cd batch || return 1
	fi
	(PATH=$here/bin:$PATH &&
	 run docs/instructors.md "ls -d submissions/*/ | xargs -P 2 -I{} sh -c 'cd {} && grade tcp-server --json results.json -- python3 server.py {port} >grade.tap'" 123 &&
	 { [ -n "$listing" ] || grep -q '"score"' submissions/bob/results.json; } &&
	 run docs/instructors.md "for d in submissions/*/; do echo \"\$d \$(sed -n 's/^# *total *//p' \$d/grade.tap)\"; done" 0 '^submissions/alice/ ' &&
	 sample docs/instructors.md "for d in submissions/*/; do echo \"\$d \$(sed -n 's/^# *total *//p' \$d/grade.tap)\"; done" "$o")
	rc=$?
	cd "$here" && return $rc
}
test_expect_success PYTHON3,EXPENSIVE 'the guide: grade on a batch of hand-ins' g_batch

late LOOP 'example 4, UDP: README, two terminals' g_udp
late LOOP 'example 4, UDP: udp_receiver(1), udp_sender(1)' g_udp_pages
late OWN_NET 'across machines: node A at 192.168.1.5, unicast, broadcast, multicast' g_lan
late LAB 'the lab: scripts/README, up, run, cut, heal' g_lab
late LAB,EXPENSIVE 'the lab: scripts/README, --bench across nodes' g_lab_bench
late LAB,NFT 'the lab: scripts/README, loss' g_lab_loss
late LAB,MPI,MPI_NOT_TSAN,EXPENSIVE 'the lab: netlab mpirun, README and scripts/README' g_lab_mpi
late LAB 'the lab: scripts/README, down' g_lab_down
late LAB,EXPENSIVE 'the lab: netlab(1)' g_lab_page

excluded README.md 'make' 'the build: make test has just run it'
excluded README.md 'make diagrams' 'redraws committed pictures: t5003 renders every .dot'
excluded docs/instructors.md 'make -C exercises check EX=N' 'a pattern (N an exercise): t8001 checks every exercise so'
excluded docs/instructors.md 'make -C exercises check EX=N SOL=1' 'a pattern (N an exercise): t8001 checks every solution so'
excluded docs/instructors.md 'grade tcp-server --list --weights FILE' 'a pattern (FILE the grader'"'"'s weights): t7001 lists a spec with weights'
excluded scripts/README.md 'bin/udp_receiver -q --json > rx.jsonl' 'a receiver until Ctrl-C, into the log the next line reads: t5003 draws a real receiver'"'"'s log'
excluded scripts/README.md 'scripts/timeline rx.jsonl --mark 3200=cut --mark 5.2s=heal' 'reads the reader'"'"'s rx.jsonl: t5003 draws one with marks'
excluded docs/instructors.md 'make test' 'the suite this test is part of'
excluded docs/instructors.md 'make demo' 'every example again, narrated: CI runs it'
excluded docs/instructors.md 'make demo-lab' 'the lab recipes again, narrated: CI runs it'
excluded docs/instructors.md 'make install' 'part of a sentence: make install PREFIX=$HOME/.local runs above'
excluded docs/instructors.md 'sudo apt-get install openmpi-bin libopenmpi-dev' 'installs packages: the administrator'"'"'s step'
excluded README.md 'make V=1' 'the build: make test has just run it'
excluded README.md 'make mpi' 'the build: make test has just run it'
excluded README.md 'make test' 'the suite this test is part of'
excluded bench/README.md 'make test' 'the suite this test is part of'
excluded README.md 'make test-full' 'the suite this test is part of, with its long rounds'
excluded README.md 'make asan; make tsan' 'the suite this test is part of, twice more'
excluded README.md 'make fuzz FUZZ_SECONDS=60' 'a minute a parser, with clang: CI runs it'
excluded README.md 'make demo' 'every example again, narrated: CI runs it'
excluded scripts/README.md 'make demo' 'every example again, narrated: CI runs it'
excluded README.md 'make demo-lab' 'the lab recipes again, narrated: CI runs it'
excluded scripts/README.md 'make demo-lab' 'the lab recipes again, narrated: CI runs it'
excluded README.md 'make install' 'part of a sentence: make install PREFIX=$HOME/.local runs above'
excluded README.md 'make install PREFIX=/usr/local; make uninstall; make dist' 'installs in the machine: t0004-package runs it in a stage'
excluded README.md 'make bench' 'about 28 minutes'
excluded README.md 'make grade-self' 'the grader on the kit'"'"'s programs: t7001-t7004 grade each of them'
excluded README.md 'bin/udp_receiver --live' 'a view for a terminal, refused in a pipe: t4002 runs it under tmux and script(1)'
excluded bench/README.md 'make bench' 'about 28 minutes'
excluded bench/README.md 'make bench QUICK=1' 'about 4 minutes'
excluded bench/README.md 'make bench BENCH_SCRIPTS=cost' 'about 12 minutes'
excluded bench/README.md 'make bench BENCH_SCRIPTS=cost OLD_BINDIR=/tmp/kit-old/bin' 'about 15 minutes, after building an older tree'
excluded bench/README.md 'bench/run; bench/tcp; bench/latency; bench/udp; bench/cost' 'minutes each: make bench runs them'
excluded bench/README.md 'bench/report' 'reads what make bench wrote'
excluded bench/README.md 'make bench && cp bench/out/report.md bench/out/*.png bench/plots/' 'about 28 minutes, and writes in the tree'
excluded README.md 'sudo apt-get install build-essential' 'installs packages: the administrator'"'"'s step'
excluded README.md 'sudo apt-get install openmpi-bin libopenmpi-dev' 'installs packages: the administrator'"'"'s step'
excluded scripts/README.md 'sudo ufw allow 5005/udp' 'changes the machine'"'"'s firewall'
excluded scripts/README.md 'scripts/netlab run node1 CMD' 'a pattern: CMD is the reader'"'"'s'
excluded scripts/README.md 'scripts/netlab run nodeN' 'a pattern: nodeN'
excluded scripts/README.md 'scripts/netlab mpirun [mpirun options] PROGRAM ...' 'a pattern'
excluded scripts/README.md 'netlab mpirun --timeout 30 ...' 'a pattern: the job is the reader'"'"'s'
excluded bench/README.md 'udp_sender --nodes N' 'a pattern: N'
excluded bench/README.md 'tcp_client --bench --rate R' 'a pattern: R'
excluded bench/README.md 'perf stat -e raw_syscalls:sys_enter' 'part of a sentence: the events perf counted'
excluded README.md 'tcp_server -m pool' 'part of a sentence: names a design'
excluded scripts/README.md 'export XDG_RUNTIME_DIR=' 'part of a sentence: "= a directory of your own"'
excluded scripts/README.md 'ip netns' 'part of a sentence: names a tool'
excluded scripts/README.md 'netlab agent NODE COMMAND' 'a pattern: what Open MPI runs'
excluded README.md 'bin/grade' 'part of a sentence: bin/grade tcp-server --list runs below'
excluded README.md 'bin/grade tcp-server -- python3 server.py {port}' 'a pattern: server.py is the reader'"'"'s (t7001 grades the course'"'"'s Python)'
excluded README.md 'bin/grade tcp-server --profile full -- python3 server.py {port}' 'a pattern: server.py is the reader'"'"'s'
excluded README.md 'bin/grade tcp-server --lab -- python3 server.py {port} {host}' 'a pattern: server.py is the reader'"'"'s (t7005 grades the course'"'"'s Python on the lab)'
excluded man/grade.1 'grade udp-receiver --profile full --lab -- python3 receiver.py {port} {host}' 'a pattern: receiver.py is the reader'"'"'s'
excluded man/mpi_squares.1 'mpirun --oversubscribe -np 3 mpi_squares --blocking -n 100000000 -b 1024 -q' 'the line above, plain and slower: t6002 runs --blocking'
excluded man/udp_receiver.1 'udp_receiver --key hb.key' 'needs a key file of the reader'"'"'s, and libsodium: t4003 runs the keyed programs'
excluded man/udp_sender.1 'udp_sender --key hb.key' 'needs a key file of the reader'"'"'s, and libsodium: t4003 runs the keyed programs'
excluded man/grade.1 'grade ipc --n 1000 -- ./ipc 1000' 'a pattern: ./ipc is the reader'"'"'s'
excluded man/grade.1 'ls -d submissions/*/ | xargs -P 4 -I{} sh -c \e' 'a pattern: the submissions are the reader'"'"'s'
excluded scripts/README.md 'kill -9' 'part of a sentence: t5001 kills a rank so'
excluded scripts/README.md 'netlab cut' 'part of a sentence: scripts/netlab cut node3 runs above'
excluded scripts/README.md 'netlab up' 'part of a sentence: scripts/netlab up 3 runs above'
excluded scripts/README.md 'netlab mpirun' 'part of a sentence: scripts/netlab mpirun runs above'

# The listing pass: what the tests above run.
(listing=1
for g in g_path g_pipes g_fault g_threads g_racy g_tcp g_tcp_pages g_nc g_uring g_udp g_udp_pages g_lan \
         g_mpi g_mpi_more g_hostfile g_lab g_lab_bench g_lab_loss g_lab_mpi g_lab_down g_lab_page g_man g_timeline g_grade g_batch; do
	$g
done)

test_expect_success 'every command the docs show is run or excluded above, and no other' '
	test "$(wc -l <shown)" -ge 100 &&
	sort -u covered >covered.sorted &&
	comm -23 shown covered.sorted >new &&
	comm -13 shown covered.sorted >gone &&
	sed "s/^/shown, but neither run nor excluded here: /" new &&
	sed "s/^/no longer shown by the docs: /" gone &&
	test ! -s new && test ! -s gone
'

test_done
