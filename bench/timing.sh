# shellcheck shell=bash
# bench/timing.sh: the helpers scan.sh, logs.sh and docs.sh share (sourced,
# not run). They expect GNU_TIME (/usr/bin/time), LG, ROOT and die from the
# script that sources them; bench_work makes WORK.

now_ns() { date +%s%N; }

# bench_work NAME: the scratch folder WORK (removed on exit), a copy of
# the leakguard binary to measure (so a rebuild during the run cannot
# change it between runs; LG_NAME keeps the name given), and a pattern
# cache of the run's own (LEAKGUARD_CACHE_DIR), so the user's is neither
# read nor changed.
bench_work() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/leakguard-bench-$1.XXXXXX") ||
		die "cannot make a work directory under ${TMPDIR:-/tmp}"
	trap 'rm -rf "$WORK"' EXIT
	trap 'exit 130' INT TERM
	LG_NAME=${LG#"$ROOT"/}
	cp "$LG" "$WORK/leakguard"
	LG="$WORK/leakguard"
	export LEAKGUARD_CACHE_DIR="$WORK/cache"
	mkdir -p "$LEAKGUARD_CACHE_DIR"
	chmod 700 "$LEAKGUARD_CACHE_DIR"
}

# run NAME OKCODES CMD...: one timed run, stdout to /dev/null; appends
# "wall_s rss_kb cpu_s" to $WORK/NAME.times
run() {
	local name=$1 ok=$2 rc=0 t0 t1
	shift 2
	t0=$(now_ns)
	"$GNU_TIME" -f '%M %U %S' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/$name.err" </dev/null || rc=$?
	t1=$(now_ns)
	case " $ok " in
	*" $rc "*) ;;
	*)
		cat "$WORK/$name.err" >&2
		die "$name exited with status $rc: $*"
		;;
	esac
	read -r rss user sys <<<"$(tail -n 1 "$WORK/time.out")"
	awk -v a="$t0" -v b="$t1" -v m="$rss" -v u="$user" -v s="$sys" \
		'BEGIN { printf "%.4f %d %.2f\n", (b - a) / 1e9, m, u + s }' >>"$WORK/$name.times"
}

# stats NAME: median of column 1 (wall), max of column 2 (rss), median of
# column 3 (cpu)
stats() {
	local f="$WORK/$1.times"
	local wall cpu rss
	wall=$(cut -d' ' -f1 "$f" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	cpu=$(cut -d' ' -f3 "$f" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	rss=$(cut -d' ' -f2 "$f" | sort -g | tail -n 1)
	echo "$wall $rss $cpu"
}

# put_section NAME FILE: writes FILE into $RESULTS between
# <!-- NAME:begin --> and <!-- NAME:end --> (appended with the markers
# when absent), leaving the rest of the report alone.
put_section() {
	python3 - "$RESULTS" "$2" "$1" <<'PY'
import os, sys
path, sec = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().rstrip("\n")
B, E = "<!-- %s:begin -->" % sys.argv[3], "<!-- %s:end -->" % sys.argv[3]
block = "%s\n%s\n%s" % (B, sec, E)
old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
i, j = old.find(B), old.find(E)
if i >= 0 and j > i:
    new = old[:i] + block + old[j + len(E):]
else:
    new = (old.rstrip("\n") + "\n\n" if old.strip() else "") + block + "\n"
tmp = path + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    f.write(new)
os.replace(tmp, path)
PY
}
