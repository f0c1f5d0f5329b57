#!/bin/sh
# t1001-ipc-sums - ipc_multiprocess adds up exactly what it should.
test_description='sums for many COUNT, WORKERS, BATCH; steps; COUNT = 0'
. "$(dirname "$0")/test-lib.sh"

for case in "1 1 1" "10 1 1" "10 3 4" "5 8 1" "1000 7 33" "99999 4 1000" \
	    "100000 1 65536" "12345 128 1" "4097 2 512"
do
	set -- $case
	count=$1 workers=$2 batch=$3
	test_expect_success "count $count, workers $workers, batch $batch: exact sum, all received" '
		test_within 60 "$BINDIR/ipc_multiprocess" -n $count -w $workers -b $batch --json >out &&
		test "$(json_field out ok)" = true &&
		test "$(json_field out results)" = $count &&
		test "$(json_field out sum)" = "$(sum_squares $count)" &&
		test "$(json_field out expected_sum)" = "$(sum_squares $count)" &&
		test "$(json_field out workers)" = $workers &&
		test "$(json_field out batch)" = $batch
	'
done

test_expect_success 'count 0: a clear OK answer at once, not a hang' '
	test_within 10 "$BINDIR/ipc_multiprocess" -n 0 -w 3 >out &&
	grep -q "^received     0 of 0 squares" out &&
	grep -q "^result       OK$" out
'

test_expect_success 'a sum beyond 64 bits is exact' '
	test_within 120 "$BINDIR/ipc_multiprocess" -n 4000000 -w 2 -b 4096 --json >out &&
	test "$(json_field out sum)" = 21333341333334000000 &&
	test "$(json_field out ok)" = true
'

test_expect_success 'small COUNT prints every step of every process' '
	"$BINDIR/ipc_multiprocess" -n 3 -w 2 >out &&
	test "$(grep -c "^generator \[pid [0-9]*\]: sending" out)" -eq 3 &&
	grep -q "^worker [12] \[pid [0-9]*\]: 3 squared is 9$" out &&
	test "$(grep -c "^storage \[pid [0-9]*\]: stored" out)" -eq 3 &&
	grep -q "^sum          14$" out &&
	grep -q "^result       OK$" out
'

test_expect_success 'large COUNT or -q prints only the summary' '
	"$BINDIR/ipc_multiprocess" -n 21 >out &&
	! grep -q "pid" out &&
	"$BINDIR/ipc_multiprocess" -n 5 -q >out2 &&
	! grep -q "pid" out2 &&
	test "$(wc -l <out2)" -eq 5
'

test_expect_success '--json is one object on one line with the SPEC keys' '
	"$BINDIR/ipc_multiprocess" -n 10 -w 2 -b 3 --json >out &&
	test "$(wc -l <out)" -eq 1 &&
	for k in event program count workers batch results sum expected_sum ok seconds per_sec; do
		grep -q "\"$k\":" out || { echo "missing $k"; exit 1; }
	done &&
	grep -q "\"sum\":\"385\"" out
'

test_expect_success 'children are named by role in ps' '
	"$BINDIR/ipc_multiprocess" -n 4000000000 -w 2 -q >out 2>err &
	pid=$! &&
	test_started $pid &&
	wait_until 10 has_children $pid 4 &&
	for c in $(children_of $pid); do cat /proc/$c/comm; done | sort >names &&
	kill -INT $pid && wait $pid &&
	printf "ipc-generator\nipc-storage\nipc-worker-1\nipc-worker-2\n" >want &&
	cmp names want
'

test_expect_success SCRIPT 'on a terminal, a progress line each second, wiped before the summary' '
	progress_then_stop squares 4000000000 "\"$BINDIR/ipc_multiprocess\" -n 4000000000 -b 64" &&
	grep -q "^result       OK" screen
'

test_expect_success 'in a file, no progress line, however long the run' '
	no_progress_in_a_file "$BINDIR/ipc_multiprocess" -n 4000000000 -b 64
'

test_done
