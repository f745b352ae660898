#!/bin/sh
# run.sh BUILD_DIR SECONDS: runs every fuzz target briefly, seeded with the
# samples and the test inputs. A crash fails the run and keeps the input.
set -eu
build=$1
secs=${2:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=$(mktemp -d "${TMPDIR:-/tmp}/lgfuzz.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
seeds=$top/tests/fuzz/seeds
# seeds: small real inputs of every encoding, for every target; a folder
# seeds/<target>/ holds inputs in the form that target builds on (header
# choice bytes then rows, XML fragments, mail parts) and goes to it alone
find "$top/samples" "$top/tests/cases" "$seeds" -path "$seeds/*/*" -prune -o \
	-type f -size -64k -print 2>/dev/null |
	while read -r f; do cp "$f" "$corpus/$(echo "$f" | md5sum | cut -c1-16)"; done
status=0
passed=0
failed=0
for t in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "fuzz: $name for ${secs}s"
	mkdir -p "$corpus/$name"
	if [ -d "$seeds/$name" ]; then
		cp "$seeds/$name"/* "$corpus/$name/"
	fi
	if ! "$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
		-artifact_prefix="$build/$name-" -print_final_stats=0 \
		"$corpus/$name" "$corpus" >"$build/$name.log" 2>&1; then
		echo "fuzz: $name FAILED; see $build/$name.log"
		tail -40 "$build/$name.log"
		status=1
		failed=$((failed + 1))
	else
		grep -E '^#[0-9]+.*DONE' "$build/$name.log" | tail -1 || true
		passed=$((passed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
