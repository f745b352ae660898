#!/bin/sh
# run_case.sh LEAKGUARD CASEDIR: runs one data-driven CLI case.
#
# A case folder holds:
#   cmd       a shell snippet; `leakguard` in it runs the binary under test
#             ($LEAKGUARD is its path, $TESTS the tests folder). It runs in
#             a scratch copy of the folder.
#   expected  the exact stdout expected (after `filter`, if any)
#   rc        the expected exit status (default 0)
#   stderr    lines that must each appear in stderr (optional)
#   filter    a sed script applied to stdout before comparing (optional),
#             for what varies between runs (timings)
#   setup     a shell snippet run first in the scratch copy (optional), for
#             inputs too big or too odd to check in
# $LG_FAULT_IO is tools/fault_io.c built (beside the binary, in tests/),
# for cases that preload it to make a file go bad while it is read.
set -u
bin=$1
case_dir=$2
tests_dir=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$case_dir")
bin_dir=$(cd "$(dirname "$bin")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lgcase.XXXXXX")
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$case_dir/." "$work/"
cd "$work" || exit 2
export LC_ALL=C.UTF-8
unset LANGUAGE LANG
# keys and stores a case makes stay in its scratch folder
export XDG_DATA_HOME="$work/.data"

leakguard() { "$bin" "$@"; }
# for snippets that run the binary under another program (time, script)
LEAKGUARD=$bin
TESTS=$tests_dir
LG_FAULT_IO=${LG_FAULT_IO:-$bin_dir/tests/fault_io.so}
export LEAKGUARD TESTS LG_FAULT_IO
if [ -f setup ]; then
	. ./setup || { echo "case $name: setup failed"; exit 1; }
fi
( . ./cmd ) >stdout.actual 2>stderr.actual
rc=$?
want_rc=0
[ -f rc ] && want_rc=$(cat rc)
fail=0
if [ "$rc" != "$want_rc" ]; then
	echo "case $name: exit status $rc, expected $want_rc"
	fail=1
fi
if [ -f filter ]; then
	sed -f filter stdout.actual >stdout.filtered
else
	cp stdout.actual stdout.filtered
fi
if [ -f expected ] && ! cmp -s expected stdout.filtered; then
	echo "case $name: stdout differs from expected:"
	diff -u expected stdout.filtered | head -60
	fail=1
fi
if [ -f stderr ]; then
	while IFS= read -r line; do
		[ -z "$line" ] && continue
		if ! grep -qF -- "$line" stderr.actual; then
			echo "case $name: stderr lacks: $line"
			fail=1
		fi
	done <stderr
fi
if [ $fail -ne 0 ]; then
	echo "--- stderr ---"
	head -40 stderr.actual
	exit 1
fi
echo "case $name: ok"
