#!/usr/bin/env python3
"""Score leakguard against the evaluation corpus (tests/eval).

    python3 score.py --leakguard build/leakguard --corpus tests/eval [--verbose]

Runs `<leakguard> scan --format jsonl --reveal -j1 docs` with the corpus directory as the
working directory, so finding paths come out as `docs/<file>`.  Exit status 0 (nothing
found) and 1 (findings) of the tool are both success; anything else is an error.

Findings are matched to labels (labels.jsonl) as multisets keyed by (path, type, value),
after normalising the finding's value the same way labels are normalised (see README.md),
so a finding may report the value as written ("０９０ー１２３４ー５６７８",
"昭和60年4月12日") or already normalised ("09012345678", "1985-04-12").

Prints a per-type table (TP, FP, FN, precision, recall, F1) and micro P/R/F1.  Findings
of types outside the evaluated set (e.g. person_name, jp_address) are counted separately
and do not affect the score.  With --verbose, lists every false positive and false
negative (path, type, masked value, line) with a hint where one is known.

Exit status: 0 if micro-F1 >= 0.95 and every type that has labels has F1 >= 0.90;
1 otherwise; 2 if the tool or the corpus could not be read.
The last line printed is always `N passed, M failed` (types meeting / missing the bar).

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from typeids import TYPES  # noqa: E402

DIGIT_TYPES = {"credit_card", "card_cvv", "jp_my_number", "jp_corporate_number", "jp_postal_code",
               "jp_bank_account", "jp_drivers_license"}
TYPE_BAR = 0.90
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
    return v.strip().strip("\"'`")


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


def run_tool(binary, corpus):
    cmd = [binary, "scan", "--format", "jsonl", "--reveal", "-j1", "docs"]
    try:
        proc = subprocess.run(cmd, cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"score.py: cannot run {binary}: {e}", file=sys.stderr)
        return None, None
    if proc.returncode not in (0, 1):
        print(f"score.py: {' '.join(cmd)} exited with status {proc.returncode}", file=sys.stderr)
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-4000:])
        return None, None
    return proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def parse_findings(text):
    findings, bad = [], 0
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
            continue  # a file's people count, not a finding
        if isinstance(obj, dict):
            findings.append(obj)
        else:
            bad += 1
    return findings, bad


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--leakguard", help="path to the leakguard binary")
    ap.add_argument("--corpus", default=os.path.dirname(os.path.abspath(__file__)),
                    help="corpus directory holding docs/ and labels.jsonl (default: this script's directory)")
    ap.add_argument("--findings", help="score this jsonl file instead of running the binary")
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

    if args.findings:
        with open(args.findings, encoding="utf-8") as fh:
            out = fh.read()
    elif args.leakguard:
        out, err = run_tool(os.path.abspath(args.leakguard) if os.path.exists(args.leakguard) else args.leakguard, corpus)
        if out is None:
            print("0 passed, 0 failed")
            return 2
    else:
        ap.error("one of --leakguard or --findings is required")
    if args.save_findings:
        with open(args.save_findings, "w", encoding="utf-8") as fh:
            fh.write(out)
    findings, bad = parse_findings(out)
    if bad:
        print(f"warning: {bad} output line(s) were not JSON objects", file=sys.stderr)

    # --- multisets ----------------------------------------------------------------
    gold = Counter()
    gold_lines = defaultdict(list)
    for lab in labels:
        key = (lab["path"], lab["type"], normalise(lab["type"], lab["value"]))
        gold[key] += 1
        gold_lines[key].append(lab.get("line"))
    pred = Counter()
    pred_items = defaultdict(list)
    unscored = Counter()
    for f in findings:
        typ = f.get("type")
        if typ not in TYPES:
            unscored[typ] += 1
            continue
        raw = f.get("value")
        if raw is None:
            raw = f.get("normalized", f.get("normalised"))
        key = (norm_path(f.get("path", ""), corpus), typ, normalise(typ, raw))
        pred[key] += 1
        pred_items[key].append(f)
    if findings and all(f.get("value") is None for f in findings):
        print("warning: findings carry no 'value' (was --reveal honoured?)", file=sys.stderr)

    tp, fp, fn = Counter(), Counter(), Counter()
    fps, fns = [], []
    for key in set(gold) | set(pred):
        g, p = gold.get(key, 0), pred.get(key, 0)
        t = min(g, p)
        tp[key[1]] += t
        if p == t and g == t:
            continue
        # Counting is by multiset; for the report, pair findings with labels on the same line
        # first so that the listed FP/FN lines point at the occurrences that really differ.
        left_lines = Counter(gold_lines[key])
        unpaired = []
        for f in pred_items[key]:
            if left_lines.get(f.get("line"), 0) > 0:
                left_lines[f.get("line")] -= 1
            else:
                unpaired.append(f)
        rest = sorted(left_lines.elements(), key=lambda x: x or 0)
        if p > t:
            fp[key[1]] += p - t
            fps.extend((key, f) for f in unpaired[len(unpaired) - (p - t):])
        if g > t:
            fn[key[1]] += g - t
            fns.extend((key, ln) for ln in rest[len(rest) - (g - t):])

    # --- table -------------------------------------------------------------------
    n_lab = Counter(l["type"] for l in labels)
    print(f"corpus: {corpus}  documents: {len(os.listdir(os.path.join(corpus, 'docs')))}  labels: {len(labels)}  findings: {len(findings)}")
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
            ok = f1 is not None and f1 >= TYPE_BAR
        else:
            ok = fp[t] == 0
        passed += ok
        failed += not ok
        print(f"{t:24s} {n_lab[t]:6d} {tp[t] + fp[t]:6d} {tp[t]:6d} {fp[t]:6d} {fn[t]:6d} {fmt(p)} {fmt(r)} {fmt(f1)}  {'ok' if ok else 'FAIL'}")
    TP, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    mp, mr, mf = prf(TP, FP, FN)
    print("-" * len(hdr))
    print(f"{'micro':24s} {len(labels):6d} {TP + FP:6d} {TP:6d} {FP:6d} {FN:6d} {fmt(mp)} {fmt(mr)} {fmt(mf)}  "
          f"{'ok' if (mf or 0) >= MICRO_BAR else 'FAIL'}")
    if unscored:
        print()
        print("not scored (types outside the evaluated set): " +
              ", ".join(f"{k}={v}" for k, v in sorted(unscored.items(), key=lambda kv: str(kv[0]))))

    # --- details -----------------------------------------------------------------
    if args.verbose:
        neg_index = defaultdict(list)
        for n in negatives:
            neg_index[(n["path"], only_digits(nfkc(n["value"])) or n["value"])].append(n["kind"])
        label_by_pv = defaultdict(set)
        for (path, typ, val) in gold:
            label_by_pv[(path, val)].add(typ)
        pred_by_pv = defaultdict(set)
        for (path, typ, val) in pred:
            pred_by_pv[(path, val)].add(typ)

        if manifest:
            print()
            print("recall by encoding:")
            enc_tp, enc_all = Counter(), Counter()
            for key, n in gold.items():
                enc = manifest.get(key[0], {}).get("encoding", "?")
                enc_all[enc] += n
                enc_tp[enc] += min(n, pred.get(key, 0))
            for enc in sorted(enc_all):
                print(f"  {enc:14s} {enc_tp[enc]:5d}/{enc_all[enc]:<5d} {enc_tp[enc] / enc_all[enc]:.3f}")

        print()
        print(f"false positives ({len(fps)}):")
        for (path, typ, val), f in sorted(fps, key=lambda x: (x[0][1], x[0][0], x[1].get("line") or 0)):
            hint = []
            other = label_by_pv.get((path, val), set()) - {typ}
            if other:
                hint.append("labelled as " + "/".join(sorted(other)))
            kinds = neg_index.get((path, only_digits(val) or val)) or neg_index.get((path, val))
            if kinds:
                hint.append("planted negative: " + "/".join(sorted(set(kinds))))
            if gold.get((path, typ, val)):
                hint.append("reported more often than labelled")
            m = f.get("masked") or mask(val)
            print(f"  FP {typ:22s} {path}:{f.get('line', '?')}  {m}" + (f"   [{'; '.join(hint)}]" if hint else ""))
        print()
        print(f"false negatives ({len(fns)}):")
        for (path, typ, val), ln in sorted(fns, key=lambda x: (x[0][1], x[0][0], x[1] or 0)):
            hint = []
            other = pred_by_pv.get((path, val), set()) - {typ}
            if other:
                hint.append("reported as " + "/".join(sorted(other)))
            enc = manifest.get(path, {}).get("encoding")
            if enc and enc != "utf-8":
                hint.append(enc)
            print(f"  FN {typ:22s} {path}:{ln if ln else '?'}  {mask(val)}" + (f"   [{'; '.join(hint)}]" if hint else ""))

    micro_ok = (mf or 0) >= MICRO_BAR
    print()
    if not micro_ok:
        print(f"micro-F1 {mf or 0:.3f} is below {MICRO_BAR}")
    print(f"{passed} passed, {failed} failed")
    return 0 if (micro_ok and failed == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
