#!/bin/sh
# t5002-netlab-unprivileged - the multi-node tests (t5001, MPI included)
# once more, as an ordinary user: the lab in a user namespace of its own.
#
# Runs when the suite runs as root (as an ordinary user, t5001 itself is
# that run).  The checkout may be in a directory only root can enter (a
# clone under /root), so the user runs a copy of the programs, the
# scripts and the tests from a directory of its own; its TAP output is
# this script's.
uid=65534                               # nobody: there on every Debian
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP the rerun of t5001 as an ordinary user starts from root (as this user, t5001 is that run)"
	exit 0
fi
if [ -z "$EXPENSIVE" ]; then
	echo "1..0 # SKIP a long round (the whole lab again, as an ordinary user): make test-full (or EXPENSIVE=1) runs it"
	exit 0
fi
if [ -n "$SANITIZE" ]; then
	echo "1..0 # SKIP make test runs it; under the sanitizers t5001 checks the programs on the lab, as root"
	exit 0
fi
if ! command -v setpriv >/dev/null 2>&1 || ! getent passwd $uid >/dev/null; then
	echo "1..0 # SKIP needs setpriv (util-linux) and a user $uid to run as"
	exit 0
fi
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BINDIR:=$top/bin}" "${HELPERDIR:=$top/build/default/tests/helpers}"
copy=$(mktemp -d "${TMPDIR:-/tmp}/wk3-unprivileged.XXXXXX") || exit 1
# The user's runtime directory where systemd-logind makes it, under /run
# (/run/user/UID): one of this run's own, removed with it.
xdg=$(mktemp -d /run/wk3-xdg.XXXXXX) || { rm -rf "$copy"; exit 1; }
trap 'rm -rf "$copy" "$xdg"' EXIT
mkdir "$copy/bin" "$copy/helpers" "$copy/tests" &&
cp -R "$top/scripts" "$copy/" &&
# tests/ without its trash, where the other scripts' files come and go
# meanwhile (t0004 unpacks and removes a whole tree there)
for f in "$top"/tests/*; do
	[ "$f" = "$top/tests/trash" ] || cp -R "$f" "$copy/tests/" || exit 1
done &&
cp "$BINDIR"/* "$copy/bin/" &&
{ [ ! -d "$HELPERDIR" ] || cp "$HELPERDIR"/* "$copy/helpers/"; } &&
chown -R $uid:$uid "$copy" && chmod 755 "$copy" &&
chown $uid:$uid "$xdg" && chmod 700 "$xdg" || exit 1

# Where this user can have a user namespace, t5001 must not skip.
works=
setpriv --reuid=$uid --regid=$uid --clear-groups unshare -Urnm true 2>/dev/null && works=1
setpriv --reuid=$uid --regid=$uid --clear-groups \
	env XDG_RUNTIME_DIR="$xdg" HOME="$copy" TMPDIR=/tmp WK3_USERNS_WORKS=$works \
	BINDIR="$copy/bin" HELPERDIR="$copy/helpers" \
	"$copy/tests/t5001-netlab.sh"
