#!/usr/bin/env bash
# bench/scan.sh: times `leakguard scan` against single-threaded ripgrep
# (same data types, no validation) and `cat` (the I/O ceiling) on one
# generated file of mixed Japanese/English business text with personal data,
# and writes bench/RESULTS.md.
#
#   bench/scan.sh                      # 256 MiB, 3 runs each
#   BENCH_SIZE_MB=64 bench/scan.sh     # smaller
#
# Environment:
#   BENCH_SIZE_MB   size of the generated file in MiB (default 256)
#   BENCH_RUNS      timed runs per tool; the median is reported (default 3)
#   LEAKGUARD       leakguard binary (default build/leakguard under the repo)
#   BENCH_RESULTS   where to write the report (default bench/RESULTS.md)
#   TMPDIR          the work directory is made under it (default /tmp) and
#                   removed on exit
#
# Needs python3, ripgrep (rg) and GNU time (/usr/bin/time, Debian package
# `time`); scripts/install-deps.sh installs them. This script installs nothing.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
SIZE_MB=${BENCH_SIZE_MB:-256}
RUNS=${BENCH_RUNS:-3}
LG=${LEAKGUARD:-$ROOT/build/leakguard}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}
GNU_TIME=/usr/bin/time

die() {
	echo "scan.sh: $*" >&2
	exit 2
}

case $SIZE_MB in '' | *[!0-9]*) die "BENCH_SIZE_MB must be a whole number of MiB, not '$SIZE_MB'" ;; esac
[ "$SIZE_MB" -ge 1 ] || die "BENCH_SIZE_MB must be at least 1"
case $RUNS in '' | *[!0-9]*) die "BENCH_RUNS must be a whole number, not '$RUNS'" ;; esac
[ "$RUNS" -ge 1 ] || die "BENCH_RUNS must be at least 1"

# ---- tools ---------------------------------------------------------------
command -v python3 >/dev/null 2>&1 ||
	die "python3 not found (it generates the data); run scripts/install-deps.sh"
command -v rg >/dev/null 2>&1 ||
	die "ripgrep (rg) not found; run scripts/install-deps.sh (Debian package 'ripgrep')"
{ [ -x "$GNU_TIME" ] && "$GNU_TIME" -f '%e' true >/dev/null 2>&1; } ||
	die "GNU time not found at $GNU_TIME; run scripts/install-deps.sh (Debian package 'time')"
[ -x "$LG" ] ||
	die "leakguard binary not found at $LG; build it (cmake -S . -B build && cmake --build build) or set LEAKGUARD"
[ -f "$BENCH/gen_text.py" ] || die "missing $BENCH/gen_text.py"
[ -f "$BENCH/rg_patterns.txt" ] || die "missing $BENCH/rg_patterns.txt"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/leakguard-bench.XXXXXX") ||
	die "cannot make a work directory under ${TMPDIR:-/tmp}"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

DATA="$WORK/corpus.txt"

# measure a copy, so a rebuild during the run cannot change the binary
# between runs (the display name stays the one given)
LG_NAME=${LG#"$ROOT"/}
cp "$LG" "$WORK/leakguard"
LG="$WORK/leakguard"
MANIFEST="$WORK/manifest.tsv"

now_ns() { date +%s%N; }

# ---- data ----------------------------------------------------------------
echo "scan.sh: generating ${SIZE_MB} MiB of test text in $WORK ..." >&2
t0=$(now_ns)
python3 "$BENCH/gen_text.py" "$DATA" "$SIZE_MB" "$MANIFEST" ||
	die "data generation failed"
t1=$(now_ns)
GEN_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
BYTES=$(wc -c <"$DATA")
LINES=$(wc -l <"$DATA")
MIB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')

# ---- the commands ----------------------------------------------------------
RG_ARGS=(-j1 --no-config)
while IFS= read -r p || [ -n "$p" ]; do
	[ -n "$p" ] && RG_ARGS+=(-e "$p")
done <"$BENCH/rg_patterns.txt"
NPATS=$(((${#RG_ARGS[@]} - 2) / 2))

LG_ARGS=(scan -j1 --format jsonl -o /dev/null)

# run NAME OKCODES CMD...: one timed run, stdout to /dev/null; appends
# "wall_s rss_kb cpu_s" to $WORK/NAME.times
run() {
	local name=$1 ok=$2 rc=0 t0 t1
	shift 2
	t0=$(now_ns)
	"$GNU_TIME" -f '%M %U %S' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/$name.err" || rc=$?
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

# median of column 1 (wall), median of column 3 (cpu), max of column 2 (rss)
stats() {
	local f="$WORK/$1.times"
	local wall cpu rss
	wall=$(cut -d' ' -f1 "$f" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	cpu=$(cut -d' ' -f3 "$f" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	rss=$(cut -d' ' -f2 "$f" | sort -g | tail -n 1)
	echo "$wall $rss $cpu"
}

# ---- start-up: compiling the pattern database vs. loading it from the cache --
# leakguard caches its compiled Hyperscan database on disk (LEAKGUARD_CACHE_DIR,
# else ~/.cache/leakguard). The benchmark uses a cache of its own, so it
# neither reads nor changes the user's; after the start-up runs below it is
# warm, as it is for a user on every run but the first.
export LEAKGUARD_CACHE_DIR="$WORK/cache"
mkdir -p "$LEAKGUARD_CACHE_DIR"
chmod 700 "$LEAKGUARD_CACHE_DIR"
: >"$WORK/empty.txt"
for i in $(seq 1 "$RUNS"); do
	LEAKGUARD_NO_CACHE=1 run start_nocache "0 1" "$LG" "${LG_ARGS[@]}" "$WORK/empty.txt"
done
run start_fill "0 1" "$LG" "${LG_ARGS[@]}" "$WORK/empty.txt"
for i in $(seq 1 "$RUNS"); do
	run start_cached "0 1" "$LG" "${LG_ARGS[@]}" "$WORK/empty.txt"
done

# ---- warm the page cache, then interleave the runs --------------------------
cat "$DATA" >/dev/null
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
NPROC=$(nproc)
for i in $(seq 1 "$RUNS"); do
	echo "scan.sh: round $i/$RUNS: cat, rg, leakguard" >&2
	run cat "0" cat "$DATA"
	run rg "0 1" rg "${RG_ARGS[@]}" "$DATA"
	run leakguard "0 1" "$LG" "${LG_ARGS[@]}" "$DATA"
	if [ "$NPROC" -gt 1 ]; then
		run leakguard_jN "0 1" "$LG" scan -j"$NPROC" --format jsonl -o /dev/null "$DATA"
	fi
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- counts (untimed) --------------------------------------------------------
echo "scan.sh: counting findings and matches" >&2
rc=0
"$LG" "${LG_ARGS[@]:0:4}" -o "$WORK/findings.jsonl" "$DATA" 2>"$WORK/count.err" || rc=$?
[ "$rc" -le 1 ] || { cat "$WORK/count.err" >&2; die "leakguard exited with status $rc while counting"; }
LG_FINDINGS=$(wc -l <"$WORK/findings.jsonl")
RG_LINES=$(rg "${RG_ARGS[@]}" -c "$DATA" || true)
RG_MATCHES=$(rg "${RG_ARGS[@]}" --count-matches "$DATA" || true)
META='^(bytes|records|pool_bytes)$'
PLANTED=$(awk -F'\t' -v m="$META" '$1 !~ m { s += $2 } END { print s + 0 }' "$MANIFEST")

# per-type table: planted by the generator vs. found by leakguard
python3 - "$MANIFEST" "$WORK/findings.jsonl" >"$WORK/types.md" <<'PY'
import collections, json, sys
planted = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for i, line in enumerate(f):
        k, v = line.rstrip("\n").split("\t")
        if k not in ("bytes", "records", "pool_bytes"):
            planted[k] = int(v)
found = collections.Counter()
bad = 0
with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
    for line in f:
        try:
            found[json.loads(line).get("type", "?")] += 1
        except ValueError:
            bad += 1
print("| type | planted by the generator | leakguard findings |")
print("|---|---:|---:|")
for t in sorted(set(planted) | set(found)):
    print(f"| `{t}` | {planted.get(t, 0):,} | {found.get(t, 0):,} |")
print(f"| **total** | **{sum(planted.values()):,}** | **{sum(found.values()):,}** |")
if bad:
    print(f"\n{bad} output lines were not JSON.")
PY

# ---- numbers -----------------------------------------------------------------
read -r CAT_S CAT_RSS CAT_CPU <<<"$(stats cat)"
read -r RG_S RG_RSS RG_CPU <<<"$(stats rg)"
read -r LG_S LG_RSS LG_CPU <<<"$(stats leakguard)"
if [ "$NPROC" -gt 1 ]; then
	read -r LGN_S LGN_RSS LGN_CPU <<<"$(stats leakguard_jN)"
fi

read -r START_NC_S START_NC_RSS _ <<<"$(stats start_nocache)"
read -r START_C_S START_C_RSS _ <<<"$(stats start_cached)"

mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
CAT_T=$(mbps "$CAT_S")
RG_T=$(mbps "$RG_S")
LG_T=$(mbps "$LG_S")
LG_VS_RG=$(awk -v a="$RG_S" -v b="$LG_S" 'BEGIN { printf "%.2f", a / b }')
LG_VS_CAT=$(awk -v a="$CAT_S" -v b="$LG_S" 'BEGIN { printf "%.3f", a / b }')
LG_RSS_MB=$(mb "$LG_RSS")
BAR_T=$(awk -v r="$LG_VS_RG" 'BEGIN { print (r >= 2.0 ? "PASS" : "FAIL") }')
BAR_M=$(awk -v m="$LG_RSS_MB" 'BEGIN { print (m < 100 ? "PASS" : "FAIL") }')
ROWS_N=""
if [ "$NPROC" -gt 1 ]; then
	ROWS_N="| leakguard -j$NPROC (informational, not a bar) | $(printf '%.3f' "$LGN_S") | $(mbps "$LGN_S") | $(mb "$LGN_RSS") | $LGN_CPU |"
fi

CPU_MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[ -n "$CPU_MODEL" ] || CPU_MODEL=$(uname -m)
MEM_GB=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
RG_VER=$(rg --version | head -n 1)
LG_VER=$("$LG" --version 2>/dev/null | head -n 1 || true)
[ -n "$LG_VER" ] || LG_VER="(no --version)"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")

# rg patterns as a list, and as the literal -e words
PAT_LIST=$(awk '{ printf "%2d. `%s`\n", NR, $0 }' "$BENCH/rg_patterns.txt")
COMPOSITION=$(awk -F'\t' -v m="$META" '$1 !~ m { printf "%s `%s` %s", (n++ ? "," : ""), $1, $2 }' "$MANIFEST")
RECORDS=$(awk -F'\t' '$1 == "records" { print $2 }' "$MANIFEST")
POOL_MIB=$(awk -F'\t' '$1 == "pool_bytes" { printf "%.1f", $2 / 1048576 }' "$MANIFEST")
BPP=$(awk -v b="$BYTES" -v p="$PLANTED" 'BEGIN { printf "%.0f", p ? b / p : 0 }')

cat >"$RESULTS" <<EOF
# leakguard scan benchmark

Written by \`bench/scan.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Do not edit by hand:
re-run the script.

## Machine

- CPU: $CPU_MODEL, \`nproc\` = $NPROC
- memory: $MEM_GB GiB
- kernel: $(uname -sr)
- load average (1/5/15 min) before the timed runs: $LOAD_BEFORE; after: $LOAD_AFTER
  (anything else running on the machine shows up here and in the times)
- ripgrep: $RG_VER
- leakguard: $LG_VER (binary \`$LG_NAME\`, copied at the start; repo commit $COMMIT)

## Data

One file of $MIB MiB ($BYTES bytes, $LINES lines, $RECORDS records),
generated in ${GEN_S} s by \`bench/gen_text.py\` with a fixed seed, so every run
scans the same bytes. UTF-8, mixed Japanese and English business text:
Japanese and English order/invoice e-mails, CSV exports (member lists with
personal data; order lists with only order numbers, SKUs, prices, timestamps),
nginx access logs, application logs, application forms (some with full-width
digits), config files and .env snippets with secrets, and meeting notes full
of numbers that are not personal data (dates, prices, quantities, versions,
order and tracking numbers). A $POOL_MIB MiB pool of distinct records
is written again and again, each time in a different record order.

$PLANTED personal-data items were planted, one per $BPP bytes on average:
$COMPOSITION.
Cards, My Numbers and corporate numbers carry valid check digits; phones
follow the real numbering plan.

## Commands

Each tool ran $RUNS times, interleaved (cat, rg, leakguard, ...), after one
\`cat\` to warm the page cache (it cannot be dropped here). Wall time is the
median of the runs; peak RSS is the largest of the runs, from
\`/usr/bin/time -f '%M'\`; CPU is user+sys, median.

- ceiling: \`cat FILE > /dev/null\`
- ripgrep: \`rg -j1 --no-config -e P1 -e P2 … -e P$NPATS FILE > /dev/null\`:
  prints every matching line, as a user grepping for personal data would
  read them (ripgrep does not stop early when stdout is /dev/null).
- leakguard: \`$LG_NAME ${LG_ARGS[*]} FILE\`

The ripgrep patterns (\`bench/rg_patterns.txt\`, one \`-e\` each) cover the
same types as leakguard's detectors, with no validation (no Luhn, no check
digits, no keyword context): card numbers of 13–19 digits with optional
separators, My Number 4-4-4, corporate numbers (13 digits, optional T),
Japanese phone numbers (+81, 0A-…, parentheses), e-mail, postal codes
(〒?ddd-dddd), dates (Western and 和暦), and the label-anchored types with
their Japanese and English labels (bank account, driver's licence, passport,
residence card, CVV, expiry, password, API key, AWS secret), plus AWS key
ids, GitHub and Slack tokens and PEM private-key headers. Digits are written
\`[0-9０-９]\` because leakguard also matches full-width digits; explicit
classes are used instead of \`\\d\`/\`\\s\`/\`\\b\` so Unicode mode (ripgrep's
default) costs nothing beyond the full-width alternatives. Names and
addresses have no pattern on either side.

$PAT_LIST

## Results

| tool | wall s (median) | MB/s | peak RSS MB | CPU s |
|---|---:|---:|---:|---:|
| cat (ceiling) | $(printf '%.3f' "$CAT_S") | $CAT_T | $(mb "$CAT_RSS") | $CAT_CPU |
| ripgrep -j1 | $(printf '%.3f' "$RG_S") | $RG_T | $(mb "$RG_RSS") | $RG_CPU |
| **leakguard scan -j1** | **$(printf '%.3f' "$LG_S")** | **$LG_T** | **$LG_RSS_MB** | $LG_CPU |
$ROWS_N

MB = 2^20 bytes. ripgrep memory-maps a single file, so its RSS counts the
mapped file pages; leakguard and cat read it in buffers.

leakguard's start-up, scanning an empty file (median of $RUNS):

| start-up | wall s | peak RSS MB |
|---|---:|---:|
| compiling the pattern database (\`LEAKGUARD_NO_CACHE=1\`, and a user's first run) | $(printf '%.3f' "$START_NC_S") | $(mb "$START_NC_RSS") |
| loading it from the on-disk cache (every later run) | $(printf '%.3f' "$START_C_S") | $(mb "$START_C_RSS") |

The timed runs above start with a warm cache.

- leakguard / ripgrep throughput: **${LG_VS_RG}×**
- leakguard / cat throughput: **${LG_VS_CAT}×** (the share of the read-from-page-cache ceiling)

### Bars

| bar | measured | verdict |
|---|---|---|
| leakguard ≥ 2× ripgrep throughput | ${LG_VS_RG}× | **$BAR_T** |
| leakguard peak RSS < 100 MB | $LG_RSS_MB MB | **$BAR_M** |

### What each found

ripgrep printed $RG_LINES matching lines ($RG_MATCHES matches);
leakguard reported $LG_FINDINGS findings (validated, masked, with confidence).
The generator's counts are of what it planted on purpose; leakguard may also
find real-looking values in the filler (a 16-digit order number that happens
to pass Luhn and an issuer range) and may skip planted ones its context rules
reject, so the two columns are a sanity check, not a precision/recall score.

$(cat "$WORK/types.md")
EOF

echo "scan.sh: wrote $RESULTS" >&2
echo "cat $(printf '%.3f' "$CAT_S")s ${CAT_T}MB/s | rg $(printf '%.3f' "$RG_S")s ${RG_T}MB/s | leakguard $(printf '%.3f' "$LG_S")s ${LG_T}MB/s ${LG_RSS_MB}MB | lg/rg ${LG_VS_RG}x $BAR_T | rss $BAR_M"
