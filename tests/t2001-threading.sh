#!/bin/sh
# t2001-threading - threading_example stores every square exactly once.
test_description='sums, per-consumer counts, steps, --racy, SIGINT'
. "$(dirname "$0")/test-lib.sh"

# per_consumer_total FILE: the sum of the per_consumer list.
per_consumer_total() {
	sed -n 's/.*"per_consumer":\[\([0-9,]*\)\].*/\1/p' "$1" | tr , '\n' |
		awk '{ s += $1 } END { print s + 0 }'
}

for case in "1 1 1 1" "10 3 1024 1" "1000 16 1 1" "100000 2 1024 64" \
	    "12345 5 3 7" "0 3 4 1" "50000 256 2 1024"
do
	set -- $case
	tasks=$1 consumers=$2 capacity=$3 batch=$4
	test_expect_success "tasks $tasks, consumers $consumers, capacity $capacity, batch $batch: exact" '
		test_within 60 "$BINDIR/threading_example" -n $tasks -c $consumers -s $capacity -k $batch --json >out &&
		test "$(json_field out ok)" = true &&
		test "$(json_field out results)" = $tasks &&
		test "$(json_field out sum)" = "$(sum_squares $tasks)" &&
		test "$(per_consumer_total out)" = $tasks &&
		test "$(json_field out consumers)" = $consumers &&
		test "$(json_field out capacity)" = $capacity
	'
done

test_expect_success '--json has the SPEC keys, one line' '
	"$BINDIR/threading_example" --json >out &&
	test "$(wc -l <out)" -eq 1 &&
	for k in event program count consumers capacity results per_consumer sum expected_sum ok seconds per_sec; do
		grep -q "\"$k\":" out || { echo "missing $k"; exit 1; }
	done
'

test_expect_success 'small TASKS prints every step and the final list' '
	"$BINDIR/threading_example" -n 4 -c 2 >out &&
	test "$(grep -c "^producer:   putting [1-4]$" out)" -eq 4 &&
	test "$(grep -c "^consumer [12]: took [1-4], squared it: [0-9]*$" out)" -eq 4 &&
	grep -q "^list        " out &&
	test "$(sed -n "s/^list *//p" out | tr " " "\n" | sort -n | tr "\n" " ")" = "1 4 9 16 " &&
	grep -q "^result       OK$" out
'

# Squaring is so fast that the first consumer awake used to take every
# task of a small run; each task now takes 20 ms of simulated work.
test_expect_success 'a small run shows the work shared: every consumer takes some' '
	for i in 1 2 3; do
		"$BINDIR/threading_example" >out &&
		per=$(sed -n "s/^per consumer *//p" out) &&
		test -n "$per" &&
		case " $per " in *" 0 "*) echo "run $i: per consumer $per"; exit 1 ;; esac
	done
'

test_expect_success '-q prints only the summary' '
	"$BINDIR/threading_example" -n 4 -q >out &&
	! grep -q "producer\|consumer [0-9]:\|^list" out &&
	grep -q "^result       OK$" out
'

test_expect_success NOT_TSAN '--racy says it is wrong and accounts for every lost result' '
	"$BINDIR/threading_example" -n 300000 -c 4 --racy --json >json;
	rc=$? &&
	stored=$(json_field json results) &&
	if [ "$stored" -lt 300000 ]; then test $rc -eq 1; else test $rc -eq 0; fi &&
	"$BINDIR/threading_example" -n 300000 -c 4 --racy >out;
	grep -q "wrong on purpose" out &&
	lost=$(sed -n "s/^racy *\([0-9]*\) results lost.*/\1/p" out) &&
	stored=$(sed -n "s/^stored *\([0-9]*\) of.*/\1/p" out) &&
	test $((lost + stored)) -eq 300000
'

# A racy mode that took the lock would lose nothing, ever; the race is
# made wide on purpose (a yield between reading and writing the
# length), so that every run loses, however busy the machine.
test_expect_success NOT_TSAN '--racy really races: results are lost on every run' '
	for i in 1 2 3; do
		test_expect_code 1 "$BINDIR/threading_example" -n 200000 -c 2 --racy -q >out &&
		grep -q "^racy *[1-9][0-9]* results lost" out || exit 1
	done
'

# What the machine has left decides whether the list of 2^32 - 1 results
# (32 GiB) fits: the refusal can only be seen where it does not.
avail_kb=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
if [ -n "$avail_kb" ] && [ "$avail_kb" -lt 33554432 ]; then
	test_expect_success '-n too big for the memory left: refused up front, with what it needs' '
		test_expect_code 1 test_within 10 "$BINDIR/threading_example" -n 4294967295 -q >out 2>err &&
		grep -q "^threading_example: -n 4294967295: the list of results needs 32.0 GiB, and this machine has [0-9.]* [GM]iB available (ask for fewer tasks)$" err &&
		! test -s out
	'
else
	test_skip '-n too big for the memory left: refused up front' 'this machine has 32 GiB or more available'
fi

test_expect_success 'SIGINT: the producer stops, the queue drains, partial OK, exit 0' '
	"$BINDIR/threading_example" -n 300000000 -c 2 >out 2>err &
	pid=$! &&
	test_started $pid &&
	sleep 0.5 &&
	kill -INT $pid &&
	wait_bounded $pid 20 &&
	grep -q "^stopped      after [0-9]* of 300000000 tasks (interrupted)$" out &&
	grep -q "^result       OK$" out &&
	test ! -s err
'

test_expect_success SCRIPT 'on a terminal, a progress line each second, wiped before the summary' '
	progress_then_stop tasks 300000000 "\"$BINDIR/threading_example\" -n 300000000 -c 2 -k 64" &&
	grep -q "^result       OK" screen
'

test_expect_success 'in a file, no progress line, however long the run' '
	no_progress_in_a_file "$BINDIR/threading_example" -n 300000000 -c 2 -k 64
'

test_done
