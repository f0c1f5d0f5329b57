#!/bin/sh
# t6002-mpi-squares - example 5: the pipeline on Open MPI, and its faults.
test_description='mpi_squares: exact sums, both modes, usage, JSON, kill -9, --timeout'
. "$(dirname "$0")/test-lib.sh"

mpi="$BINDIR/mpi_squares"
# More ranks than this machine has cores, and root where CI is root:
# both are refused by mpirun unless said (see README, example 5).
export OMPI_MCA_rmaps_base_oversubscribe=1
if [ "$(id -u)" -eq 0 ]; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Open MPI keeps memory to the end on purpose: not a leak of ours.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"


# run_mpi RANKS ARGS...: mpi_squares on RANKS ranks, bounded in time.
run_mpi() {
	np=$1
	shift
	test_within 120 mpirun -np "$np" "$mpi" "$@" </dev/null
}

test_expect_success MPI '--help and --version work without mpirun' '
	"$mpi" --help >out && grep -q "^Usage: mpi_squares" out &&
	"$mpi" --version | grep -q "^mpi_squares "
'

# Each case is an mpirun of a second or so: the first few of each list in
# make test, every one in make test-full (EXPENSIVE).
long=
for case in "3 10 1" "3 100000 1024" "3 4000000 4096" "4 1000 7" "5 1 1" "5 0 1" "6 3 1" \
	    "4 99999 1000"
do
	set -- $case
	ranks=$1 count=$2 batch=$3
	case $case in "4 1000 7") long=EXPENSIVE, ;; esac
	test_expect_success ${long}MPI,MPI_NOT_TSAN "--pipeline, $ranks ranks, count $count, batch $batch: the exact sum" '
		run_mpi $ranks -n $count -b $batch --json >out &&
		test "$(json_field out ok)" = true &&
		test "$(json_field out results)" = $count &&
		test "$(json_field out sum)" = "$(sum_squares $count)" &&
		test "$(json_field out ranks)" = $ranks
	'
done

long=
for case in "1 10" "3 1000001" "2 0" "2 1" "4 3" "2 4000000"; do
	set -- $case
	ranks=$1 count=$2
	case $case in "2 0") long=EXPENSIVE, ;; esac
	test_expect_success ${long}MPI,MPI_NOT_TSAN "--reduce, $ranks ranks, count $count: the exact sum, as --pipeline has it" '
		run_mpi $ranks --reduce -n $count --json >out &&
		test "$(json_field out ok)" = true &&
		test "$(json_field out sum)" = "$(sum_squares $count)" &&
		run_mpi 3 -n $count -b 64 --json >pipe &&
		test "$(json_field out sum)" = "$(json_field pipe sum)"
	'
done

# --blocking: the lesson's version (pipeline.c, MPI_Send and MPI_Recv),
# the same sums and steps as the default (pipeline_overlap.c).
for case in "3 10 1 " "4 100000 1024 " "5 99999 1000 ,EXPENSIVE" "3 0 1 ,EXPENSIVE"; do
	set -- $case
	ranks=$1 count=$2 batch=$3 long=${4-}
	test_expect_success MPI,MPI_NOT_TSAN$long "--blocking, $ranks ranks, count $count, batch $batch: the exact sum" '
		run_mpi $ranks --blocking -n $count -b $batch --json >out &&
		test "$(json_field out ok)" = true &&
		test "$(json_field out results)" = $count &&
		test "$(json_field out sum)" = "$(sum_squares $count)"
	'
done

test_expect_success MPI,MPI_NOT_TSAN '--blocking: each step shown, as without it; with --reduce, refused' '
	run_mpi 3 --blocking -n 3 >out &&
	host=$(hostname) &&
	grep -q "^generator \[rank 0, $host, pid [0-9]*\]: sending 3 to worker 1$" out &&
	grep -q "^worker 1 \[rank 1, $host, pid [0-9]*\]: 3 squared is 9$" out &&
	grep -q "^storage \[rank 2, $host, pid [0-9]*\]: stored 9 from worker 1$" out &&
	grep -q "^result       OK$" out &&
	test_expect_code 2 run_mpi 3 -n 5 --reduce --blocking 2>err &&
	test "$(grep -c "^mpi_squares:" err)" -eq 1 &&
	grep -q "^mpi_squares: --blocking is how --pipeline sends" err
'

test_expect_success MPI,MPI_NOT_TSAN 'small runs show each step with its rank, host and pid' '
	run_mpi 3 -n 3 >out &&
	host=$(hostname) &&
	grep -q "^generator \[rank 0, $host, pid [0-9]*\]: sending 3 to worker 1$" out &&
	grep -q "^worker 1 \[rank 1, $host, pid [0-9]*\]: 3 squared is 9$" out &&
	grep -q "^storage \[rank 2, $host, pid [0-9]*\]: stored 9 from worker 1$" out &&
	grep -q "^result       OK$" out &&
	test "$(grep -c "^rank [0-2] *$host (.*), pid [0-9]*$" out)" -eq 3
'

test_expect_success MPI,MPI_NOT_TSAN '--json: the keys of ipc_multiprocess, and ranks and nodes' '
	run_mpi 3 -n 100 -b 10 --json >out &&
	test "$(wc -l <out)" -eq 1 &&
	for k in event program mode count ranks workers batch results sum expected_sum ok seconds per_sec nodes; do
		grep -q "\"$k\":" out || { echo "no $k"; exit 1; }
	done &&
	test "$(json_field out program)" = mpi_squares &&
	test "$(grep -o "{\"rank\":[0-9]*,\"host\":\"[^\"]*\",\"addr\":\"[0-9.]*\",\"pid\":[0-9]*}" out | wc -l)" -eq 3
'

test_expect_success MPI,MPI_NOT_TSAN 'a wrong option: one line, from rank 0 only, exit 2' '
	test_expect_code 2 run_mpi 3 -n 5 --bogus >out 2>err &&
	test "$(grep -c "^mpi_squares:" err)" -eq 1 &&
	grep -q "^mpi_squares: unknown option .--bogus. (try .mpi_squares --help.)$" err &&
	test_expect_code 2 run_mpi 3 -n abc 2>err &&
	test "$(grep -c "^mpi_squares:" err)" -eq 1
'

test_expect_success MPI,MPI_NOT_TSAN '--pipeline and --reduce together: refused, once, exit 2' '
	test_expect_code 2 run_mpi 3 -n 5 --pipeline --reduce >out 2>err &&
	test "$(grep -c "^mpi_squares:" err)" -eq 1 &&
	grep -q "^mpi_squares: --pipeline and --reduce: one mode or the other" err &&
	test_expect_code 2 run_mpi 3 -n 5 --reduce --pipeline 2>err &&
	grep -q "^mpi_squares: --pipeline and --reduce: one mode or the other" err &&
	! test -s out &&
	run_mpi 3 -n 5 --reduce --reduce -q >out && grep -q "^result       OK$" out
'

test_expect_success MPI,MPI_NOT_TSAN '-n 0: nothing to send, and the summary says so' '
	run_mpi 3 -n 0 >out &&
	grep -q "^received     0 of 0 squares (1 worker, nothing to send)$" out &&
	grep -q "^result       OK$" out
'

test_expect_success MPI,MPI_NOT_TSAN '--pipeline on 2 ranks: says it needs 3, once, exit 2' '
	test_expect_code 2 run_mpi 2 -n 5 >out 2>err &&
	test "$(grep -c "^mpi_squares: --pipeline needs 3 ranks or more" err)" -eq 1 &&
	! test -s out
'

# all_gone PID...: none of these processes is left.
all_gone() {
	for p in "$@"; do ! pid_exists $p || return 1; done
}
# catching_term PID...: each process catches SIGTERM (SigCgt, bit 15):
# a rank that has joined the job and set up its stop, so that the Ctrl-C
# that mpirun passes on as SIGTERM is heard, not a kill.  (On a loaded
# machine MPI_Init takes longer than any nap.)
catching_term() {
	for _p; do
		_m=$(sed -n "s/^SigCgt:[[:space:]]*//p" /proc/$_p/status 2>/dev/null) &&
		[ -n "$_m" ] && [ $(( 0x$_m & 0x4000 )) -ne 0 ] || return 1
	done
}

# ended_by_itself [FILE]: wait_bounded (its stderr in FILE, wb) did not have to kill it.
ended_by_itself() {
	! grep -q "still running" "${1:-wb}"
}
# rank_pid RANK: the PID of the job's rank RANK, found by the rank mpirun
# gave it in its environment (not by its place in a list of PIDs, whose
# order says nothing about ranks).
rank_pid() {
	for p in $(cat ranks); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" |
			grep -qx "OMPI_COMM_WORLD_RANK=$1" && { echo "$p"; return 0; }
	done
	echo "no process of rank $1 among $(cat ranks)" >&2
	return 1
}
# start_job RANKS: a long job in the background; its ranks in 'ranks'.
start_job() {
	mpirun -np "$1" "$mpi" -n 4000000000 -b 64 -q </dev/null >out 2>err &
	pid=$!
	test_started $pid
	wait_until 20 has_children $pid "$1" || { cat err; return 1; }
	children_of $pid >ranks
}

for victim in 1 3; do
	what=worker long=; [ $victim = 3 ] && what=storage long=EXPENSIVE,
	test_expect_success ${long}MPI,MPI_NOT_TSAN "kill -9 of the $what (rank $victim): the whole job ends, named, nothing left" '
		start_job 4 &&
		sleep 0.5 &&
		victim_pid=$(rank_pid '$victim') &&
		kill -KILL $victim_pid &&
		{ wait_bounded $pid 10 2>wb; rc=$?; } ;
		ended_by_itself && test $rc -ne 0 &&
		grep -q "process rank $victim .* exited on signal 9" err &&
		wait_until 10 all_gone $(cat ranks)
	'
done

test_expect_success MPI,MPI_NOT_TSAN,EXPENSIVE '--timeout: a job not done in time is ended, every rank, and says so once' '
	mpirun -np 3 "$mpi" -n 4000000000 -b 1 -q --timeout 2 </dev/null >out 2>err &
	pid=$! && test_started $pid &&
	wait_until 20 has_children $pid 3 && children_of $pid >ranks &&
	{ wait_bounded $pid 15 2>wb; rc=$?; } ;
	ended_by_itself && test $rc -ne 0 &&
	test $(grep -c "^mpi_squares: --timeout: the job is not done in time; ending it$" err) -eq 1 &&
	wait_until 10 all_gone $(cat ranks)
'

# --reduce adds 4000000000 squares in about a second on an idle machine
# (ASan included): the stop comes 0.2 s after the ranks start, and a job
# that was done before it (the whole sum, exit 0) is no failure.
for mode in pipeline blocking reduce; do
	long= nap=0.5 grace=6; [ $mode = reduce ] && long=EXPENSIVE, nap=0.2
	[ $mode = blocking ] && long=EXPENSIVE, grace=15   # the lesson's pipeline (MPI_Send, MPI_Recv)
	test_expect_success ${long}MPI,MPI_NOT_TSAN "Ctrl-C (--$mode): every rank stops, the summary says how far, and the sum is right" '
		# (mpirun, told Ctrl-C, sends the ranks SIGCONT at once, SIGTERM
		# after odls_base_sigkill_timeout (1 s by default) and SIGKILL as
		# long again after it.  Through mpirun the ranks print 2 to 3 s
		# after their SIGTERM (0.1 s when they get it straight): at 3 s,
		# a loaded CI rehearsal killed the --blocking job before it
		# printed, so 6 s each here; at 6 s it did again, in one of
		# three: 15 s for --blocking, a long round)
		OMPI_MCA_odls_base_sigkill_timeout='$grace' \
		mpirun -np 3 "$mpi" --'$mode' -n 4000000000 -b 64 -q </dev/null >out.'$mode' 2>err.'$mode' &
		pid=$! && test_started $pid &&
		wait_until 20 has_children $pid 3 && children_of $pid >ranks &&
		wait_until 20 catching_term $(cat ranks) &&
		sleep '$nap' &&
		kill -INT $pid &&
		{ wait_bounded $pid $((3 * '$grace' + 12)) 2>wb.'$mode'; rc=$?; } ;
		ended_by_itself wb.'$mode' &&
		# done before the signal came: the whole sum (and mpirun may
		# still say 1, for the signal it got at the end)
		if [ '$mode' = reduce ] && grep -q "^received     4000000000 of 4000000000 " out.'$mode'; then
			grep -q "^result       OK$" out.'$mode' && exit 0
		fi &&
		test $rc -eq 1 &&      # mpirun: 1 after a signal, whatever the ranks say
		grep -q "^stopped      after [0-9]* of 4000000000 numbers (interrupted)$" out.'$mode' &&
		n=$(sed -n "s/^stopped      after \([0-9]*\) of.*/\1/p" out.'$mode') &&
		grep -q "^received     $n of $n squares" out.'$mode' &&
		grep -q "^expected     $(sum_squares $n)  " out.'$mode' &&
		grep -q "^result       OK$" out.'$mode' &&
		wait_until 10 all_gone $(cat ranks)
	'
done

test_expect_success MPI,MPI_NOT_TSAN 'an error on a rank other than 0 reaches the terminal' '
	test_within 60 mpirun -np 2 "$mpi" -n 4000000000 -q : -np 1 "$mpi" -n 4000000000 -q --timeout 1 \
		</dev/null >out 2>err;
	grep -q "^mpi_squares: --timeout: the job is not done in time; ending it$" err
'

# --reduce on one rank: it has the whole count (4000000000, near the
# largest, 2^32) to itself, seconds on any machine, so a progress line is
# due before the end.  (On three ranks the root's share took about 1 s on
# an idle machine here, and the job could end before one was due.)
for mode in pipeline reduce; do
	unit=squares long=EXPENSIVE, ranks=3; [ $mode = reduce ] && unit=numbers long= ranks=1
	test_expect_success ${long}MPI,MPI_NOT_TSAN,SCRIPT "on a terminal (--$mode), a progress line each second, wiped before the summary" '
		on_terminal screen "mpirun -np '$ranks' \"$mpi\" --'$mode' -n 4000000000 -b 64 --progress" &&
		wait_until 30 grep -q " of 4000000000 '$unit' (" screen &&
		# --reduce may be done already (a few seconds on 2 cores): no stop needed
		{ kill -INT $(children_of $pid) 2>/dev/null; wait_bounded $pid 20 2>wb; } ;
		ended_by_itself &&
		shows_progress screen '$unit' 4000000000 &&
		grep -q "^result       OK" screen
	'
done

test_done
