#!/usr/bin/env python3
"""gen_docs.py: a folder of mixed documents made from bench/gen_text.py's text,
for bench/docs.sh.

    gen_docs.py [--items-per-mib N] OUT_DIR SIZE_MB

Writes, under OUT_DIR (which must not exist; it is made here):

  docs/FORMAT/...   the documents, one folder per format: xlsx and ods (CSV
                    ledgers through LibreOffice Calc), docx and pdf (plain
                    text through Writer), odt (HTML through Writer), html,
                    eml (multipart, ISO-2022-JP body, base64 CSV attachment),
                    zip (text, CSV, HTML members and a docx and an xlsx),
                    tgz (tar.gz of text, CSV and .eml), 7z (text, CSV, HTML)
  plain/FORMAT.txt  the same text as that folder's documents, as one UTF-8
                    file (what a plain-text scan of the same content reads)
  manifest.tsv      per format: files, document bytes on disk, source-text
                    bytes, unique source bytes, copies

The text is one run of gen_text.py (sparse with --items-per-mib N, else
dense), cut at line boundaries into consecutive pieces, so no two documents
hold the same text, except where copies are made: LibreOffice lays out
text at ~0.15 MB/s into PDF and docx, so the slow formats are made from a
smaller unique text (UNIQUE_CAP_MIB) and copied up to their share. leakguard
keeps nothing across files, so a copy costs what a new file costs; the plain
file repeats the text as many times. Deterministic: a fixed seed, and
gen_text.py's own. Needs soffice, zip, tar and 7z on PATH.
"""
import csv
import html
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
import datetime

HERE = os.path.dirname(os.path.abspath(__file__))

# share of SIZE_MB per format (source text), and the bytes of text per file
SHARES = [
    ("xlsx", 0.15), ("ods", 0.07), ("docx", 0.12), ("odt", 0.07),
    ("pdf", 0.06), ("html", 0.09), ("eml", 0.15), ("zip", 0.11),
    ("tgz", 0.09), ("7z", 0.09),
]
FILE_KIB = {"xlsx": 1536, "ods": 1024, "docx": 256, "odt": 256, "pdf": 192,
            "html": 128, "eml": 24, "zip": 6144, "tgz": 6144, "7z": 6144}
# the unique text of the formats LibreOffice makes slowly, MiB
UNIQUE_CAP_MIB = {"xlsx": 12, "ods": 6, "docx": 6, "odt": 6, "pdf": 3}
MEMBER_KIB = 256  # a text member of a bundle

R = random.Random(4)


def cut(lines, pos, nbytes):
    """Lines from pos holding about nbytes of UTF-8; returns (lines, pos)."""
    out, size = [], 0
    while pos < len(lines) and size < nbytes:
        out.append(lines[pos])
        size += len(lines[pos].encode("utf-8")) + 1
        pos += 1
    return out, pos


def pieces(lines, kib):
    """Splits lines into pieces of about kib KiB (±25%)."""
    out, pos = [], 0
    while pos < len(lines):
        p, pos = cut(lines, pos, int(kib * 1024 * R.uniform(0.75, 1.25)))
        out.append(p)
    return out


def text_of(lines):
    return "\n".join(lines) + "\n"


def csv_rows(lines):
    """A ledger: each non-empty line a row, split at its commas."""
    return [l.split(",") for l in lines if l]


def csv_text(rows):
    f = io.StringIO()
    csv.writer(f, lineterminator="\n").writerows(rows)
    return f.getvalue()


def html_page(title, lines):
    body = []
    for l in lines:
        body.append(f"<p>{html.escape(l)}</p>" if l else "<p></p>")
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head><body>\n"
            f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")


def jis_safe(s):
    """s with the characters ISO-2022-JP cannot hold replaced by '?'."""
    try:
        s.encode("iso2022_jp")
        return s
    except UnicodeEncodeError:
        return "".join(c if c.isascii() or _jis(c) else "?" for c in s)


def _jis(c):
    try:
        c.encode("iso2022_jp")
        return True
    except UnicodeEncodeError:
        return False


def make_eml(n, lines):
    """A message: the first part of lines as an ISO-2022-JP body, the rest a
    base64 UTF-8 CSV attachment. Returns (bytes, the text it holds)."""
    half = max(1, len(lines) // 2)
    body = jis_safe(text_of(lines[:half]))
    rows = csv_rows(lines[half:])
    att = csv_text(rows)
    subject = f"月次報告 No.{n:05d}"
    m = MIMEMultipart()
    m["Subject"] = Header(subject, "iso-2022-jp")
    m["From"] = "reports@bench.invalid"
    m["To"] = "archive@bench.invalid"
    m["Date"] = format_datetime(datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
                                + datetime.timedelta(minutes=7 * n))
    m["Message-ID"] = f"<bench-{n}@bench.invalid>"
    m.attach(MIMEText(body, "plain", "iso-2022-jp"))
    a = MIMEText(att, "csv", "utf-8")  # base64 for utf-8
    a.add_header("Content-Disposition", "attachment", filename=f"ledger-{n:05d}.csv")
    m.attach(a)
    held = (f"From: {m['From']}\nTo: {m['To']}\nSubject: {subject}\n"
            + body + "\n".join(",".join(r) for r in rows) + "\n")
    return m.as_bytes(), held


def soffice(profile, target, infilter, outdir, inputs):
    """One LibreOffice call over many files (it takes seconds to start)."""
    if not inputs:
        return
    os.makedirs(outdir, exist_ok=True)
    env = dict(os.environ, HOME=profile)
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}/lo", "--headless",
           "--norestore", "--convert-to", target, "--outdir", outdir]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    subprocess.run(cmd + inputs, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stem = {os.path.splitext(os.path.basename(i))[0] for i in inputs}
    made = {os.path.splitext(f)[0] for f in os.listdir(outdir)}
    missing = stem - made
    if missing:
        raise SystemExit(f"gen_docs.py: soffice did not convert {len(missing)} file(s) "
                         f"to {target}, e.g. {sorted(missing)[0]}")


def main():
    args, items = [], None
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--items-per-mib":
            items = next(it, "")
        else:
            args.append(a)
    if len(args) != 2:
        sys.stderr.write("usage: gen_docs.py [--items-per-mib N] OUT_DIR SIZE_MB\n")
        return 2
    out, size_mb = args[0], float(args[1])
    if os.path.exists(out):
        sys.stderr.write(f"gen_docs.py: {out} exists\n")
        return 2
    os.makedirs(out)
    stage = tempfile.mkdtemp(prefix="stage.", dir=out)
    profile = os.path.join(stage, "home")
    os.makedirs(profile)

    share = {f: size_mb * s for f, s in SHARES}
    uniq = {f: min(share[f], UNIQUE_CAP_MIB.get(f, share[f])) for f in share}
    copies = {f: max(1, round(share[f] / uniq[f])) for f in share}

    # ---- the text: one gen_text.py run, cut into consecutive pieces --------
    total = sum(uniq.values()) + 0.5
    src = os.path.join(stage, "src.txt")
    gen = [sys.executable, os.path.join(HERE, "gen_text.py")]
    if items:
        gen += ["--items-per-mib", items]
    subprocess.run(gen + [src, f"{total:.3f}"], check=True)
    with open(src, encoding="utf-8") as f:
        lines = f.read().split("\n")
    pos = 0
    parts = {}
    for f, _ in SHARES:
        chunk, pos = cut(lines, pos, int(uniq[f] * 1048576))
        parts[f] = pieces(chunk, FILE_KIB[f])

    docs = os.path.join(out, "docs")
    held = {f: [] for f in share}  # the text each format's documents hold

    def unique_dir(f):
        d = os.path.join(docs, f, "u")
        os.makedirs(d, exist_ok=True)
        return d

    # ---- Calc: CSV ledgers to xlsx and ods ----------------------------------
    for f in ("xlsx", "ods"):
        cdir = os.path.join(stage, "csv_" + f)
        os.makedirs(cdir)
        inputs, ncol = [], 1
        for i, p in enumerate(parts[f]):
            rows = csv_rows(p)
            ncol = max(ncol, max((len(r) for r in rows), default=1))
            path = os.path.join(cdir, f"ledger-{i:04d}.csv")
            with open(path, "w", encoding="utf-8", newline="") as o:
                o.write(csv_text(rows))
            inputs.append(path)
            held[f].append("\n".join(",".join(r) for r in rows) + "\n")
        # every column as text (2), as an export of IDs would be imported:
        # Calc would otherwise turn 0312345678 into 312345678
        cols = "/".join(f"{c}/2" for c in range(1, min(ncol, 256) + 1))
        soffice(profile, f, f"CSV:44,34,76,1,{cols}", unique_dir(f), inputs)

    # ---- Writer: text to docx and pdf, HTML to odt --------------------------
    for f, target in (("docx", "docx:MS Word 2007 XML"), ("pdf", "pdf:writer_pdf_Export")):
        tdir = os.path.join(stage, "txt_" + f)
        os.makedirs(tdir)
        inputs = []
        for i, p in enumerate(parts[f]):
            path = os.path.join(tdir, f"report-{i:04d}.txt")
            with open(path, "w", encoding="utf-8") as o:
                o.write(text_of(p))
            inputs.append(path)
            held[f].append(text_of(p))
        soffice(profile, target, "Text (encoded):UTF8,LF,,,", unique_dir(f), inputs)
    hdir = os.path.join(stage, "html_odt")
    os.makedirs(hdir)
    inputs = []
    for i, p in enumerate(parts["odt"]):
        path = os.path.join(hdir, f"minutes-{i:04d}.html")
        with open(path, "w", encoding="utf-8") as o:
            o.write(html_page(f"議事録 {i:04d}", p))
        inputs.append(path)
        held["odt"].append(f"議事録 {i:04d}\n" + text_of(p))
    soffice(profile, "odt:writer8", None, unique_dir("odt"), inputs)

    # ---- HTML and mail, written here ----------------------------------------
    d = unique_dir("html")
    for i, p in enumerate(parts["html"]):
        with open(os.path.join(d, f"page-{i:04d}.html"), "w", encoding="utf-8") as o:
            o.write(html_page(f"社内ポータル {i:04d}", p))
        held["html"].append(f"社内ポータル {i:04d}\n" + text_of(p))
    d = unique_dir("eml")
    for i, p in enumerate(parts["eml"]):
        b, t = make_eml(i, p)
        with open(os.path.join(d, f"msg-{i:05d}.eml"), "wb") as o:
            o.write(b)
        held["eml"].append(t)

    # ---- bundles -------------------------------------------------------------
    office = {f: sorted(os.listdir(os.path.join(docs, f, "u"))) for f in ("docx", "xlsx")}
    office_text = {f: held[f] for f in office}
    for f in ("zip", "tgz", "7z"):
        d = unique_dir(f)
        for i, p in enumerate(parts[f]):
            bdir = os.path.join(stage, f"{f}-{i:04d}", f"share-{i:04d}")
            os.makedirs(bdir)
            for j, m in enumerate(pieces(p, MEMBER_KIB)):
                kind = ("txt", "csv", "html" if f != "tgz" else "eml")[j % 3]
                name = os.path.join(bdir, f"{j:03d}.{kind}")
                if kind == "csv":
                    rows = csv_rows(m)
                    data = csv_text(rows).encode("utf-8")
                    held[f].append("\n".join(",".join(r) for r in rows) + "\n")
                elif kind == "html":
                    data = html_page(f"資料 {j:03d}", m).encode("utf-8")
                    held[f].append(f"資料 {j:03d}\n" + text_of(m))
                elif kind == "eml":
                    data, t = make_eml(100000 + i * 1000 + j, m)
                    held[f].append(t)
                else:
                    data = text_of(m).encode("utf-8")
                    held[f].append(text_of(m))
                with open(name, "wb") as o:
                    o.write(data)
            if f == "zip":  # a project share: a document and a workbook too
                for k in ("docx", "xlsx"):
                    n = i % len(office[k])
                    shutil.copy(os.path.join(docs, k, "u", office[k][n]), bdir)
                    held[f].append(office_text[k][n])
            base = os.path.dirname(bdir)
            arc = os.path.join(os.path.abspath(d), f"share-{i:04d}")
            if f == "zip":
                cmd = ["zip", "-q", "-r", "-X", arc + ".zip", os.path.basename(bdir)]
            elif f == "tgz":
                cmd = ["tar", "--sort=name", "--mtime=2025-01-01", "--owner=0", "--group=0",
                       "-czf", arc + ".tar.gz", os.path.basename(bdir)]
            else:
                cmd = ["7z", "a", "-bd", "-bso0", "-bsp0", arc + ".7z", os.path.basename(bdir)]
            subprocess.run(cmd, cwd=base, check=True, stdout=subprocess.DEVNULL)

    # ---- copies up to each share, the plain text, the manifest ---------------
    plain = os.path.join(out, "plain")
    os.makedirs(plain)
    with open(os.path.join(out, "manifest.tsv"), "w", encoding="utf-8") as man:
        man.write("format\tfiles\tdisk_bytes\ttext_bytes\tunique_text_bytes\tcopies\n")
        for f, _ in SHARES:
            u = os.path.join(docs, f, "u")
            for c in range(2, copies[f] + 1):
                shutil.copytree(u, os.path.join(docs, f, f"c{c}"))
            text = "".join(held[f]).encode("utf-8")
            with open(os.path.join(plain, f + ".txt"), "wb") as o:
                for _ in range(copies[f]):
                    o.write(text)
            nfiles = disk = 0
            for root, _, names in os.walk(os.path.join(docs, f)):
                for n in names:
                    nfiles += 1
                    disk += os.path.getsize(os.path.join(root, n))
            man.write(f"{f}\t{nfiles}\t{disk}\t{len(text) * copies[f]}\t{len(text)}\t{copies[f]}\n")
    shutil.rmtree(stage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
