#!/bin/sh
# t0000-test-lib - the test library itself: test_cmp, and a script's
# -v, -x, -i and --run (git's t0000 checks its test-lib.sh the same way).
test_description='test_cmp prints a diff; -v, -x, -i and --run debug one script'
. "$(dirname "$0")/test-lib.sh"

# A script of three tests, the second failing (it leaves a file behind,
# the others none), run by the same test-lib.sh as this one.
cat >three.sh <<EOF
#!/bin/sh
. "$TEST_DIR/test-lib.sh"
test_expect_success 'first' 'echo one-said'
test_expect_success 'second' 'echo two-said && : >left-behind && false'
test_expect_success 'third' 'echo three-said'
test_done
EOF
chmod +x three.sh
# Its trash directory, kept when it fails (test-lib.sh's rule).
trash_of_three() {
	ls -d trash/three.* 2>/dev/null
}

test_expect_success 'test_cmp: the same files, silent and true' '
	printf "a\nb\n" >x && printf "a\nb\n" >y &&
	test_cmp x y >out 2>&1 &&
	! test -s out
'

test_expect_success 'test_cmp: different files, false, with a diff -u' '
	printf "a\nb\nc\n" >want && printf "a\nB\nc\n" >got &&
	! test_cmp want got >out 2>&1 &&
	grep -q "^--- want" out && grep -q "^+++ got" out &&
	grep -qx -- "-b" out && grep -qx -- "+B" out
'

test_expect_success 'test_cmp: a missing file is a failure, not a pass' '
	echo a >want &&
	! test_cmp want missing >out 2>&1
'

test_expect_success 'no option: every test runs, the failure is shown, exit 1' '
	test_expect_code 1 ./three.sh >out 2>/dev/null &&
	grep -qx "ok 1 - first" out && grep -qx "not ok 2 - second" out &&
	grep -qx "ok 3 - third" out && grep -qx "1\.\.3" out &&
	grep -q "^#   two-said" out && ! grep -q "one-said" out
'

test_expect_success '-i: stops at the first failure, its trash directory kept' '
	rm -rf trash &&
	test_expect_code 1 ./three.sh -i >out 2>/dev/null &&
	grep -qx "not ok 2 - second" out && ! grep -q "third" out &&
	grep -qx "1\.\.2" out &&
	test -f "$(trash_of_three)/left-behind" &&
	grep -q "output kept in .*/trash/three\." out
'

test_expect_success '-v: the commands of each test, then what they printed' '
	./three.sh -v --run=1 >out 2>/dev/null &&
	grep -q "^# expecting success of three 1 .first.:" out &&
	grep -q "^#   echo one-said" out &&
	grep -qx "#   one-said" out
'

test_expect_success '-x: each command traced as it ran' '
	./three.sh -x --run=3 >out 2>/dev/null &&
	grep -q "^#   + echo three-said" out &&
	grep -qx "#   three-said" out
'

test_expect_success '--run: N, N-M, N-, -M and lists; the rest skipped' '
	./three.sh --run=1,3 >out 2>/dev/null &&
	grep -qx "ok 1 - first" out && grep -qx "ok 3 - third" out &&
	grep -qx "ok 2 # SKIP second (not in --run)" out && grep -qx "1\.\.3" out &&
	./three.sh --run=3- >out 2>/dev/null &&
	grep -qx "ok 1 # SKIP first (not in --run)" out && grep -qx "ok 3 - third" out &&
	./three.sh --run=-1 >out 2>/dev/null && grep -qx "ok 1 - first" out &&
	test_expect_code 1 ./three.sh --run=2-3 >out 2>/dev/null &&
	grep -qx "not ok 2 - second" out && grep -qx "ok 3 - third" out
'

test_expect_success '--run with a prerequisite: the test not chosen is not probed' '
	cat >prereq.sh <<-EOF &&
	#!/bin/sh
	. "$TEST_DIR/test-lib.sh"
	test_lazy_prereq PROBED "probed" "touch $TRASH/probed"
	test_expect_success PROBED "needs it" "true"
	test_expect_success "plain" "true"
	test_done
	EOF
	chmod +x prereq.sh &&
	./prereq.sh --run=2 >out 2>/dev/null &&
	grep -qx "ok 2 - plain" out && ! test -e probed
'

test_expect_success 'a bad option or --run list: exit 2, saying why' '
	test_expect_code 2 ./three.sh --bogus 2>err >/dev/null &&
	grep -q "unknown option .--bogus." err &&
	test_expect_code 2 ./three.sh --run=1-x 2>err >/dev/null &&
	grep -q -- "--run: .1-x. is not" err &&
	test_expect_code 2 ./three.sh --run=3-2-1 2>err >/dev/null
'

test_expect_success 'run-one passes the options on' '
	"$TEST_DIR/run-one" ./three.sh --run=1 >out 2>/dev/null &&
	grep -qx "ok 1 - first" out && grep -q "ok 2 # SKIP" out
'

test_done
