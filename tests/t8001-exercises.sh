#!/bin/sh
# t8001-exercises - the exercises (exercises/) kept honest: every
# starting point builds without a warning under gcc and clang and fails
# its check (make -C exercises check EX=N) the way exercises/README.md
# says a student sees it; every solution passes it, grade's exit status
# and table; the answers' predicted lines (solutions/*.md) are what grade
# and the lab print.  make test runs one or two checks of each spec
# (--only); make test-full (EXPENSIVE) runs every check, as printed.
test_description='exercises: starting points fail their checks, solutions pass, answers hold'
. "$(dirname "$0")/test-lib.sh"

ex="$TEST_DIR/../exercises"
sol="$ex/solutions"
grade="$BINDIR/grade"
grade_as_root_if_hidden
# The make of 'make test' passes its settings down (MAKEFLAGS): the
# exercises' make is started afresh, as a student starts it.
unset MAKEFLAGS MFLAGS MAKELEVEL

# The exercises as the kit ships them: not a student's copy without the
# solutions, nor a tree where a student has done them.
ex_why=
if [ ! -d "$sol" ]; then
	ex_why="exercises/solutions/ is not here (a copy of the kit without the solutions)"
elif git -C "$ex" rev-parse --git-dir >/dev/null 2>&1 &&
     ! git -C "$ex" diff --quiet HEAD -- . 2>/dev/null; then
	ex_why="exercises/ differs from the kit's commit (your own work?): this test checks them as shipped; 'git stash' first, 'git stash pop' after"
fi
test_lazy_prereq SHIPPED "$ex_why" 'test -z "$ex_why"'

# Built here, not in exercises/build: made before the first test, so
# that what a passing test builds stays for the next.
mkdir gcc

# Two checks of the five of tcp-server.  (Quoted for the shell of
# make's recipe: the pattern is grade's, not a file name.)
only3="--only 'tcp-server.[ci]*'"

test_lazy_prereq GCC 'needs gcc (apt-get install gcc)' 'command -v gcc'
test_lazy_prereq CLANG 'needs clang (apt-get install clang)' 'command -v clang'
test_lazy_prereq MPICC 'needs Open MPI: apt-get install openmpi-bin libopenmpi-dev' '
	command -v mpicc && command -v mpirun
'
lab_why=$("$TEST_DIR/../scripts/netlab" check 2>&1) && lab_why=
test_lazy_prereq LAB "${lab_why#netlab: }" 'test -z "$lab_why"'

# check EX [make arguments...]: 'make -C exercises check EX=N' on what
# gcc built here, with the grade of this build; its output in out.EX
# (out.EX.sol with SOL=1), its status returned.
check() {
	_ex=$1
	shift
	_out=out.$_ex
	case " $* " in *" SOL=1 "*) _out=$_out.sol ;; esac
	make --no-print-directory -C "$ex" check EX="$_ex" CC=gcc B="$TRASH/gcc" \
		S="$TRASH/gcc/sol" GRADE="$grade" "$@" >"$_out" 2>&1
}

# fails OUT LINE...: the check in OUT failed (make said so, grade's table
# lost points), and each LINE (a grep pattern) is in what it printed.
fails() {
	_f=$1
	shift
	grep -q "^make\(\[[0-9]*\]\)\{0,1\}: \*\*\* .*check.* Error" "$_f" && grep -q "^#   total .* failed)" "$_f" ||
		{ echo "expected a failed check:"; cat "$_f"; return 1; }
	for _l; do
		grep -q -e "$_l" "$_f" || { echo "expected \"$_l\" in:"; cat "$_f"; return 1; }
	done
}

# passes OUT 'GOT / MAX': the check in OUT passed with that table.
passes() {
	! grep -q "^make\(\[[0-9]*\]\)\{0,1\}: \*\*\*" "$1" && ! grep -q "^not ok" "$1" &&
	test "$(total "$1")" = "$2" || { echo "expected $2:"; cat "$1"; return 1; }
}

# mutant NAME SOLUTION SCRIPT OBJ...: the solution with a classic
# mistake (the sed SCRIPT, which must change it), built by gcc as NAME
# with the lib/ objects OBJ.
mutant() {
	_m=$1 _src=$2 _script=$3
	shift 3
	sed "$_script" "$_src" >"$_m.c" && ! cmp -s "$_m.c" "$_src" &&
	gcc -std=c11 -D_GNU_SOURCE -I"$ex/../lib" -pthread -O1 -o "$_m" "$_m.c" "$@" -lm &&
	chmod 755 "$_m"
}

# graded_fails OUT SPEC ARG...: grade SPEC ARG... loses points (exit 1),
# its report in OUT (shown when it does not).
graded_fails() {
	_o=$1
	shift
	test_expect_code 1 "$grade" "$@" >"$_o" 2>&1 || { cat "$_o"; return 1; }
}

# predicted ANSWER: the lines an answer predicts (its ```predicted
# block), as grep patterns: any figure where it has one (not in a name
# such as n2 or 1-pipeline), and any kernel's
# name of the pipe read (pipe_read, anon_pipe_read).
predicted() {
	sed -n '/^ *```predicted$/,/^ *```$/{/```/d;s/^ *//;p;}' "$1" |
	sed -e 's/\([^a-z0-9]\)[0-9][0-9]*/\1[0-9]*/g' \
	    -e 's/waiting in pipe_read/waiting in [a-z_]*pipe_read/'
}

# in_order PATTERNS FILE: each line of PATTERNS matches a line of FILE,
# in that order.
in_order() {
	_at=0
	while IFS= read -r _p; do
		_n=$(tail -n +$((_at + 1)) "$2" | grep -n -m1 -e "$_p" | cut -d: -f1)
		[ -n "$_n" ] || { echo "not after line $_at of $2: $_p"; cat "$2"; return 1; }
		_at=$((_at + _n))
	done <"$1"
}

# Built whole by gcc (what the checks below run), and through clang's
# front end (its warnings need no more, and time is short).
test_expect_success SHIPPED,GCC,CLANG 'every starting point and solution compiles clean: gcc and clang, -Werror' '
	make --no-print-directory -j2 -C "$ex" all solutions CC=gcc CFLAGS_EXTRA=-Werror \
		B="$TRASH/gcc" S="$TRASH/gcc/sol" >build.gcc 2>&1 || { cat build.gcc; exit 1; }
	make --no-print-directory -C "$ex" syntax CC=clang CFLAGS_EXTRA=-Werror >build.clang 2>&1 ||
		{ cat build.clang; exit 1; }
	! grep -i "warning" build.gcc build.clang &&
	test -x gcc/1-pipeline && test -x gcc/4-receiver && test -x gcc/sol/3-server &&
	test "$(grep -c "^clang -fsyntax-only " build.clang)" -ge 8
'

# (That a starting point lacks the answer is shown by its failing check.)
test_expect_success SHIPPED 'each starting point has its EXERCISE; the solutions have none' '
	for f in 1-pipe-ends/pipeline.c:1-pipeline 2-queue/queue.c:2-queue \
		 3-fork-server/server.c:3-server 4-suspect/receiver.c:4-receiver \
		 5-mpi/pipeline_mpi.c:5-pipeline; do
		grep -q "EXERCISE:" "$ex/${f%%:*}" || { echo "${f%%:*}: no EXERCISE"; exit 1; }
		test -f "$sol/${f#*:}.c" || { echo "no solution ${f#*:}.c"; exit 1; }
	done &&
	! grep -rn "EXERCISE" "$sol"
'

# The two starting points that hang are checked side by side, each
# waiting out grade's 10 s asleep, while the solutions run.
test_expect_success SHIPPED,GCC 'exercises 1 and 2: the starting points hang where the answer says; the solutions pass' '
	check 1 GRADE_FLAGS="--only ipc.sum,ipc.large" &
	a=$!
	check 2 GRADE_FLAGS="--only threads.sum" &
	b=$!
	check 1 SOL=1 && passes out.1.sol "5 / 5" &&
	check 2 SOL=1 && passes out.2.sol "8 / 8" &&
	{ grep -q "^ThreadSanitizer: no data race" out.2.sol ||
	  grep -q "^ThreadSanitizer is not available" out.2.sol; } || exit 1
	wait $a; wait $b
	fails out.1 "^not ok 1 - ipc.sum " "it did not end within 10 s" \
		"^not ok 2 - ipc.large " "it did not end within 15 s" &&
	predicted "$sol/1-pipe-ends.md" >predicted.1 && test -s predicted.1 &&
	in_order predicted.1 out.1 &&
	test "$(grep -c "^#     pid " out.1)" -eq 6 &&
	# The large N hangs for the same reason: readers in pipe_read, the
	# write end open, not a full pipe.
	sed -n "/^not ok 2 - ipc.large /,\$p" out.1 >large.1 &&
	grep -q "likely: a process reading a pipe sees end of file only once every copy of its write end is closed" large.1 &&
	! grep -q "a pipe holds 64 KiB" large.1 || { cat large.1; exit 1; }
	fails out.2 "^not ok 1 - threads.sum " "it did not end within 10 s" \
		"^#     pid [0-9]* 2-queue (the program), waiting in futex" \
		"likely: only one thread is left: the consumers ended while the producer waits"
'

# Exercise 2 done with close and its broadcast, but a get that waits
# with if and trusts the wake-up (an item is there unless the queue is
# closed): it hangs with its threads busy (or, a run in ten, prints a
# wrong sum), and the hint is the re-check in a loop, not the close.
# (The solution with only its while made an if passes: its get re-checks
# the length after the wait anyway, and the last consumer is never robbed.)
# A long round: its 8 consumers spin for grade's 10 s (20 s of CPU).
test_expect_success SHIPPED,GCC,EXPENSIVE 'exercise 2, a get that waits with if: the hint names the loop' '
	make --no-print-directory -C "$ex" B="$TRASH/gcc" CC=gcc "$TRASH/gcc/lib/opt.o" >build.get_if 2>&1 &&
	mutant get_if "$sol/2-queue.c" "s/^    while (q->len == 0 && !q->closed)\$/    if (q->len == 0 \&\& !q->closed)/
s/^    bool got = q->len > 0; .*/    bool got = !q->closed || q->len > 0;/" gcc/lib/opt.o &&
	test "$(diff "$sol/2-queue.c" get_if.c | grep -c "^>")" -eq 2 &&
	graded_fails out.get_if threads --only threads.sum \
		-- "$TRASH/get_if" -n {n} -c {consumers} -s {capacity} &&
	grep -q "likely: .*in a loop (while, not if)" out.get_if || { cat out.get_if; exit 1; }
'

test_expect_success SHIPPED,GCC 'exercises 3 and 4: the starting points lose the checks README names; the solutions pass' '
	check 3 GRADE_FLAGS="--only tcp-server.idle-client"
	fails out.3 "^not ok 1 - tcp-server.idle-client " "got: nothing within 2000 ms" &&
	check 3 SOL=1 GRADE_FLAGS="$only3" && passes out.3.sol "4 / 4" &&
	check 3 SOL=1 GRADE_FLAGS="--profile full --only tcp-server.protocol,tcp-server.reaps" &&
	passes out.3.sol "3 / 3" &&
	# The classic mistake of exercise 3: the parent keeps the client.
	server_objs="gcc/lib/io.o gcc/lib/opt.o gcc/lib/net.o gcc/lib/linebuf.o gcc/lib/proto.o gcc/lib/u128.o" &&
	mutant leaky "$sol/3-server.c" "/close(fd);.*parent/d" $server_objs &&
	graded_fails out.leaky tcp-server --profile full --only tcp-server.protocol \
		-- "$TRASH/leaky" -p {port} -b 127.0.0.1 &&
	grep -q "did not close the connection" out.leaky &&
	# And the other: the parent never waits for its children.
	mutant zombies "$sol/3-server.c" "s/while (waitpid(-1, NULL, WNOHANG) > 0)/while (0)/" $server_objs &&
	graded_fails out.zombies tcp-server --profile full --only tcp-server.reaps \
		-- "$TRASH/zombies" -p {port} -b 127.0.0.1 &&
	grep -q "^#   20 clients came, .* are zombies (<defunct> in ps)" out.zombies &&
	# Or the child does not end: back in the loop, it serves beside the parent.
	mutant goes_on "$sol/3-server.c" "/close(lfd);.*the child only talks/d
s/^            _exit(0);\$/            close(fd); continue;/" $server_objs &&
	graded_fails out.goes_on tcp-server --profile full --only tcp-server.reaps \
		-- "$TRASH/goes_on" -p {port} -b 127.0.0.1 &&
	grep -q "^#   20 clients came, .* more of the server.s processes run than before" out.goes_on &&
	# A double fork (the child forks the worker and ends at once) is right:
	# the workers, orphans, are for grade to wait for, not for the server.
	mutant dbl "$sol/3-server.c" "s/^            serve(fd);\$/            if (fork() > 0) _exit(0); serve(fd);/" \
		$server_objs &&
	{ "$grade" tcp-server --profile full --only tcp-server.reaps -- "$TRASH/dbl" -p {port} \
		-b 127.0.0.1 >out.dbl 2>&1 || { cat out.dbl; exit 1; }; } &&
	check 4 GRADE_FLAGS="--only udp-receiver.dead"
	fails out.4 "^not ok 1 - udp-receiver.dead " "SUSPECT at -1 ms" \
		"no line with hb-delta and SUSPECT" &&
	check 4 SOL=1 GRADE_FLAGS="--only udp-receiver.dead,udp-receiver.back" &&
	passes out.4.sol "3 / 3" &&
	# SUSPECT for good: a heartbeat of a SUSPECT node leaves it SUSPECT.
	mutant stuck "$sol/4-receiver.c" \
		"s/^    nd->state = hb->leaving ? LEFT : ALIVE;/    if (was != SUSPECT) nd->state = hb->leaving ? LEFT : ALIVE;/" \
		gcc/lib/opt.o gcc/lib/net.o gcc/lib/heartbeat.o gcc/lib/timing.o &&
	graded_fails out.stuck udp-receiver --profile full --only "udp-receiver.[dbr]*" \
		-- "$TRASH/stuck" -p {port} -b 127.0.0.1 &&
	test "$(lost out.stuck)" = udp-receiver.back &&
	grep -q "hb-golf, SUSPECT, beat again every 100 ms (its seqs going on), but no line with hb-golf and ALIVE" out.stuck &&
	# Right, in other words: "hb-golf DEAD -> ALIVE" names DEAD, and is past.
	mutant arrow "$sol/4-receiver.c" "s|^        nd->state = DEAD;  *\/\* so that its first beat says ALIVE \*\/|        nd->state = LEFT;|
s|^        say(nd, 0);\$|        { if (was == DEAD) printf(\"%s DEAD -> ALIVE\\\\n\", nd->name); else say(nd, 0); }|" \
		gcc/lib/opt.o gcc/lib/net.o gcc/lib/heartbeat.o gcc/lib/timing.o &&
	{ "$grade" udp-receiver --profile full --only "udp-receiver.[dbr]*" \
		-- "$TRASH/arrow" -p {port} -b 127.0.0.1 >out.arrow 2>&1 ||
		{ cat out.arrow; exit 1; }; }
'

test_expect_success SHIPPED,GCC,MPICC 'exercise 5 on mpirun: the starting point lacks the squares, the solution has them' '
	check 5 GRADE_FLAGS="--only ipc.sum"
	fails out.5 "^not ok 1 - ipc.sum " "its output does not show the sum of the squares of 1..1000" &&
	check 5 SOL=1 && passes out.5.sol "5 / 5"
'

# A worker rank that never passes the end mark on: the storage waits for
# it, and mpirun for them.  grade lists the ranks (mpirun's children, in
# groups of their own) and speaks of end marks, not of pipes.
# A long round: 4 ranks poll for grade's 10 s (20 s of CPU).
test_expect_success SHIPPED,GCC,MPICC,EXPENSIVE 'exercise 5, no end mark passed on: the ranks listed, an MPI hint' '
	sed "/MPI_Send(&x, 1, MPI_UINT64_T, storage, TAG_END, MPI_COMM_WORLD);/d" \
		"$sol/5-pipeline.c" >noend.c && ! cmp -s noend.c "$sol/5-pipeline.c" &&
	make --no-print-directory -C "$ex" B="$TRASH/gcc" CC=gcc "$TRASH/gcc/lib/opt.o" >build.noend 2>&1 &&
	OMPI_CC=gcc mpicc -std=c11 -D_GNU_SOURCE -I"$ex/../lib" -O1 -o noend noend.c gcc/lib/opt.o &&
	chmod 755 noend &&
	if [ "$GRADE_USER" = root ]; then as_root=--allow-run-as-root; else as_root=; fi &&
	graded_fails out.noend ipc --only ipc.sum -- mpirun $as_root --oversubscribe -np 4 \
		"$TRASH/noend" -n {n} &&
	grep -q "it did not end within 10 s" out.noend &&
	test "$(grep -c "^#     pid [0-9]* noend (its child" out.noend)" -eq 4 &&
	grep -q "likely: mpirun ends when every rank has: .* a worker that never sends the end mark on" out.noend &&
	! grep -q "right after fork" out.noend || { cat out.noend; exit 1; }
'

# The experiment of exercise 6, as make check EX=6 runs it; each node's
# state lines are the answer's, in its order.
test_expect_success SHIPPED,LAB 'exercise 6: the lab prints the lines the answer predicts' '
	make --no-print-directory -C "$ex" check EX=6 >out.6 2>&1 || { cat out.6; exit 1; }
	predicted "$sol/6-lab-cut.md" >predicted.6 &&
	for n in n2 n3; do
		grep "^$n [A-Z]" predicted.6 >p.$n && grep "^$n [A-Z]" out.6 >o.$n &&
		test "$(wc -l <p.$n)" -eq "$(wc -l <o.$n)" && in_order p.$n o.$n ||
			{ echo "$n: predicted"; cat p.$n; echo "printed"; cat out.6; exit 1; }
	done &&
	grep -q "^n3  *10\.77\.3\.3:[0-9]*  *ALIVE  *[0-9]*  *[1-9][0-9]* " out.6 &&
	grep -q "^n2  *10\.77\.3\.2:[0-9]*  *ALIVE  *[0-9]*  *0 " out.6
'

# Every check of each spec, exactly as README prints it.
test_expect_success SHIPPED,GCC,EXPENSIVE 'make test-full: every check, starting points and solutions' '
	check 1 &
	a=$!
	check 2 &
	b=$!
	check 3
	fails out.3 "^not ok [0-9]* - tcp-server.clients " "^not ok [0-9]* - tcp-server.many " &&
	test "$(lost out.3)" = "tcp-server.clients tcp-server.idle-client tcp-server.many" &&
	check 3 SOL=1 && passes out.3.sol "15 / 15
3 / 3" || exit 1
	check 4
	fails out.4 && test "$(lost out.4)" = "udp-receiver.dead" &&
	check 4 SOL=1 && passes out.4.sol "9 / 9" || exit 1
	wait $a; wait $b
	fails out.1 && test "$(lost out.1)" = "ipc.sum ipc.large" &&
	fails out.2 && test "$(lost out.2)" = "threads.sum threads.race threads.no-deadlock"
'

test_done
