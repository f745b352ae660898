"""gen.py: tables and texts that scan.c cuts into parts (with
LEAKGUARD_SEGMENT_BYTES set low), each with what may stop a cut: CRLF and a
BOM, a blank line, quoted and multi-line cells, an export that quotes
every field, short and long rows, tabs,
a first line that names no column, Shift_JIS, prose with blank lines."""
import random
import sys

sys.path.insert(0, sys.argv[1])  # bench/, for its generators
import gen_text as g

random.seed(11)
HDR = g.CSV_MEMBER_HDR.split(",")


def row(i, full):
    sur, giv = g.person()
    cells = [f"M{i:08d}", "", "", "", "", "", "", "", g.ts()[:19].replace("T", " "),
             str(random.randint(0, 500000))]
    if full:
        cells[1:8] = [f"{sur[0]} {giv[0]}", f"{sur[1]} {giv[1]}", g.birth_date(),
                      g.phone(), g.email(sur, giv), g.postal(), g.address()]
    return cells


def rows(n, start=0, every=4):
    return [row(start + i, i % every == 0) for i in range(n)]


def write(name, lines, eol="\n", bom=False, enc="utf-8"):
    with open(name, "w", encoding=enc, newline="") as f:
        if bom:
            f.write("\ufeff")
        f.write(eol.join(lines) + eol)


csv = lambda cells, d=",": d.join(cells)
write("members.csv", [csv(HDR)] + [csv(r) for r in rows(4000)])
write("crlf_bom.csv", [csv(HDR)] + [csv(r) for r in rows(3000)], eol="\r\n", bom=True)
write("blank_mid.csv", [csv(HDR)] + [csv(r) for r in rows(1500)] + [""] +
      [csv(r) for r in rows(800, 2000)] + ["", csv(HDR)] + [csv(r) for r in rows(900, 3000)])
quoted = [csv(r) for r in rows(1200)]
for i in range(1200, 2400):
    r = row(i, i % 3 == 0)
    # quoted cells on one line, then from row 1800 some with a line break
    # inside: the record is both lines, and cuts go on between records
    r[7] = '"' + r[7] + ('\n' + "（２階）" if i >= 1800 and i % 50 == 25 else "") + '"'
    r[1] = '"' + r[1] + '"'
    quoted.append(csv(r))
write("quoted.csv", [csv(HDR)] + quoted + [csv(r) for r in rows(1000, 3000)])
excel = []  # every field quoted, some with a comma or a "" inside
for i, r in enumerate(rows(2500)):
    if i % 7 == 3:
        r[7] = r[7] + ", 別館"
    if i % 11 == 5:
        r[9] = r[9] + ' (""税込"")'
    excel.append(",".join('"' + c + '"' for c in r))
write("excel.csv", [",".join('"' + c + '"' for c in HDR)] + excel, eol="\r\n")
# a last cell that goes on over a line which itself looks like a row
# (as many commas): only its quote tells it apart (a cut before that line
# would make it a row of its own)
memo = []
for i, r in enumerate(rows(2500)):
    line = ",".join(r)
    if i >= 200 and i % 40 == 0:
        line += ',"メモ: 折り返し\n' + ",".join(["続き"] * 11) + '"'
    else:
        line += ","
    memo.append(line)
write("memo.csv", [",".join(HDR + ["備考"])] + memo)
odd = []
for i, r in enumerate(rows(3000)):
    if i % 97 == 5:
        r = r[:3]  # a short row
    elif i % 211 == 7:
        r = r + ["extra", "cells"]  # a misfit
    odd.append(csv(r))
odd[1800:1800] = ["x,y,z,1,2,3,4,5,6,7,8,9,10,11"] * 3  # three misfits: the table ends
write("odd_rows.csv", [csv(HDR)] + odd)
write("tabs.tsv", [csv(HDR, "\t")] + [csv(r, "\t") for r in rows(3000)])
write("no_header.csv", ["1,2,3,4,5,6,7,8,9,10"] + [csv(r) for r in rows(2500)])
write("sjis.csv", [csv(HDR)] + [csv(r) for r in rows(1500)], enc="cp932")
with open("text.txt", "w", encoding="utf-8") as f:
    size = 0
    while size < 900000:
        make = random.choices([m for m, _ in g.MAKERS], [w for _, w in g.MAKERS])[0]
        t, _ = make()
        f.write(t + "\n")
        size += len(t.encode()) + 1
# records the table pass ends short or reads on past: a quoted cell with a
# blank line in it, one over more lines than a record may take (its end
# is read as rows), some longer than a row may be, and at the end a quote
# that never closes; cuts go on past the first, stop before the others
recs = []
for i, r in enumerate(rows(3000)):
    line = ",".join(r)
    if i % 60 == 30:
        line += ',"折り返し\n\n空行のあと"'
    elif i == 1500:
        line += ',"長い備考\n' + "\n".join(f"{k},続き" for k in range(40)) + '"'
    elif i >= 1900 and i % 50 == 0:
        line += ',"' + "長文" * 1500 + '\n終わり"'
    else:
        line += ","
    recs.append(line)
recs.append(",".join(rows(1, 9000)[0]) + ',"閉じない引用\n' + csv(rows(1, 9001)[0]))
write("records.csv", [",".join(HDR + ["備考"])] + recs)
# a header ending in a label that a form's value may follow on the next
# line (パスポート番号), over rows with no digit before a passport-shaped
# value: under the header, the label's pattern reaches into the row, so
# a part reads the rows before its cut after the header, not its own row
with open("passports.tsv", "w", encoding="utf-8") as f:
    f.write("氏名\t運転免許証番号\tパスポート番号\n")
    for i in range(3000):
        sur, giv = g.person()
        mark = "".join(random.choice("ABCDEFGHJKLMNPRSTZ") for _ in range(2))
        f.write(f"{sur[0]} {giv[0]}\t{mark}{random.randint(1000000, 9999999)}\t\n")
