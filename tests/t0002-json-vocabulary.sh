#!/bin/sh
# t0002-json-vocabulary - one JSON vocabulary for every program, in every
# mode: each line one object, "event" then "program" first, a summary
# with "ok" and "seconds", rates as "per_sec", states and events in lower
# case, and none of the old keys.
test_description='--json of every program, checked line by line with a JSON parser'
. "$(dirname "$0")/test-lib.sh"

# check_json PROGRAM FILE: every line of FILE is valid JSON of PROGRAM,
# in the kit's vocabulary; the last is its summary.
check_json() {
	perl -MJSON::PP -e '
		my ($prog, $file) = @ARGV;
		my $json = JSON::PP->new;
		my %old = map { $_ => 1 } qw(items_per_sec tasks_per_sec requests_per_sec received stored tasks);
		open(my $f, "<", $file) or die "$file: $!\n";
		my ($n, $last) = (0, undef);
		while (my $line = <$f>) {
			$n++;
			$line =~ /^\{"event":"[a-z]+","program":"\Q$prog\E"[,}]/
				or die "line $n does not begin with event and program: $line";
			my $o = eval { $json->decode($line) } or die "line $n is not JSON: $line";
			for my $k (keys %$o) {
				die "line $n: old key $k\n" if $old{$k};
				die "line $n: a rate that is not per_sec: $k\n" if $k =~ /_per_sec$/;
			}
			die "line $n: state in upper case\n" if $line =~ /"state":"[A-Z]/;
			$last = $o;
		}
		die "no lines\n" unless $n;
		die "the last line is not the summary\n" unless $last->{event} eq "summary";
		for my $k (qw(ok seconds)) {
			die "the summary has no $k\n" unless exists $last->{$k};
		}
	' "$@"
}

test_expect_success 'ipc_multiprocess --json, and --stage store --json' '
	"$BINDIR/ipc_multiprocess" -n 100 -w 2 --json >out &&
	check_json ipc_multiprocess out &&
	"$BINDIR/ipc_multiprocess" --stage generate -n 100 | "$BINDIR/ipc_multiprocess" --stage square |
		"$BINDIR/ipc_multiprocess" --stage store --json >out &&
	check_json ipc_multiprocess out
'

test_expect_success 'a binary stage has no summary: --json is refused, not ignored' '
	test_expect_code 2 "$BINDIR/ipc_multiprocess" --stage generate --json >out 2>err &&
	grep -q "^ipc_multiprocess: --json: --stage generate writes frames, not a summary" err &&
	test_expect_code 2 "$BINDIR/ipc_multiprocess" --stage square --json </dev/null >out 2>err &&
	! test -s out
'

test_expect_success 'threading_example --json' '
	"$BINDIR/threading_example" -n 100 --json >out &&
	check_json threading_example out
'

test_expect_success 'tcp_server --json; tcp_client --json, asking and benchmarking' '
	start_server srv --json || exit 1
	"$BINDIR/tcp_client" -p $port --json 5 abc -- -7 >ask;
	"$BINDIR/tcp_client" -p $port --bench -n 1000 -c 2 --json >bench &&
	printf "5\n\377\376\n" | "$BINDIR/tcp_client" -p $port --json - >bytes;
	stop_server &&
	check_json tcp_server srv &&
	check_json tcp_client ask &&
	check_json tcp_client bench &&
	check_json tcp_client bytes &&
	grep -q "\"request\":\"abc\",\"reply\":\"ERR not an integer\",\"ok\":false" ask &&
	grep -q "\"requests\":3,\"err_replies\":1,\"wrong_replies\":0,\"unanswered\":0,\"interrupted\":false,\"ok\":false" ask
'

test_expect_success 'udp_sender --json; udp_receiver --json, every event' '
	start_receiver rx --json --suspect-after 50 --dead-after 100 --forget-after 50 || exit 1
	"$BINDIR/udp_sender" -p $port -c 2 -i 10 -n gone --json >tx &&
	printf "HEARTBEAT v=1 node=x inc=1 seq=1\n" >bad &&
	"$HELPERDIR/udp_script" $port <bad &&
	wait_until 5 grep -q "\"event\":\"forgotten\"" rx &&
	stop_receiver &&
	check_json udp_sender tx &&
	check_json udp_receiver rx &&
	for e in listening heartbeat alive suspect dead forgotten malformed summary; do
		grep -q "^{\"event\":\"$e\"" rx || { echo "no $e event"; exit 1; }
	done
'

test_lazy_prereq SODIUM 'built without libsodium: apt-get install libsodium-dev, then make' '
	! "$BINDIR/udp_sender" --genkey 2>&1 >/dev/null | grep -q "built without libsodium"
'

test_expect_success SODIUM 'udp_receiver --json --key: the keyring and rejected events, the keyed counts' '
	(umask 077 && "$BINDIR/udp_sender" --genkey >hb.key) &&
	start_receiver rx --json --key hb.key || exit 1
	"$BINDIR/udp_sender" -p $port -c 2 -i 10 -n signed --key hb.key -q &&
	printf "HEARTBEAT v=1 node=x inc=1 seq=1 interval_ms=10 sent_ms=1\n" >bad &&
	"$HELPERDIR/udp_script" $port <bad &&
	wait_until 5 grep -q "\"event\":\"rejected\"" rx &&
	stop_receiver &&
	check_json udp_receiver rx &&
	grep -q "^{\"event\":\"keyring\",\"program\":\"udp_receiver\",\"keys\":1,\"ids\":\[\"[0-9a-f]\{8\}\"\],\"max_skew_ms\":5000," rx &&
	grep -q "^{\"event\":\"summary\",.*\"unsigned\":1,\"bad_mac\":0,\"replayed\":0," rx
'

test_done
