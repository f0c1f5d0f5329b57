#!/bin/sh
# t0003-man-pages - the manual pages are clean, and neither they nor the
# programs' --help can drift: every option in --help is in the page, and
# every option in the page is one the program accepts.
test_description='mandoc -Tlint, --help against the pages, the pages against the programs'
. "$(dirname "$0")/test-lib.sh"

man="$TEST_DIR/../man"

# page_options PAGE: the options a page documents (.Fl x, .Fl Fl long).
page_options() {
	perl -ne 'while (/\bFl (Fl )?(?!Fl\b)([A-Za-z][A-Za-z0-9-]*)/g) { print $1 ? "--$2\n" : "-$2\n" }' "$1" |
		sort -u
}

# help_options PROGRAM: the options its --help mentions.
help_options() {
	"$BINDIR/$1" --help | perl -ne 'while (/(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z])(?![\w-])/g) { print "$1\n" }' |
		sort -u
}

test_expect_success MANDOC 'mandoc -Tlint: no warning or error in any page' '
	mandoc -Tlint -W warning "$man"/*.1 "$man"/*.7 >lint 2>&1;
	rc=$?; cat lint; test $rc -eq 0 && ! test -s lint
'
test_expect_success MANDOC 'every page renders' '
	for p in "$man"/*.1 "$man"/*.7; do
		mandoc -Tutf8 "$p" >out && test -s out || { echo "$p"; exit 1; }
	done
'

for prog in ipc_multiprocess threading_example tcp_server tcp_client udp_sender udp_receiver mpi_squares grade; do
	if [ ! -x "$BINDIR/$prog" ]; then     # mpi_squares, without Open MPI
		test_skip "$prog: the page and --help" "$prog is not built (see make mpi)"
		continue
	fi
	test_expect_success "$prog: a page, and every option of --help in it" '
		test -f "$man/$prog.1" &&
		page_options "$man/$prog.1" >in_page &&
		help_options $prog >in_help &&
		missing=$(comm -23 in_help in_page) &&
		{ test -z "$missing" || { echo "not in the page: $missing"; exit 1; }; }
	'

	# An option the program does not know is refused by name; a value
	# the marker cannot be (no '+' fits a port, name, address or mode).
	test_expect_success "$prog: every option of the page is accepted" '
		page_options "$man/$prog.1" >in_page &&
		for o in $(cat in_page); do
			timeout 5 "$BINDIR/$prog" $o --no+such+option </dev/null >/dev/null 2>err
			if grep -q "unknown option .$o." err; then echo "$o: $(cat err)"; exit 1; fi
		done
	'
done

test_expect_success 'netlab: a page with every command of its --help' '
	test -f "$man/netlab.1" &&
	for c in up run cut heal loss addr status down; do
		"$TEST_DIR/../scripts/netlab" --help | grep -q "netlab $c" &&
		grep -q "^\.Cm $c\|Cm $c " "$man/netlab.1" || { echo "$c"; exit 1; }
	done
'

test_done
