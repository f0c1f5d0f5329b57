#!/bin/sh
# t0004-package - make install puts the programs, netlab and the pages
# where PREFIX and DESTDIR say and builds nothing; make uninstall takes
# exactly that away; make dist is a tarball that builds anywhere.
test_description='install, uninstall, dist'
. "$(dirname "$0")/test-lib.sh"

top="$TEST_DIR/.."

# mk ARGS...: make, as a user would type it, not as a sub-make of the
# suite's own make (whose variables, BUILD or SANITIZE, would pass down).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory "$@"
}

test_expect_success 'install: programs, netlab, timeline and pages; uninstall: all of it' '
	mk -s -C "$top" install BINDIR="$BINDIR" PREFIX=/opt/w3 DESTDIR="$TRASH/stage" &&
	for p in ipc_multiprocess threading_example tcp_server tcp_client udp_sender udp_receiver grade netlab timeline; do
		test -x "stage/opt/w3/bin/$p" || { echo "no $p"; exit 1; }
	done &&
	test -f stage/opt/w3/share/man/man1/tcp_server.1 &&
	test -f stage/opt/w3/share/man/man7/week3.7 &&
	{ test -x "$BINDIR/mpi_squares" && mpi=1 || mpi=0; } &&
	test "$(find stage -type f | wc -l)" -eq $((9 + mpi + $(ls "$top"/man/*.[17] | wc -l))) &&
	mk -s -C "$top" uninstall PREFIX=/opt/w3 DESTDIR="$TRASH/stage" &&
	test "$(find stage -type f | wc -l)" -eq 0
'

test_expect_success 'install builds nothing: without a built tree it says so' '
	test_expect_code 2 mk -s -C "$top" install BINDIR="$TRASH/empty" DESTDIR="$TRASH/stage2" >out 2>&1 &&
	grep -q "is not built; run .make. first (as yourself), then .make install." out &&
	! test -e stage2 && ! test -e empty
'

if [ -d "$top/.git" ] && command -v git >/dev/null 2>&1; then
	test_expect_success EXPENSIVE 'dist: a tarball of the tree that builds elsewhere, with its version' '
		version=$(mk -s -C "$top" version | sed "s/-dirty$//") &&
		mk -s -C "$top" dist BUILD="$TRASH/b" >out &&
		tarball="$top/$(grep -o "week3-[^ ]*\.tar\.gz" out | tail -1)" &&
		test -f "$tarball" &&
		mkdir unpacked && tar -xzf "$tarball" -C unpacked && rm -f "$tarball" &&
		cd unpacked/week3-* &&
		env -u BINDIR -u HELPERDIR -u SANITIZE -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
			make -s >build.log 2>&1 &&
		bin/tcp_server --version | grep -q "^tcp_server $version" &&
		test -f LICENSE && test -f man/week3.7 &&
		echo 5 | bin/ipc_multiprocess -n 5 -q | grep -q "^result       OK$"
	'
else
	test_skip 'dist: a tarball of the tree that builds elsewhere' 'not a git checkout'
fi

test_done
