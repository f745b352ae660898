#!/usr/bin/env bash
# bench/logs.sh: times `leakguard logs` (every shipped rule, one thread)
# against GoAccess, the log analyser a user would otherwise run, on a
# generated day of a Japanese web shop's access log in the combined format,
# and writes the `## logs` section of bench/RESULTS.md (between the
# <!-- logs:begin --> and <!-- logs:end --> markers; the rest of the file,
# written by scan.sh, is kept).
#
#   bench/logs.sh                           # 5,000,000 lines, 3 runs each
#   BENCH_LOG_LINES=1000000 bench/logs.sh   # smaller
#
# Environment:
#   BENCH_LOG_LINES       lines of the generated log (default 5000000)
#   BENCH_GOACCESS_LINES  GoAccess reads only this many first lines of it
#                         (default 1000000; it is much slower); lines/s are
#                         compared
#   BENCH_RUNS            timed runs per tool; the median is reported
#                         (default 3)
#   LEAKGUARD             leakguard binary (default build/leakguard)
#   BENCH_RESULTS         the report (default bench/RESULTS.md)
#   TMPDIR                the work directory is made under it (default /tmp)
#                         and removed on exit
#
# Needs python3, goaccess and GNU time (/usr/bin/time); scripts/install-deps.sh
# installs them. This script installs nothing.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
GEN="$ROOT/tests/logs/gen_traffic.py"
SITE="$ROOT/tests/logs/site.yaml"
LINES=${BENCH_LOG_LINES:-5000000}
GA_LINES=${BENCH_GOACCESS_LINES:-1000000}
RUNS=${BENCH_RUNS:-3}
LG=${LEAKGUARD:-$ROOT/build/leakguard}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}
GNU_TIME=/usr/bin/time
SCENARIOS="enumeration,brute-force,credential-stuffing,sensitive-file-probe,sql-injection,path-traversal"

die() {
	echo "logs.sh: $*" >&2
	exit 2
}

for v in LINES GA_LINES RUNS; do
	eval "x=\$$v"
	case $x in '' | *[!0-9]*) die "$v must be a whole number, not '$x'" ;; esac
	[ "$x" -ge 1 ] || die "$v must be at least 1"
done
[ "$GA_LINES" -le "$LINES" ] || GA_LINES=$LINES

command -v python3 >/dev/null 2>&1 ||
	die "python3 not found (it generates the log); run scripts/install-deps.sh"
command -v goaccess >/dev/null 2>&1 ||
	die "goaccess not found; run scripts/install-deps.sh (Debian package 'goaccess')"
{ [ -x "$GNU_TIME" ] && "$GNU_TIME" -f '%e' true >/dev/null 2>&1; } ||
	die "GNU time not found at $GNU_TIME; run scripts/install-deps.sh (Debian package 'time')"
[ -x "$LG" ] ||
	die "leakguard binary not found at $LG; build it (cmake -S . -B build && cmake --build build) or set LEAKGUARD"
"$LG" logs --help >/dev/null 2>&1 ||
	die "$LG has no working 'logs' verb"
[ -f "$GEN" ] || die "missing $GEN"
[ -f "$SITE" ] || die "missing $SITE"

# shared: bench_work, run NAME OKCODES CMD..., stats NAME
# shellcheck source=bench/timing.sh
. "$BENCH/timing.sh"
bench_work logs

# ---- data ----------------------------------------------------------------
LOG="$WORK/access.log"
PREFIX="$WORK/access-prefix.log"
echo "logs.sh: generating $LINES lines of combined log in $WORK ..." >&2
t0=$(now_ns)
python3 "$GEN" --format combined --scenario "$SCENARIOS" --lines "$LINES" \
	--seed 1 "$LOG" "$WORK/manifest.json" || die "log generation failed"
t1=$(now_ns)
GEN_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
GEN_RATE=$(awk -v n="$LINES" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }')
BYTES=$(wc -c <"$LOG")
NLINES=$(wc -l <"$LOG")
MIB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')
LOG_SHA=$(sha256sum "$LOG" | cut -c1-16)
head -n "$GA_LINES" "$LOG" >"$PREFIX"
PBYTES=$(wc -c <"$PREFIX")
PMIB=$(awk -v b="$PBYTES" 'BEGIN { printf "%.1f", b / 1048576 }')

LG_ARGS=(logs -f jsonl -o /dev/null --config "$SITE" --log-format combined)
GA_ARGS=(--log-format=COMBINED --no-global-config)

# ---- timed runs ----------------------------------------------------------
cat "$LOG" >/dev/null
# one untimed run first: fills leakguard's pattern cache, as on every run
# but a user's first
run warmup "0 1" "$LG" "${LG_ARGS[@]}" "$PREFIX"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
NPROC=$(nproc)
for i in $(seq 1 "$RUNS"); do
	echo "logs.sh: round $i/$RUNS: leakguard (full, prefix), goaccess (prefix)" >&2
	run lg_full "0 1" "$LG" "${LG_ARGS[@]}" "$LOG"
	run lg_prefix "0 1" "$LG" "${LG_ARGS[@]}" "$PREFIX"
	rm -f "$WORK/report.json"
	run goaccess "0" goaccess "${GA_ARGS[@]}" -o "$WORK/report.json" "$PREFIX"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
GA_OK=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["general"]["valid_requests"], d["general"]["failed_requests"])' "$WORK/report.json" 2>/dev/null || echo "? ?")

# ---- alerts (untimed) ------------------------------------------------------
rc=0
"$LG" logs -f jsonl -o "$WORK/alerts.jsonl" --config "$SITE" --log-format combined "$LOG" 2>"$WORK/count.err" || rc=$?
[ "$rc" -le 1 ] || { cat "$WORK/count.err" >&2; die "leakguard exited with status $rc while counting alerts"; }
ALERTS=$(python3 - "$WORK/alerts.jsonl" <<'PY'
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        a = json.loads(line)
    except ValueError:
        continue
    c[(a.get("rule", "?"), a.get("severity", "?"))] += 1
print(", ".join("`%s` %s ×%d" % (r, s, n) for (r, s), n in sorted(c.items())) or "none")
PY
)
CHECK=$(python3 "$ROOT/tests/logs/check_scenario.py" "$LG" "$WORK/manifest.json" 2>&1 | tail -n 1 || true)

# ---- numbers ---------------------------------------------------------------
read -r LGF_S LGF_RSS LGF_CPU <<<"$(stats lg_full)"
read -r LGP_S LGP_RSS LGP_CPU <<<"$(stats lg_prefix)"
read -r GA_S GA_RSS GA_CPU <<<"$(stats goaccess)"
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
LGF_RATE=$(rate "$NLINES" "$LGF_S")
LGP_RATE=$(rate "$GA_LINES" "$LGP_S")
GA_RATE=$(rate "$GA_LINES" "$GA_S")
RATIO=$(awk -v a="$LGF_RATE" -v b="$GA_RATE" 'BEGIN { printf "%.1f", a / b }')
RATIO_P=$(awk -v a="$LGP_RATE" -v b="$GA_RATE" 'BEGIN { printf "%.1f", a / b }')
BAR=$(awk -v r="$RATIO" 'BEGIN { print (r >= 20 ? "PASS" : "FAIL") }')
OVERALL="leakguard logs ${LGF_RATE} lines/s vs GoAccess ${GA_RATE} lines/s: ${RATIO}× (bar ≥ 20×: $BAR); peak RSS $(mb "$LGF_RSS") MB on $LINES lines."

CPU_MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[ -n "$CPU_MODEL" ] || CPU_MODEL=$(uname -m)
GA_VER=$(goaccess --version 2>/dev/null | head -n 1)
LG_VER=$("$LG" --version 2>/dev/null | head -n 1 || true)
[ -n "$LG_VER" ] || LG_VER="(no --version)"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")
sec() { printf '%.3f' "$1"; }

cat >"$WORK/section.md" <<EOF
## logs

Written by \`bench/logs.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Do not edit by hand:
re-run the script (it replaces only this section).

**Overall:** $OVERALL

- machine: $CPU_MODEL, \`nproc\` = $NPROC; load average before the timed runs
  $LOAD_BEFORE, after $LOAD_AFTER
- leakguard: $LG_VER (binary \`$LG_NAME\`, copied at the start; repo commit $COMMIT)
- GoAccess: $GA_VER

### Data

\`tests/logs/gen_traffic.py --format combined --scenario $SCENARIOS --lines $LINES --seed 1\`
(generated in $GEN_S s, $GEN_RATE lines/s; sha256 $LOG_SHA…): one day (JST) of
shop.example.jp in the Apache/nginx combined format, $MIB MiB, $NLINES lines —
anonymous visitors and crawlers on product pages, logged-in customers on
/mypage and their orders, static assets, ad-click landings, staff exports,
a password-reset rush from the office, IPv6 clients — with the planted
incidents above. GoAccess reads the first $GA_LINES lines ($PMIB MiB).

### Commands

- \`leakguard ${LG_ARGS[*]/#$ROOT\//} FILE\` — every shipped rule, one thread,
  site configuration \`tests/logs/site.yaml\`
- \`goaccess ${GA_ARGS[*]} -o report.json PREFIX\` (it parsed
  ${GA_OK% *} valid and ${GA_OK#* } failed requests)

Each run under \`/usr/bin/time\` (peak RSS, CPU); median wall time of $RUNS.

### Results

| tool | lines | wall s (median) | lines/s | MB/s | peak RSS MB | CPU s |
|---|---:|---:|---:|---:|---:|---:|
| **leakguard logs** | $NLINES | **$(sec "$LGF_S")** | **$LGF_RATE** | $(mbps "$BYTES" "$LGF_S") | **$(mb "$LGF_RSS")** | $LGF_CPU |
| leakguard logs (prefix) | $GA_LINES | $(sec "$LGP_S") | $LGP_RATE | $(mbps "$PBYTES" "$LGP_S") | $(mb "$LGP_RSS") | $LGP_CPU |
| GoAccess (prefix) | $GA_LINES | $(sec "$GA_S") | $GA_RATE | $(mbps "$PBYTES" "$GA_S") | $(mb "$GA_RSS") | $GA_CPU |

- leakguard / GoAccess lines/s: **${RATIO}×** (full file vs prefix; on the same prefix ${RATIO_P}×)
- bar: leakguard ≥ 20× GoAccess lines/s — **$BAR**
- leakguard peak RSS on $LINES lines: **$(mb "$LGF_RSS") MB**

Alerts on the full file: $ALERTS.
Scenario check (\`tests/logs/check_scenario.py\`): $CHECK
EOF

# ---- write the section into RESULTS.md, keeping the rest ------------------
put_section logs "$WORK/section.md"

echo "logs.sh: wrote the logs section of $RESULTS" >&2
echo "leakguard $(sec "$LGF_S")s ${LGF_RATE} lines/s $(mb "$LGF_RSS")MB | goaccess $(sec "$GA_S")s ${GA_RATE} lines/s $(mb "$GA_RSS")MB | ${RATIO}x $BAR"
echo "overall: $OVERALL"
