#!/usr/bin/env bash
# bench/scan.sh: times `leakguard scan` against single-threaded ripgrep
# (same data types, no validation) and `cat` (the I/O ceiling) on two
# generated files of mixed Japanese/English business text, and writes
# bench/RESULTS.md:
#   dense   personal data about once per 300 bytes (mostly per-finding cost)
#   sparse  one item per ~8 KiB among the same kinds of text without personal
#           data (closer to real files; mostly the cost of scanning text)
# and, informational, the sparse text cut into a folder of small files (a
# file share: mostly the cost of each file).
#
#   bench/scan.sh                      # 256 MiB each, 3 runs each
#   BENCH_SIZE_MB=64 bench/scan.sh     # smaller
#
# Environment:
#   BENCH_SIZE_MB   size of each generated file in MiB (default 256)
#   BENCH_SPARSE_ITEMS_PER_MIB
#                   planted items per MiB in the sparse file (default 128,
#                   one per 8 KiB)
#   BENCH_RUNS      timed runs per tool; the median is reported (default 3)
#   LEAKGUARD       leakguard binary (default build/leakguard under the repo)
#   BENCH_RESULTS   where to write the report (default bench/RESULTS.md)
#   TMPDIR          the work directory is made under it (default /tmp) and
#                   removed on exit
#
# Needs python3, ripgrep (rg) and GNU time (/usr/bin/time, Debian package
# `time`); scripts/install-deps.sh installs them. This script installs nothing.
# `make bench` runs `sh bench/scan.sh`; where sh is not bash (dash), re-run
# under bash, which the arrays below need
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
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
SPARSE_PER_MIB=${BENCH_SPARSE_ITEMS_PER_MIB:-128}
case $SPARSE_PER_MIB in '' | *[!0-9]*) die "BENCH_SPARSE_ITEMS_PER_MIB must be a whole number, not '$SPARSE_PER_MIB'" ;; esac
[ "$SPARSE_PER_MIB" -ge 1 ] || die "BENCH_SPARSE_ITEMS_PER_MIB must be at least 1"
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

# shared: bench_work, run NAME OKCODES CMD..., stats NAME
# shellcheck source=bench/timing.sh
. "$BENCH/timing.sh"
# the work folder, a copy of the binary to measure and a pattern cache of
# the run's own: after the start-up runs below the cache is warm, as it is
# for a user on every run but the first
bench_work scan

# the two data sets, in the order they are run and reported
SETS=(dense sparse)
declare -A GEN_ARGS
GEN_ARGS[dense]=""
GEN_ARGS[sparse]="--items-per-mib $SPARSE_PER_MIB"

# ---- data ----------------------------------------------------------------
declare -A DATA MANIFEST GEN_S BYTES LINES MIB
for d in "${SETS[@]}"; do
	DATA[$d]="$WORK/$d.txt"
	MANIFEST[$d]="$WORK/$d.manifest.tsv"
	echo "scan.sh: generating ${SIZE_MB} MiB of $d test text in $WORK ..." >&2
	t0=$(now_ns)
	# shellcheck disable=SC2086 # GEN_ARGS is empty or an option and its value
	python3 "$BENCH/gen_text.py" ${GEN_ARGS[$d]} "${DATA[$d]}" "$SIZE_MB" "${MANIFEST[$d]}" ||
		die "data generation failed ($d)"
	t1=$(now_ns)
	GEN_S[$d]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	BYTES[$d]=$(wc -c <"${DATA[$d]}")
	LINES[$d]=$(wc -l <"${DATA[$d]}")
	MIB[$d]=$(awk -v b="${BYTES[$d]}" 'BEGIN { printf "%.1f", b / 1048576 }')
done

# the sparse text as a file share: files of 1-12 KiB cut at line ends,
# 100 to a folder (fixed seed)
FOLDER="$WORK/folder"
cat >"$WORK/split.py" <<'PY'
import os, random, sys
src, out = sys.argv[1], sys.argv[2]
rnd = random.Random(20261202)
data = open(src, "rb").read()
pos = files = 0
while pos < len(data):
    end = data.find(b"\n", pos + rnd.randint(1024, 12 * 1024))
    end = len(data) if end < 0 else end + 1
    sub = os.path.join(out, "%03d" % (files // 100))
    if files % 100 == 0:
        os.makedirs(sub)
    with open(os.path.join(sub, "doc%06d.txt" % files), "wb") as f:
        f.write(data[pos:end])
    pos, files = end, files + 1
print(files)
PY
echo "scan.sh: cutting the sparse text into small files in $FOLDER ..." >&2
FOLDER_FILES=$(python3 "$WORK/split.py" "${DATA[sparse]}" "$FOLDER") ||
	die "cutting the sparse text into files failed"
FOLDER_KIB=$(awk -v b="${BYTES[sparse]}" -v n="$FOLDER_FILES" 'BEGIN { printf "%.1f", b / n / 1024 }')

# ---- the commands ----------------------------------------------------------
RG_ARGS=(-j1 --no-config)
while IFS= read -r p || [ -n "$p" ]; do
	[ -n "$p" ] && RG_ARGS+=(-e "$p")
done <"$BENCH/rg_patterns.txt"
NPATS=$(((${#RG_ARGS[@]} - 2) / 2))

LG_ARGS=(scan -j1 --format jsonl -o /dev/null)
# informational: leakguard with only the types ripgrep's patterns cover,
# person_name and jp_address off (names and addresses have no pattern)
SAME_TYPES=$("$LG" scan --list-types | awk '$1 != "person_name" && $1 != "jp_address" { printf "%s%s", (n++ ? "," : ""), $1 }')
[ -n "$SAME_TYPES" ] || die "leakguard scan --list-types listed no types"

# ---- start-up: compiling the pattern database vs. loading it from the cache --
# leakguard caches its compiled Hyperscan database on disk (LEAKGUARD_CACHE_DIR,
# else ~/.cache/leakguard); bench_work gave the run a cache of its own.
: >"$WORK/empty.txt"
for i in $(seq 1 "$RUNS"); do
	LEAKGUARD_NO_CACHE=1 run start_nocache "0 1" "$LG" "${LG_ARGS[@]}" "$WORK/empty.txt"
done
run start_fill "0 1" "$LG" "${LG_ARGS[@]}" "$WORK/empty.txt"
# the informational runs' own database (another set of types), cached too
run start_fill_same "0 1" "$LG" "${LG_ARGS[@]}" --types "$SAME_TYPES" "$WORK/empty.txt"
for i in $(seq 1 "$RUNS"); do
	run start_cached "0 1" "$LG" "${LG_ARGS[@]}" "$WORK/empty.txt"
done

# ---- warm the page cache, then interleave the runs --------------------------
for d in "${SETS[@]}"; do
	cat "${DATA[$d]}" >/dev/null
done
# how much of each file the page cache holds (fincore, util-linux): a
# kernel may page out file pages left idle (DAMON on some VMs), and a
# run that reads from disk is not comparing scanners
resident() {
	local out="" d b
	for d in "${SETS[@]}"; do
		b=$(fincore --bytes --noheadings --output RES "${DATA[$d]}" 2>/dev/null) || b=""
		[ -n "$b" ] || { echo "not measured (no fincore)"; return; }
		out+="${out:+, }$d $(awk -v r="$b" -v s="$(stat -c %s "${DATA[$d]}")" 'BEGIN { printf "%.1f%%", 100 * r / s }')"
	done
	echo "$out"
}
RESIDENT_BEFORE=$(resident)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
NPROC=$(nproc)
T_RUNS0=$(now_ns)
for i in $(seq 1 "$RUNS"); do
	for d in "${SETS[@]}"; do
		echo "scan.sh: round $i/$RUNS, $d: cat, rg, leakguard" >&2
		run "cat_$d" "0" cat "${DATA[$d]}"
		run "rg_$d" "0 1" rg "${RG_ARGS[@]}" "${DATA[$d]}"
		run "leakguard_$d" "0 1" "$LG" "${LG_ARGS[@]}" "${DATA[$d]}"
		run "leakguard_same_$d" "0 1" "$LG" "${LG_ARGS[@]}" --types "$SAME_TYPES" "${DATA[$d]}"
		if [ "$NPROC" -gt 1 ]; then
			run "leakguard_jN_$d" "0 1" "$LG" scan -j"$NPROC" --format jsonl -o /dev/null "${DATA[$d]}"
		fi
	done
done
T_RUNS1=$(now_ns)
RESIDENT_AFTER=$(resident)
RUNS_S=$(awk -v a="$T_RUNS0" -v b="$T_RUNS1" 'BEGIN { printf "%.0f", (b - a) / 1e9 }')

# the folder: its files' pages warm too, then rounds of its own
find "$FOLDER" -type f -exec cat {} + >/dev/null
for i in $(seq 1 "$RUNS"); do
	echo "scan.sh: round $i/$RUNS, folder of $FOLDER_FILES files: rg, leakguard" >&2
	run rg_folder "0 1" rg "${RG_ARGS[@]}" "$FOLDER"
	run leakguard_folder "0 1" "$LG" "${LG_ARGS[@]}" "$FOLDER"
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- counts (untimed) --------------------------------------------------------
# per-type table: planted by the generator vs. found by leakguard
cat >"$WORK/types.py" <<'PY'
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
            rec = json.loads(line)
        except ValueError:
            bad += 1
            continue
        # one per-file summary line ("kind": "records") closes each
        # file's findings: it is not a finding
        if rec.get("kind") != "records":
            found[rec.get("type", "?")] += 1
print("| type | planted by the generator | leakguard findings |")
print("|---|---:|---:|")
for t in sorted(set(planted) | set(found)):
    print(f"| `{t}` | {planted.get(t, 0):,} | {found.get(t, 0):,} |")
print(f"| **total** | **{sum(planted.values()):,}** | **{sum(found.values()):,}** |")
if bad:
    print(f"\n{bad} output lines were not JSON.")
PY

META='^(bytes|records|pool_bytes)$'
declare -A LG_FINDINGS RG_LINES RG_MATCHES PLANTED RECORDS POOL_MIB BPP COMPOSITION
for d in "${SETS[@]}"; do
	echo "scan.sh: counting findings and matches ($d)" >&2
	rc=0
	"$LG" "${LG_ARGS[@]:0:4}" -o "$WORK/findings_$d.jsonl" "${DATA[$d]}" 2>"$WORK/count.err" || rc=$?
	[ "$rc" -le 1 ] || { cat "$WORK/count.err" >&2; die "leakguard exited with status $rc while counting ($d)"; }
	# every line but the file's closing "kind":"records" summary
	LG_FINDINGS[$d]=$(grep -vc '"kind":"records"' "$WORK/findings_$d.jsonl" || true)
	RG_LINES[$d]=$(rg "${RG_ARGS[@]}" -c "${DATA[$d]}" || true)
	RG_MATCHES[$d]=$(rg "${RG_ARGS[@]}" --count-matches "${DATA[$d]}" || true)
	python3 "$WORK/types.py" "${MANIFEST[$d]}" "$WORK/findings_$d.jsonl" >"$WORK/types_$d.md"
	rm -f "$WORK/findings_$d.jsonl"
	m=${MANIFEST[$d]}
	PLANTED[$d]=$(awk -F'\t' -v m="$META" '$1 !~ m { s += $2 } END { print s + 0 }' "$m")
	RECORDS[$d]=$(awk -F'\t' '$1 == "records" { print $2 }' "$m")
	POOL_MIB[$d]=$(awk -F'\t' '$1 == "pool_bytes" { printf "%.1f", $2 / 1048576 }' "$m")
	BPP[$d]=$(awk -v b="${BYTES[$d]}" -v p="${PLANTED[$d]}" 'BEGIN { printf "%.0f", p ? b / p : 0 }')
	COMPOSITION[$d]=$(awk -F'\t' -v m="$META" '$1 !~ m { printf "%s `%s` %s", (n++ ? "," : ""), $1, $2 }' "$m")
done

# ---- numbers -----------------------------------------------------------------
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
secs() { printf '%.3f' "$1"; }

declare -A CAT_S CAT_RSS CAT_CPU RG_S RG_RSS RG_CPU LG_S LG_RSS LG_CPU LGN_S LGN_RSS LGN_CPU
declare -A LGS_S LGS_RSS LGS_CPU LGS_VS_RG
declare -A LG_VS_RG LG_VS_CAT LG_RSS_MB BAR_T BAR_M TABLE
NPASS=0
NBARS=0
for d in "${SETS[@]}"; do
	read -r "CAT_S[$d]" "CAT_RSS[$d]" "CAT_CPU[$d]" <<<"$(stats "cat_$d")"
	read -r "RG_S[$d]" "RG_RSS[$d]" "RG_CPU[$d]" <<<"$(stats "rg_$d")"
	read -r "LG_S[$d]" "LG_RSS[$d]" "LG_CPU[$d]" <<<"$(stats "leakguard_$d")"
	b=${BYTES[$d]}
	LG_VS_RG[$d]=$(awk -v a="${RG_S[$d]}" -v b="${LG_S[$d]}" 'BEGIN { printf "%.2f", a / b }')
	LG_VS_CAT[$d]=$(awk -v a="${CAT_S[$d]}" -v b="${LG_S[$d]}" 'BEGIN { printf "%.3f", a / b }')
	read -r "LGS_S[$d]" "LGS_RSS[$d]" "LGS_CPU[$d]" <<<"$(stats "leakguard_same_$d")"
	LGS_VS_RG[$d]=$(awk -v a="${RG_S[$d]}" -v b="${LGS_S[$d]}" 'BEGIN { printf "%.2f", a / b }')
	LG_RSS_MB[$d]=$(mb "${LG_RSS[$d]}")
	BAR_T[$d]=$(awk -v r="${LG_VS_RG[$d]}" 'BEGIN { print (r >= 2.0 ? "PASS" : "FAIL") }')
	BAR_M[$d]=$(awk -v m="${LG_RSS_MB[$d]}" 'BEGIN { print (m < 100 ? "PASS" : "FAIL") }')
	for v in "${BAR_T[$d]}" "${BAR_M[$d]}"; do
		NBARS=$((NBARS + 1))
		[ "$v" = PASS ] && NPASS=$((NPASS + 1))
	done
	TABLE[$d]="| tool | wall s (median) | MB/s | peak RSS MB | CPU s |
|---|---:|---:|---:|---:|
| cat (ceiling) | $(secs "${CAT_S[$d]}") | $(mbps "$b" "${CAT_S[$d]}") | $(mb "${CAT_RSS[$d]}") | ${CAT_CPU[$d]} |
| ripgrep -j1 | $(secs "${RG_S[$d]}") | $(mbps "$b" "${RG_S[$d]}") | $(mb "${RG_RSS[$d]}") | ${RG_CPU[$d]} |
| **leakguard scan -j1** | **$(secs "${LG_S[$d]}")** | **$(mbps "$b" "${LG_S[$d]}")** | **${LG_RSS_MB[$d]}** | ${LG_CPU[$d]} |
| leakguard -j1, ripgrep's types only (informational, not a bar) | $(secs "${LGS_S[$d]}") | $(mbps "$b" "${LGS_S[$d]}") | $(mb "${LGS_RSS[$d]}") | ${LGS_CPU[$d]} |"
	if [ "$NPROC" -gt 1 ]; then
		read -r "LGN_S[$d]" "LGN_RSS[$d]" "LGN_CPU[$d]" <<<"$(stats "leakguard_jN_$d")"
		TABLE[$d]+="
| leakguard -j$NPROC (informational, not a bar) | $(secs "${LGN_S[$d]}") | $(mbps "$b" "${LGN_S[$d]}") | $(mb "${LGN_RSS[$d]}") | ${LGN_CPU[$d]} |"
	fi
done

read -r RGF_S RGF_RSS RGF_CPU <<<"$(stats rg_folder)"
read -r LGF_S LGF_RSS LGF_CPU <<<"$(stats leakguard_folder)"
LGF_VS_RG=$(awk -v a="$RGF_S" -v b="$LGF_S" 'BEGIN { printf "%.2f", a / b }')

read -r START_NC_S START_NC_RSS _ <<<"$(stats start_nocache)"
read -r START_C_S START_C_RSS _ <<<"$(stats start_cached)"

OVERALL="$NPASS of $NBARS bars pass:"
for d in "${SETS[@]}"; do
	OVERALL+=" $d ${LG_VS_RG[$d]}× ripgrep (${BAR_T[$d]}), ${LG_RSS_MB[$d]} MB (${BAR_M[$d]});"
done
OVERALL=${OVERALL%;}.
if [ "$SIZE_MB" -lt 128 ]; then
	# ripgrep's fixed cost (~50 ms) is a large part of a small file's time
	OVERALL+=" Not meaningful at $SIZE_MB MiB per file: fixed start-up costs skew the ratios; the bars are for the default 256 MiB."
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
SPARSE_BYTES_PER=$((1048576 / SPARSE_PER_MIB))

# bench/logs.sh and bench/docs.sh keep their sections between these
# markers: carry them over
LOGS_SECTION=""
DOCS_SECTION=""
if [ -f "$RESULTS" ]; then
	LOGS_SECTION=$(awk '/<!-- logs:begin -->/ { p = 1 } p { print } /<!-- logs:end -->/ { p = 0 }' "$RESULTS")
	DOCS_SECTION=$(awk '/<!-- docs:begin -->/ { p = 1 } p { print } /<!-- docs:end -->/ { p = 0 }' "$RESULTS")
fi

cat >"$RESULTS" <<EOF
# leakguard scan benchmark

Written by \`bench/scan.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Do not edit by hand:
re-run the script.

**Overall:** $OVERALL

Two data sets of the same size and the same kinds of text are measured:
**dense** (personal data every ~${BPP[dense]} bytes, which measures mostly
leakguard's per-finding work) and **sparse** (one item per ~${BPP[sparse]}
bytes, closer to real documents and logs, which measures mostly the cost of
scanning text that holds nothing).

## Machine

- CPU: $CPU_MODEL, \`nproc\` = $NPROC
- memory: $MEM_GB GiB
- kernel: $(uname -sr)
- load average (1/5/15 min) before the timed runs: $LOAD_BEFORE; after: $LOAD_AFTER
  (anything else running on the machine shows up here and in the times)
- share of each file in the page cache before the timed rounds: $RESIDENT_BEFORE;
  after: $RESIDENT_AFTER (below 100%, some runs read from disk)
- ripgrep: $RG_VER
- leakguard: $LG_VER (binary \`$LG_NAME\`, copied at the start; repo commit $COMMIT)

## Data

Both files are generated by \`bench/gen_text.py\` with a fixed seed, so every
run scans the same bytes. UTF-8, mixed Japanese and English business text.
For each, a pool of distinct records is written again and again, each time in
a different record order.

### Dense

One file of ${MIB[dense]} MiB (${BYTES[dense]} bytes, ${LINES[dense]} lines, ${RECORDS[dense]} records),
generated in ${GEN_S[dense]} s (\`gen_text.py FILE $SIZE_MB\`):
Japanese and English order/invoice e-mails, CSV exports (member lists with
personal data; order lists with only order numbers, SKUs, prices, timestamps),
nginx access logs, application logs, application forms (some with full-width
digits), config files and .env snippets with secrets, and meeting notes full
of numbers that are not personal data (dates, prices, quantities, versions,
order and tracking numbers). Pool: ${POOL_MIB[dense]} MiB.

${PLANTED[dense]} personal-data items were planted, one per ${BPP[dense]} bytes on average:
${COMPOSITION[dense]}.

### Sparse

One file of ${MIB[sparse]} MiB (${BYTES[sparse]} bytes, ${LINES[sparse]} lines, ${RECORDS[sparse]} records),
generated in ${GEN_S[sparse]} s (\`gen_text.py --items-per-mib $SPARSE_PER_MIB FILE $SIZE_MB\`):
the same kinds of text without personal data — internal and shipping-notice
e-mails without addresses or phone numbers, English status e-mails, stock,
sales and order CSVs, nginx access logs, application logs, purchase-request
forms, config files without secrets, meeting notes and chat logs — still
full of ordinary numbers (timestamps, dates, prices, quantities, order,
invoice and tracking numbers, IPs, versions, durations). Whenever the
planted items fall behind one per $SPARSE_BYTES_PER bytes, a record from the dense mix
above (same record kinds and weights) is inserted, so the personal data is
spread evenly and has the dense set's mix of types. Pool: ${POOL_MIB[sparse]} MiB.

${PLANTED[sparse]} personal-data items were planted, one per ${BPP[sparse]} bytes on average:
${COMPOSITION[sparse]}.

In both sets cards, My Numbers and corporate numbers carry valid check
digits; phones follow the real numbering plan.

## Commands

Each tool ran $RUNS times on each file, interleaved (per round: cat, rg,
leakguard, ... on the dense file, then the same on the sparse file), after
one \`cat\` of each file to warm the page cache (it cannot be dropped here).
Wall time is the median of the runs; peak RSS is the largest of the runs,
from \`/usr/bin/time -f '%M'\`; CPU is user+sys, median. The timed rounds took
$RUNS_S s in all.

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
addresses have no ripgrep pattern, but leakguard looks for them by default
(validating names with MeCab), and the bars time that default. An
informational row times leakguard with only the types ripgrep's patterns
cover (\`--types\` without \`person_name\` and \`jp_address\`).

$PAT_LIST

## Results

MB = 2^20 bytes. ripgrep memory-maps a single file, so its RSS counts the
mapped file pages; leakguard and cat read it in buffers.

### Dense data (one item per ${BPP[dense]} bytes)

${TABLE[dense]}

- leakguard / ripgrep throughput: **${LG_VS_RG[dense]}×** (ripgrep's types only: ${LGS_VS_RG[dense]}×, informational)
- leakguard / cat throughput: **${LG_VS_CAT[dense]}×** (the share of the read-from-page-cache ceiling)
- leakguard peak RSS: **${LG_RSS_MB[dense]} MB**

### Sparse data (one item per ${BPP[sparse]} bytes)

${TABLE[sparse]}

- leakguard / ripgrep throughput: **${LG_VS_RG[sparse]}×** (ripgrep's types only: ${LGS_VS_RG[sparse]}×, informational)
- leakguard / cat throughput: **${LG_VS_CAT[sparse]}×** (the share of the read-from-page-cache ceiling)
- leakguard peak RSS: **${LG_RSS_MB[sparse]} MB**

### A folder of small files (informational, not a bar)

The sparse text cut at line ends into $FOLDER_FILES files of 1–12 KiB
(${FOLDER_KIB} KiB on average), 100 to a folder, as a file share holds
documents: the same bytes, with each file's own costs (opening it, telling
its encoding, starting the detectors, the kernel's path look-ups). Timed in
rounds of their own after the files' pages were read once.

| tool | wall s (median) | MB/s | peak RSS MB | CPU s |
|---|---:|---:|---:|---:|
| ripgrep -j1 | $(secs "$RGF_S") | $(mbps "${BYTES[sparse]}" "$RGF_S") | $(mb "$RGF_RSS") | $RGF_CPU |
| **leakguard scan -j1** | **$(secs "$LGF_S")** | **$(mbps "${BYTES[sparse]}" "$LGF_S")** | **$(mb "$LGF_RSS")** | $LGF_CPU |

- leakguard / ripgrep throughput: **${LGF_VS_RG}×**

### Start-up

leakguard's start-up, scanning an empty file (median of $RUNS):

| start-up | wall s | peak RSS MB |
|---|---:|---:|
| compiling the pattern database (\`LEAKGUARD_NO_CACHE=1\`, and a user's first run) | $(secs "$START_NC_S") | $(mb "$START_NC_RSS") |
| loading it from the on-disk cache (every later run) | $(secs "$START_C_S") | $(mb "$START_C_RSS") |

The timed runs above start with a warm cache.

### Bars

| data | bar | measured | verdict |
|---|---|---|---|
| dense | leakguard ≥ 2× ripgrep throughput | ${LG_VS_RG[dense]}× | **${BAR_T[dense]}** |
| dense | leakguard peak RSS < 100 MB | ${LG_RSS_MB[dense]} MB | **${BAR_M[dense]}** |
| sparse | leakguard ≥ 2× ripgrep throughput | ${LG_VS_RG[sparse]}× | **${BAR_T[sparse]}** |
| sparse | leakguard peak RSS < 100 MB | ${LG_RSS_MB[sparse]} MB | **${BAR_M[sparse]}** |

Overall: $OVERALL

### What each found

The generator's counts are of what it planted on purpose; leakguard may also
find real-looking values in the filler (a 16-digit order number that happens
to pass Luhn and an issuer range) and may skip planted ones its context rules
reject, so the two columns are a sanity check, not a precision/recall score.

#### Dense

ripgrep printed ${RG_LINES[dense]} matching lines (${RG_MATCHES[dense]} matches);
leakguard reported ${LG_FINDINGS[dense]} findings (validated, masked, with confidence).

$(cat "$WORK/types_dense.md")

#### Sparse

ripgrep printed ${RG_LINES[sparse]} matching lines (${RG_MATCHES[sparse]} matches);
leakguard reported ${LG_FINDINGS[sparse]} findings (validated, masked, with confidence).

$(cat "$WORK/types_sparse.md")
EOF

if [ -n "$LOGS_SECTION" ]; then
	printf '\n%s\n' "$LOGS_SECTION" >>"$RESULTS"
fi
if [ -n "$DOCS_SECTION" ]; then
	printf '\n%s\n' "$DOCS_SECTION" >>"$RESULTS"
fi

echo "scan.sh: wrote $RESULTS" >&2
for d in "${SETS[@]}"; do
	echo "$d: cat $(secs "${CAT_S[$d]}")s $(mbps "${BYTES[$d]}" "${CAT_S[$d]}")MB/s | rg $(secs "${RG_S[$d]}")s $(mbps "${BYTES[$d]}" "${RG_S[$d]}")MB/s | leakguard $(secs "${LG_S[$d]}")s $(mbps "${BYTES[$d]}" "${LG_S[$d]}")MB/s ${LG_RSS_MB[$d]}MB | lg/rg ${LG_VS_RG[$d]}x ${BAR_T[$d]} | rss ${BAR_M[$d]}"
done
echo "folder of $FOLDER_FILES files: rg $(secs "$RGF_S")s | leakguard $(secs "$LGF_S")s | lg/rg ${LGF_VS_RG}x (informational)"
echo "overall: $OVERALL"
