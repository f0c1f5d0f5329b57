#!/bin/sh
# t0005-readme - the commands README and the pages show work when
# pasted: every '$ bin/ipc_multiprocess' and '$ bin/threading_example'
# line of README's examples, and every such '.Dl' example of the pages
# (they end by themselves), and the recipe to watch a fault.
test_description='README: the self-contained commands, as printed'
. "$(dirname "$0")/test-lib.sh"

readme="$TEST_DIR/../README.md"

# The example lines, joined where one ends in '|', without their '$ '
# and their comments, with bin/ made "$BINDIR/".
perl -ne '
	if ($cont) { s/^\s+//; $cmd .= " " . $_; }
	elsif (/^    \$ (bin\/(ipc_multiprocess|threading_example)\b.*)/) { $cmd = $1; }
	else { next; }
	$cmd =~ s/\s+#.*$//; chomp $cmd;
	$cont = $cmd =~ /\|\s*$/;
	print "$cmd\n" unless $cont;
' "$readme" | sed 's|bin/|"$BINDIR"/|g' >commands
# The same in the pages' examples (.Dl $ ipc_multiprocess ...), installed names.
perl -ne 'print "$1\n" if /^\.Dl \$ ((ipc_multiprocess|threading_example)\b[^#]*?)\s*(#.*)?$/' \
	"$TEST_DIR"/../man/*.1 | sed 's|^|"$BINDIR"/|' >>commands
# Not the run meant to be killed by hand (4000000000 numbers: hours).
grep -v 4000000000 commands >safe && mv safe commands

test_expect_success 'README shows some commands to run' '
	test "$(wc -l <commands)" -ge 5
'

while read -r cmd; do
	case "$SANITIZE:$cmd" in
	*thread*:*--racy*)
		test_skip "as printed: $cmd" 'a data race on purpose: not for ThreadSanitizer'
		continue ;;
	esac
	test_expect_success "as printed: $cmd" "
		test_within 120 sh -c '$cmd' >out 2>err; rc=\$?
		case '$cmd' in
		*--racy*) test \$rc -le 1 ;;
		*) test \$rc -eq 0 ;;
		esac || { cat out err; exit 1; }
		grep -q '^result       OK\$\|\"ok\":true\|--racy' out || case '$cmd' in *--racy*) ;; *) cat out; exit 1 ;; esac
	"
done <commands

test_expect_success "README: watching a fault, the ps and pgrep line as printed" '
	recipe=$(grep -o "ps -o pid,comm --ppid \$(pgrep [^)]*)" "$readme" | head -1) &&
	test -n "$recipe" || exit 1
	"$BINDIR/ipc_multiprocess" -n 4000000000 -w 2 -q >run &
	pid=$! && test_started $pid &&
	wait_until 10 has_children $pid 4 &&
	sh -c "$recipe" >ps.out &&
	grep -q "ipc-worker-2" ps.out && grep -q "ipc-storage" ps.out
'

test_done
