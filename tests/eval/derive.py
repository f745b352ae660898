#!/usr/bin/env python3
"""derive.py: build the derived-format fixtures (docs_bin/) of the evaluation corpus.

    python3 derive.py --corpus tests/eval --out /tmp/x      # writes /tmp/x/docs_bin + derived.json

Every fixture is made by the tool a user's files come from, from documents of docs/:
ledgers as xlsx / ods (LibreOffice Calc from the CSV), forms and mails as docx / odt / pdf
(LibreOffice Writer from HTML), slide decks as pptx / odp (LibreOffice Impress from a flat
OpenDocument presentation, .fodp, written here: a mail and forms split into slides, one
paragraph per line), an HTML page, .eml files (Python's email package, as mail clients
write them: multipart, base64 and quoted-printable, ISO-2022-JP, RFC 2231 file names), an
mbox, zip (with a CP932 member name, as Windows' Explorer writes it), tar.gz, tar.xz,
tar.zst and 7z archives holding docs, a lone .gz / .bz2 / .xz of a document (a compressed
stream is read as the file itself), and an .lzh (level-0 headers, -lh0- stored members,
CP932 names, written from the format: no Debian tool writes lzh; lhasa checks it when it
is installed).  The labels of a fixture are the labels of the documents it was made from
(the same type / value multiset; for the slides, of the source lines put on them), under
the fixture's path; findings inside it are matched by the part of their path before the
first "!/".  The gold
people count of a tabular member is keyed by the file or member path; score.py compares it with
the records line(s) at that path or below it (a workbook's sheet: book.xlsx!/Sheet1).

derived.json: {"labels": [...], "people": {path: count}, "formats": {path: format},
"sources": {path: [docs/...]}}.  Python 3 standard library + soffice, zip, tar, 7z, gzip,
bzip2, xz, zstd.
Exit status 2 when a tool is missing (the CI installs them: scripts/install-deps.sh).
"""

import argparse
import base64
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from email import policy
from email.charset import BASE64, QP, Charset
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.header import Header
from email.utils import format_datetime
import datetime

TOOLS = ("soffice", "zip", "tar", "7z", "gzip", "bzip2", "xz", "zstd")

# Sources, chosen by name so that the set does not move when gen.py's random stream does.
# (fixture stem, docs/ source, separator of the source table)
XLSX = [("ledger_2024_05", "顧客台帳_2024年5月.csv"), ("dm_list_003", "customers_003.csv"),
        ("tour_participants", "tour_participants.csv"), ("customers_en", "customers_en_001.csv")]
ODS = [("rental_members", "rental_members.csv"), ("orders_005", "orders_005.csv"),
       ("foreign_staff", "外国人従業員台帳.csv")]
DOCX = ["form_001.txt", "form_002.txt", "form_003.txt", "mail_001.txt", "mail_002.txt", "invoice_001.txt"]
ODT = ["form_004.txt", "form_005.txt", "mail_003.txt", "delivery_note_001.txt"]
PDF = ["form_006.txt", "form_007.txt", "mail_004.txt", "invoice_002.txt", "en_onboarding_001.txt"]
HTML_PAGES = [("member_page.html", "form_008.txt", "table"), ("ticket_page.html", "ticket_001.txt", "para")]
EML_ATTACH = ("ledger_mail.eml", "mail_005.txt", "customers_005.csv")   # ISO-2022-JP body + CSV attachment
EML_QP = ("form_mail.eml", "form_009.txt", "dm_list_003.xlsx")          # QP UTF-8 body + xlsx attachment
MBOX = ("support.mbox", ["mail_006.txt", "mail_007.txt", "mail_008.txt", "en_mail_001.txt"])
ZIP = ("export.zip", [("顧客リスト.csv", "customers_006.csv"), ("forms/form_010.txt", "form_010.txt"),
                      ("forms/form_001.docx", None)])
TGZ = ("backup.tar.gz", [("backup/app_001.log", "app_001.log"), ("backup/env_001.env", "env_001.env"),
                         ("backup/registry_004.csv", "registry_004.csv"), ("backup/ticket_002.md", "ticket_002.md")])
SEVENZ = ("archive.7z", [("archive/customers_007.csv", "customers_007.csv"), ("archive/mail_009.txt", "mail_009.txt")])
TXZ = ("logs.tar.xz", [("logs/auth_001.log", "auth_001.log"), ("logs/chat_001.txt", "chat_001.txt"),
                       ("logs/config_001.yml", "config_001.yml"), ("logs/customers_008.csv", "customers_008.csv")])
TZST = ("export.tar.zst", [("export/customers_010.csv", "customers_010.csv"), ("export/mail_013.txt", "mail_013.txt"),
                           ("export/payment_debug_002.log", "payment_debug_002.log"),
                           ("export/settings_001.json", "settings_001.json")])
# a lone compressed stream of one document: (fixture, format, docs/ source, compressor command)
STREAMS = [("access_002.log.gz", "gz", "access_002.log", ["gzip", "-n", "-9", "-c"]),
           ("customers_009.csv.bz2", "bz2", "customers_009.csv", ["bzip2", "-9", "-c"]),
           ("mail_016.txt.xz", "xz", "mail_016.txt", ["xz", "-6", "-c"])]
# an old Windows LHA archive: member names in CP932 with "\" folders (reported with "/")
LZH = ("old_backup.lzh", [("顧客台帳\\顧客一覧_2019.csv", "customers_013.csv"),
                          ("申込書\\入会申込書.txt", "form_017.txt"), ("請求書\\請求書_004.txt", "invoice_004.txt")])
# slide decks: (fixture, [(docs/ source, slide title)]); a mail's header block is left off
PPTX = [("case_review.pptx", [("mail_012.txt", "カード決済の問い合わせ"), ("form_014.txt", "入居申込書の確認"),
                              ("mail_018.txt", "カード情報の送付")])]
ODP = [("onboarding.odp", [("mail_024.txt", "入社手続きの書類"), ("form_019.txt", "海外旅行申込書"),
                           ("form_015.txt", "在留資格の確認")])]
SLIDE_LINES = 12  # at most this many source lines on one slide


class Missing(Exception):
    pass


def decode(raw, enc):
    if enc == "utf-16le-bom":
        return raw[2:].decode("utf-16-le")
    if enc == "utf-8-sig":
        return raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("utf-8")
    return raw.decode(enc)


class Corpus:
    def __init__(self, corpus):
        self.dir = corpus
        self.manifest = {m["path"]: m for m in json.load(open(os.path.join(corpus, "manifest.json"), encoding="utf-8"))}
        self.labels = {}
        for line in open(os.path.join(corpus, "labels.jsonl"), encoding="utf-8"):
            lab = json.loads(line)
            self.labels.setdefault(lab["path"], []).append(lab)

    def raw(self, name):
        with open(os.path.join(self.dir, "docs", name), "rb") as fh:
            return fh.read()

    def text(self, name):
        m = self.manifest["docs/" + name]
        return decode(self.raw(name), m["encoding"]).replace("\r\n", "\n")

    def people(self, name):
        return self.manifest["docs/" + name].get("people")


def soffice(work, target, infilter, files, outdir):
    """One LibreOffice run converting many files (its start-up is the slow part)."""
    home = os.path.join(work, "lo-home")
    os.makedirs(home, exist_ok=True)
    cmd = ["soffice", "--headless", "--norestore", "--convert-to", target]
    if infilter:
        cmd.append("--infilter=" + infilter)
    cmd += ["--outdir", outdir] + files
    env = dict(os.environ, HOME=home)
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    for f in files:
        ext = target.split(":")[0]
        out = os.path.join(outdir, os.path.splitext(os.path.basename(f))[0] + "." + ext)
        if not os.path.isfile(out):
            raise RuntimeError(f"soffice did not write {out}: {r.stderr.decode('utf-8', 'replace')[-800:]}")


def csv_filter(sep, ncols):
    # CSV import options: separator, text delimiter ", UTF-8 (76), from row 1, every column as
    # text (format 2), so that 09012345678 keeps its 0 and a card number its 16 digits.
    cols = "/".join(f"{i}/2" for i in range(1, ncols + 1))
    return f"CSV:{sep},34,76,1,{cols}"


# Characters JIS X 0208 (ISO-2022-JP) lacks, as mail clients replace them; every replacement
# is one the scorer folds back (hyphen look-alikes, wave dashes).
JIS_SUBST = {"～": "〜", "－": "−", "‐": "−", "①": "(1)", "②": "(2)", "③": "(3)", "髙": "高", "﨑": "崎", "¥": "￥"}


def jis_safe(text):
    out = []
    for ch in text:
        try:
            ch.encode("iso-2022-jp")
            out.append(ch)
        except UnicodeEncodeError:
            if ch not in JIS_SUBST:
                raise RuntimeError(f"no ISO-2022-JP form for {ch!r} (U+{ord(ch):04X})")
            out.append(JIS_SUBST[ch])
    return "".join(out)


def text_html(text, title, layout="para"):
    """An HTML page holding the text line by line (a form as a two-column table)."""
    out = ["<!DOCTYPE html>", "<html lang=\"ja\"><head><meta charset=\"utf-8\">",
           f"<title>{html.escape(title)}</title></head><body>"]
    if layout == "table":
        out.append("<table border=\"1\">")
        for line in text.split("\n"):
            for sep in ("：", ":"):
                if sep in line:
                    k, v = line.split(sep, 1)
                    out.append(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>")
                    break
            else:
                if line.strip():
                    out.append(f"<tr><td colspan=\"2\">{html.escape(line)}</td></tr>")
        out.append("</table>")
    else:
        for line in text.split("\n"):
            out.append(f"<p>{html.escape(line)}</p>" if line.strip() else "<p>&nbsp;</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


ODF_NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
          "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
          "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
          "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"}


def odf_text(line):
    """A line as the content of a text:p: runs of spaces as text:s (ODF collapses white space
    in text), tabs as text:tab, so the slide holds the characters of the line."""
    out = []
    for part in re.split(r"( +|\t)", line):
        if part == "\t":
            out.append("<text:tab/>")
        elif part.startswith(" "):
            out.append(" " + (f'<text:s text:c="{len(part) - 1}"/>' if len(part) > 1 else "")
                       if out else f'<text:s text:c="{len(part)}"/>')
        elif part:
            out.append(html.escape(part, quote=False))
    return "".join(out)


def slide_chunks(text, mail):
    """A document's (line number, line) pairs put on slides: paragraphs (runs of non-blank
    lines) packed into slides of at most SLIDE_LINES lines, a longer paragraph cut at that
    size.  A mail's header block (From: ... up to the first blank line) is left off."""
    lines = list(enumerate(text.split("\n"), 1))
    if mail and lines and lines[0][1].startswith("From:"):
        while lines and lines[0][1].strip():
            lines.pop(0)
    paras, cur = [], []
    for n, line in lines:
        if line.strip():
            cur.append((n, line))
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    slides, cur = [], []
    for para in paras:
        while len(para) > SLIDE_LINES:
            if cur:
                slides.append(cur)
                cur = []
            slides.append(para[:SLIDE_LINES])
            para = para[SLIDE_LINES:]
        if cur and len(cur) + len(para) > SLIDE_LINES:
            slides.append(cur)
            cur = []
        cur = cur + para
    if cur:
        slides.append(cur)
    return slides


def fodp(slides):
    """A flat OpenDocument presentation: slides as (title, [line]), each with a title frame
    and a body frame whose draw:text-box holds one text:p per line."""
    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in ODF_NS.items())
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<office:document {ns} office:version="1.3" '
           'office:mimetype="application/vnd.oasis.opendocument.presentation">',
           "<office:automatic-styles>",
           '<style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" '
           'fo:page-height="15.75cm" style:print-orientation="landscape"/></style:page-layout>',
           '<style:style style:name="gr1" style:family="graphic"><style:graphic-properties draw:fill="none" '
           'draw:stroke="none" draw:auto-grow-height="true"/></style:style>',
           '<style:style style:name="P1" style:family="paragraph"><style:text-properties fo:font-size="24pt" '
           'fo:font-weight="bold"/></style:style>',
           '<style:style style:name="P2" style:family="paragraph"><style:text-properties fo:font-size="12pt"/>'
           "</style:style>",
           "</office:automatic-styles>",
           '<office:master-styles><style:master-page style:name="Default" style:page-layout-name="PM1"/>'
           "</office:master-styles>",
           "<office:body><office:presentation>"]
    for i, (title, lines) in enumerate(slides, 1):
        out.append(f'<draw:page draw:name="page{i}" draw:master-page-name="Default">')
        out.append('<draw:frame draw:style-name="gr1" svg:x="1cm" svg:y="0.6cm" svg:width="26cm" svg:height="1.6cm">'
                   f'<draw:text-box><text:p text:style-name="P1">{odf_text(title)}</text:p></draw:text-box></draw:frame>')
        body = "".join(f'<text:p text:style-name="P2">{odf_text(line)}</text:p>' for line in lines)
        out.append('<draw:frame draw:style-name="gr1" svg:x="1cm" svg:y="2.6cm" svg:width="26cm" svg:height="12cm">'
                   f"<draw:text-box>{body}</draw:text-box></draw:frame>")
        out.append("</draw:page>")
    out.append("</office:presentation></office:body></office:document>")
    return "\n".join(out) + "\n"


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from mklzh import lzh_member  # noqa: E402  (the containers case's lzh writer)


class Builder:
    def __init__(self, corpus, out):
        self.c = Corpus(corpus)
        self.out = out
        self.bin = os.path.join(out, "docs_bin")
        self.work = tempfile.mkdtemp(prefix="lg-derive-")
        self.labels, self.people, self.formats, self.sources = [], {}, {}, {}

    def close(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def carry(self, fixture, fmt, sources, people=None, lines=None):
        """The fixture's labels: those of its source documents, under the fixture's path;
        with lines ({source: set of line numbers}) only those of the lines put in the fixture."""
        path = "docs_bin/" + fixture
        self.formats[path] = fmt
        self.sources[path] = ["docs/" + s for s in sources]
        for s in sources:
            for lab in self.c.labels.get("docs/" + s, []):
                if lines is not None:
                    if not isinstance(lab.get("line"), int):
                        raise RuntimeError(f"{lab['path']}: a label without a line cannot be carried by line")
                    if lab["line"] not in lines[s]:
                        continue
                self.labels.append(dict(lab, path=path, source=lab["path"]))
        for rec_path, n in (people or {}).items():
            if n is not None:
                self.people["docs_bin/" + rec_path] = n

    def w(self, *parts):
        return os.path.join(self.work, *parts)

    def build(self):
        os.makedirs(self.bin)
        self.office()
        self.slides()
        self.html_pages()
        self.mails()
        self.archives()

    # --- LibreOffice ------------------------------------------------------------------
    def office(self):
        for target, table, ext in (("xlsx", XLSX, "xlsx"), ("ods", ODS, "ods")):
            src = self.w("csv-" + ext)
            os.makedirs(src)
            files = []
            ncols = 0
            for stem, name in table:
                text = self.c.text(name)
                ncols = max(ncols, max(line.count(",") + 1 for line in text.split("\n")))
                f = os.path.join(src, stem + ".csv")
                with open(f, "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
                files.append(f)
            soffice(self.work, target, csv_filter(44, ncols), files, self.bin)
            for stem, name in table:
                # a workbook converted from a CSV holds one sheet (named after the file); its
                # records line may name the sheet (book.xlsx!/sheet) or a part (!/content.xml)
                self.carry(f"{stem}.{ext}", ext, [name], {f"{stem}.{ext}": self.c.people(name)})
        for target, ext, names in (('docx:MS Word 2007 XML', "docx", DOCX), ("odt", "odt", ODT),
                                   ("pdf:writer_pdf_Export", "pdf", PDF)):
            src = self.w("html-" + ext)
            os.makedirs(src)
            files = []
            for name in names:
                f = os.path.join(src, os.path.splitext(name)[0] + ".html")
                with open(f, "w", encoding="utf-8") as fh:
                    fh.write(text_html(self.c.text(name), name))
                files.append(f)
            soffice(self.work, target, "HTML (StarWriter)", files, self.bin)
            for name in names:
                self.carry(os.path.splitext(name)[0] + "." + ext, ext, [name])

    def slides(self):
        """Decks from a .fodp written here, one soffice run per target format (Impress)."""
        for target, decks, ext in (("pptx:Impress MS PowerPoint 2007 XML", PPTX, "pptx"), ("odp:impress8", ODP, "odp")):
            src = self.w("fodp-" + ext)
            os.makedirs(src)
            files, carried = [], []
            for fixture, parts in decks:
                slides, lines = [], {}
                for name, title in parts:
                    chunks = slide_chunks(self.c.text(name), mail=os.path.basename(name).startswith(("mail_", "en_mail_")))
                    for k, chunk in enumerate(chunks, 1):
                        slides.append((f"{title}（{k}/{len(chunks)}）", [line for _, line in chunk]))
                    lines[name] = {n for chunk in chunks for n, _ in chunk}
                f = os.path.join(src, os.path.splitext(fixture)[0] + ".fodp")
                with open(f, "w", encoding="utf-8") as fh:
                    fh.write(fodp(slides))
                files.append(f)
                carried.append((fixture, [name for name, _ in parts], lines))
            soffice(self.work, target, None, files, self.bin)
            for fixture, names, lines in carried:
                self.carry(fixture, ext, names, lines=lines)

    def html_pages(self):
        for fixture, name, layout in HTML_PAGES:
            with open(os.path.join(self.bin, fixture), "w", encoding="utf-8") as fh:
                fh.write(text_html(self.c.text(name), name, layout))
            self.carry(fixture, "html", [name])

    # --- mail ---------------------------------------------------------------------------
    def _date(self, i):
        return format_datetime(datetime.datetime(2024, 5, 10 + i, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9))))

    def mails(self):
        # 1. ISO-2022-JP body (as Japanese mail clients send it) + the ledger as a base64 CSV
        fixture, body_src, csv_src = EML_ATTACH
        msg = MIMEMultipart()
        msg["From"] = Header("総務部", "iso-2022-jp").encode() + " <soumu@example.co.jp>"
        msg["To"] = "share@example.co.jp"
        msg["Subject"] = Header("転送：顧客台帳の件", "iso-2022-jp")
        msg["Date"] = self._date(0)
        msg["Message-ID"] = "<ledger.20240510@example.co.jp>"
        body = "以下のメールと顧客台帳を転送します。\n\n---------- 転送メッセージ ----------\n" + self.c.text(body_src)
        msg.attach(MIMEText(jis_safe(body), "plain", "iso-2022-jp"))
        att = MIMEApplication(self.c.raw(csv_src), "octet-stream")  # the file's bytes as they are (CP932...)
        att.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "顧客台帳_転送用.csv"))
        msg.attach(att)
        self._write_mail(fixture, msg)
        self.carry(fixture, "eml", [body_src, csv_src], {f"{fixture}!/顧客台帳_転送用.csv": self.c.people(csv_src)})

        # 2. quoted-printable UTF-8 body + the xlsx made above as an attachment (nested format)
        fixture, body_src, xlsx = EML_QP
        msg = MIMEMultipart()
        msg["From"] = "Recruiting <recruit@example.com>"
        msg["To"] = "hr@example.com"
        msg["Subject"] = Header("申込書と名簿", "utf-8")
        msg["Date"] = self._date(1)
        cs = Charset("utf-8")
        cs.body_encoding = QP
        part = MIMEText("", "plain")
        part.set_payload(self.c.text(body_src), cs)
        msg.attach(part)
        with open(os.path.join(self.bin, xlsx), "rb") as fh:
            att = MIMEApplication(fh.read(), "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        att.add_header("Content-Disposition", "attachment", filename=xlsx)
        msg.attach(att)
        self._write_mail(fixture, msg)
        src_csv = dict(XLSX)[os.path.splitext(xlsx)[0]]
        self.carry(fixture, "eml", [body_src, src_csv],
                   {f"{fixture}!/{xlsx}": self.c.people(src_csv)})

        # 3. an mbox of several messages, bodies 8bit, base64 and quoted-printable
        fixture, names = MBOX
        chunks = []
        for i, name in enumerate(names):
            cs = Charset("utf-8")
            cs.body_encoding = (None, BASE64, QP)[i % 3]
            m = MIMEText("", "plain")
            m.set_payload(self.c.text(name), cs)
            if cs.body_encoding is None:
                m.replace_header("Content-Transfer-Encoding", "8bit")
            m["From"] = "archive@example.com"
            m["To"] = "support@example.com"
            m["Subject"] = Header(f"問い合わせ {i + 1}", "utf-8")
            m["Date"] = self._date(i)
            data = m.as_bytes(policy=policy.compat32.clone(linesep="\n"))
            # mboxrd: a body line starting with "From " (or ">From ") gains a '>'
            lines = [(b">" + ln if ln.lstrip(b">").startswith(b"From ") else ln) for ln in data.split(b"\n")]
            chunks.append(b"From archive@example.com Fri May 10 09:30:00 2024\n" + b"\n".join(lines).rstrip(b"\n") + b"\n\n")
        with open(os.path.join(self.bin, fixture), "wb") as fh:
            fh.write(b"".join(chunks))
        self.carry(fixture, "mbox", names)

    def _write_mail(self, fixture, msg):
        with open(os.path.join(self.bin, fixture), "wb") as fh:
            fh.write(msg.as_bytes(policy=policy.compat32))

    # --- archives ------------------------------------------------------------------------
    def _stage(self, name, members):
        """Members into a staging dir; names as bytes (the zip's CP932 name is written raw)."""
        stage = self.w("stage-" + name)
        os.makedirs(stage)
        arcnames = []
        for arc, src in members:
            data = self.c.raw(src) if src else open(os.path.join(self.bin, os.path.basename(arc)), "rb").read()
            b = arc.encode("cp932") if name.endswith(".zip") else arc.encode("utf-8")
            p = os.path.join(stage.encode(), b)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as fh:
                fh.write(data)
            arcnames.append(b)
        return stage, arcnames

    def archives(self):
        def run(cmd, cwd):
            subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        tar = [b"tar", b"--sort=name", b"--owner=0", b"--group=0", b"--numeric-owner", b"--mtime=2024-05-10"]
        for fixture, members, fmt in ((ZIP[0], ZIP[1], "zip"), (TGZ[0], TGZ[1], "tar.gz"), (TXZ[0], TXZ[1], "tar.xz"),
                                      (TZST[0], TZST[1], "tar.zst"), (SEVENZ[0], SEVENZ[1], "7z")):
            stage, arcnames = self._stage(fixture, members)
            target = os.path.join(self.bin, fixture)
            if fmt == "zip":
                # Info-ZIP stores the bytes of a name that is not UTF-8 as they are, without the
                # UTF-8 flag: what a zip made on Windows in Japanese holds (CP932).
                run([b"zip", b"-q", b"-X", target.encode()] + arcnames, stage)
            elif fmt.startswith("tar."):
                flag = {"tar.gz": b"-z", "tar.xz": b"-J", "tar.zst": b"--zstd"}[fmt]
                run(tar + [flag, b"-cf", target.encode()] + arcnames, stage)
            else:
                run([b"7z", b"a", b"-bd", b"-y", target.encode()] + arcnames, stage)
            sources, people = [], {}
            for arc, src in members:
                if src is None:  # a fixture made above (the docx), nested
                    src = DOCX[[os.path.splitext(n)[0] for n in DOCX].index(os.path.splitext(os.path.basename(arc))[0])]
                sources.append(src)
                people[f"{fixture}!/{arc}"] = self.c.people(src)
            self.carry(fixture, fmt, sources, people)

        # a lone compressed stream: read as the document itself, at the fixture's path
        for fixture, fmt, src, cmd in STREAMS:
            r = subprocess.run(cmd, input=self.c.raw(src), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
            with open(os.path.join(self.bin, fixture), "wb") as fh:
                fh.write(r.stdout)
            self.carry(fixture, fmt, [src], {fixture: self.c.people(src)})

        # lzh: written from the format (no Debian tool writes it), checked by lhasa if present
        fixture, members = LZH
        target = os.path.join(self.bin, fixture)
        with open(target, "wb") as fh:
            fh.write(b"".join(lzh_member(arc, self.c.raw(src)) for arc, src in members) + b"\0")
        if shutil.which("lhasa"):
            r = subprocess.run(["lhasa", "t", target], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                raise RuntimeError(f"lhasa t {fixture}: {r.stdout.decode('utf-8', 'replace')[-800:]}")
        self.carry(fixture, "lzh", [src for _, src in members],
                   {f"{fixture}!/{arc.replace(chr(92), '/')}": self.c.people(src) for arc, src in members})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", required=True, help="directory to write docs_bin/ and derived.json into")
    args = ap.parse_args()
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print(f"derive.py: missing {', '.join(missing)} (scripts/install-deps.sh installs them)", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    b = Builder(os.path.abspath(args.corpus), os.path.abspath(args.out))
    try:
        b.build()
    finally:
        b.close()
    with open(os.path.join(args.out, "derived.json"), "w", encoding="utf-8") as fh:
        json.dump({"labels": b.labels, "people": b.people, "formats": b.formats, "sources": b.sources}, fh,
                  ensure_ascii=False, indent=1)
    print(f"derive.py: {len(b.formats)} fixtures, {len(b.labels)} labels in {time.monotonic() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
