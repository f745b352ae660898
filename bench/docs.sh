#!/usr/bin/env bash
# bench/docs.sh: times `leakguard scan` on a folder of mixed documents (xlsx,
# ods, docx, odt, pdf, html, eml, zip, tar.gz, 7z) made from bench/gen_text.py's
# text, beside the same scan of that text as plain UTF-8, overall and per
# format, and writes the `## docs` section of bench/RESULTS.md (between the
# <!-- docs:begin --> and <!-- docs:end --> markers; the rest is kept).
#
#   bench/docs.sh                    # ~256 MiB of text, 3 rounds
#   BENCH_DOCS_MB=64 bench/docs.sh   # smaller
#
# Environment:
#   BENCH_DOCS_MB     MiB of source text across the documents (default 256)
#   BENCH_DOCS_ITEMS_PER_MIB
#                     planted items per MiB of text (default 128, as the
#                     sparse file of scan.sh); 0 for the dense text
#   BENCH_DOCS_CACHE  where generated folders are kept, one per parameter set
#                     (default ${XDG_CACHE_HOME:-~/.cache}/leakguard-bench)
#   BENCH_RUNS        timed rounds; medians are reported (default 3)
#   LEAKGUARD         leakguard binary (default build/leakguard)
#   BENCH_RESULTS     the report (default bench/RESULTS.md)
#   TMPDIR            the work directory is made under it and removed on exit
#
# Needs python3 and GNU time; to generate the folder (first run only) also
# soffice (LibreOffice Writer and Calc), zip, tar and 7z; for the other
# pipelines pdftotext (poppler-utils), unzip and rg, each optional.
# scripts/install-deps.sh installs all but poppler-utils and unzip; this
# script installs nothing.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
SIZE_MB=${BENCH_DOCS_MB:-256}
ITEMS=${BENCH_DOCS_ITEMS_PER_MIB:-128}
RUNS=${BENCH_RUNS:-3}
LG=${LEAKGUARD:-$ROOT/build/leakguard}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}
CACHE=${BENCH_DOCS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leakguard-bench}
GNU_TIME=/usr/bin/time
FORMATS=(xlsx ods docx odt pdf html eml zip tgz 7z)

die() {
	echo "docs.sh: $*" >&2
	exit 2
}

for v in SIZE_MB ITEMS RUNS; do
	eval "x=\$$v"
	case $x in '' | *[!0-9]*) die "$v must be a whole number, not '$x'" ;; esac
done
[ "$SIZE_MB" -ge 8 ] || die "BENCH_DOCS_MB must be at least 8"
[ "$RUNS" -ge 1 ] || die "BENCH_RUNS must be at least 1"

command -v python3 >/dev/null 2>&1 || die "python3 not found; run scripts/install-deps.sh"
{ [ -x "$GNU_TIME" ] && "$GNU_TIME" -f '%e' true >/dev/null 2>&1; } ||
	die "GNU time not found at $GNU_TIME; run scripts/install-deps.sh (Debian package 'time')"
[ -x "$LG" ] ||
	die "leakguard binary not found at $LG; build it (cmake -S . -B build && cmake --build build) or set LEAKGUARD"

# ---- the folder: generated once per parameter set, then reused ------------
GEN_ARGS=()
[ "$ITEMS" -gt 0 ] && GEN_ARGS=(--items-per-mib "$ITEMS")
KEY=$({
	echo "size=$SIZE_MB items=$ITEMS"
	cat "$BENCH/gen_docs.py" "$BENCH/gen_text.py"
} | sha256sum | cut -c1-16)
DATA="$CACHE/docs-$KEY"
GENERATED="cached"
if [ ! -f "$DATA/manifest.tsv" ]; then
	for t in soffice zip tar 7z; do
		command -v "$t" >/dev/null 2>&1 ||
			die "$t not found (it makes the documents); run scripts/install-deps.sh"
	done
	mkdir -p "$CACHE"
	rm -rf "$DATA.tmp"
	echo "docs.sh: generating the documents (~$SIZE_MB MiB of text) in $DATA; LibreOffice takes a few minutes ..." >&2
	t0=$(date +%s)
	python3 "$BENCH/gen_docs.py" "${GEN_ARGS[@]}" "$DATA.tmp" "$SIZE_MB" ||
		die "generating the documents failed"
	cat "$DATA.tmp"/plain/*.txt >"$DATA.tmp/plain/all.txt"
	mv "$DATA.tmp" "$DATA"
	GENERATED="generated in $(($(date +%s) - t0)) s"
fi

# shellcheck source=bench/timing.sh
. "$BENCH/timing.sh"
bench_work docs

LG_ARGS=(scan -j1 --format jsonl -o /dev/null)
LG2_ARGS=(scan -j2 --format jsonl -o /dev/null)
docs_of() { if [ "$1" = all ]; then echo "$DATA/docs"; else echo "$DATA/docs/$1"; fi; }
SETS=(all "${FORMATS[@]}")

# the other pipelines a user could put together, where the tools are here
RG_ARGS=(-j1 --no-config)
while IFS= read -r p || [ -n "$p" ]; do
	[ -n "$p" ] && RG_ARGS+=(-e "$p")
done <"$BENCH/rg_patterns.txt"
HAVE_PDF_ALT=0
HAVE_ZIP_ALT=0
if command -v rg >/dev/null 2>&1; then
	command -v pdftotext >/dev/null 2>&1 && HAVE_PDF_ALT=1
	command -v unzip >/dev/null 2>&1 && HAVE_ZIP_ALT=1
fi
mapfile -t PDFS < <(find "$DATA/docs/pdf" -type f -name '*.pdf' | sort)
mapfile -t ZIPS < <(find "$DATA/docs/zip" -type f -name '*.zip' | sort)
# shellcheck disable=SC2016 # expanded by the inner shell
PDF_ALT='for f; do pdftotext -q "$f" -; done'
# shellcheck disable=SC2016
ZIP_ALT='for f; do unzip -p "$f"; done'

# ---- warm the page cache, one untimed scan (fills leakguard's pattern cache)
find "$DATA" -type f -exec cat {} + >/dev/null
"$LG" "${LG_ARGS[@]}" "$DATA/plain/html.txt" >/dev/null 2>&1 || true

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T0=$(now_ns)
for i in $(seq 1 "$RUNS"); do
	echo "docs.sh: round $i/$RUNS" >&2
	for s in "${SETS[@]}"; do
		run "plain_$s" "0 1" "$LG" "${LG_ARGS[@]}" "$DATA/plain/$s.txt"
		run "docs_$s" "0 1" "$LG" "${LG_ARGS[@]}" "$(docs_of "$s")"
	done
	run plain_all_j2 "0 1" "$LG" "${LG2_ARGS[@]}" "$DATA/plain/all.txt"
	run docs_all_j2 "0 1" "$LG" "${LG2_ARGS[@]}" "$DATA/docs"
	if [ "$HAVE_PDF_ALT" = 1 ]; then
		run alt_pdf "0 1" bash -c "$PDF_ALT | rg ${RG_ARGS[*]@Q}" _ "${PDFS[@]}"
	fi
	if [ "$HAVE_ZIP_ALT" = 1 ]; then
		run alt_zip "0 1" bash -c "$ZIP_ALT | rg -a ${RG_ARGS[*]@Q}" _ "${ZIPS[@]}"
	fi
done
RUNS_S=$(awk -v a="$T0" -v b="$(now_ns)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- untimed: what leakguard read (its summary's bytes) and found -----------
summary() { # summary JSON_FILE -> "files skipped errors bytes findings"
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["files"], s["skipped"], s["errors"], s["bytes"], s["findings"])' "$1"
}
declare -A D_SKIP D_ERR D_BYTES D_FIND P_BYTES P_FIND
for s in "${SETS[@]}"; do
	echo "docs.sh: counting ($s)" >&2
	rc=0
	"$LG" scan -j1 --format json -o "$WORK/d.json" "$(docs_of "$s")" 2>"$WORK/d.err" || rc=$?
	[ "$rc" -le 2 ] || { cat "$WORK/d.err" >&2; die "leakguard exited with status $rc ($s)"; }
	read -r _ "D_SKIP[$s]" "D_ERR[$s]" "D_BYTES[$s]" "D_FIND[$s]" <<<"$(summary "$WORK/d.json")"
	"$LG" scan -j1 --format json -o "$WORK/p.json" "$DATA/plain/$s.txt" 2>/dev/null || true
	read -r _ _ _ "P_BYTES[$s]" "P_FIND[$s]" <<<"$(summary "$WORK/p.json")"
done
ALT_PDF_BYTES=0
ALT_ZIP_BYTES=0
ALT_PDF_LINES=0
ALT_ZIP_LINES=0
if [ "$HAVE_PDF_ALT" = 1 ]; then
	ALT_PDF_BYTES=$(bash -c "$PDF_ALT" _ "${PDFS[@]}" | wc -c)
	ALT_PDF_LINES=$(bash -c "$PDF_ALT | rg -c ${RG_ARGS[*]@Q}" _ "${PDFS[@]}" || true)
fi
if [ "$HAVE_ZIP_ALT" = 1 ]; then
	ALT_ZIP_BYTES=$(bash -c "$ZIP_ALT" _ "${ZIPS[@]}" | wc -c)
	ALT_ZIP_LINES=$(bash -c "$ZIP_ALT | rg -a -c ${RG_ARGS[*]@Q}" _ "${ZIPS[@]}" || true)
fi

# ---- numbers ---------------------------------------------------------------
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
field() { awk -F'\t' -v f="$1" -v c="$2" '$1 == f { print $c }' "$DATA/manifest.tsv"; }
total() { awk -F'\t' -v c="$1" 'NR > 1 { s += $c } END { print s }' "$DATA/manifest.tsv"; }

declare -A NAME TEXT DISK NFILES COPIES
NAME=([all]="**all formats**" [xlsx]="xlsx (Calc, CSV ledgers)" [ods]="ods (Calc, CSV ledgers)"
	[docx]="docx (Writer, text)" [odt]="odt (Writer, HTML)" [pdf]="pdf (Writer, text)"
	[html]="html" [eml]="eml (ISO-2022-JP body, base64 CSV)"
	[zip]="zip (txt, csv, html, docx, xlsx)" [tgz]="tar.gz (txt, csv, eml)" [7z]="7z (txt, csv, html)")
for s in "${SETS[@]}"; do
	if [ "$s" = all ]; then
		TEXT[$s]=$(total 4)
		DISK[$s]=$(total 3)
		NFILES[$s]=$(total 2)
		COPIES[$s]="–"
	else
		TEXT[$s]=$(field "$s" 4)
		DISK[$s]=$(field "$s" 3)
		NFILES[$s]=$(field "$s" 2)
		COPIES[$s]=$(field "$s" 6)
	fi
done

TABLE="| documents | files | on disk MiB | source text MiB | leakguard read MiB | plain text: wall s | MB/s | documents: wall s | MB/s per byte read | MB/s per source byte | documents / plain time | peak RSS MB (docs) | CPU s (docs) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
SLOWEST=""
SLOWEST_X=0
for s in "${SETS[@]}"; do
	read -r ps _ _ <<<"$(stats "plain_$s")"
	read -r ds drss dcpu <<<"$(stats "docs_$s")"
	x=$(ratio "$ds" "$ps")
	if [ "$s" != all ] && awk -v a="$x" -v b="$SLOWEST_X" 'BEGIN { exit !(a > b) }'; then
		SLOWEST=$s
		SLOWEST_X=$x
	fi
	TABLE+="
| ${NAME[$s]} | ${NFILES[$s]} | $(mib "${DISK[$s]}") | $(mib "${TEXT[$s]}") | $(mib "${D_BYTES[$s]}") | $(printf '%.3f' "$ps") | $(mbps "${P_BYTES[$s]}" "$ps") | $(printf '%.3f' "$ds") | **$(mbps "${D_BYTES[$s]}" "$ds")** | $(mbps "${TEXT[$s]}" "$ds") | $x× | $(mb "$drss") | $dcpu |"
done
read -r PJ2 PJ2_RSS _ <<<"$(stats plain_all_j2)"
read -r DJ2 DJ2_RSS _ <<<"$(stats docs_all_j2)"
read -r PALL _ _ <<<"$(stats plain_all)"
read -r DALL DALL_RSS _ <<<"$(stats docs_all)"

FIND="| documents | findings in the documents | findings in the plain text | items leakguard could not read (errors) | skipped |
|---|---:|---:|---:|---:|"
for s in "${SETS[@]}"; do
	FIND+="
| ${NAME[$s]} | ${D_FIND[$s]} | ${P_FIND[$s]} | ${D_ERR[$s]} | ${D_SKIP[$s]} |"
done

ALT=""
if [ "$HAVE_PDF_ALT" = 1 ] || [ "$HAVE_ZIP_ALT" = 1 ]; then
	ALT="| pipeline | wall s | MB/s per byte leakguard read | peak RSS MB | matching lines | leakguard -j1 wall s | leakguard / pipeline throughput |
|---|---:|---:|---:|---:|---:|---:|"
	if [ "$HAVE_PDF_ALT" = 1 ]; then
		read -r as arss _ <<<"$(stats alt_pdf)"
		read -r ds _ _ <<<"$(stats docs_pdf)"
		ALT+="
| \`pdftotext -q F - \\| rg\` over the pdf folder (pdftotext wrote $(mib "$ALT_PDF_BYTES") MiB) | $(printf '%.3f' "$as") | $(mbps "${D_BYTES[pdf]}" "$as") | $(mb "$arss") | $ALT_PDF_LINES | $(printf '%.3f' "$ds") | $(ratio "$as" "$ds")× |"
	fi
	if [ "$HAVE_ZIP_ALT" = 1 ]; then
		read -r as arss _ <<<"$(stats alt_zip)"
		read -r ds _ _ <<<"$(stats docs_zip)"
		ALT+="
| \`unzip -p F \\| rg -a\` over the zip folder (unzip wrote $(mib "$ALT_ZIP_BYTES") MiB; the docx and xlsx members stay compressed) | $(printf '%.3f' "$as") | $(mbps "${D_BYTES[zip]}" "$as") | $(mb "$arss") | $ALT_ZIP_LINES | $(printf '%.3f' "$ds") | $(ratio "$as" "$ds")× |"
	fi
else
	ALT="(pdftotext, unzip or rg not found: the other pipelines were not run.)"
fi
if command -v rga >/dev/null 2>&1; then
	RGA="ripgrep-all (\`rga\`) is installed here but not measured."
else
	RGA="No tool in Debian reads all of these formats: ripgrep-all (\`rga\`) is not packaged in Debian, so it is not compared."
fi

CPU_MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[ -n "$CPU_MODEL" ] || CPU_MODEL=$(uname -m)
LG_VER=$("$LG" --version 2>/dev/null | head -n 1 || true)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")
SO_VER=$(soffice --version 2>/dev/null | head -n 1 || echo "soffice not found")
if [ "$ITEMS" -gt 0 ]; then TEXT_KIND="\`gen_text.py --items-per-mib $ITEMS\` (about one planted item per $((1048576 / ITEMS)) bytes, as scan.sh's sparse file)"; else TEXT_KIND="\`gen_text.py\` (dense)"; fi

COPY_LIST=""
for f in "${FORMATS[@]}"; do
	[ "${COPIES[$f]}" = 1 ] || COPY_LIST+="${COPY_LIST:+, }$f ×${COPIES[$f]}"
done

OVERALL="leakguard -j1 read the documents at $(mbps "${D_BYTES[all]}" "$DALL") MB/s per byte it read ($(mbps "${TEXT[all]}" "$DALL") MB/s per source-text byte) against $(mbps "${P_BYTES[all]}" "$PALL") MB/s on the same text as one plain file: $(ratio "$DALL" "$PALL")× the time; slowest reader: $SLOWEST ($SLOWEST_X× its plain text's time); peak RSS $(mb "$DALL_RSS") MB."

cat >"$WORK/section.md" <<EOF
## docs

Written by \`bench/docs.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Do not edit by hand:
re-run the script (it replaces only this section).

**Overall:** $OVERALL

- machine: $CPU_MODEL, \`nproc\` = $(nproc); load average before the timed runs
  $LOAD_BEFORE, after $LOAD_AFTER
- leakguard: ${LG_VER:-?} (binary \`$LG_NAME\`, copied at the start; repo commit $COMMIT)
- documents made by $SO_VER, zip, tar, 7z

### Data

\`bench/gen_docs.py\` ($GENERATED, cache key $KEY): $(mib "${TEXT[all]}") MiB of text from
$TEXT_KIND, cut at line boundaries into ${NFILES[all]} files, $(mib "${DISK[all]}") MiB on disk, one folder per
format. CSV ledgers (each line of text a row, split at its commas; every
column imported as text) through LibreOffice Calc to xlsx and ods; text
through Writer to docx and pdf, HTML to odt; HTML pages; .eml messages
(multipart: the first half of the text an ISO-2022-JP body, the rest a UTF-8
CSV attachment in base64); zip bundles (text, CSV, HTML members and one docx
and one xlsx each), tar.gz (text, CSV, .eml) and 7z (text, CSV, HTML).
LibreOffice lays text out at ~0.15 MB/s into pdf and docx, so xlsx, ods,
docx, odt and pdf are made from less text and copied up to their share
(copies: ${COPY_LIST:-none at this size});
leakguard keeps nothing from one file to the next, so a copy costs what a
new file does. The plain text of each row is the same text as one UTF-8
file, repeated as the documents are copied.

"leakguard read" is the \`bytes\` of leakguard's summary: what went into its
detectors — a member's bytes once out of the archive, an Office part's text
once out of its XML, a PDF page's text from poppler, a mail part after
base64 (the ISO-2022-JP body before it is converted), an HTML page before
its tags are removed. It is not the size on disk.

### Commands

- plain text: \`$LG_NAME ${LG_ARGS[*]} FORMAT.txt\`
- documents: \`$LG_NAME ${LG_ARGS[*]} docs/FORMAT/\`

Every row ran $RUNS times, interleaved (per round: plain, then documents,
for each row); median wall time, largest peak RSS (\`/usr/bin/time\`),
median CPU. The timed rounds took $RUNS_S s. MB = 2^20 bytes. The
machine's speed drifts by up to a third between runs: compare the ratios.

### Results

$TABLE

With two threads (\`-j2\`) on everything: documents $(printf '%.3f' "$DJ2") s
($(mbps "${D_BYTES[all]}" "$DJ2") MB/s per byte read, peak RSS $(mb "$DJ2_RSS") MB), plain
text $(printf '%.3f' "$PJ2") s ($(mbps "${P_BYTES[all]}" "$PJ2") MB/s, $(mb "$PJ2_RSS") MB).

### What a user would otherwise run

$RGA For PDF and zip, the pipelines a user could put together, with
the patterns of \`scan.sh\` (\`bench/rg_patterns.txt\`, no validation):

$ALT

### What each found

A sanity check that the readers hand the detectors the text: findings in
the documents against findings in the same text as a plain file. The mail
rows add a finding or two per message from the headers.

$FIND
EOF

put_section docs "$WORK/section.md"

echo "docs.sh: wrote the docs section of $RESULTS" >&2
echo "overall: $OVERALL"
