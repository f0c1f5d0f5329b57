#!/bin/sh
# t0001-cli-contract - what every program promises on its command line.
test_description='--help, --version, unknown options and bad numbers'
. "$(dirname "$0")/test-lib.sh"

# program, then an option with a bad value (each must be refused).
check_program() {
	prog=$1 bad_opt=$2 bad_val=$3
	if [ ! -x "$BINDIR/$prog" ]; then
		test_skip "$prog: CLI contract" "not built yet"
		return
	fi
	test_expect_success "$prog: --help prints usage on stdout, exit 0" '
		"$BINDIR/$prog" --help >out 2>err &&
		grep -q "^Usage: $prog" out &&
		grep -q "Examples:" out &&
		test ! -s err
	'
	test_expect_success "$prog: --version prints the version, exit 0" '
		"$BINDIR/$prog" --version >out &&
		grep -Eq "^$prog [0-9]+\.[0-9]+\.[0-9]+(-[0-9a-z-]+)?$" out &&
		test "$(cut -d" " -f2 out)" = "$("$BINDIR/tcp_server" --version | cut -d" " -f2)"
	'
	test_expect_success "$prog: unknown long option: one line naming it, exit 2" '
		test_expect_code 2 "$BINDIR/$prog" --no-such-option >out 2>err &&
		test ! -s out &&
		test "$(wc -l <err)" -eq 1 &&
		grep -q "^$prog: unknown option .--no-such-option. (try .$prog --help.)$" err
	'
	test_expect_success "$prog: unknown short option: one line naming it, exit 2" '
		test_expect_code 2 "$BINDIR/$prog" -Z 2>err &&
		test "$(wc -l <err)" -eq 1 &&
		grep -q "unknown option .-Z." err
	'
	test_expect_success "$prog: missing value: one line naming the option, exit 2" '
		test_expect_code 2 "$BINDIR/$prog" "$bad_opt" 2>err &&
		test "$(wc -l <err)" -eq 1 &&
		grep -q "option .$bad_opt. needs a value" err
	'
	test_expect_success "$prog: bad number: one line naming option and text, exit 2" '
		test_expect_code 2 "$BINDIR/$prog" "$bad_opt" "$bad_val" 2>err &&
		test "$(wc -l <err)" -eq 1 &&
		grep -q "^$prog: $bad_opt: .$bad_val. is " err &&
		grep -q "(try .$prog --help.)" err
	'
	# tcp_client and udp_sender take a HOST first, grade a SPEC: nothing
	# is stray there (grade's own test refuses a second word).
	[ "$prog" = tcp_client ] || [ "$prog" = udp_sender ] || [ "$prog" = grade ] ||
	test_expect_success "$prog: stray argument is refused, exit 2" '
		test_expect_code 2 "$BINDIR/$prog" stray 2>err &&
		grep -q "unexpected argument .stray." err
	'
}

check_program ipc_multiprocess -n abc
check_program threading_example -c 1e3
check_program tcp_server -p abc
check_program tcp_client -p abc
check_program udp_sender -p abc
check_program udp_receiver -p abc
check_program mpi_squares -n abc
check_program grade --n abc

test_expect_success 'ipc_multiprocess: COUNT above 2^32 is out of range' '
	test_expect_code 2 "$BINDIR/ipc_multiprocess" -n 4294967297 2>err &&
	grep -q "^ipc_multiprocess: -n: .4294967297. is out of range (0..4294967296)" err
'

test_expect_success 'ipc_multiprocess: long option names itself in the error' '
	test_expect_code 2 "$BINDIR/ipc_multiprocess" --workers=0 2>err &&
	grep -q "^ipc_multiprocess: --workers: .0. is out of range (1..128)" err
'

test_expect_success 'ipc_multiprocess: unknown --stage role is refused' '
	test_expect_code 2 "$BINDIR/ipc_multiprocess" --stage sort 2>err &&
	grep -q "stage: .sort. is not generate, square or store" err
'

test_expect_success 'tcp_client: NUMBERs after - are refused' '
	test_expect_code 2 "$BINDIR/tcp_client" - 5 2>err &&
	grep -q "no NUMBERs after it" err
'

test_expect_success 'tcp_client: --bench takes no NUMBERs' '
	test_expect_code 2 "$BINDIR/tcp_client" --bench 5 2>err &&
	grep -q "^tcp_client: --bench makes its own requests" err
'

test_expect_success 'threading_example: a negative count is out of range' '
	test_expect_code 2 "$BINDIR/threading_example" -n -1 2>err &&
	grep -q "^threading_example: -n: .-1. is out of range" err
'

test_expect_success 'threading_example: blanks around a number are refused' '
	test_expect_code 2 "$BINDIR/threading_example" -n " 12" 2>err &&
	grep -q "is not a number" err
'

test_done
