#!/usr/bin/env python3
"""Score leakguard against the evaluation corpus (tests/eval).

    python3 score.py --leakguard build/leakguard --corpus tests/eval [--verbose]

First builds the derived-format fixtures (derive.py: xlsx/ods, docx/odt/pdf, pptx/odp, HTML,
.eml, mbox, zip/tar.gz/tar.xz/tar.zst/7z, a lone .gz/.bz2/.xz and an .lzh, made from docs/ by
LibreOffice, Python's email package and the archivers) into a temporary docs_bin/, then
runs `<leakguard> scan --format jsonl --reveal -j1 docs docs_bin` there (docs is a link to
the corpus's docs/), so finding paths come out as `docs/<file>` and
`docs_bin/<fixture>!/<member>`.  Exit status 0 (nothing found) and 1
(findings) of the tool are both success; anything else is an error.

Findings are matched to labels (labels.jsonl, and the derived fixtures' labels) per
(file, type), the file being the part of the finding's path before the first "!/", after
normalising the finding's value the same way labels are normalised (see README.md), so a
finding may report the value as written ("０９０ー１２３４ー５６７８", "昭和60年4月12日") or
already normalised ("09012345678", "1985-04-12").  A jp_address finding also matches a label
when one is a prefix of the other and the shorter already holds the first digit of the
longer's block number.  A finding that matches an optional label (a name outside the
detector's contexts) is neither a TP nor an FP.

Prints a per-type table (TP, FP, FN, precision, recall, F1), micro P/R/F1, and the check of
the `people` count of every tabular fixture (records lines) against manifest.json.  With
--verbose, per-format scores, recall per encoding, and every false positive and false
negative (path, type, masked value, line) with a hint where one is known.  A derived
fixture's format (derived.json "formats": xlsx ... pptx, odp, tar.xz, tar.zst, gz, bz2, xz,
lzh) is its line in the per-format scores; docs/ files are grouped by extension.

Exit status: 0 if micro-F1 >= 0.95, every type that has labels has F1 >= its bar (0.85 for
person_name and jp_address, 0.90 for the others) and every people count is exact; 1
otherwise; 2 if the tool, a fixture-making tool (soffice ...) or the corpus could not be run
or read.  The last line printed is always `N passed, M failed` (types, and the people check,
meeting / missing the bar).

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from typeids import CONTEXT_TYPES, TYPES  # noqa: E402

DIGIT_TYPES = {"credit_card", "card_cvv", "jp_my_number", "jp_corporate_number", "jp_postal_code",
               "jp_bank_account", "jp_drivers_license"}
TYPE_BAR = 0.90
CONTEXT_BAR = 0.85  # person_name, jp_address (issue 4)
MICRO_BAR = 0.95

ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018,
        "M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                          "oct", "nov", "dec"])}
HYPHENS = "-‐‑‒–—―−ー－ｰ﹣─━"


def nfkc(s):
    s = unicodedata.normalize("NFKC", s)
    return "".join("-" if ch in HYPHENS else ch for ch in s)


def only_digits(s):
    return "".join(ch for ch in s if ch.isdigit())


def _ymd(y, m, d):
    try:
        y, m, d = int(y), int(m), int(d)
        if 1 <= m <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{m:02d}-{d:02d}"
    except ValueError:
        pass
    return None


def norm_date(v):
    s = nfkc(v).strip()
    m = re.search(r"(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2}|元)\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})", s, re.I)
    if m:
        era = m.group(1).upper() if len(m.group(1)) == 1 else m.group(1)
        y = 1 if m.group(2) == "元" else int(m.group(2))
        r = _ymd(ERAS[era] + y, m.group(3), m.group(4))
        if r:
            return r
    m = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", s)
    if m:
        r = _ymd(*m.groups())
        if r:
            return r
    m = re.search(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})", s)
    if m and m.group(2).lower() in MONTHS:
        r = _ymd(m.group(3), MONTHS[m.group(2).lower()], m.group(1))
        if r:
            return r
    m = re.search(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})", s)
    if m and m.group(1).lower() in MONTHS:
        r = _ymd(m.group(3), MONTHS[m.group(1).lower()], m.group(2))
        if r:
            return r
    m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        r = _ymd(y, b, a) if a > 12 else _ymd(y, a, b)
        if r:
            return r
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s)
    if m:
        r = _ymd(*m.groups())
        if r:
            return r
    return s


def norm_expiry(v):
    s = nfkc(v).strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m:
        return s
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月", s)
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    m = re.search(r"(\d{4})\s*[/-]\s*(\d{1,2})(?!\d)", s)
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    m = re.search(r"(\d{1,2})\s*[/-]\s*(\d{4}|\d{2})(?!\d)", s)
    if m:
        y = int(m.group(2))
        if y < 100:
            y += 2000
        return f"{y:04d}-{int(m.group(1)):02d}"
    return s


def norm_phone(v):
    s = nfkc(v).strip()
    d = only_digits(s)
    if s.startswith("+81") or s.startswith("81") and len(d) >= 11 and not d.startswith("0"):
        d = d[2:]
        if not d.startswith("0"):
            d = "0" + d
    return d


PEM_RE = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")


def normalise(typ, v):
    if v is None:
        return None
    v = str(v)
    if typ in DIGIT_TYPES:
        return only_digits(nfkc(v))
    if typ == "jp_phone":
        return norm_phone(v)
    if typ == "birth_date":
        return norm_date(v)
    if typ == "card_expiry":
        return norm_expiry(v)
    if typ == "email":
        s = nfkc(v).strip().strip("<>\"'").lower()
        return s[7:] if s.startswith("mailto:") else s
    if typ in ("jp_passport", "jp_residence_card"):
        return re.sub(r"\s", "", nfkc(v)).upper()
    if typ == "private_key":
        m = PEM_RE.search(v)
        return m.group(0) if m else v.strip()
    if typ in ("person_name", "jp_address"):
        return "".join(ch for ch in nfkc(v) if not ch.isspace()).casefold()
    return v.strip().strip("\"'`")


# Where the block number (番地) of a normalised address starts: its first digit, or a kanji
# numeral of 丁目/番/番地/号 (not the 一 of 一番町 or the 八 of 八丁堀, which are town names).
BLOCK_RE = re.compile(r"\d|[〇一二三四五六七八九十]+(?=丁目|番地|番(?!町)|号)")


def address_match(a, b):
    """Normalised addresses a and b name the same place: equal, or one a prefix of the other
    with the shorter already holding the first digit of the longer's block number (so a
    building left off or added still matches; "東京都新宿区" never does)."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if not long_.startswith(short):
        return False
    m = BLOCK_RE.search(long_)
    return m is not None and len(short) > m.start()


def container(path):
    """The file a finding is in: the part of its path before the first "!/"."""
    return path.split("!/", 1)[0]


def mask(v):
    v = str(v)
    if "@" in v:
        local, _, dom = v.partition("@")
        return (local[:1] + "***@" + dom) if local else "***@" + dom
    if v.startswith("-----BEGIN"):
        return v
    if len(v) <= 4:
        return "*" * len(v)
    if len(v) < 10:
        return v[:2] + "*" * (len(v) - 4) + v[-2:]
    return v[:4] + "*" * min(len(v) - 8, 8) + v[-4:]


def norm_path(p, corpus):
    p = str(p).replace("\\", "/")
    if os.path.isabs(p):
        try:
            p = os.path.relpath(p, corpus).replace("\\", "/")
        except ValueError:
            pass
    while p.startswith("./"):
        p = p[2:]
    return p


def load_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except ValueError as e:
                    raise SystemExit(f"{path}:{i}: bad JSON: {e}")
    return out


def run_tool(binary, cwd, targets):
    cmd = [binary, "scan", "--format", "jsonl", "--reveal", "-j1"] + targets
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"score.py: cannot run {binary}: {e}", file=sys.stderr)
        return None, None
    if proc.returncode not in (0, 1):
        print(f"score.py: {' '.join(cmd)} exited with status {proc.returncode}", file=sys.stderr)
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-4000:])
        return None, None
    return proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def parse_findings(text):
    """(findings, records lines, lines that were not JSON objects)."""
    findings, records, bad = [], [], 0
    for line in text.split("\n"):  # not splitlines(): U+0085/U+2028 may legally appear inside JSON strings
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(obj, dict) and obj.get("kind") == "records":
            records.append(obj)  # a file's people count, not a finding
        elif isinstance(obj, dict):
            findings.append(obj)
        else:
            bad += 1
    return findings, records, bad


def fmt(x):
    return "   -  " if x is None else f"{x:6.3f}"


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    if tp == 0:
        f = 0.0 if (fp or fn) else None
    else:
        f = 2 * p * r / (p + r)
    return p, r, f


def bar_of(typ):
    return CONTEXT_BAR if typ in CONTEXT_TYPES else TYPE_BAR


def match_group(typ, labs, finds):
    """Pairs findings with labels of one (file, type).  labs: [(value, line, optional)],
    finds: [(value, finding)].  Returns (tp, fps, fns, ignored): fps the unmatched findings,
    fns the unmatched required labels as (value, line), ignored the findings that matched an
    optional label."""
    req = [(v, ln) for v, ln, opt in labs if not opt]
    opt = [(v, ln) for v, ln, o in labs if o]
    left = list(finds)
    tp = 0

    def take(pool, same):
        nonlocal left, tp
        rest = []
        matched = 0
        for v, f in left:
            for i, (lv, ln) in enumerate(pool):
                if same(v, lv) and (ln == f.get("line") or not by_line):
                    del pool[i]
                    matched += 1
                    break
            else:
                rest.append((v, f))
        left = rest
        return matched

    eq = lambda a, b: a == b  # noqa: E731
    rules = [eq, address_match] if typ == "jp_address" else [eq]
    # Same line first, so that listed FP / FN lines point at the occurrences that really differ.
    for rule in rules:
        for by_line in (True, False):
            tp += take(req, rule)
    ignored = 0
    for rule in rules:
        for by_line in (True, False):
            ignored += take(opt, rule)
    return tp, [f for _, f in left], req, ignored


def build_derived(corpus, workdir):
    """Runs derive.py into workdir; (derived dict, None) or (None, exit status)."""
    cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "derive.py"),
           "--corpus", corpus, "--out", workdir]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.stderr.write(err[-4000:])
        return None, 2
    with open(os.path.join(workdir, "derived.json"), encoding="utf-8") as fh:
        return json.load(fh), None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leakguard", help="path to the leakguard binary")
    ap.add_argument("--corpus", default=os.path.dirname(os.path.abspath(__file__)),
                    help="corpus directory holding docs/ and labels.jsonl (default: this script's directory)")
    ap.add_argument("--findings", help="score this jsonl file instead of running the binary")
    ap.add_argument("--derived", metavar="DIR",
                    help="with --findings: the directory derive.py wrote (derived.json) for those findings; "
                         "with --leakguard: build docs_bin/ here and keep it")
    ap.add_argument("--no-derived", action="store_true", help="score docs/ only (no derived formats)")
    ap.add_argument("--save-findings", metavar="FILE", help="also write the tool's raw jsonl output to FILE")
    ap.add_argument("-v", "--verbose", action="store_true", help="list each false positive and false negative")
    args = ap.parse_args()

    corpus = os.path.abspath(args.corpus)
    labels_path = os.path.join(corpus, "labels.jsonl")
    if not os.path.isfile(labels_path) or not os.path.isdir(os.path.join(corpus, "docs")):
        print(f"score.py: {corpus} has no labels.jsonl or docs/", file=sys.stderr)
        print("0 passed, 0 failed")
        return 2
    labels = load_jsonl(labels_path)
    negatives = load_jsonl(os.path.join(corpus, "negatives.jsonl")) if os.path.isfile(os.path.join(corpus, "negatives.jsonl")) else []
    manifest = {}
    if os.path.isfile(os.path.join(corpus, "manifest.json")):
        with open(os.path.join(corpus, "manifest.json"), encoding="utf-8") as fh:
            manifest = {m["path"]: m for m in json.load(fh)}
    gold_people = {p: m["people"] for p, m in manifest.items() if m.get("people") is not None}
    formats = {}

    t0 = time.monotonic()
    tmp = None
    derived = None
    try:
        if args.findings:
            if args.derived and not args.no_derived:
                with open(os.path.join(args.derived, "derived.json"), encoding="utf-8") as fh:
                    derived = json.load(fh)
            with open(args.findings, encoding="utf-8") as fh:
                out = fh.read()
        elif args.leakguard:
            binary = os.path.abspath(args.leakguard) if os.path.exists(args.leakguard) else args.leakguard
            targets, cwd = ["docs"], corpus
            if not args.no_derived:
                work = os.path.abspath(args.derived) if args.derived else None
                if work:
                    shutil.rmtree(os.path.join(work, "docs_bin"), ignore_errors=True)
                    os.makedirs(work, exist_ok=True)
                else:
                    work = tmp = tempfile.mkdtemp(prefix="lg-eval-")
                derived, status = build_derived(corpus, work)
                if derived is None:
                    print("score.py: could not build the derived-format fixtures (see above)", file=sys.stderr)
                    print("0 passed, 0 failed")
                    return status
                link = os.path.join(work, "docs")
                if os.path.islink(link):
                    os.unlink(link)
                os.symlink(os.path.join(corpus, "docs"), link)
                targets, cwd = ["docs", "docs_bin"], work
            t1 = time.monotonic()
            out, err = run_tool(binary, cwd, targets)
            t_scan = time.monotonic() - t1
            if out is None:
                print("0 passed, 0 failed")
                return 2
        else:
            ap.error("one of --leakguard or --findings is required")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if derived:
        for lab in derived["labels"]:
            labels.append(lab)
        gold_people.update(derived["people"])
        formats.update(derived["formats"])
    if args.save_findings:
        with open(args.save_findings, "w", encoding="utf-8") as fh:
            fh.write(out)
    findings, records, bad = parse_findings(out)
    if bad:
        print(f"warning: {bad} output line(s) were not JSON objects", file=sys.stderr)

    def fmt_of(path):
        if path in formats:
            return formats[path]
        return "docs/" + (os.path.splitext(path)[1][1:] or "other") if args.verbose else "docs"

    # --- group labels and findings by (file, type) ----------------------------------------
    glabs = defaultdict(list)
    for lab in labels:
        glabs[(lab["path"], lab["type"])].append((normalise(lab["type"], lab["value"]), lab.get("line"),
                                                   bool(lab.get("optional"))))
    gfinds = defaultdict(list)
    unscored = Counter()
    for f in findings:
        typ = f.get("type")
        if typ not in TYPES:
            unscored[typ] += 1
            continue
        raw = f.get("value")
        if raw is None:
            raw = f.get("normalized", f.get("normalised"))
        gfinds[(container(norm_path(f.get("path", ""), corpus)), typ)].append((normalise(typ, raw), f))
    if findings and all(f.get("value") is None for f in findings):
        print("warning: findings carry no 'value' (was --reveal honoured?)", file=sys.stderr)

    tp, fp, fn, ign = Counter(), Counter(), Counter(), Counter()
    ftp, ffp, ffn = Counter(), Counter(), Counter()          # per format
    ttp, tfp, tfn = Counter(), Counter(), Counter()          # per (format, type)
    fps, fns = [], []
    for key in set(glabs) | set(gfinds):
        path, typ = key
        t, lf, lr, ig = match_group(typ, glabs.get(key, []), gfinds.get(key, []))
        fo = fmt_of(path)
        tp[typ] += t
        fp[typ] += len(lf)
        fn[typ] += len(lr)
        ign[typ] += ig
        ftp[fo] += t
        ffp[fo] += len(lf)
        ffn[fo] += len(lr)
        ttp[fo, typ] += t
        tfp[fo, typ] += len(lf)
        tfn[fo, typ] += len(lr)
        fps.extend((path, typ, v, f) for v, f in [(normalise(typ, f.get("value")), f) for f in lf])
        fns.extend((path, typ, v, ln) for v, ln in lr)

    # --- table ---------------------------------------------------------------------------
    n_lab = Counter(l["type"] for l in labels if not l.get("optional"))
    n_opt = sum(1 for l in labels if l.get("optional"))
    ndocs = len(os.listdir(os.path.join(corpus, "docs")))
    print(f"corpus: {corpus}  documents: {ndocs} + {len(formats)} derived  labels: {sum(n_lab.values())} "
          f"(+{n_opt} optional)  findings: {len(findings)}")
    print()
    hdr = f"{'type':24s} {'labels':>6s} {'found':>6s} {'TP':>6s} {'FP':>6s} {'FN':>6s} {'prec':>6s} {'recall':>6s} {'F1':>6s}  status"
    print(hdr)
    print("-" * len(hdr))
    passed = failed = 0
    for t in TYPES:
        if not n_lab[t] and not (tp[t] + fp[t]):
            continue
        p, r, f1 = prf(tp[t], fp[t], fn[t])
        if n_lab[t]:
            ok = f1 is not None and f1 >= bar_of(t)
        else:
            ok = fp[t] == 0
        passed += ok
        failed += not ok
        print(f"{t:24s} {n_lab[t]:6d} {tp[t] + fp[t]:6d} {tp[t]:6d} {fp[t]:6d} {fn[t]:6d} {fmt(p)} {fmt(r)} {fmt(f1)}  "
              f"{'ok' if ok else 'FAIL'}" + (f"  (bar {bar_of(t):.2f})" if t in CONTEXT_TYPES else ""))
    TP, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    mp, mr, mf = prf(TP, FP, FN)
    print("-" * len(hdr))
    print(f"{'micro':24s} {sum(n_lab.values()):6d} {TP + FP:6d} {TP:6d} {FP:6d} {FN:6d} {fmt(mp)} {fmt(mr)} {fmt(mf)}  "
          f"{'ok' if (mf or 0) >= MICRO_BAR else 'FAIL'}")
    if sum(ign.values()):
        print("findings matching optional labels (not scored): " +
              ", ".join(f"{k}={v}" for k, v in sorted(ign.items()) if v))
    if unscored:
        print("not scored (types outside the evaluated set): " +
              ", ".join(f"{k}={v}" for k, v in sorted(unscored.items(), key=lambda kv: str(kv[0]))))

    # --- people per tabular fixture ----------------------------------------------------------
    if gold_people:
        got = defaultdict(int)
        seen = defaultdict(list)
        for rec in records:
            rp = norm_path(rec.get("path", ""), corpus)
            for gp in gold_people:
                if rp == gp or rp.startswith(gp + "!/"):
                    got[gp] += int(rec.get("people") or 0)
                    seen[gp].append(rp)
        bad_people = sorted(gp for gp, n in gold_people.items() if got.get(gp) != n or not seen.get(gp))
        ok = not bad_people
        passed += ok
        failed += not ok
        print()
        print(f"people (tabular fixtures): {len(gold_people) - len(bad_people)}/{len(gold_people)} exact  "
              f"{'ok' if ok else 'FAIL'}")
        for gp in bad_people:
            where = ", ".join(seen[gp]) if seen.get(gp) else "no records line"
            print(f"  people {gp}: expected {gold_people[gp]}, got {got.get(gp, 0)}  [{where}]")

    # --- details -------------------------------------------------------------------------------
    if args.verbose:
        print()
        print("by format (micro over all types; types below their bar in that format):")
        for fo in sorted(set(ftp) | set(ffp) | set(ffn)):
            p, r, f1 = prf(ftp[fo], ffp[fo], ffn[fo])
            weak = []
            for t in TYPES:
                if tfn[fo, t] + ttp[fo, t]:
                    _, _, tf = prf(ttp[fo, t], tfp[fo, t], tfn[fo, t])
                    if (tf or 0) < bar_of(t):
                        weak.append(f"{t} {tf or 0:.2f} ({ttp[fo, t]}/{ttp[fo, t] + tfn[fo, t]})")
                elif tfp[fo, t]:
                    weak.append(f"{t} FP={tfp[fo, t]}")
            print(f"  {fo:14s} labels {ftp[fo] + ffn[fo]:5d}  TP {ftp[fo]:5d}  FP {ffp[fo]:4d}  FN {ffn[fo]:4d}  "
                  f"P {fmt(p)} R {fmt(r)} F1 {fmt(f1)}" + (("\n      below bar: " + "; ".join(weak)) if weak else ""))

        neg_index = defaultdict(list)
        for n in negatives:
            neg_index[(n["path"], only_digits(nfkc(n["value"])) or n["value"])].append(n["kind"])
            neg_index[(n["path"], "".join(ch for ch in nfkc(n["value"]) if not ch.isspace()).casefold())].append(n["kind"])
        label_by_pv = defaultdict(set)
        for (path, typ), labs in glabs.items():
            for v, _, _ in labs:
                label_by_pv[(path, v)].add(typ)
        pred_by_pv = defaultdict(set)
        for (path, typ), fl in gfinds.items():
            for v, _ in fl:
                pred_by_pv[(path, v)].add(typ)

        if manifest:
            print()
            print("recall by encoding (docs/):")
            enc_tp, enc_all = Counter(), Counter()
            missed = Counter((path, typ) for path, typ, _, _ in fns)
            for (path, typ), labs in glabs.items():
                if path not in manifest:
                    continue
                enc = manifest[path].get("encoding", "?")
                n = sum(1 for _, _, o in labs if not o)
                enc_all[enc] += n
                enc_tp[enc] += n - missed[(path, typ)]
            for enc in sorted(enc_all):
                print(f"  {enc:14s} {enc_tp[enc]:5d}/{enc_all[enc]:<5d} {enc_tp[enc] / enc_all[enc]:.3f}")

        print()
        print(f"false positives ({len(fps)}):")
        for path, typ, val, f in sorted(fps, key=lambda x: (x[1], x[0], x[3].get("line") or 0)):
            hint = []
            other = label_by_pv.get((path, val), set()) - {typ}
            if other:
                hint.append("labelled as " + "/".join(sorted(other)))
            kinds = neg_index.get((path, only_digits(val or "") or val)) or neg_index.get((path, val))
            if kinds:
                hint.append("planted negative: " + "/".join(sorted(set(kinds))))
            if any(v == val for v, _, _ in glabs.get((path, typ), [])):
                hint.append("reported more often than labelled")
            fpath = norm_path(f.get("path", ""), corpus)
            m = f.get("masked") or mask(val)
            print(f"  FP {typ:22s} {fpath}:{f.get('line', '?')}  {m}" + (f"   [{'; '.join(hint)}]" if hint else ""))
        print()
        print(f"false negatives ({len(fns)}):")
        for path, typ, val, ln in sorted(fns, key=lambda x: (x[1], x[0], x[3] or 0)):
            hint = []
            other = pred_by_pv.get((path, val), set()) - {typ}
            if other:
                hint.append("reported as " + "/".join(sorted(other)))
            enc = manifest.get(path, {}).get("encoding")
            if enc and enc != "utf-8":
                hint.append(enc)
            if path in formats:
                hint.append(formats[path])
            print(f"  FN {typ:22s} {path}:{ln if ln else '?'}  {mask(val)}" + (f"   [{'; '.join(hint)}]" if hint else ""))

    micro_ok = (mf or 0) >= MICRO_BAR
    print()
    if args.leakguard and not args.findings:
        print(f"time: {time.monotonic() - t0:.1f}s (scan {t_scan:.1f}s)")
    if not micro_ok:
        print(f"micro-F1 {mf or 0:.3f} is below {MICRO_BAR}")
    print(f"{passed} passed, {failed} failed")
    return 0 if (micro_ok and failed == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
