#!/bin/sh
# t1003-ipc-stage - the shell can build the same pipeline: a pipe is a pipe.
test_description='--stage generate | --stage square | --stage store'
. "$(dirname "$0")/test-lib.sh"

for case in "1000 1" "1000 7" "65537 1024" "1 1" "0 1"; do
	set -- $case
	count=$1 batch=$2
	test_expect_success "shell pipeline, count $count batch $batch: same sum as built in" '
		"$BINDIR/ipc_multiprocess" --stage generate -n $count -b $batch |
			"$BINDIR/ipc_multiprocess" --stage square |
			"$BINDIR/ipc_multiprocess" --stage store --json >shell &&
		"$BINDIR/ipc_multiprocess" -n $count -b $batch --json >builtin &&
		for k in event program count results sum expected_sum ok; do
			test "$(json_field shell $k)" = "$(json_field builtin $k)" ||
				{ echo "$k differs"; exit 1; }
		done &&
		test "$(json_field shell ok)" = true
	'
done

test_expect_success 'the text summary of the shell pipeline matches too' '
	"$BINDIR/ipc_multiprocess" --stage generate -n 1000 |
		"$BINDIR/ipc_multiprocess" --stage square |
		"$BINDIR/ipc_multiprocess" --stage store >shell &&
	"$BINDIR/ipc_multiprocess" -n 1000 -q >builtin &&
	grep "^sum\|^expected\|^result" shell >a &&
	grep "^sum\|^expected\|^result" builtin >b &&
	cmp a b
'

test_expect_success 'squares of 2^32 and beyond are exact (128-bit frames)' '
	"$HELPERDIR/frames" 4294967296 3 | "$BINDIR/ipc_multiprocess" --stage square |
		"$BINDIR/ipc_multiprocess" --stage store >out;
	grep -q "^sum          18446744073709551625$" out &&
	"$HELPERDIR/frames" 18446744073709551615 | "$BINDIR/ipc_multiprocess" --stage square |
		"$BINDIR/ipc_multiprocess" --stage store >out;
	grep -q "^sum          340282366920938463426481119284349108225$" out
'

test_expect_success 'squares below 2^32 still add up past 2^64' '
	"$HELPERDIR/frames" 4294967295 4294967295 4294967295 |
		"$BINDIR/ipc_multiprocess" --stage square |
		"$BINDIR/ipc_multiprocess" --stage store >out;
	grep -q "^sum          55340232195358851075$" out
'

test_expect_success SCRIPT 'a stage refuses to write frames to a terminal, or read them from one' '
	script -qec "$BINDIR/ipc_multiprocess --stage generate -n 3" /dev/null >out;
	grep -q "generate writes frames through a pipe, not a terminal" out &&
	script -qec "$BINDIR/ipc_multiprocess --stage generate -n 3 | $BINDIR/ipc_multiprocess --stage square" /dev/null >out;
	grep -q "square writes frames through a pipe, not a terminal" out &&
	script -qec "$BINDIR/ipc_multiprocess --stage store" /dev/null >out;
	grep -q "store reads frames through a pipe, not a terminal" out
'

test_expect_success 'text fed to a stage: one clear line, exit 1' '
	echo 5 | test_expect_code 1 "$BINDIR/ipc_multiprocess" --stage square >out 2>err &&
	test "$(cat err)" = "ipc_multiprocess: worker 1: input is not frames of ipc_multiprocess (text?  A stage reads what the stage before it writes)" &&
	! test -s out
'

test_expect_success 'store with no input: says so once, no summary of nothing, exit 1' '
	test_expect_code 1 "$BINDIR/ipc_multiprocess" --stage store </dev/null >out 2>err &&
	test "$(cat err)" = "ipc_multiprocess: storage: input 1 is empty: nothing was sent to it" &&
	! test -s out
'

test_done
