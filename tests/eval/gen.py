#!/usr/bin/env python3
"""Generate the leakguard evaluation corpus (tests/eval/docs + labels.jsonl).

Deterministic: one random.Random with a fixed seed, no clock, no environment.
Python 3 standard library only.

    python3 gen.py                 # (re)write docs/, labels.jsonl, negatives.jsonl, manifest.json
    python3 gen.py --check         # regenerate in a temp dir and compare with the checked-in files
    python3 gen.py --stats         # print corpus statistics only

Every planted value goes through Doc.f()/P(); the label is produced from the same
call that writes the text, so text and labels cannot drift apart.  Planted hard
negatives go through N() and are listed in negatives.jsonl (not used for scoring,
only to explain false positives).  See README.md for the label semantics.
"""

import argparse
import datetime
import filecmp
import json
import os
import random
import shutil
import sys
import tempfile
import zlib

# shared with the scorer (typeids) and the bench generator (checkdigits)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..")]
from checkdigits import (corp_check, corp_ok, dl_check, ean13_check,  # noqa: E402
                         luhn_check_digit, luhn_ok, mn_check, mn_ok)
from typeids import TYPES  # noqa: E402

SEED = 20240501
R = random.Random(SEED)

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
ALNUM = UPPER + LOWER + DIGITS
B64 = ALNUM + "+/"

# --------------------------------------------------------------------------
# Labels and negatives
# --------------------------------------------------------------------------

NUMERIC_TYPES = {
    "credit_card", "card_cvv", "card_expiry", "jp_my_number", "jp_corporate_number",
    "jp_phone", "jp_postal_code", "birth_date", "jp_bank_account", "jp_drivers_license",
}


class P:
    """A planted value that a reviewer would mark: label (type, normalised value).

    opt=True marks an optional label: a reviewer would mark it, but it stands outside the
    contexts the detector is specified to use (a name alone on a signature line, "…と申します").
    The scorer neither rewards nor penalises a finding that matches an optional label."""
    __slots__ = ("typ", "surf", "val", "opt")

    def __init__(self, typ, surf, val, opt=False):
        assert typ in TYPES, typ
        self.typ, self.surf, self.val, self.opt = typ, surf, val, opt


class N:
    """A planted hard negative: looks like personal data, must not be reported."""
    __slots__ = ("kind", "surf", "numeric")

    def __init__(self, kind, surf, numeric=True):
        self.kind, self.surf, self.numeric = kind, surf, numeric


class Doc:
    def __init__(self, name, kind, enc="utf-8", crlf=False):
        self.name, self.kind, self.enc, self.crlf = name, kind, enc, crlf
        self.parts = []
        self.labels = []
        self.negs = []
        self.line = 1
        self.people = None  # tabular fixtures: distinct persons in the rows (gold for `people`)

    def _add(self, item):
        if isinstance(item, P):
            lab = {"type": item.typ, "value": item.val, "line": self.line}
            if item.opt:
                lab["optional"] = True
            self.labels.append(lab)
            s = item.surf
        elif isinstance(item, N):
            self.negs.append({"kind": item.kind, "value": item.surf, "line": self.line,
                              "numeric": item.numeric})
            s = item.surf
        elif isinstance(item, (list, tuple)):
            for x in item:
                self._add(x)
            return
        else:
            s = str(item)
        self.parts.append(s)
        self.line += s.count("\n")

    def t(self, *items):
        for it in items:
            self._add(it)

    def f(self, fmt, *items):
        """fmt with '§' placeholders, filled by items (str, P, N or lists of them)."""
        chunks = fmt.split("§")
        assert len(chunks) == len(items) + 1, (fmt, len(items))
        for i, c in enumerate(chunks):
            if c:
                self._add(c)
            if i < len(items):
                self._add(items[i])

    def text(self):
        return "".join(self.parts)


# --------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------

def digits(n, first=DIGITS):
    return R.choice(first) + "".join(R.choice(DIGITS) for _ in range(n - 1)) if n else ""


def luhn_complete(prefix, length):
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn_check_digit(body)


def _selftest():
    assert mn_ok("621498320257") and not mn_ok("621498320258")
    assert mn_ok("123456789018")
    assert corp_ok("5835678256246") and not corp_ok("2835678256246")
    assert corp_ok("7000012050002")
    assert luhn_ok("3530111333300000") and not luhn_ok("3530111333300001")
    assert dl_check("3090123456") == "2"
    assert ean13_check("978400000000")  # sanity: returns a digit


# --------------------------------------------------------------------------
# Character forms
# --------------------------------------------------------------------------

FW_DIGIT = {c: chr(0xFF10 + i) for i, c in enumerate(DIGITS)}
HYPHENS = "-‐‑‒–—―−ー－ｰ﹣─━"  # hyphen look-alikes; score.py folds them all to '-' (keep in step)


def fw(s, hyphen="－"):
    """Full-width digits; '-' replaced by the given hyphen look-alike."""
    return "".join(FW_DIGIT.get(c, hyphen if c == "-" else ("／" if c == "/" else c)) for c in s)


def wchoice(pairs):
    tot = sum(w for _, w in pairs)
    x = R.random() * tot
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


# --------------------------------------------------------------------------
# People, places, companies
# --------------------------------------------------------------------------

SURNAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山口", "ヤマグチ", "yamaguchi"),
    ("松本", "マツモト", "matsumoto"), ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"),
    ("林", "ハヤシ", "hayashi"), ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"),
    ("山崎", "ヤマザキ", "yamazaki"), ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"),
    ("橋本", "ハシモト", "hashimoto"), ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"),
    ("山下", "ヤマシタ", "yamashita"), ("中島", "ナカジマ", "nakajima"), ("石井", "イシイ", "ishii"),
    ("小川", "オガワ", "ogawa"), ("前田", "マエダ", "maeda"), ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"), ("藤田", "フジタ", "fujita"), ("後藤", "ゴトウ", "goto"),
    ("近藤", "コンドウ", "kondo"), ("村上", "ムラカミ", "murakami"), ("遠藤", "エンドウ", "endo"),
    ("青木", "アオキ", "aoki"), ("坂本", "サカモト", "sakamoto"), ("西村", "ニシムラ", "nishimura"),
    ("福田", "フクダ", "fukuda"), ("太田", "オオタ", "ota"), ("三浦", "ミウラ", "miura"),
    ("藤井", "フジイ", "fujii"), ("岡本", "オカモト", "okamoto"), ("松田", "マツダ", "matsuda"),
    ("中川", "ナカガワ", "nakagawa"), ("原田", "ハラダ", "harada"), ("小野", "オノ", "ono"),
]
GIVEN = [
    ("太郎", "タロウ", "taro"), ("花子", "ハナコ", "hanako"), ("翔太", "ショウタ", "shota"),
    ("美咲", "ミサキ", "misaki"), ("健太", "ケンタ", "kenta"), ("陽菜", "ヒナ", "hina"),
    ("大輔", "ダイスケ", "daisuke"), ("由美", "ユミ", "yumi"), ("直樹", "ナオキ", "naoki"),
    ("恵", "メグミ", "megumi"), ("拓也", "タクヤ", "takuya"), ("彩", "アヤ", "aya"),
    ("誠", "マコト", "makoto"), ("愛", "アイ", "ai"), ("蓮", "レン", "ren"),
    ("結衣", "ユイ", "yui"), ("悠斗", "ユウト", "yuto"), ("さくら", "サクラ", "sakura"),
    ("翼", "ツバサ", "tsubasa"), ("真由美", "マユミ", "mayumi"), ("和也", "カズヤ", "kazuya"),
    ("裕子", "ユウコ", "yuko"), ("健一", "ケンイチ", "kenichi"), ("明美", "アケミ", "akemi"),
    ("浩二", "コウジ", "koji"), ("智子", "トモコ", "tomoko"), ("亮", "リョウ", "ryo"),
    ("千尋", "チヒロ", "chihiro"), ("隆", "タカシ", "takashi"), ("舞", "マイ", "mai"),
    ("俊介", "シュンスケ", "shunsuke"), ("久美子", "クミコ", "kumiko"), ("学", "マナブ", "manabu"),
    ("沙織", "サオリ", "saori"), ("修", "オサム", "osamu"), ("奈々", "ナナ", "nana"),
]
CHILD_GIVEN = [("陽翔", "ハルト"), ("凛", "リン"), ("蒼", "アオイ"), ("紬", "ツムギ"),
               ("湊", "ミナト"), ("芽依", "メイ"), ("樹", "イツキ"), ("結菜", "ユイナ")]

# (prefecture, city, [(town, postal code of the town)], area code).  Town-level codes as listed
# in Japan Post's KEN_ALL, so that a detector validating postal codes against it sees real ones.
REGIONS = [
    ("東京都", "千代田区", [("丸の内", "1000005"), ("大手町", "1000004"), ("有楽町", "1000006")], "03"),
    ("東京都", "渋谷区", [("渋谷", "1500002"), ("神宮前", "1500001"), ("恵比寿", "1500013")], "03"),
    ("東京都", "新宿区", [("西新宿", "1600023"), ("新宿", "1600022"), ("高田馬場", "1690075")], "03"),
    ("東京都", "豊島区", [("南池袋", "1710022"), ("目白", "1710031"), ("西池袋", "1710021")], "03"),
    ("東京都", "文京区", [("本郷", "1130033"), ("湯島", "1130034"), ("小石川", "1120002")], "03"),
    ("東京都", "江東区", [("豊洲", "1350061"), ("東雲", "1350062"), ("亀戸", "1360071")], "03"),
    ("東京都", "武蔵野市", [("吉祥寺本町", "1800004")], "0422"),
    ("神奈川県", "横浜市西区", [("みなとみらい", "2200012"), ("高島", "2200011"), ("北幸", "2200004")], "045"),
    ("神奈川県", "横浜市中区", [("山下町", "2310023"), ("元町", "2310861")], "045"),
    ("神奈川県", "川崎市川崎区", [("駅前本町", "2100007"), ("砂子", "2100006")], "044"),
    ("神奈川県", "藤沢市", [("藤沢", "2510052"), ("鵠沼海岸", "2510037"), ("辻堂", "2510047")], "0466"),
    ("埼玉県", "さいたま市大宮区", [("桜木町", "3300854"), ("大門町", "3300846"), ("宮町", "3300802")], "048"),
    ("千葉県", "千葉市中央区", [("富士見", "2600015"), ("新町", "2600028"), ("中央", "2600013")], "043"),
    ("千葉県", "船橋市", [("本町", "2730005"), ("湊町", "2730011")], "047"),
    ("大阪府", "大阪市北区", [("梅田", "5300001"), ("曽根崎", "5300057"), ("天神橋", "5300041")], "06"),
    ("大阪府", "大阪市中央区", [("難波", "5420076"), ("心斎橋筋", "5420085"), ("島之内", "5420082")], "06"),
    ("兵庫県", "神戸市中央区", [("三宮町", "6500021"), ("元町通", "6500022"), ("北野町", "6500002")], "078"),
    ("京都府", "京都市下京区", [("東塩小路町", "6008216")], "075"),
    ("愛知県", "名古屋市中村区", [("名駅", "4500002")], "052"),
    ("愛知県", "名古屋市中区", [("栄", "4600008"), ("錦", "4600003"), ("丸の内", "4600002")], "052"),
    ("北海道", "札幌市中央区", [("北一条西", "0600001"), ("南三条西", "0600063"), ("大通西", "0600042")], "011"),
    ("宮城県", "仙台市青葉区", [("中央", "9800021"), ("一番町", "9800811"), ("国分町", "9800803")], "022"),
    ("福岡県", "福岡市中央区", [("天神", "8100001"), ("大名", "8100041"), ("今泉", "8100021")], "092"),
    ("福岡県", "福岡市博多区", [("博多駅前", "8120011"), ("中洲", "8100801"), ("祇園町", "8120038")], "092"),
    ("広島県", "広島市中区", [("紙屋町", "7300031"), ("八丁堀", "7300013"), ("大手町", "7300051")], "082"),
    ("沖縄県", "那覇市", [("久茂地", "9000015"), ("松山", "9000032"), ("泉崎", "9000021")], "098"),
    ("栃木県", "宇都宮市", [("馬場通り", "3200026"), ("本町", "3200033"), ("大通り", "3200811")], "028"),
    ("新潟県", "新潟市中央区", [("万代", "9500088"), ("東大通", "9500087")], "025"),
    ("岡山県", "岡山市北区", [("本町", "7000901"), ("駅前町", "7000023"), ("表町", "7000822")], "086"),
]
BUILDINGS = ["グランドメゾン", "サンライズ", "コーポ", "ハイツ", "パークハウス", "レジデンス",
             "メゾン", "ライオンズマンション", "シティハイツ", "プラザ"]
BUILDING_SUFFIX = ["", "", "", "II", "第2"]

MAIL_FREE = ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp",
             "icloud.com", "outlook.jp", "hotmail.co.jp", "i.softbank.jp", "au.com", "nifty.com",
             "biglobe.ne.jp", "ymail.ne.jp", "outlook.com"]

COMPANY_WORDS = [
    ("みどりフーズ", "midori-foods"), ("さくら商事", "sakura-shoji"), ("東和システム", "towa-sys"),
    ("北斗物流", "hokuto-logi"), ("ひかり不動産", "hikari-estate"), ("青葉クリニック", "aoba-clinic"),
    ("丸福食品", "marufuku"), ("ネクストリンク", "nextlink"), ("大和精機", "yamato-seiki"),
    ("朝日トラベル", "asahi-travel"), ("はるかデザイン", "haruka-design"), ("富士ソリューションズ", "fuji-sol"),
    ("かもめ珈琲", "kamome-coffee"), ("山田建設", "yamada-kensetsu"), ("こだま保険サービス", "kodama-hoken"),
    ("ミライ人材", "mirai-jinzai"), ("あおぞら会計事務所", "aozora-kaikei"), ("テクノブリッジ", "technobridge"),
    ("しらかば薬局", "shirakaba-ph"), ("ルミナス美容室", "luminous-salon"),
]
BANKS = [("三菱UFJ銀行", "0005"), ("三井住友銀行", "0009"), ("みずほ銀行", "0001"), ("りそな銀行", "0010"),
         ("楽天銀行", "0036"), ("住信SBIネット銀行", "0038"), ("横浜銀行", "0138"), ("千葉銀行", "0134"),
         ("福岡銀行", "0177"), ("京都銀行", "0158"), ("静岡銀行", "0149"), ("PayPay銀行", "0033")]
BRANCHES = ["本店", "渋谷支店", "新宿支店", "梅田支店", "横浜支店", "名古屋支店", "札幌支店",
            "博多支店", "京都支店", "大宮支店", "池袋支店", "なんば支店", "第一営業部"]


def romaji_local(given_r, sur_r, dob=None):
    pat = R.randrange(8)
    yy = dob.strftime("%y") if dob else digits(2)
    md = dob.strftime("%m%d") if dob else digits(4)
    if pat == 0:
        return f"{given_r}.{sur_r}"
    if pat == 1:
        return f"{sur_r}.{given_r}{yy}"
    if pat == 2:
        return f"{given_r}{md}"
    if pat == 3:
        return f"{given_r[0]}-{sur_r}"
    if pat == 4:
        return f"{sur_r}_{given_r}{R.randint(1, 99)}"
    if pat == 5:
        return f"{given_r}.{sur_r}.{R.choice(['mail', 'jp', 'home', 'love', 'run'])}"
    if pat == 6:
        return f"{given_r}{sur_r[:3]}{digits(3)}"
    return f"{sur_r}{given_r[0]}{yy}"


def rand_date(y0, y1):
    a = datetime.date(y0, 1, 1).toordinal()
    b = datetime.date(y1, 12, 31).toordinal()
    return datetime.date.fromordinal(R.randint(a, b))


KANJI_NUM = "〇一二三四五六七八九"


def kanji_num(n):
    """1..99 in kanji numerals as addresses write them (十二, 二十, 二十五)."""
    t, o = divmod(n, 10)
    return (("" if t == 1 else KANJI_NUM[t]) + "十" if t else "") + (KANJI_NUM[o] if o else "")


# How the block number (番地) of an address is written; weights over the corpus.
ADDR_STYLES = [("hyphen", 58), ("chome", 12), ("kanji", 6), ("banchi", 5), ("fw", 9), ("choon", 4),
               ("dash", 3), ("spaced", 3)]


def address_surface(pref, city, town, a, b, c, style, building=""):
    """A street address as written: prefecture + city + town + block number (+ building)."""
    if style == "hyphen":
        blk = f"{a}-{b}-{c}"
    elif style == "chome":
        blk = f"{a}丁目{b}番{c}号"
    elif style == "kanji":
        blk = f"{kanji_num(a)}丁目{b}番{c}号"
    elif style == "banchi":
        blk = f"{a}丁目{b}番地{c}"
    elif style == "fw":
        blk = fw(f"{a}-{b}-{c}")
    elif style == "choon":
        blk = fw(f"{a}-{b}-{c}", "ー")
    elif style == "dash":
        blk = f"{a}‐{b}‐{c}"  # U+2010, as some IMEs and PDFs write it
    elif style == "spaced":
        return f"{pref} {city} {town}{a}-{b}-{c}" + (f" {building}" if building else "")
    else:
        raise ValueError(style)
    return f"{pref}{city}{town}{blk}" + (f" {building}" if building else "")


class Person:
    def __init__(self, min_year=1948, max_year=2003):
        self.sur, self.sur_k, self.sur_r = R.choice(SURNAMES)
        self.giv, self.giv_k, self.giv_r = R.choice(GIVEN)
        self.name = f"{self.sur} {self.giv}"
        self.name_nosp = self.sur + self.giv
        self.kana = f"{self.sur_k} {self.giv_k}"
        self.romaji = f"{self.giv_r.capitalize()} {self.sur_r.capitalize()}"
        self.dob = rand_date(min_year, max_year)
        self.region = R.choice(REGIONS)
        pref, city = self.region[0], self.region[1]
        town, self.postal = R.choice(self.region[2])
        a, b, c = R.randint(1, 5), R.randint(1, 30), R.randint(1, 20)
        bld = ""
        if R.random() < 0.5:
            bld = f"{R.choice(BUILDINGS)}{R.choice(['渋谷', '本町', '中央', '駅前', '南', '北'])}{R.choice(BUILDING_SUFFIX)} {R.randint(1, 12)}0{R.randint(1, 9)}号室"
        style = wchoice(ADDR_STYLES)
        self.address = address_surface(pref, city, town, a, b, c, style, bld)
        # as an address column of a ledger may hold it: from the city, without the prefecture
        self.address_city = address_surface(pref, city, town, a, b, c, "hyphen", bld)[len(pref):]
        self.email = (romaji_local(self.giv_r, self.sur_r, self.dob) + "@" + R.choice(MAIL_FREE)).lower()
        self.mobile = phone_groups("mobile")
        self.home = phone_groups("fixed", self.region)


class Company:
    def __init__(self):
        self.jname, self.dom = R.choice(COMPANY_WORDS)
        self.kabu = R.choice(["株式会社", "株式会社", "有限会社", "合同会社"])
        self.name = f"{self.kabu}{self.jname}" if R.random() < 0.7 else f"{self.jname}{self.kabu}"
        self.domain = self.dom + R.choice([".co.jp", ".co.jp", ".co.jp", ".jp", ".com", ".ne.jp"])
        self.corp = corp_number()
        self.region = R.choice(REGIONS)
        town, self.postal = R.choice(self.region[2])
        bld = f"{R.choice(['', '第一', '第二', 'センター'])}{R.choice(['ビル', 'タワー', '会館'])}{R.randint(2, 12)}F"
        self.address = address_surface(self.region[0], self.region[1], town, R.randint(1, 5), R.randint(1, 30),
                                       R.randint(1, 20), wchoice(ADDR_STYLES[:6]), bld)
        self.tel = phone_groups("fixed", self.region)
        g = list(self.tel)
        g[-1] = digits(4)
        self.fax = g
        self.free = phone_groups("tollfree")
        self.bank = R.choice(BANKS)
        self.branch = R.choice(BRANCHES)
        self.acct = digits(7)


# --------------------------------------------------------------------------
# Value generators -> P(...)
# --------------------------------------------------------------------------

def phone_groups(kind, region=None):
    if kind == "mobile":
        return ["0" + R.choice("987") + "0", digits(4, "123456789"), digits(4)]
    if kind == "ip":
        return ["050", digits(4, "123456789"), digits(4)]
    if kind == "tollfree":
        return ["0120", digits(3, "123456789"), digits(3)]
    if kind == "freedial0800":
        return ["0800", digits(3, "123456789"), digits(4)]
    if kind == "navi":
        return ["0570", digits(3), digits(3)]
    region = region or R.choice(REGIONS)
    area = region[3]
    ex = 10 - len(area) - 4
    return [area, digits(ex, "23456789"), digits(4)]


def phone_surface(g, style):
    d = "".join(g)
    if style == "hyphen":
        return "-".join(g)
    if style == "plain":
        return d
    if style == "space":
        return " ".join(g)
    if style == "paren":  # 03(1234)5678
        return f"{g[0]}({g[1]}){g[2]}"
    if style == "paren_area":  # (03)1234-5678
        return f"({g[0]}){g[1]}-{g[2]}"
    if style == "intl":
        return "+81-" + g[0][1:] + "-" + g[1] + "-" + g[2]
    if style == "intl_space":
        return "+81 " + g[0][1:] + " " + g[1] + " " + g[2]
    if style == "intl_plain":
        return "+81" + d[1:]
    if style == "fw_choon":
        return fw("-".join(g), "ー")
    if style == "fw_hyphen":
        return fw("-".join(g), "－")
    if style == "fw_plain":
        return fw(d)
    if style == "fw_paren":
        return fw(g[0]) + "（" + fw(g[1]) + "）" + fw(g[2])
    raise ValueError(style)


PHONE_STYLES_JA = [("hyphen", 55), ("plain", 10), ("space", 3), ("paren", 6), ("paren_area", 3),
                   ("intl", 3), ("fw_choon", 6), ("fw_hyphen", 8), ("fw_plain", 2), ("fw_paren", 1)]
PHONE_STYLES_EN = [("hyphen", 30), ("intl", 30), ("intl_space", 20), ("intl_plain", 8), ("paren_area", 6),
                   ("plain", 6)]


def PHONE(g, style=None, en=False):
    if style is None:
        style = wchoice(PHONE_STYLES_EN if en else PHONE_STYLES_JA)
    if style in ("paren", "paren_area", "fw_paren") and g[0] in ("090", "080", "070", "050", "0120", "0570", "0800"):
        style = "hyphen"
    return P("jp_phone", phone_surface(g, style), "".join(g))


def POSTAL(code, style=None):
    """The postal-code surface including its 〒 / 郵便番号 marker when the style has one."""
    if style is None:
        style = wchoice([("mark", 60), ("mark_nohyphen", 5), ("mark_space", 8), ("fw_mark", 10),
                         ("fw_mark_choon", 3), ("bare", 14)])
    a, b = code[:3], code[3:]
    if style == "mark":
        return ["〒", P("jp_postal_code", f"{a}-{b}", code)]
    if style == "mark_nohyphen":
        return ["〒", P("jp_postal_code", code, code)]
    if style == "mark_space":
        return ["〒 ", P("jp_postal_code", f"{a}-{b}", code)]
    if style == "fw_mark":
        return ["〒", P("jp_postal_code", fw(f"{a}-{b}"), code)]
    if style == "fw_mark_choon":
        return ["〒", P("jp_postal_code", fw(f"{a}-{b}", "ー"), code)]
    if style == "bare":
        return [P("jp_postal_code", f"{a}-{b}", code)]
    raise ValueError(style)


def postal_raw(code, fullwidth=False):
    s = f"{code[:3]}-{code[3:]}"
    return P("jp_postal_code", fw(s) if fullwidth else s, code)


def EMAIL(addr, upper=False):
    s = addr
    if upper:
        local, dom = addr.split("@")
        s = local.capitalize() + "@" + dom
    return P("email", s, addr.lower())


def NAME(s, opt=False):
    """A person's name as written (kanji, kana reading or romaji); the label keeps it as written."""
    return P("person_name", s, s, opt)


def ONAME(s):
    """A name outside the detector's contexts (signature line, "…と申します", From: header)."""
    return NAME(s, True)


def ADDR(s, opt=False):
    """A street address as written, from the prefecture (or city) to the block number and building."""
    return P("jp_address", s, s, opt)


CARD_BRANDS = [("visa", 34), ("mc", 22), ("jcb", 30), ("amex", 9), ("diners", 5)]


def card_number(brand=None):
    brand = brand or wchoice(CARD_BRANDS)
    if brand == "visa":
        return brand, luhn_complete("4" + digits(5), 16)
    if brand == "mc":
        if R.random() < 0.7:
            pre = str(R.randint(51, 55)) + digits(4)
        else:
            pre = str(R.randint(2221, 2720)) + digits(2)
        return brand, luhn_complete(pre, 16)
    if brand == "jcb":
        return brand, luhn_complete(str(R.randint(3528, 3589)) + digits(2), 16)
    if brand == "amex":
        return brand, luhn_complete(R.choice(["34", "37"]) + digits(4), 15)
    if brand == "diners":
        return brand, luhn_complete("36" + digits(4), 14)
    raise ValueError(brand)


def card_surface(num, style):
    if len(num) == 16:
        groups = [num[0:4], num[4:8], num[8:12], num[12:16]]
    elif len(num) == 15:
        groups = [num[0:4], num[4:10], num[10:15]]
    else:
        groups = [num[0:4], num[4:10], num[10:14]]
    if style == "space":
        return " ".join(groups)
    if style == "hyphen":
        return "-".join(groups)
    if style == "plain":
        return num
    if style == "fw_hyphen":
        return fw("-".join(groups))
    if style == "fw_plain":
        return fw(num)
    if style == "fw_space":
        return "　".join(fw(x) for x in groups)
    raise ValueError(style)


def CARD(num=None, style=None):
    if num is None:
        _, num = card_number()
    style = style or wchoice([("space", 30), ("hyphen", 30), ("plain", 25), ("fw_hyphen", 7),
                              ("fw_plain", 5), ("fw_space", 3)])
    return P("credit_card", card_surface(num, style), num)


def card_masked(num, style=None):
    style = style or R.choice(["last4", "first4last4", "first6last4", "stars"])
    if style == "last4":
        return N("masked_card", "****-****-****-" + num[-4:])
    if style == "first4last4":
        return N("masked_card", num[:4] + "-****-****-" + num[-4:])
    if style == "first6last4":
        return N("masked_card", num[:6] + "*" * (len(num) - 10) + num[-4:])
    return N("masked_card", "*" * 12 + num[-4:])


def CVV(brand="visa"):
    v = digits(4) if brand == "amex" else digits(3)
    return P("card_cvv", v, v)


def expiry_value():
    y = R.randint(2024, 2031)
    m = R.randint(1, 12)
    return y, m


def EXPIRY(y=None, m=None, style=None):
    if y is None:
        y, m = expiry_value()
    style = style or wchoice([("mmyy", 60), ("mmyyyy", 15), ("kanji", 10), ("fw_mmyy", 6), ("mm_yy_sp", 4),
                              ("yyyy_mm", 5)])
    if style == "mmyy":
        s = f"{m:02d}/{y % 100:02d}"
    elif style == "mmyyyy":
        s = f"{m:02d}/{y}"
    elif style == "kanji":
        s = f"{y}年{m}月"
    elif style == "fw_mmyy":
        s = fw(f"{m:02d}/{y % 100:02d}")
    elif style == "mm_yy_sp":
        s = f"{m:02d} / {y % 100:02d}"
    elif style == "yyyy_mm":
        s = f"{y}/{m:02d}"
    else:
        raise ValueError(style)
    return P("card_expiry", s, f"{y:04d}-{m:02d}")


def my_number():
    b = digits(11, "123456789")
    return b + mn_check(b)


def MYNUM(v=None, style=None):
    v = v or my_number()
    style = style or wchoice([("plain", 40), ("hyphen", 25), ("space", 20), ("fw_plain", 8), ("fw_space", 5),
                              ("fw_hyphen", 2)])
    g = [v[0:4], v[4:8], v[8:12]]
    s = {"plain": v, "hyphen": "-".join(g), "space": " ".join(g), "fw_plain": fw(v),
         "fw_space": "　".join(fw(x) for x in g), "fw_hyphen": fw("-".join(g))}[style]
    return P("jp_my_number", s, v)


CORP_PREFIX = ["0100", "0104", "0110", "0111", "0113", "0105", "1200", "1100", "2000", "3700", "4000",
               "4700", "5000", "5010", "6000", "6011", "7000", "7010", "8000", "9000", "0300", "0600"]


def corp_number():
    # base12 = registry office code (4) + kind (2) + serial (6); the check digit goes first
    b = R.choice(CORP_PREFIX) + R.choice(["01", "01", "01", "02", "03", "05"]) + digits(6)
    return corp_check(b) + b


def CORP(v=None, style=None):
    v = v or corp_number()
    style = style or wchoice([("plain", 60), ("hyphen", 20), ("fw", 8), ("space", 12)])
    s = {"plain": v, "hyphen": f"{v[0]}-{v[1:5]}-{v[5:9]}-{v[9:]}", "fw": fw(v),
         "space": f"{v[0]} {v[1:5]} {v[5:9]} {v[9:]}"}[style]
    return P("jp_corporate_number", s, v)


DL_COMMISSION = ["30", "30", "30", "45", "46", "47", "62", "63", "61", "54", "10", "22", "91", "97", "71", "50"]


def drivers_license(dob=None):
    code = R.choice(DL_COMMISSION)
    y = (dob.year + R.randint(18, 35)) if dob else R.randint(1975, 2022)
    y = min(y, 2023)
    base = code + f"{y % 100:02d}" + digits(6)
    return base + dl_check(base) + R.choice("0000000001")


def DL(v=None, style=None):
    v = v or drivers_license()
    style = style or wchoice([("plain", 70), ("fw", 15), ("space", 10), ("hyphen", 5)])
    s = {"plain": v, "fw": fw(v), "space": f"{v[:2]} {v[2:4]} {v[4:10]} {v[10:]}",
         "hyphen": f"{v[:4]}-{v[4:8]}-{v[8:]}"}[style]
    return P("jp_drivers_license", s, v)


PASSPORT_PREFIX = ["TK", "TR", "TS", "TZ", "TT", "MZ", "MU", "MX", "RZ", "RE", "TH", "TM"]


def PASSPORT(v=None, lower=False):
    v = v or (R.choice(PASSPORT_PREFIX) + digits(7))
    s = v.lower() if lower else v
    if R.random() < 0.08:
        s = "".join(chr(ord(c) + 0xFEE0) for c in v)  # full-width letters and digits
    return P("jp_passport", s, v)


RC_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def RESCARD(v=None):
    v = v or (R.choice(RC_LETTERS) + R.choice(RC_LETTERS) + digits(8) + R.choice(RC_LETTERS) + R.choice(RC_LETTERS))
    return P("jp_residence_card", v, v)


def BANK(v=None, fullwidth=False):
    v = v or digits(7)
    return P("jp_bank_account", fw(v) if fullwidth else v, v)


PW_WORDS = ["sakura", "haru", "natsu", "momo", "hana", "sora", "kuma", "neko", "inu", "tama", "pochi",
            "yuki", "umi", "tokyo", "osaka", "kobe", "mirai", "lucky", "happy", "taiyo", "ringo", "ichigo"]


def password():
    pat = R.randrange(7)
    w = R.choice(PW_WORDS)
    if pat == 0:
        return w + digits(4)
    if pat == 1:
        return w.capitalize() + R.choice("!#$%&@") + digits(4)
    if pat == 2:
        return "".join(R.choice(ALNUM) for _ in range(R.randint(10, 14)))
    if pat == 3:
        return w + R.choice(["_", ".", "-"]) + R.choice(PW_WORDS) + digits(2)
    if pat == 4:
        return "".join(R.choice(ALNUM + "!#%&*+-=?@^_") for _ in range(R.randint(12, 20)))
    if pat == 5:
        return w.capitalize() + digits(4) + R.choice("!?#")
    return R.choice(UPPER) + "".join(R.choice(LOWER) for _ in range(5)) + digits(3) + R.choice("!#$")


def PW(v=None):
    v = v or password()
    return P("password", v, v)


def aws_key_id():
    return R.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + "".join(R.choice(UPPER + "234567") for _ in range(16))


def aws_secret():
    return "".join(R.choice(B64) for _ in range(40))


def b62(n, width):
    s = ""
    while n:
        n, r = divmod(n, 62)
        s = (DIGITS + UPPER + LOWER)[r] + s
    return s.rjust(width, "0")


def github_token(prefix="ghp_"):
    body = "".join(R.choice(ALNUM) for _ in range(30))
    return prefix + body + b62(zlib.crc32(body.encode()) & 0xFFFFFFFF, 6)


def github_pat():
    return "github_pat_" + "".join(R.choice(ALNUM) for _ in range(22)) + "_" + "".join(
        R.choice(ALNUM) for _ in range(59))


def slack_token(prefix="xoxb"):
    if prefix == "xoxb":
        return f"xoxb-{digits(12, '123456789')}-{digits(13, '123456789')}-" + "".join(R.choice(ALNUM) for _ in range(24))
    return f"xoxp-{digits(12, '123456789')}-{digits(12, '123456789')}-{digits(13, '123456789')}-" + "".join(
        R.choice("0123456789abcdef") for _ in range(32))


def slack_webhook():
    return ("https://hooks.slack.com/services/T" + "".join(R.choice(UPPER + DIGITS) for _ in range(8)) +
            "/B" + "".join(R.choice(UPPER + DIGITS) for _ in range(10)) + "/" +
            "".join(R.choice(ALNUM) for _ in range(24)))


def api_key():
    pat = R.randrange(4)
    if pat == 0:
        return "".join(R.choice("0123456789abcdef") for _ in range(32))
    if pat == 1:
        return "".join(R.choice(ALNUM) for _ in range(40))
    if pat == 2:
        return "".join(R.choice(ALNUM) for _ in range(R.randint(24, 36)))
    return "".join(R.choice("0123456789abcdef") for _ in range(8)) + "-" + "-".join(
        "".join(R.choice("0123456789abcdef") for _ in range(4)) for _ in range(3)) + "-" + "".join(
        R.choice("0123456789abcdef") for _ in range(12))


def pem_body(lines=None):
    lines = lines or R.randint(8, 25)
    out = []
    for i in range(lines):
        n = 64 if i < lines - 1 else R.randint(8, 60)
        out.append("".join(R.choice(B64) for _ in range(n)))
    return "\n".join(out)


def PEM(kind="RSA PRIVATE KEY"):
    hdr = f"-----BEGIN {kind}-----"
    return [P("private_key", hdr, hdr), "\n", pem_body(), "\n", f"-----END {kind}-----"]


# --- dates ---------------------------------------------------------------

ERAS = [("令和", "R", datetime.date(2019, 5, 1)), ("平成", "H", datetime.date(1989, 1, 8)),
        ("昭和", "S", datetime.date(1926, 12, 25)), ("大正", "T", datetime.date(1912, 7, 30))]


def wareki(d):
    for name, ab, start in ERAS:
        if d >= start:
            return name, ab, d.year - start.year + 1
    raise ValueError(d)


MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]


def date_surface(d, style):
    era, ab, ey = wareki(d)
    eys = "元" if ey == 1 else str(ey)
    if style == "wareki":
        return f"{era}{eys}年{d.month}月{d.day}日"
    if style == "wareki_num1":  # 元年 written as 1年
        return f"{era}{ey}年{d.month}月{d.day}日"
    if style == "wareki_pad":
        return f"{era}{ey:02d}年{d.month:02d}月{d.day:02d}日"
    if style == "wareki_fw":
        return fw(f"{era}{eys}年{d.month}月{d.day}日")
    if style == "wareki_dot":
        return f"{ab}{ey}.{d.month}.{d.day}"
    if style == "wareki_slash":
        return f"{ab}{ey}/{d.month}/{d.day}"
    if style == "kanji":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "kanji_fw":
        return fw(f"{d.year}年{d.month}月{d.day}日")
    if style == "slash":
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if style == "slash_nopad":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "iso":
        return d.isoformat()
    if style == "compact":  # as core systems export dates
        return f"{d.year}{d.month:02d}{d.day:02d}"
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "en_dmy":
        return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    if style == "en_mdy":
        return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"
    if style == "en_dmy_short":
        return f"{d.day} {MONTHS_EN[d.month - 1][:3]} {d.year}"
    raise ValueError(style)


DOB_STYLES_JA = [("wareki", 30), ("wareki_dot", 8), ("wareki_slash", 5), ("wareki_fw", 5), ("kanji", 20),
                 ("kanji_fw", 5), ("slash", 15), ("iso", 6), ("dot", 4), ("slash_nopad", 3)]
DOB_STYLES_EN = [("iso", 30), ("en_dmy", 30), ("en_mdy", 25), ("en_dmy_short", 10), ("slash", 5)]


def DOB(d, style=None, en=False):
    style = style or wchoice(DOB_STYLES_EN if en else DOB_STYLES_JA)
    return P("birth_date", date_surface(d, style), d.isoformat())


def child_dob(parent):
    """A child's birth date; around an era change (平成元年 / 令和元年 / 昭和64年) when plausible."""
    if R.random() < 0.45:
        cands = []
        if parent.year <= 1970:
            cands += [0, 1]
        if parent.year <= 1999:
            cands += [2, 2]
        if cands:
            k = R.choice(cands)
            if k == 0:
                return datetime.date.fromordinal(R.randint(datetime.date(1989, 1, 8).toordinal(),
                                                           datetime.date(1989, 12, 31).toordinal()))
            if k == 1:
                return datetime.date(1989, 1, R.randint(1, 7))
            return datetime.date.fromordinal(R.randint(datetime.date(2019, 5, 1).toordinal(),
                                                       datetime.date(2019, 12, 31).toordinal()))
    lo = max(parent.year + 20, 1975)
    hi = min(parent.year + 42, 2023)
    return rand_date(lo, max(lo, hi))


def tax_office(city):
    city = city.split("市")[0] if "市" in city else city.rstrip("区")
    return city


DOC_DATE = datetime.date(2024, 5, 1)   # "today" of the document being generated; set per document
DATE_OFFSETS = {  # days relative to DOC_DATE for dates of a given kind
    "order_date": (-40, -2), "purchase_date": (-300, -1), "visit_date": (-400, -1), "issue_date": (-5, 0),
    "invoice_date": (-30, -1), "application_date": (-3, 0), "submission_date": (-7, 0), "reception_date": (-3, 0),
    "registration_date": (-1500, -10), "contract_date": (-900, -5), "check_date": (-5, 0), "created_date": (-30, 0),
    "due_date": (10, 45), "delivery_date": (1, 10), "refund_date": (3, 14), "ship_date": (-3, 3),
    "deadline": (7, 60), "meeting_date": (7, 30), "quote_expiry": (14, 45), "update_date": (0, 3),
    "revision_date": (10, 90), "release_date": (-400, 0), "review_date": (7, 30), "departure_date": (20, 90),
    "return_date": (25, 100), "start_date": (14, 60), "checkin_date": (10, 60),
}


def other_date(kind=None):
    lo, hi = DATE_OFFSETS.get(kind, (-60, 30))
    return DOC_DATE + datetime.timedelta(days=R.randint(lo, hi))


class Clock:
    """Monotonic timestamps within one document (tickets, chats, logs)."""

    def __init__(self, d=None, hour=None):
        d = d or DOC_DATE
        self.t = datetime.datetime(d.year, d.month, d.day, hour if hour is not None else R.randint(0, 10),
                                   R.randint(0, 59), R.randint(0, 59))

    def tick(self, lo=1, hi=90):
        self.t += datetime.timedelta(minutes=R.randint(lo, hi), seconds=R.randint(0, 59))
        return self.t

    def ts(self, lo=1, hi=90):
        return self.tick(lo, hi).strftime("%Y-%m-%d %H:%M:%S")


def NDATE(kind, d=None, style=None):
    """A non-birth date (contract/issue/order date) as a negative."""
    d = d or other_date(kind)
    style = style or R.choice(["wareki", "kanji", "slash", "iso", "wareki_dot"])
    return N(kind, date_surface(d, style))


def timestamp(d=None):
    d = d or other_date()
    return f"{d.isoformat()} {R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}"


# --- hard negatives ---------------------------------------------------------

def order16(card_like=False):
    """16-digit order number that fails Luhn."""
    while True:
        if card_like:
            s = R.choice(["4", "35", "5"]) + digits(15 if not False else 14)
            s = s[:16]
        else:
            d = other_date("order_date")
            s = d.strftime("%Y%m%d") + digits(8)
        if len(s) == 16 and not luhn_ok(s):
            return s


def tracking12():
    """12-digit parcel tracking number that passes the My Number check digit."""
    while True:
        s = R.choice(["3", "4", "5", "6", "7"]) + digits(11)
        if mn_ok(s):
            return s


def jan13(pass_corp=False):
    while True:
        b = R.choice(["45", "49"]) + digits(10)
        s = b + ean13_check(b)
        if not pass_corp or corp_ok(s):
            return s


def isbn13(pass_corp=False):
    while True:
        b = "9784" + digits(8)
        s = b + ean13_check(b)
        if not pass_corp or corp_ok(s):
            return s


def isbn_hyphen(s):
    # 978-4-XXXX-XXXX-C (publisher/title split varies; 4+4 is common enough)
    return f"{s[:3]}-{s[3]}-{s[4:8]}-{s[8:12]}-{s[12]}"


def point_card16():
    """Luhn-valid 16-digit loyalty card number with a non-payment prefix."""
    return luhn_complete(R.choice(["98", "9801", "2900", "0000", "8011"]) + digits(2), 16)


def bare12_mn():
    while True:
        s = digits(12, "123456789")
        if mn_ok(s):
            return s


def non_mn12():
    while True:
        s = digits(12, "123456789")
        if not mn_ok(s):
            return s


def invoice_no():
    k = R.randrange(4)
    if k == 0:
        return f"INV-{other_date().strftime('%Y%m')}-{digits(4)}"
    if k == 1:
        return digits(10, "123456789")
    if k == 2:
        return f"{other_date().strftime('%Y')}-{digits(6)}"
    return f"No.{digits(8, '123456789')}"


def text_bytes(doc):
    s = doc.text()
    if doc.crlf:
        s = s.replace("\n", "\r\n")
    return s


SUBST = {"〜": "～", "～": "〜", "－": "−", "−": "－", "―": "—", "①": "(1)", "②": "(2)", "③": "(3)",
         "髙": "高", "﨑": "崎", "♪": "", "✉": "", "☎": "TEL", "¥": "￥", "ü": "u"}


def encode_mixed(doc, s):
    """Lines not all in one encoding: "utf-8+cp932", a UTF-8 text with every
    third line in CP932 (a log an older program appends to); "cp932+utf-8",
    a CP932 export whose last third of rows a web form added in UTF-8."""
    first, other = doc.enc.split("+")
    lines = s.splitlines(keepends=True)
    out = []
    for i, line in enumerate(lines):
        if first == "utf-8":
            enc = other if i % 3 == 1 else first
        else:
            enc = other if i >= len(lines) * 2 // 3 else first
        out.append(encode_str(doc, line, enc))
    return b"".join(out)


def encode_str(doc, s, enc):
    if enc == "utf-8":
        return s.encode("utf-8")
    out = []
    for ch in s:
        try:
            out.append(ch.encode(enc))
        except UnicodeEncodeError:
            alt = SUBST.get(ch)
            assert alt is not None, (doc.name, enc, ch, hex(ord(ch)))
            assert ord(ch) > 127
            out.append(alt.encode(enc))
    return b"".join(out)


def decode_line(raw, encs):
    for enc in encs:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    raise AssertionError(raw)


def encode(doc):
    s = text_bytes(doc)
    enc = doc.enc
    if "+" in enc:
        return encode_mixed(doc, s)
    if enc == "utf-8":
        return s.encode("utf-8")
    if enc == "utf-8-sig":
        return b"\xef\xbb\xbf" + s.encode("utf-8")
    if enc == "utf-16le-bom":
        return b"\xff\xfe" + s.encode("utf-16-le")
    return encode_str(doc, s, enc)


# ==========================================================================
# Document templates
# ==========================================================================

def mail_date(d=None):
    d = d or DOC_DATE
    dow = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.weekday()]
    mon = MONTHS_EN[d.month - 1][:3]
    return N("timestamp", f"{dow}, {d.day:02d} {mon} {d.year} {R.randint(7, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d} +0900")


def company_sig(d, c, staff=None, dept=None, en=False):
    staff = staff or Person()
    dept = dept or R.choice(["カスタマーサポート", "お客様相談室", "営業部", "総務部", "経理部", "営業二課", "人事部"])
    line = R.choice(["━" * 24, "-" * 40, "=" * 36, "＿" * 20])
    d.t(line, "\n")
    if en:
        d.t(ONAME(staff.romaji), f"\n{dept} / {c.name}\n")
    else:
        d.t(f"{c.name} {dept}\n担当：", NAME(staff.name), "\n")
    d.f("§ §\n", POSTAL(c.postal, R.choice(["mark", "mark", "mark_space", "fw_mark"])), ADDR(c.address))
    tel_lbl = R.choice(["TEL", "TEL：", "Tel.", "電話：", "ＴＥＬ", "TEL:"])
    fax_lbl = R.choice(["FAX", "FAX：", "Fax.", "ＦＡＸ", "FAX:"])
    d.f(f"{tel_lbl} § / {fax_lbl} §\n", PHONE(c.tel), PHONE(c.fax))
    if R.random() < 0.5:
        d.f(R.choice(["フリーダイヤル：§（平日 9:00〜18:00）\n", "お客様窓口 § （受付時間 10:00～17:00）\n",
                      "0120窓口: §\n"]), PHONE(c.free, R.choice(["hyphen", "hyphen", "plain", "fw_hyphen"])))
    if R.random() < 0.35:
        d.f("直通：§\n", PHONE(phone_groups("mobile") if R.random() < 0.5 else phone_groups("ip"), "hyphen"))
    local = R.choice(["support", "info", "sales", "contact", "cs", staff.sur_r, f"{staff.giv_r[0]}.{staff.sur_r}"])
    d.f(R.choice(["Mail：§\n", "E-mail: §\n", "メール：§\n", "Email: §\n"]), EMAIL(f"{local}@{c.domain}"))
    d.t(f"URL：https://www.{c.domain}/\n", line, "\n")


def person_sig(d, p, en=False):
    d.t(R.choice(["--\n", "-- \n", "――――――――――\n", "\n"]))
    d.t(ONAME(p.romaji if en else p.name), "\n")
    if R.random() < 0.5:
        d.f("§ §\n", POSTAL(p.postal), ADDR(p.address))
    k = R.randrange(4)
    if k == 0:
        d.f("TEL：§ / 携帯：§\n", PHONE(p.home), PHONE(p.mobile))
    elif k == 1:
        d.f("携帯：§\n", PHONE(p.mobile))
    elif k == 2:
        d.f("Tel: §\n", PHONE(p.mobile, "intl" if en else None, en))
    else:
        d.f("電話番号 §\n", PHONE(p.mobile))
    if R.random() < 0.6:
        d.f(R.choice(["メール：§\n", "Mail: §\n", "E-mail：§\n"]), EMAIL(p.email))


def required(x):
    """x with its optional labels made required: a display name in a message's From header
    (scan reads it as a name, the header saying whose the address is)."""
    if isinstance(x, (list, tuple)):
        return [required(i) for i in x]
    return P(x.typ, x.surf, x.val) if isinstance(x, P) else x


def mail_header(d, frm_name, frm, to, subject, eml=False):
    if eml:
        d.t("Return-Path: <", EMAIL(frm), ">\n")
        frm_name = required(frm_name)
    d.f("From: § <§>\n", frm_name, EMAIL(frm))
    d.f("To: §\n", EMAIL(to))
    d.f("Date: §\n", mail_date())
    d.t(f"Subject: {subject}\n")
    if eml:
        d.t("MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n")
    d.t("\n")


def ja_mail(d, eml=False):
    c = Company()
    p = Person()
    staff = Person()
    scen = R.choice(["address", "payment", "login", "refund", "b2b", "hr", "tracking", "travel", "quote_reply"])
    to = f"{R.choice(['support', 'info', 'cs', 'order'])}@{c.domain}"
    if scen == "address":
        on = order16()
        mail_header(d, ONAME(p.name), p.email, to, f"配送先変更のお願い（注文番号 {on}）", eml)
        d.f(f"{c.name}\nカスタマーサポート §様\n\nいつもお世話になっております。§と申します。\n",
            N("role_not_name", "ご担当者", False), ONAME(p.name))
        d.f("先日注文した商品（注文番号：§、注文日：§）の配送先を変更したいです。\n",
            N("order_no_luhn_fail", on), NDATE("order_date"))
        d.t("新しいお届け先は以下の通りです。\n\n")
        np_ = Person()
        d.f("§\n§\n", POSTAL(np_.postal, R.choice(["mark", "fw_mark", "mark_space"])), ADDR(np_.address))
        d.f("§（携帯 §）\n\n", ONAME(p.name), PHONE(p.mobile))
        d.t("日中は不在のことが多いので、夕方以降の配達でお願いします。\nよろしくお願いいたします。\n\n")
        person_sig(d, p)
    elif scen == "payment":
        brand, num = card_number()
        mail_header(d, ONAME(p.name), p.email, to, "カード決済ができません", eml)
        d.t(f"{c.name} 御中\n\n会員の", ONAME(p.name), "です。\n注文の決済でエラーになってしまいます。\n")
        d.t("カード情報をお送りしますので、そちらで決済していただけますか。\n\n")
        y, m = expiry_value()
        d.f("カード番号：§\n有効期限：§\nセキュリティコード：§\n名義：§\n\n",
            CARD(num), EXPIRY(y, m), CVV(brand), ONAME(p.romaji.upper()))
        d.f("電話でも構いません（§）。\n\n", PHONE(p.mobile))
        person_sig(d, p)
        d.t("\n> -----Original Message-----\n")
        d.f("> From: §\n", EMAIL(to))
        d.f("> ご登録のカード（§）で決済エラーが発生しました。\n", card_masked(num))
        d.t("> 恐れ入りますが、カード会社へご確認ください。\n")
    elif scen == "login":
        mail_header(d, ONAME(p.name), p.email, to, "ログインできません", eml)
        d.t("お世話になります。", ONAME(p.name), "です。\nマイページにログインできなくなりました。\n")
        d.f("登録メールアドレスは § 、会員番号は § です。\n", EMAIL(p.email), N("member_no_7", digits(7, "123456789")))
        pw = password()
        d.f(R.choice(["パスワードは § で合っているはずです。\n", "パスワード：§\n", "パスワード § を入れても弾かれます。\n"]), PW(pw))
        d.f("本人確認が必要でしたら、生年月日は § です。\n", DOB(p.dob))
        d.t("よろしくお願いします。\n\n")
        person_sig(d, p)
    elif scen == "refund":
        mail_header(d, ONAME(p.name), p.email, to, "返品・返金について", eml)
        d.f(f"{c.name} §様\n\n§です。\n", N("role_not_name", "ご担当者", False), ONAME(p.name))
        d.f("§に注文した商品が破損していたため返品しました（お問い合わせ番号 §）。\n",
            NDATE("order_date", style="kanji"), N("tracking_mn_pass", tracking12()))
        d.t("返金は下記口座にお願いいたします。\n\n")
        bank, _ = R.choice(BANKS)
        kind = R.choice(["普通", "普通", "普通", "当座"])
        form = R.randrange(3)
        if form == 0:
            d.f(f"{bank} {R.choice(BRANCHES)}\n{kind} §\n口座名義：§\n\n", BANK(), ONAME(p.kana))
        elif form == 1:
            d.f(f"銀行名：{bank}\n支店名：{R.choice(BRANCHES)}（支店番号 {digits(3)}）\n口座種別：{kind}\n口座番号：§\n名義：§\n\n", BANK(), ONAME(p.kana))
        else:
            d.f(f"振込先：{bank} {R.choice(BRANCHES)} {kind}預金 § §\n\n", BANK(), ONAME(p.kana))
        person_sig(d, p)
    elif scen == "b2b":
        c2 = Company()
        inv = invoice_no()
        mail_header(d, ONAME(staff.name), f"{staff.sur_r}@{c2.domain}", f"{p.sur_r}@{c.domain}", "【ご請求書送付】5月分", eml)
        d.t(f"{c.name}\n", NAME(p.name), " 様\n\nいつも大変お世話になっております。\n", f"{c2.name}の", ONAME(staff.sur), "でございます。\n\n")
        d.f("5月分のご請求書（請求書番号：§、発行日：§）をお送りいたします。\n", N("invoice_no", inv), NDATE("issue_date"))
        d.f("お支払期日は§となっております。\n", NDATE("due_date"))
        if R.random() < 0.5:
            d.f("なお、弊社の適格請求書発行事業者登録番号は T§ です。\n", CORP(c2.corp, "plain"))
        d.t("ご査収のほど、よろしくお願い申し上げます。\n\n")
        company_sig(d, c2, staff, "営業部")
    elif scen == "hr":
        mail_header(d, ONAME(p.name), p.email, f"jinji@{c.domain}", "入社手続き書類の件", eml)
        d.t("人事部 ", NAME(staff.sur), f"様\n\nお世話になっております。{R.choice(['来月', '4月', '6月1日'])}入社予定の", ONAME(p.name), "です。\n")
        d.t("ご依頼いただいた情報をお送りします。\n\n")
        d.f("・氏名：§（§）\n・生年月日：§\n", NAME(p.name), ONAME(p.kana), DOB(p.dob))
        d.f("・住所：§ §\n", POSTAL(p.postal, "mark"), ADDR(p.address))
        d.f("・携帯電話：§\n", PHONE(p.mobile))
        d.f(R.choice(["・マイナンバー：§\n", "・個人番号：§\n", "・マイナンバー（個人番号）：§\n"]), MYNUM())
        bank, _ = R.choice(BANKS)
        d.f(f"・給与振込口座：{bank} {R.choice(BRANCHES)} 普通 §\n", BANK())
        ep = Person()
        d.f(f"・緊急連絡先：§（{R.choice(['父', '母', '妻', '夫', '姉', '兄'])}） §\n\n", ONAME(ep.name), PHONE(ep.mobile))
        d.t("年金手帳は郵送いたします。よろしくお願いいたします。\n\n")
        person_sig(d, p)
    elif scen == "tracking":
        mail_header(d, ONAME(p.name), p.email, to, "商品が届きません", eml)
        d.t("ご担当者様\n\n")
        d.f("§に注文した商品がまだ届きません。\n", NDATE("order_date", style="slash"))
        d.f("注文番号：§\n", N("order_no_luhn_fail", order16()))
        tr = tracking12()
        d.f(R.choice(["追跡番号：§\n", "お問い合わせ番号：§\n", "お問い合わせ伝票番号 §\n"]),
            N("tracking_mn_pass", R.choice([tr, f"{tr[:4]}-{tr[4:8]}-{tr[8:]}"])))
        d.f("商品：§ 詰め合わせセット（JAN §）\n", "お菓子", N("jan", jan13(R.random() < 0.3)))
        d.t("配送状況を確認いただけますでしょうか。\n\n")
        person_sig(d, p)
    elif scen == "travel":
        mail_header(d, ONAME(p.name), p.email, to, "ツアー申込の旅券情報", eml)
        d.t(f"{c.name} ご担当 ", NAME(staff.sur), "様\n\n先日申し込んだ台湾ツアーの件で、旅券情報をお送りします。\n\n")
        d.f("代表者：§（§）\nパスポート番号：§\n", ONAME(p.name), ONAME(p.romaji.upper()), PASSPORT())
        d.f("旅券の有効期限：§\n", NDATE("passport_expiry", rand_date(2026, 2033), "slash"))
        d.f("生年月日：§\n", DOB(p.dob))
        p2 = Person()
        d.f("同行者：§（§） 旅券番号 §、生年月日 §\n\n", ONAME(p2.name), ONAME(p2.romaji.upper()), PASSPORT(), DOB(p2.dob))
        d.f("当日の連絡先は § です。\n\n", PHONE(p.mobile))
        person_sig(d, p)
    else:  # quote_reply: company reply quoting customer
        mail_header(d, [f"{c.name} ", ONAME(staff.sur)], f"{staff.sur_r}@{c.domain}", p.email, "Re: お見積りのご依頼", eml)
        d.t(NAME(p.name), f" 様\n\nお問い合わせありがとうございます。{c.name}の", ONAME(staff.sur), "です。\n")
        d.f("お見積書をお送りします（見積番号 §）。\n", N("quote_no", f"Q{digits(7, '123456789')}"))
        d.f("見積書の有効期限：§\n\n", NDATE("quote_expiry", style="kanji"))
        company_sig(d, c, staff, "営業部")
        d.t("\n")
        d.f("> § 様\n> §\n", NAME(p.name), mail_date())
        d.t("> 見積りをお願いします。\n")
        d.f("> 連絡先：§ / §\n", PHONE(p.home), EMAIL(p.email))
        d.f("> §\n", [POSTAL(p.postal, "mark")])


def ja_form(d):
    c = Company()
    p = Person()
    kind = R.choice(["membership", "employee", "rental_car", "travel", "foreign_worker", "fuyo", "rent", "card_app"])
    sep = R.choice(["：", "：", ":", "　"])
    pad = lambda s: s + "　" * max(0, 6 - len(s))  # noqa: E731
    lab = lambda s: pad(s) + sep  # noqa: E731
    if kind == "membership":
        d.t(f"{c.name}　会員入会申込書\n\n")
        d.f("申込日" + sep + "§　　受付番号" + sep + "§\n\n", NDATE("application_date"), N("reception_no_7", digits(7, "123456789")))
        d.t("（記入例：氏名 山田 太郎／メール yamada@example.co.jp／電話 090-0000-0000）\n\n")
        d.negs.extend([{"kind": "placeholder_name", "value": "山田 太郎", "line": d.line - 2, "numeric": False},
                       {"kind": "placeholder_email", "value": "yamada@example.co.jp", "line": d.line - 2, "numeric": False},
                       {"kind": "placeholder_phone", "value": "090-0000-0000", "line": d.line - 2, "numeric": True}])
        d.t("■ お申込者情報\n")
        d.t(lab("氏名"), NAME(p.name), "\n", lab("フリガナ"), NAME(p.kana), "\n")
        d.f(lab("生年月日") + "§\n", DOB(p.dob))
        d.f(lab("郵便番号") + "§\n", postal_raw(p.postal, R.random() < 0.3))
        d.t(lab("住所"), ADDR(p.address), "\n")
        d.f(lab("電話番号") + "§\n", PHONE(p.home))
        d.f(lab("携帯番号") + "§\n", PHONE(p.mobile))
        d.f(lab("メール") + "§\n\n", EMAIL(p.email))
        d.t("■ お支払い口座（口座振替）\n")
        bank, _ = R.choice(BANKS)
        d.t(lab("金融機関") + bank + "　" + R.choice(BRANCHES) + "\n")
        d.f(lab("預金種目") + R.choice(["普通", "普通", "当座"]) + "\n" + lab("口座番号") + "§\n", BANK(fullwidth=R.random() < 0.2))
        d.t(lab("口座名義"), ONAME(p.kana), "\n\n")
        d.t("■ 事務局使用欄\n")
        d.f("会員番号" + sep + "§　　登録日" + sep + "§\n", N("member_no_7", digits(7, "123456789")), NDATE("registration_date"))
    elif kind == "employee":
        d.t("従業員情報登録票（入社時提出）\n\n")
        d.f("提出日：§\n", NDATE("submission_date"))
        d.f("入社日：§\n", NDATE("hire_date", style="wareki"))
        d.t(f"所属：{R.choice(['営業部', '開発部', '総務部', '製造部'])}　社員番号：{digits(6, '123456789')}\n\n")
        d.t(lab("氏名"), NAME(p.name), "\n", lab("ふりがな"), NAME(p.kana), "\n")
        d.f(lab("生年月日") + "§\n", DOB(p.dob, R.choice(["wareki", "wareki_dot", "wareki_fw", "kanji"])))
        d.f(lab("現住所") + "§　§\n", POSTAL(p.postal), ADDR(p.address))
        d.f(lab("携帯電話") + "§\n", PHONE(p.mobile))
        d.f(lab("個人番号") + "§\n", MYNUM())
        d.f(lab("基礎年金番号") + "§\n", N("pension_no", f"{digits(4, '123456789')}-{digits(6)}"))
        if R.random() < 0.7:
            d.f(lab("運転免許証番号") + "§\n", DL(drivers_license(p.dob)))
        d.t(f"通勤経路：{R.choice(['JR山手線', '東京メトロ銀座線', '阪急京都線', '地下鉄東山線'])} 定期代 {R.randint(8, 25)},{digits(3)}円/月\n\n")
        d.t("【給与振込口座】\n")
        bank, _ = R.choice(BANKS)
        d.f(f"{bank}　{R.choice(BRANCHES)}　普通預金　口座番号 §\n\n", BANK())
        d.t("【扶養家族】\n")
        for _ in range(R.randint(1, 3)):
            ch = R.choice(CHILD_GIVEN)
            cd = child_dob(p.dob)
            d.f("§（子）　生年月日 §　個人番号 §\n", ONAME(f"{p.sur} {ch[0]}"), DOB(cd, R.choice(["wareki", "wareki_slash", "wareki_dot"])), MYNUM())
        ep = Person()
        d.f(f"\n【緊急連絡先】§（{R.choice(['父', '母', '配偶者'])}） §\n", ONAME(ep.name), PHONE(ep.mobile))
    elif kind == "rental_car":
        d.t(f"{c.jname}レンタカー　貸渡申込書\n\n")
        d.f("申込番号：§　　貸出日時：§\n", N("application_no", f"RC-{digits(8, '123456789')}"), N("timestamp", timestamp()[:16]))
        d.t("ご利用者氏名：", NAME(p.name), "（", ONAME(p.kana), "）\n")
        d.f("生年月日：§\n", DOB(p.dob))
        d.f("住所：§ §\n", POSTAL(p.postal, "mark"), ADDR(p.address))
        d.f("連絡先電話：§\n", PHONE(p.mobile))
        d.f(R.choice(["運転免許証番号：§\n", "免許証番号：§\n", "運転免許証　第§号\n"]), DL(drivers_license(p.dob)))
        d.f("免許証の有効期限：§\n", NDATE("license_expiry", rand_date(2025, 2029), "wareki"))
        d.t(f"免許の種類：{R.choice(['普通', '中型', '準中型'])}\n\n")
        d.t("【お支払い】クレジットカード\n")
        _, num = card_number()
        d.f("カード番号：§　有効期限：§\n", CARD(num), EXPIRY())
        d.t("※セキュリティコードは記入しないでください。\n")
    elif kind == "travel":
        d.t(f"{c.name}　海外旅行申込書\n\n")
        d.f("申込日：§　ツアーコード：§\n", NDATE("application_date"), N("tour_code", f"TW{digits(5)}-{digits(3)}"))
        for i in range(R.randint(1, 3)):
            q = p if i == 0 else Person()
            d.t(f"【旅行者{i + 1}】\n氏名（漢字）：", NAME(q.name), "\n氏名（ローマ字）：", NAME(q.romaji.upper()), "\n")
            d.f("生年月日：§\n", DOB(q.dob))
            d.f("旅券番号：§　旅券有効期限：§\n", PASSPORT(), NDATE("passport_expiry", rand_date(2026, 2033), R.choice(["slash", "kanji", "iso"])))
            if i == 0:
                d.f("携帯電話：§\nメール：§\n", PHONE(q.mobile), EMAIL(q.email))
        d.f("\n出発日：§　帰着日：§\n", NDATE("departure_date"), NDATE("return_date"))
    elif kind == "foreign_worker":
        names = [("NGUYEN VAN AN", "ベトナム"), ("TRAN THI HOA", "ベトナム"), ("SANTOS MARIA", "フィリピン"),
                 ("WANG WEI", "中国"), ("LI NA", "中国"), ("GURUNG RAM", "ネパール"), ("KIM MINJI", "韓国")]
        nm, nat = R.choice(names)
        d.t(f"外国人従業員 在留資格確認票\n\n{c.name} 人事部\n\n")
        d.t("氏名：", NAME(nm), f"\n国籍・地域：{nat}\n")
        dob = rand_date(1975, 2003)
        d.f("生年月日：§\n", DOB(dob, R.choice(["kanji", "slash", "iso"])))
        d.f("在留カード番号：§\n", RESCARD())
        d.t(f"在留資格：{R.choice(['技術・人文知識・国際業務', '特定技能1号', '技能実習2号', '永住者'])}\n")
        d.f("在留期間（満了日）：§\n", NDATE("residence_expiry", rand_date(2025, 2029), "kanji"))
        d.f("住居地：§ §\n", POSTAL(p.postal, "mark"), ADDR(p.address))
        d.f("電話：§\n", PHONE(phone_groups("mobile")))
        d.f("確認日：§　確認者：§\n", NDATE("check_date"), ONAME(Person().name))
    elif kind == "fuyo":
        yr = R.choice([5, 6])
        d.t(f"令和{yr}年分　給与所得者の扶養控除等（異動）申告書\n\n")
        d.t(f"所轄税務署長：{tax_office(p.region[1])}税務署長\n")
        d.t(f"給与の支払者の名称：{c.name}\n")
        d.f("給与の支払者の法人番号：§\n", CORP(c.corp))
        d.f("給与の支払者の所在地：§ §\n\n", POSTAL(c.postal, "mark"), ADDR(c.address))
        d.t("あなたの氏名：", NAME(p.name), "（", ONAME(p.kana), "）\n")
        d.f("あなたの個人番号：§\n", MYNUM())
        d.f("あなたの生年月日：§\n", DOB(p.dob, R.choice(["wareki", "wareki_dot", "wareki_pad"])))
        d.f("あなたの住所：§ §\n\n", POSTAL(p.postal, "mark"), ADDR(p.address))
        d.t("控除対象扶養親族\n")
        sp = Person()
        d.f("（配偶者）§　個人番号 §　生年月日 §\n", ONAME(f"{p.sur} {sp.giv}"), MYNUM(), DOB(sp.dob, "wareki"))
        for _ in range(R.randint(1, 2)):
            ch = R.choice(CHILD_GIVEN)
            cd = child_dob(p.dob)
            d.f("（子）§　個人番号 §　生年月日 §\n", ONAME(f"{p.sur} {ch[0]}"), MYNUM(), DOB(cd, R.choice(["wareki", "wareki_dot", "wareki_slash"])))
        d.f("\n提出日：§\n", NDATE("submission_date", style="wareki"))
    elif kind == "rent":
        d.t("賃貸住宅 入居申込書\n\n")
        d.f("物件名：" + R.choice(BUILDINGS) + " " + str(R.randint(1, 9)) + "0" + str(R.randint(1, 5)) + "号室　申込日：§\n", NDATE("application_date"))
        d.t("申込者氏名：", NAME(p.name), "（", ONAME(p.kana), "）\n")
        d.f("生年月日：§（満" + str(2024 - p.dob.year) + "歳）\n", DOB(p.dob))
        d.f("現住所：§ §\n", POSTAL(p.postal), ADDR(p.address))
        d.f("自宅電話：§　携帯：§\n", PHONE(p.home), PHONE(p.mobile))
        d.f("メールアドレス：§\n", EMAIL(p.email))
        d.t(f"勤務先：{c.name}（勤続{R.randint(1, 20)}年）　年収：{R.randint(300, 900)}万円\n")
        d.f("勤務先電話：§\n", PHONE(c.tel))
        d.f("本人確認書類：運転免許証（番号 §）\n", DL(drivers_license(p.dob)))
        g = Person()
        d.t("\n連帯保証人：", ONAME(g.name), f"（{R.choice(['父', '母', '兄'])}）\n")
        d.f("保証人生年月日：§　保証人電話：§\n", DOB(g.dob, "wareki"), PHONE(g.home))
        d.f("保証人住所：§ §\n", POSTAL(g.postal, "mark"), ADDR(g.address))
        d.f("\n契約開始希望日：§\n", NDATE("contract_date"))
    else:  # card_app
        d.t(f"{c.jname}カード　入会申込書（控え）\n\n")
        d.f("受付日：§　受付番号：§\n", NDATE("reception_date"), N("reception_no_12_mn_pass", bare12_mn()))
        d.t("お名前：", NAME(p.name), "　フリガナ：", NAME(p.kana), "\n")
        d.f("生年月日：§\n", DOB(p.dob))
        d.f("ご自宅：§ §　TEL §\n", POSTAL(p.postal, "mark"), ADDR(p.address), PHONE(p.home))
        d.f("携帯電話：§　E-mail：§\n", PHONE(p.mobile), EMAIL(p.email))
        d.t(f"お勤め先：{c.name}\n")
        d.f("お勤め先TEL：§\n", PHONE(c.tel))
        bank, _ = R.choice(BANKS)
        d.f(f"お支払口座：{bank} {R.choice(BRANCHES)} 普通 §\n", BANK())
        d.f("本人確認：運転免許証 §\n", DL(drivers_license(p.dob)))
        d.t("\n--- 以下カード会社記入欄 ---\n")
        brand, num = card_number(R.choice(["visa", "mc", "jcb"]))
        d.f("発行カード番号：§\n有効期限：§\n", CARD(num), EXPIRY())
        d.f("ポイントカード連携番号：§\n", N("point_card_luhn_valid", point_card16()))


def ticket(d):
    c = Company()
    p = Person()
    agent = Person()
    tid = R.randint(10000, 99999)
    scen = R.choice(["card", "login", "identity", "address", "delete", "refund", "bug", "subscription", "delivery"])
    subj = {"card": "カード決済エラー", "login": "ログインできない", "identity": "本人確認のお願い",
            "address": "登録住所の変更", "delete": "退会希望", "refund": "返金先口座の登録",
            "bug": "アプリで注文履歴が表示されない", "subscription": "定期便のカード変更",
            "delivery": "配達状況の確認"}[scen]
    style = R.choice(["plain", "plain", "md"])
    clk = Clock()
    t_created = clk.ts(0, 5)
    if style == "md":
        d.t(f"# チケット #{tid}: {subj}\n\n")
        d.f("- 作成日時: §\n", N("timestamp", t_created))
        d.t(f"- ステータス: {R.choice(['新規', '対応中', '保留', '解決済み'])}\n- 担当: ", NAME(agent.name), "\n")
        d.f("- 顧客: § 様（会員ID: §）\n", NAME(p.name), N("member_no_7", digits(7, "123456789")))
        d.f("- 連絡先: § / §\n\n", EMAIL(p.email), PHONE(p.mobile))
    else:
        d.t(f"=== チケット #{tid} ===\n件名: {subj}\n")
        upd = Clock(DOC_DATE + datetime.timedelta(days=R.randint(0, 2)), 18).ts()
        d.f("作成日時: §\n更新日時: §\n", N("timestamp", t_created), N("timestamp", upd))
        d.t(f"優先度: {R.choice(['低', '中', '高'])}　担当: ", NAME(agent.name), "\n")
        d.f("顧客: § 様\nメール: §\n電話: §\n\n", NAME(p.name), EMAIL(p.email), PHONE(p.mobile))
    first = [True]

    def hdr(who):
        d.f("--- § § ---\n", N("timestamp", t_created if first[0] else clk.ts(10, 240)), who)
        first[0] = False
    hdr("顧客")
    if scen == "card":
        brand, num = card_number()
        d.t("何度やっても決済エラーになります。カード情報は以下です。\n")
        d.f("カード § 期限 § セキュリティコード § です\n" if R.random() < 0.25 else "カード番号 §\n有効期限 §\nセキュリティコード §\n",
            CARD(num), EXPIRY(), CVV(brand))
        hdr(["担当: ", NAME(agent.sur)])
        d.f("お問い合わせありがとうございます。ご登録カード（§）の有効期限切れが原因と思われます。\n", card_masked(num))
        d.t("※カード番号・セキュリティコードはメールやチャットに記載しないようお願いいたします。\n")
    elif scen == "login":
        d.f("ログインIDは § です。\n", EMAIL(p.email))
        d.f(R.choice(["パスワード：§ を入力してもエラーになります。\n", "password=§ で入れません\n", "パスワードは「§」です。\n"]), PW())
        hdr(["担当: ", NAME(agent.sur)])
        d.t("パスワードの再設定用URLをお送りしました。なお、パスワード：******** のようにマスクしてご連絡ください。\n")
        d.negs.append({"kind": "masked_password", "value": "********", "line": d.line - 1, "numeric": False})
        d.f("仮パスワード：§（初回ログイン後に変更してください）\n", PW("".join(R.choice(ALNUM) for _ in range(10))))
    elif scen == "identity":
        d.t("登録情報を確認したいです。\n")
        d.f("生年月日：§\n", DOB(p.dob))
        d.f("登録電話番号：§\n", PHONE(p.home))
        d.f("登録カードの下4桁：§\n", N("card_last4", R.choice(["****-****-****-", ""]) + digits(4)))
        hdr(["担当: ", NAME(agent.sur)])
        d.f("ご本人様確認が取れました。ご登録の生年月日（§）で照合しております。\n", DOB(p.dob, "wareki"))
    elif scen == "address":
        np_ = Person()
        d.t("引っ越したので住所を変更してください。\n")
        d.f("新住所：§ §\n", POSTAL(np_.postal), ADDR(np_.address))
        d.f("旧住所：§ §\n", POSTAL(p.postal), ADDR(p.address))
        d.f("新しい固定電話：§\n", PHONE(np_.home))
        hdr(["担当: ", NAME(agent.sur)])
        d.f("変更を承りました。反映日：§\n", NDATE("update_date"))
    elif scen == "delete":
        d.f("退会したいです。登録メールは § と § の2つあります。\n", EMAIL(p.email), EMAIL(Person().email))
        hdr(["担当: ", NAME(agent.sur)])
        d.f("退会手続きを受け付けました（受付番号 §）。\n", N("reception_no_12_mn_pass", bare12_mn()))
    elif scen == "refund":
        bank, _ = R.choice(BANKS)
        d.t("返金先の口座です。\n")
        d.f(f"{bank} {R.choice(BRANCHES)} " + R.choice(["普通", "当座"]) + " §\n", BANK())
        d.t("名義 ", ONAME(p.kana), "\n")
        hdr(["担当: ", NAME(agent.sur)])
        d.f("承知しました。返金予定日は§です。\n", NDATE("refund_date", style="kanji"))
    elif scen == "bug":
        d.t("アプリで注文履歴が真っ白になります。ログを貼ります。\n```\n")
        for _ in range(R.randint(3, 6)):
            d.f("§ INFO  [req=§] GET /api/v1/orders?user=§ 200\n", N("timestamp", clk.ts(0, 2)),
                "".join(R.choice("0123456789abcdef") for _ in range(16)), EMAIL(p.email))
        d.f("§ ERROR [req=§] order § not found\n", N("timestamp", clk.ts(0, 1)),
            "".join(R.choice("0123456789abcdef") for _ in range(16)), N("order_no_luhn_fail", order16(True)))
        d.t("```\n")
        hdr(["担当: ", NAME(agent.sur)])
        d.t("開発チームに確認します。端末のOSバージョンを教えてください。\n")
    elif scen == "subscription":
        _, old = card_number()
        brand, num = card_number()
        d.f("定期便の支払いカードを変更したいです。今のカードは § です。\n", card_masked(old))
        d.f("新しいカード：§（有効期限 §）\n", CARD(num), EXPIRY())
        hdr(["担当: ", NAME(agent.sur)])
        d.t("お手数ですが、カード情報はマイページから直接ご登録ください。\n")
    else:
        tr = tracking12()
        d.f("注文番号 § の商品が届きません。\n", N("order_no_luhn_fail", order16()))
        hdr(["担当: ", NAME(agent.sur)])
        d.f("配送業者のお問い合わせ番号は § です。§に発送済みです。\n",
            N("tracking_mn_pass", f"{tr[:4]}-{tr[4:8]}-{tr[8:]}"), NDATE("ship_date", style="slash"))
        d.f("配送センター：§（§）\n", PHONE(c.free, "hyphen"), "9:00〜21:00")


def ticket_json(d):
    p = Person()
    agent = Person()
    brand, num = card_number()
    tid = R.randint(100000, 999999)
    t = other_date()
    d.t("{\n")
    d.t(f'  "id": {tid},\n  "subject": "注文のキャンセルと返金",\n')
    d.f('  "created_at": "§",\n', N("timestamp", t.isoformat() + f"T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}+09:00"))
    d.t('  "status": "open",\n  "requester": {\n')
    d.t('    "name": "', NAME(p.name), '",\n')
    d.f('    "email": "§",\n', EMAIL(p.email))
    d.f('    "phone": "§"\n  },\n', PHONE(p.mobile, R.choice(["hyphen", "plain", "intl"])))
    d.t('  "comments": [\n    {\n      "author": "customer",\n')
    bank, _ = R.choice(BANKS)
    d.f('      "body": "注文番号§をキャンセルしたいです。返金は' + bank + ' ' + R.choice(BRANCHES) + ' 普通 §へお願いします。カード払いなら§のカードです。"\n',
        N("order_no_luhn_fail", order16()), BANK(), card_masked(num, "first4last4"))
    d.t('    },\n    {\n      "author": "', ONAME(agent.name), '",\n')
    d.f('      "body": "承知しました。§様の生年月日§で本人確認済みです。"\n', NAME(p.sur), DOB(p.dob, "iso"))
    d.t("    }\n  ],\n")
    d.f('  "tags": ["refund", "cancel"],\n  "updated_at": "§"\n}\n', N("timestamp", t.isoformat() + "T18:00:00+09:00"))


def csv_cell(v, quote):
    """A CSV cell: str or P/N; quote with ASCII double quotes if requested."""
    return ['"', v, '"'] if quote else [v]


def write_table(d, header, rows, sep=",", quote=False):
    d.t(sep.join(('"' + h + '"') if quote else h for h in header), "\n")
    for row in rows:
        items = []
        for i, v in enumerate(row):
            if i:
                items.append(sep)
            items.extend(csv_cell(v, quote))
        items.append("\n")
        d.t(items)


def customers_csv(d, variant=None, sep=","):
    variant = variant or R.choice(["ledger_full", "members", "employees", "payments", "payments_masked", "dm", "ledger_full"])
    n = R.randint(15, 45)
    quote = R.random() < 0.4
    dstyle = R.choice(["slash", "iso", "wareki", "wareki_dot", "kanji", "slash_nopad"])
    pstyle = R.choice(["hyphen", "hyphen", "plain"])
    nsep = R.choice([" ", " ", "　", ""])  # how this ledger separates family and given name
    acity = R.random() < 0.25  # this ledger's address column starts at the city
    nm = lambda p: NAME(nsep.join(p.name.split(" ")))  # noqa: E731
    ad = lambda p: ADDR(p.address_city if acity else p.address)  # noqa: E731
    rows = []
    if variant == "ledger_full":
        header = ["顧客ID", "氏名", "フリガナ", "生年月日", "電話番号", "メールアドレス", "郵便番号", "住所",
                  "カード番号", "有効期限", "セキュリティコード", "個人番号", "口座番号"]
        for i in range(n):
            p = Person()
            brand, num = card_number()
            rows.append([f"C{100000 + i * 7 + R.randint(0, 6)}", nm(p), NAME(p.kana), DOB(p.dob, dstyle),
                         PHONE(p.mobile if R.random() < 0.7 else p.home, pstyle), EMAIL(p.email),
                         postal_raw(p.postal) if R.random() < 0.85 else P("jp_postal_code", p.postal, p.postal),
                         ad(p), CARD(num, "plain" if R.random() < 0.7 else "hyphen"), EXPIRY(style="mmyy"), CVV(brand),
                         MYNUM(style="plain") if R.random() < 0.9 else "", BANK()])
            if rows[-1][11] == "":
                pass
    elif variant == "members":
        header = ["会員番号", "氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "住所", "生年月日", "登録日", "最終購入日", "累計購入額"]
        for i in range(n):
            p = Person()
            rows.append([N("member_no_7", digits(7, "123456789")), nm(p), NAME(p.kana), EMAIL(p.email),
                         PHONE(p.mobile, pstyle), postal_raw(p.postal), ad(p), DOB(p.dob, dstyle),
                         NDATE("registration_date", style="slash"), NDATE("purchase_date", style="slash"),
                         str(R.randint(1, 500) * 100)])
    elif variant == "employees":
        header = ["社員番号", "氏名", "フリガナ", "生年月日", "入社日", "個人番号", "郵便番号", "住所", "電話番号",
                  "銀行名", "支店名", "口座種別", "口座番号", "基礎年金番号"]
        for i in range(n):
            p = Person(1960, 2002)
            bank, code = R.choice(BANKS)
            rows.append([f"{R.randint(1, 9)}{digits(5)}", nm(p), NAME(p.kana), DOB(p.dob, dstyle),
                         NDATE("hire_date", rand_date(min(max(p.dob.year + 18, 1985), 2024), 2024), dstyle if dstyle != "wareki_dot" else "slash"),
                         MYNUM(style=R.choice(["plain", "plain", "hyphen"])), postal_raw(p.postal), ad(p),
                         PHONE(p.mobile, pstyle), bank, R.choice(BRANCHES), R.choice(["普通", "普通", "当座"]), BANK(),
                         N("pension_no", f"{digits(4, '123456789')}-{digits(6)}")])
    elif variant in ("payments", "payments_masked"):
        header = ["注文番号", "注文日時", "氏名", "メールアドレス", "カード番号", "有効期限",
                  "セキュリティコード" if variant == "payments" else "カード種別", "金額"]
        for i in range(n):
            p = Person()
            brand, num = card_number()
            row = [N("order_no_luhn_fail", order16()), N("timestamp", timestamp()), nm(p), EMAIL(p.email)]
            if variant == "payments":
                row += [CARD(num, "plain"), EXPIRY(style=R.choice(["mmyy", "mmyy", "mmyyyy"])), CVV(brand)]
            else:
                row += [card_masked(num, R.choice(["last4", "first6last4", "stars"])), EXPIRY(style="mmyy"),
                        {"visa": "VISA", "mc": "MASTER", "jcb": "JCB", "amex": "AMEX", "diners": "DINERS"}[brand]]
            row.append(str(R.randint(5, 300) * 100))
            rows.append(row)
    else:  # dm
        header = ["No", "氏名", "〒", "住所", "TEL", "DM区分", "最終来店日"]
        for i in range(n):
            p = Person()
            rows.append([str(i + 1), [nm(p), " 様"], postal_raw(p.postal), ad(p),
                         PHONE(p.home if R.random() < 0.6 else p.mobile, pstyle), R.choice(["A", "B", "C"]),
                         NDATE("visit_date", style="slash")])
    d.people = n  # one generated person per row
    write_table(d, header, rows, sep, quote)


def registry_csv(d, variant=None, sep=","):
    """Ledgers keyed on identity documents: 外国人従業員台帳, ツアー参加者名簿, レンタカー会員, 取引先マスタ."""
    variant = variant or R.choice(["foreign_staff", "tour", "rental", "partners"])
    quote = R.random() < 0.3
    rows = []
    if variant == "foreign_staff":
        header = ["社員番号", "氏名（ローマ字）", "国籍", "生年月日", "在留カード番号", "在留資格", "在留期限", "電話番号", "メールアドレス"]
        names = ["NGUYEN VAN AN", "TRAN THI HOA", "LE MINH TUAN", "SANTOS MARIA", "REYES JOHN", "WANG WEI", "LI NA",
                 "GURUNG RAM", "THAPA SITA", "KIM MINJI", "PARK JISOO", "SILVA ANA", "HTET AUNG", "SARI DEWI"]
        for _ in range(R.randint(10, 22)):
            dob = rand_date(1978, 2004)
            rows.append([digits(6, "123456789"), NAME(R.choice(names)), R.choice(["ベトナム", "フィリピン", "中国", "ネパール", "韓国", "ブラジル", "ミャンマー", "インドネシア"]),
                         DOB(dob, R.choice(["slash", "iso"])), RESCARD(),
                         R.choice(["特定技能1号", "技能実習2号", "技術・人文知識・国際業務", "永住者", "家族滞在"]),
                         NDATE("residence_expiry", rand_date(2024, 2029), "slash"), PHONE(phone_groups("mobile"), "hyphen"),
                         EMAIL(Person().email)])
    elif variant == "tour":
        header = ["予約番号", "氏名", "氏名（ローマ字）", "性別", "生年月日", "旅券番号", "旅券有効期限", "携帯電話", "メールアドレス"]
        for _ in range(R.randint(10, 25)):
            p = Person()
            rows.append([N("booking_no", f"TR{digits(8)}", False), NAME(p.name), NAME(p.romaji.upper()), R.choice(["M", "F"]), DOB(p.dob, R.choice(["slash", "iso", "wareki"])),
                         PASSPORT(lower=R.random() < 0.05), NDATE("passport_expiry", rand_date(2025, 2034), "slash"),
                         PHONE(p.mobile, "hyphen"), EMAIL(p.email)])
    elif variant == "rental":
        header = ["会員番号", "氏名", "生年月日", "免許証番号", "免許証有効期限", "免許の種類", "電話番号", "郵便番号", "住所"]
        for _ in range(R.randint(10, 25)):
            p = Person(1950, 2004)
            rows.append([N("member_no_7", digits(7, "123456789")), NAME(p.name), DOB(p.dob, R.choice(["slash", "wareki"])),
                         DL(drivers_license(p.dob), R.choice(["plain", "plain", "plain", "hyphen"])),
                         NDATE("license_expiry", rand_date(2024, 2029), "slash"), R.choice(["普通", "中型", "準中型", "大型"]),
                         PHONE(p.mobile, "hyphen"), postal_raw(p.postal), ADDR(p.address)])
    else:
        header = ["取引先コード", "法人番号", "会社名", "郵便番号", "所在地", "代表電話", "FAX", "担当者メール",
                  "振込先銀行", "支店", "預金種目", "口座番号", "適格請求書発行事業者登録番号"]
        for _ in range(R.randint(10, 25)):
            c = Company()
            rows.append([f"V{digits(5)}", CORP(c.corp, "plain"), N("company_name", c.name, False), postal_raw(c.postal), ADDR(c.address), PHONE(c.tel, "hyphen"),
                         PHONE(c.fax, "hyphen"), EMAIL(f"{R.choice(['keiri', 'sales', 'info', Person().sur_r])}@{c.domain}"),
                         c.bank[0], c.branch, R.choice(["普通", "普通", "当座"]), BANK(c.acct), ["T", CORP(c.corp, "plain")]])
    if variant != "partners":  # a partner master's rows are companies, not people
        d.people = len(rows)
    write_table(d, header, rows, sep, quote)


def chat_export(d):
    """Team chat export where people paste credentials and customer data."""
    c = Company()
    members = [Person() for _ in range(3)]
    day = DOC_DATE
    clk = Clock(day, 9)
    d.t(f"#{R.choice(['dev-ops', 'shop-admin', 'cs-team', 'infra'])} のエクスポート ({day.isoformat()})\n\n")
    def who():
        m = R.choice(members)
        return [f"[{clk.tick(1, 40).strftime('%H:%M')}] ", ONAME(m.name), ": "]
    d.t(who(), "本番のDBに入れないんですが、パスワード変わりました？\n")
    d.t(who())
    d.f(R.choice(["変わりました。新しいパスワードは § です\n", "password: §\n", "新パスワード：§ （後で消します）\n"]), PW())
    if R.random() < 0.6:
        t = github_token()
        d.t(who())
        d.f("CIのトークン切れてたので再発行しました → §\n", P("github_token", t, t))
    if R.random() < 0.6:
        d.t(who())
        d.f("S3用のキーです\nAWS_ACCESS_KEY_ID=§\nAWS_SECRET_ACCESS_KEY=§\n", P("aws_access_key_id", *(2 * [aws_key_id()])),
            P("aws_secret_access_key", *(2 * [aws_secret()])))
    if R.random() < 0.5:
        t = slack_token()
        d.t(who())
        d.f("botのトークン: §\n", P("slack_token", t, t))
    k = api_key()
    d.t(who())
    d.f("地図APIのAPIキーはこれです api_key=§\n", P("generic_api_key", k, k))
    p = Person()
    d.t(who())
    d.f("クレームのお客様の連絡先です。§様 § / §\n", NAME(p.name), PHONE(p.mobile), EMAIL(p.email))
    d.t(who(), "個人情報はチャットに貼らないでください！パスワードも ******** にしてください\n")
    d.negs.append({"kind": "masked_password", "value": "********", "line": d.line - 1, "numeric": False})
    if R.random() < 0.5:
        d.t(who(), "デプロイ用の鍵も置いておきます\n```\n", PEM(R.choice(["OPENSSH PRIVATE KEY", "RSA PRIVATE KEY"])), "\n```\n")
    d.t(who())
    d.f("次回リリースは § です\n", NDATE("release_date", style="slash"))


def ci_log(d):
    d0 = DOC_DATE
    d.t("Run actions/checkout@v4\n")
    tok = github_token("ghs_")
    d.f("+ git clone https://x-access-token:§@github.com/example-org/shop.git\n", P("github_token", tok, tok))
    d.t("Cloning into 'shop'...\n")
    d.t("env:\n  AWS_ACCESS_KEY_ID: ***\n  AWS_SECRET_ACCESS_KEY: ***\n")
    d.negs.append({"kind": "masked_secret", "value": "***", "line": d.line - 1, "numeric": False})
    for _ in range(R.randint(5, 12)):
        d.t(f"{d0.isoformat()}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{digits(7)}Z " +
            R.choice(["npm ci", "added 1532 packages in 41s", "> shop@1.4.2 build", "webpack compiled successfully",
                      "Tests: 412 passed, 412 total", "Uploading artifact"]) + "\n")
    d.t("+ aws configure set aws_access_key_id ")
    d.f("§\n", P("aws_access_key_id", *(2 * [aws_key_id()])))
    d.t("+ aws configure set aws_secret_access_key ")
    d.f("§\n", P("aws_secret_access_key", *(2 * [aws_secret()])))
    if R.random() < 0.6:
        d.f("+ curl -s -X POST -d '{\"text\":\"build ok\"}' §\n", P("slack_token", *(2 * [slack_webhook()])))
    d.t("Post job cleanup.\n")


def customers_csv_en(d):
    header = ["customer_id", "name", "email", "phone", "postal_code", "address", "date_of_birth", "card_number", "card_expiry", "cvv"]
    rows = []
    for i in range(R.randint(12, 30)):
        p = Person()
        brand, num = card_number()
        rows.append([f"CUS-{digits(6)}", NAME(p.romaji), EMAIL(p.email), PHONE(p.mobile, R.choice(["intl", "hyphen", "intl_plain"])),
                     postal_raw(p.postal), N("address_city_only", f"{p.region[0]}{p.region[1]}", False), DOB(p.dob, "iso"),
                     CARD(num, "plain"), EXPIRY(style="mmyy"), CVV(brand)])
    d.people = len(rows)
    write_table(d, header, rows)


def orders_csv(d, sep=","):
    variant = R.choice(["orders", "b2", "orders"])
    rows = []
    if variant == "orders":
        header = ["注文番号", "注文日時", "JANコード", "商品名", "数量", "単価", "お届け先氏名", "お届け先郵便番号",
                  "お届け先住所", "お届け先電話番号", "配送方法", "追跡番号", "お届け希望日"]
        products = ["有機コーヒー豆 200g", "ドリップバッグ 10袋", "緑茶ティーバッグ", "国産はちみつ 300g", "抹茶ラテ",
                    "焼き菓子ギフト", "天然水 2L×6", "オリーブオイル 500ml"]
        for _ in range(R.randint(10, 25)):
            p = Person()
            rows.append([N("order_no_luhn_fail", order16()), N("timestamp", timestamp()), N("jan", jan13(R.random() < 0.35)),
                         R.choice(products), str(R.randint(1, 5)), str(R.randint(3, 60) * 100), NAME(p.name),
                         postal_raw(p.postal), ADDR(p.address), PHONE(p.mobile if R.random() < 0.7 else p.home, "hyphen"),
                         R.choice(["宅急便", "ゆうパック", "飛脚宅配便"]), N("tracking_mn_pass", tracking12()),
                         NDATE("delivery_date", rand_date(2024, 2024), "slash")])
    else:
        header = ["お客様管理番号", "送り状種類", "出荷予定日", "お届け先電話番号", "お届け先郵便番号", "お届け先住所",
                  "お届け先名", "ご依頼主電話番号", "ご依頼主郵便番号", "ご依頼主住所", "ご依頼主名", "品名", "伝票番号"]
        c = Company()
        for _ in range(R.randint(15, 35)):
            p = Person()
            rows.append([N("customer_ref", f"{digits(8, '123456789')}"), "0", NDATE("ship_date", rand_date(2024, 2024), "slash"),
                         PHONE(p.home if R.random() < 0.5 else p.mobile, R.choice(["hyphen", "plain"])),
                         P("jp_postal_code", p.postal, p.postal) if R.random() < 0.5 else postal_raw(p.postal),
                         ADDR(p.address), ONAME(p.name), PHONE(c.tel, "hyphen"), postal_raw(c.postal), ADDR(c.address),
                         N("company_name", c.name, False),
                         R.choice(["食品", "雑貨", "書籍", "衣類"]), N("tracking_mn_pass", tracking12())])
    # one recipient per row; the sender (ご依頼主) is the same company on every row, not a person
    d.people = len(rows)
    write_table(d, header, rows, sep, R.random() < 0.3)


def shipping_note(d):
    """出荷指示書 / 納品書 as text."""
    c = Company()
    p = Person()
    d.t("納品書\n\n", NAME(p.name), " 様\n")
    d.f("§ §\n", POSTAL(p.postal), ADDR(p.address))
    d.f("TEL §\n\n", PHONE(p.home))
    d.f("納品日：§\n注文番号：§\n請求書番号：§\n\n", NDATE("delivery_date"), N("order_no_luhn_fail", order16()), N("invoice_no", invoice_no()))
    d.t("品名　　　　　　　　　JAN　　　　　　　　数量　金額\n")
    for _ in range(R.randint(2, 6)):
        d.f(R.choice(["有機コーヒー豆", "紅茶セット", "マグカップ", "文庫本", "ノート"]) + "　　§　" + str(R.randint(1, 4)) + "　" + f"{R.randint(3, 50) * 100:,}" + "円\n",
            N("jan", jan13(R.random() < 0.3)))
    d.f("\n配送：宅急便　お問い合わせ番号 §\n\n", N("tracking_mn_pass", tracking12()))
    d.t(c.name + "\n")
    d.f("§ §\n", POSTAL(c.postal, "mark"), ADDR(c.address))
    d.f("TEL §\n", PHONE(c.tel))


def access_log(d):
    c = Company()
    d0 = DOC_DATE
    for i in range(R.randint(40, 90)):
        ip = f"{R.choice([203, 198, 192, 100, 61, 126, 133, 153])}.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}"
        ts = f"[{d0.day:02d}/{MONTHS_EN[d0.month - 1][:3]}/{d0.year}:{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d} +0900]"
        k = R.random()
        ua = R.choice(["Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15",
                       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0",
                       "curl/8.5.0", "Googlebot/2.1 (+http://www.google.com/bot.html)"])
        st = R.choice([200, 200, 200, 304, 302, 404])
        size = R.randint(200, 30000)
        if k < 0.12:
            p = Person()
            d.f(f'{ip} - - {ts} "GET /api/member/lookup?tel=§ HTTP/1.1" {st} {size} "-" "{ua}"\n', PHONE(p.mobile, "plain"))
        elif k < 0.22:
            p = Person()
            # as a browser sends a form's field: the at sign as %40 (every other one)
            addr = P("email", p.email.replace("@", "%40"), p.email.lower()) if i % 2 else EMAIL(p.email)
            d.f(f'{ip} - - {ts} "GET /api/v2/users?email=§&fields=name,address HTTP/1.1" {st} {size} "-" "{ua}"\n', addr)
        elif k < 0.29:
            d.f(f'{ip} - - {ts} "GET /mypage/orders/§ HTTP/1.1" {st} {size} "https://www.{c.domain}/mypage" "{ua}"\n', N("order_no_luhn_fail", order16()))
        elif k < 0.35:
            d.f(f'{ip} - - {ts} "GET /products/§ HTTP/1.1" {st} {size} "-" "{ua}"\n', N("jan", jan13(R.random() < 0.3)))
        elif k < 0.38:
            d.f(f'{ip} - - {ts} "GET /tracking?no=§ HTTP/1.1" {st} {size} "-" "{ua}"\n', N("tracking_mn_pass", tracking12()))
        else:
            path = R.choice(["/", "/cart", "/static/app.js", "/static/style.css", "/favicon.ico", "/login", "/mypage",
                             "/api/v1/products?page=" + str(R.randint(1, 40)), "/wp-login.php", "/.env"])
            d.t(f'{ip} - - {ts} "GET {path} HTTP/1.1" {st} {size} "-" "{ua}"\n')


def app_log(d):
    d0 = DOC_DATE
    svc = R.choice(["shop-api", "member-svc", "checkout", "auth"])
    for i in range(R.randint(25, 60)):
        ts = f"{d0.isoformat()}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{R.randint(0, 999):03d}+09:00"
        rid = "".join(R.choice("0123456789abcdef") for _ in range(32))
        k = R.random()
        if k < 0.18:
            p = Person()
            d.f('{"time":"§","level":"INFO","svc":"' + svc + '","event":"user.register","request_id":"' + rid +
                '","user_id":' + digits(7, "123456789") + ',"email":"§","tel":"§","birthday":"§","zip":"§"}\n',
                N("timestamp", ts), EMAIL(p.email), PHONE(p.mobile, R.choice(["hyphen", "plain"])), DOB(p.dob, "iso"), postal_raw(p.postal))
        elif k < 0.3:
            p = Person()
            d.f('{"time":"§","level":"WARN","svc":"' + svc + '","event":"login.failed","request_id":"' + rid +
                '","login_id":"§","remote_ip":"10.0.' + str(R.randint(0, 255)) + '.' + str(R.randint(1, 254)) + '","reason":"bad_password"}\n',
                N("timestamp", ts), EMAIL(p.email))
        elif k < 0.38:
            d.f('{"time":"§","level":"INFO","svc":"' + svc + '","event":"order.created","request_id":"' + rid +
                '","order_no":"§","amount":' + str(R.randint(5, 300) * 100) + ',"items":' + str(R.randint(1, 5)) + '}\n',
                N("timestamp", ts), N("order_no_luhn_fail", order16()))
        elif k < 0.45:
            d.f('{"time":"§","level":"INFO","svc":"' + svc + '","event":"shipment.created","request_id":"' + rid +
                '","tracking_no":"§","carrier":"yamato"}\n', N("timestamp", ts), N("tracking_mn_pass", tracking12()))
        elif k < 0.5:
            d.f('{"time":"§","level":"INFO","svc":"' + svc + '","event":"payment.authorized","request_id":"' + rid +
                '","card":"§","auth_code":"' + digits(6) + '"}\n', N("timestamp", ts), card_masked(card_number()[1], "first6last4"))
        else:
            d.f('{"time":"§","level":"' + R.choice(["INFO", "DEBUG"]) + '","svc":"' + svc + '","event":"' +
                R.choice(["http.request", "cache.hit", "cache.miss", "db.query", "healthcheck"]) + '","request_id":"' + rid +
                '","latency_ms":' + str(R.randint(1, 900)) + '}\n', ts)


def payment_debug_log(d):
    d0 = DOC_DATE
    for i in range(R.randint(20, 45)):
        ts = f"{d0.isoformat()} {R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d},{R.randint(0, 999):03d}"
        k = R.random()
        if k < 0.35:
            p = Person()
            brand, num = card_number()
            d.f("§ DEBUG checkout.PaymentForm - submit payload={\"card_number\":\"§\",\"expiry\":\"§\",\"cvv\":\"§\",\"holder\":\"§\",\"email\":\"§\"}\n",
                N("timestamp", ts), CARD(num, R.choice(["plain", "plain", "space"])),
                EXPIRY(style=R.choice(["mmyy", "mmyyyy"])), CVV(brand), ONAME(p.romaji.upper()), EMAIL(p.email))
        elif k < 0.5:
            d.f("§ INFO  checkout.Gateway - authorized pan=§ amount=" + str(R.randint(5, 300) * 100) + " order=§\n",
                N("timestamp", ts), card_masked(card_number()[1], "first6last4"), N("order_no_luhn_fail", order16(True)))
        elif k < 0.6:
            d.f("§ WARN  checkout.Gateway - declined code=05 order=§ retry=1\n", N("timestamp", ts), N("order_no_luhn_fail", order16(True)))
        else:
            d.f("§ INFO  http - " + R.choice(["GET /checkout 200", "POST /checkout/confirm 302", "GET /cart 200", "GET /health 200"]) +
                " " + str(R.randint(3, 400)) + "ms\n", ts)


def auth_log(d):
    d0 = DOC_DATE
    host = R.choice(["web01", "app-02", "member-1"])
    for i in range(R.randint(20, 40)):
        ts = f"{MONTHS_EN[d0.month - 1][:3]} {d0.day:2d} {R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}"
        k = R.random()
        p = Person()
        if k < 0.2:
            d.f(f"§ {host} member[{R.randint(1000, 9999)}]: login failed user=§ password=§ ip=203.0.113.{R.randint(1, 254)}\n",
                N("timestamp", ts), EMAIL(p.email), PW())
        elif k < 0.35:
            d.f(f"§ {host} member[{R.randint(1000, 9999)}]: login failed user=§ password=******** ip=203.0.113.{R.randint(1, 254)}\n",
                N("timestamp", ts), EMAIL(p.email))
            d.negs.append({"kind": "masked_password", "value": "********", "line": d.line - 1, "numeric": False})
        elif k < 0.55:
            d.f(f"§ {host} member[{R.randint(1000, 9999)}]: login ok user=§ session=" + "".join(R.choice("0123456789abcdef") for _ in range(24)) + "\n",
                N("timestamp", ts), EMAIL(p.email))
        else:
            d.f(f"§ {host} sshd[{R.randint(1000, 99999)}]: Accepted publickey for deploy from 10.0.{R.randint(0, 9)}.{R.randint(1, 254)} port {R.randint(30000, 65000)} ssh2\n",
                ts)


def ltsv_log(d):
    d0 = DOC_DATE
    for i in range(R.randint(25, 50)):
        ts = f"{d0.isoformat()}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}+09:00"
        k = R.random()
        if k < 0.15:
            p = Person()
            d.f("time:§\thost:10.1.2." + str(R.randint(1, 254)) + "\tmethod:POST\turi:/api/address/update\tstatus:200\tzip:§\ttel:§\n",
                N("timestamp", ts), P("jp_postal_code", p.postal, p.postal) if R.random() < 0.5 else postal_raw(p.postal), PHONE(p.home, "plain"))
        else:
            d.f("time:§\thost:10.1.2." + str(R.randint(1, 254)) + "\tmethod:GET\turi:" +
                R.choice(["/", "/api/items", "/api/cart", "/static/main.js"]) + "\tstatus:200\treqtime:0." + digits(3) + "\n", ts)


# --- configs ------------------------------------------------------------------

def cfg_env(d):
    c = Company()
    d.t(f"# {c.jname} production settings\nAPP_ENV=production\nAPP_URL=https://www.{c.domain}\n")
    d.t(f"DB_HOST=db-{R.randint(1, 3)}.internal\nDB_PORT=5432\nDB_USER={c.dom.replace('-', '_')}\n")
    d.f("DB_PASSWORD=§\n", PW())
    d.f("AWS_ACCESS_KEY_ID=§\nAWS_SECRET_ACCESS_KEY=§\nAWS_DEFAULT_REGION=ap-northeast-1\n",
        P("aws_access_key_id", *(2 * [aws_key_id()])), P("aws_secret_access_key", *(2 * [aws_secret()])))
    if R.random() < 0.6:
        t = slack_token()
        d.f("SLACK_BOT_TOKEN=§\n", P("slack_token", t, t))
    if R.random() < 0.5:
        t = github_token()
        d.f("GITHUB_TOKEN=§\n", P("github_token", t, t))
    k = api_key()
    d.f(R.choice(["MAP_API_KEY=§\n", "PAYMENT_API_KEY=§\n", "SENDMAIL_API_KEY=§\n"]), P("generic_api_key", k, k))
    d.f("MAIL_FROM=§\nMAIL_PASSWORD=§\n", EMAIL(f"noreply@{c.domain}"), PW())
    d.t("SESSION_LIFETIME=120\nPASSWORD_MIN_LENGTH=10\nCACHE_DRIVER=redis\n")
    d.t("# 旧設定（使用しない）\n# DB_PASSWORD=${OLD_DB_PASSWORD}\n")
    d.negs.append({"kind": "password_placeholder", "value": "${OLD_DB_PASSWORD}", "line": d.line - 1, "numeric": False})


def cfg_yaml(d):
    c = Company()
    d.t(f"# config/{R.choice(['production', 'staging'])}.yml\napp:\n  name: {c.dom}\n  timezone: Asia/Tokyo\n")
    d.t("database:\n  host: 10.0.1.20\n  port: 3306\n  username: app_user\n")
    pw = password()
    d.f('  password: "§"\n' if R.random() < 0.5 else "  password: §\n", PW(pw))
    d.t("  pool: 10\nsmtp:\n  host: smtp.sendgrid.net\n  port: 587\n")
    d.f("  user: §\n", EMAIL(f"system@{c.domain}"))
    d.f("  password: §\n", PW())
    k = api_key()
    d.t("external:\n  geocoder:\n")
    d.f("    api_key: §\n", P("generic_api_key", k, k))
    k2 = api_key()
    d.t("  crm:\n    endpoint: https://api.crm.example.com/v2\n")
    d.f('    client_secret: "§"\n', P("generic_api_key", k2, k2))
    if R.random() < 0.5:
        t = slack_webhook()
        d.f("notify:\n  slack_webhook: §\n", P("slack_token", t, t))
    if R.random() < 0.6:
        d.t("tls:\n  key: |\n")
        hdr = "-----BEGIN EC PRIVATE KEY-----"
        d.t("    ", P("private_key", hdr, hdr), "\n", "\n".join("    " + x for x in pem_body(5).split("\n")), "\n    -----END EC PRIVATE KEY-----\n")
    d.t("security:\n  password_min_length: 12\n  password_expiry_days: 90\n")
    d.t("  admin_password: ********   # Vaultで管理\n")
    d.negs.append({"kind": "masked_password", "value": "********", "line": d.line - 1, "numeric": False})


def cfg_json(d):
    c = Company()
    k = api_key()
    d.t("{\n  \"service\": \"" + c.dom + "\",\n  \"region\": \"ap-northeast-1\",\n  \"aws\": {\n")
    d.f('    "accessKeyId": "§",\n    "secretAccessKey": "§"\n  },\n', P("aws_access_key_id", *(2 * [aws_key_id()])),
        P("aws_secret_access_key", *(2 * [aws_secret()])))
    d.f('  "apiKey": "§",\n', P("generic_api_key", k, k))
    d.f('  "db": {"user": "svc", "password": "§", "host": "db.internal"},\n', PW())
    d.f('  "admin": {"email": "§", "password": "${ADMIN_PASSWORD}"},\n', EMAIL(f"admin@{c.domain}"))
    d.negs.append({"kind": "password_placeholder", "value": "${ADMIN_PASSWORD}", "line": d.line - 1, "numeric": False})
    d.t('  "features": {"passwordReset": true, "maxLoginAttempts": 5}\n}\n')


def cfg_aws_credentials(d):
    d.t("[default]\n")
    d.f("aws_access_key_id = §\naws_secret_access_key = §\nregion = ap-northeast-1\n\n",
        P("aws_access_key_id", *(2 * [aws_key_id()])), P("aws_secret_access_key", *(2 * [aws_secret()])))
    d.t("[deploy]\n")
    d.f("aws_access_key_id = §\naws_secret_access_key = §\n\n",
        P("aws_access_key_id", *(2 * [aws_key_id()])), P("aws_secret_access_key", *(2 * [aws_secret()])))
    d.t("[docs-sample]\n# AWSドキュメントのサンプル値\n")
    d.f("aws_access_key_id = §\naws_secret_access_key = §\n", N("aws_example_key", "AKIAIOSFODNN7EXAMPLE", False),
        N("aws_example_secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", False))


def cfg_pem(d):
    kind = R.choice(["RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"])
    if R.random() < 0.5:
        d.t(f"# deploy key for {Company().dom} (do not commit)\n")
    d.t(PEM(kind), "\n")


def cfg_properties(d):
    c = Company()
    d.t("# application.properties\nspring.application.name=" + c.dom + "\nserver.port=8080\n")
    d.t("spring.datasource.url=jdbc:postgresql://db.internal:5432/shop\nspring.datasource.username=shop\n")
    d.f("spring.datasource.password=§\n", PW())
    d.t("spring.mail.host=smtp.office365.com\n")
    d.f("spring.mail.username=§\nspring.mail.password=§\n", EMAIL(f"notice@{c.domain}"), PW())
    k = api_key()
    d.f("app.payment.api-key=§\n", P("generic_api_key", k, k))
    d.t("app.security.password-hash=bcrypt\napp.security.password.min-length=10\n")


def cfg_compose(d):
    d.t("version: \"3.9\"\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n")
    d.f("      POSTGRES_PASSWORD: §\n", PW())
    d.t("  redis:\n    image: redis:7\n  worker:\n    image: ghcr.io/example/worker:latest\n    environment:\n")
    t = github_token()
    d.f("      GITHUB_TOKEN: §\n", P("github_token", t, t))
    t2 = slack_token(R.choice(["xoxb", "xoxp"]))
    d.f("      SLACK_TOKEN: §\n", P("slack_token", t2, t2))
    d.t("      DATABASE_PASSWORD: ${POSTGRES_PASSWORD}\n")
    d.negs.append({"kind": "password_placeholder", "value": "${POSTGRES_PASSWORD}", "line": d.line - 1, "numeric": False})


def cfg_tfvars(d):
    d.t("region      = \"ap-northeast-1\"\nproject     = \"shop\"\n")
    d.f('access_key  = "§"\nsecret_key  = "§"\n', P("aws_access_key_id", *(2 * [aws_key_id()])),
        P("aws_secret_access_key", *(2 * [aws_secret()])))
    d.f('db_password = "§"\n', PW())
    d.t("instance_type = \"t3.medium\"\n")


def cfg_deploy_sh(d):
    t = github_token(R.choice(["ghp_", "ghp_", "gho_"]))
    d.t("#!/bin/sh\nset -eu\n# 本番デプロイ用スクリプト\n")
    d.f("export GITHUB_TOKEN=§\n", P("github_token", t, t))
    d.t("git clone https://github.com/example-org/shop.git /srv/shop\n")
    t2 = github_pat()
    d.f('curl -s -H "Authorization: token §" https://api.github.com/repos/example-org/shop/releases/latest\n', P("github_token", t2, t2))
    w = slack_webhook()
    d.f("curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"deploy done\"}' §\n", P("slack_token", w, w))
    d.t("echo \"done\"\n")


def cfg_php(d):
    d.t("<?php\n/** WordPress の基本設定 */\ndefine( 'DB_NAME', 'wp_shop' );\ndefine( 'DB_USER', 'wp_user' );\n")
    d.f("define( 'DB_PASSWORD', '§' );\n", PW())
    d.t("define( 'DB_HOST', 'localhost' );\ndefine( 'DB_CHARSET', 'utf8mb4' );\n")
    k = api_key()
    d.f("define( 'SHOP_API_KEY', '§' );\n", P("generic_api_key", k, k))
    d.t("$table_prefix = 'wp_';\n")


def cfg_readme(d):
    """Setup guide with placeholders only: every value here is a negative."""
    d.t("# セットアップ手順\n\n1. `.env.example` を `.env` にコピーします。\n2. 以下の値を設定します。\n\n```\n")
    for kind, line in [("aws_example_key", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"),
                       ("aws_example_secret", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                       ("password_placeholder", "DB_PASSWORD=<your-db-password>"),
                       ("api_key_placeholder", "API_KEY=YOUR_API_KEY_HERE"),
                       ("github_placeholder", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
                       ("slack_placeholder", "SLACK_BOT_TOKEN=xoxb-your-bot-token"),
                       ("masked_password", "SMTP_PASSWORD=********")]:
        d.negs.append({"kind": kind, "value": line.split("=", 1)[1], "line": d.line, "numeric": False})
        d.t(line, "\n")
    d.t("```\n\n3. 問い合わせ先：")
    d.f("§（開発チーム）\n", N("placeholder_email", "dev-team@example.com", False))
    d.t("4. 公開鍵は以下のように登録します（秘密鍵は絶対に共有しないこと）。\n\n```\n")
    d.f("§\n", N("public_key_header", "-----BEGIN PUBLIC KEY-----", False))
    d.t(pem_body(4), "\n-----END PUBLIC KEY-----\n```\n\n")
    d.t("パスワードを忘れた場合は管理者に連絡してください。パスワードは12文字以上にしてください。\n")
    d.f("記入例：パスワード：§\n", N("masked_password", "********", False))


def cfg_cert(d):
    d.t("# TLS server certificate chain (public)\n")
    d.f("§\n", N("certificate_header", "-----BEGIN CERTIFICATE-----", False))
    d.t(pem_body(12), "\n-----END CERTIFICATE-----\n")
    d.t(PEM("PRIVATE KEY"), "\n")


# --- English documents --------------------------------------------------------

EN_REGIONS = [("1500002", "Shibuya", "Shibuya-ku", "Tokyo", "03"), ("1060032", "Roppongi", "Minato-ku", "Tokyo", "03"),
              ("1600023", "Nishi-Shinjuku", "Shinjuku-ku", "Tokyo", "03"), ("2200012", "Minatomirai", "Nishi-ku, Yokohama", "Kanagawa", "045"),
              ("5300001", "Umeda", "Kita-ku, Osaka", "Osaka", "06"), ("6008216", "Higashishiokoji-cho", "Shimogyo-ku, Kyoto", "Kyoto", "075"),
              ("8100001", "Tenjin", "Chuo-ku, Fukuoka", "Fukuoka", "092"), ("0600001", "Kita 1-jo Nishi", "Chuo-ku, Sapporo", "Hokkaido", "011")]
EN_NAMES = [("Emily", "Clarke"), ("James", "Wilson"), ("Sophie", "Martin"), ("Daniel", "Kim"), ("Priya", "Sharma"),
            ("Lucas", "Silva"), ("Anna", "Novak"), ("Michael", "Brown"), ("Olivia", "Nguyen"), ("Thomas", "Müller"),
            ("Grace", "Lee"), ("David", "Cohen"), ("Chloe", "Dubois"), ("Ryan", "O'Connor")]


class EnPerson:
    def __init__(self):
        self.first, self.last = R.choice(EN_NAMES)
        self.name = f"{self.first} {self.last}"
        self.dob = rand_date(1965, 2001)
        reg = R.choice(EN_REGIONS)
        self.postal = reg[0]
        self.addr_pre = f"{R.randint(1, 5)}-{R.randint(1, 30)}-{R.randint(1, 20)} {reg[1]}, {reg[2]}, {reg[3]}"
        self.area = reg[4]
        self.mobile = phone_groups("mobile")
        local = f"{self.first}.{self.last}".lower().replace("'", "").replace("ü", "u")
        self.email = local + R.choice(["", digits(2)]) + "@" + R.choice(["gmail.com", "outlook.com", "icloud.com", "yahoo.co.jp", "protonmail.com"])


def en_address(d, p):
    d.f(p.addr_pre + " §, Japan", postal_raw(p.postal))


def en_mail(d):
    p = EnPerson()
    c = Company()
    scen = R.choice(["card", "onboarding", "booking", "bank", "support"])
    to = f"{R.choice(['support', 'hr', 'booking', 'info'])}@{c.domain}"
    d.f("From: § <§>\nTo: §\n", ONAME(p.name), EMAIL(p.email, R.random() < 0.3), EMAIL(to))
    d.f("Date: §\n", mail_date())
    subj = {"card": "Payment failed", "onboarding": "Documents for onboarding", "booking": "Passport details for the booking",
            "bank": "Refund account details", "support": "Cannot log in"}[scen]
    d.t(f"Subject: {subj}\n\nHello,\n\n")
    if scen == "card":
        brand, num = card_number()
        d.t("My payment keeps failing on your web shop. Could you charge this card manually?\n\n")
        d.f("Card number: §\nExpiry: §\nCVV: §\n\n", CARD(num, R.choice(["space", "hyphen", "plain"])), EXPIRY(style=R.choice(["mmyy", "mmyyyy"])), CVV(brand))
        d.f("Order no. §, placed on §.\n", N("order_no_luhn_fail", order16()), NDATE("order_date", style="en_mdy"))
    elif scen == "onboarding":
        d.t("Please find my details for the onboarding below.\n\n")
        d.f("Date of birth: §\n", DOB(p.dob, en=True))
        d.f("Residence Card No.: §\n", RESCARD())
        d.f("My Number (Individual Number): §\n", MYNUM(style=R.choice(["plain", "space", "hyphen"])))
        d.t("Address: ")
        en_address(d, p)
        d.t("\n")
        bank, _ = R.choice(BANKS)
        d.f(f"Salary account: {bank}, {R.choice(['Shibuya', 'Shinjuku', 'Umeda', 'Roppongi'])} branch, Ordinary, Account No. §\n", BANK())
        d.f("Start date: §\n", NDATE("start_date", style="en_dmy"))
    elif scen == "booking":
        jp, jq = Person(), Person()
        d.t("Here are the passport details for our trip (both travellers hold Japanese passports).\n\n")
        d.f("§: Passport No. §, born §\n", ONAME(jp.romaji.upper()), PASSPORT(), DOB(jp.dob, en=True))
        d.f("§: Passport number §, date of birth §\n", ONAME(f"{jq.giv_r.upper()} {jp.sur_r.upper()}"), PASSPORT(), DOB(jq.dob, en=True))
        d.f("Check-in: §\n", NDATE("checkin_date", style="en_dmy"))
    elif scen == "bank":
        bank, _ = R.choice(BANKS)
        d.t("Please send the refund to my Japanese bank account:\n\n")
        d.f(f"Bank: {bank}\nBranch: {R.choice(BRANCHES)}\nAccount type: Ordinary (普通)\nAccount number: §\n\n", BANK())
        d.f("Invoice no. § dated §.\n", N("invoice_no", invoice_no()), NDATE("invoice_date", style="en_dmy_short"))
    else:
        d.f("I cannot log in with my e-mail § and password §. Please reset it.\n", EMAIL(p.email), PW())
        d.f("My date of birth is § if you need to verify.\n", DOB(p.dob, en=True))
    d.t("\nBest regards,\n", ONAME(p.name), "\n")
    d.f("Mobile: §\n", PHONE(p.mobile, en=True))
    if R.random() < 0.5:
        en_address(d, p)
        d.t("\n")


def en_form(d):
    p = EnPerson()
    c = Company()
    d.t(f"EMPLOYEE ONBOARDING FORM - {c.name} ({c.dom})\n\n")
    d.f("Submitted: §\nEmployee ID: " + digits(6, "123456789") + "\n\n", N("timestamp", timestamp()))
    d.t("Full name: ", NAME(p.name), "\n")
    d.f("Date of Birth: §\n", DOB(p.dob, en=True))
    d.t(f"Nationality: {R.choice(['United Kingdom', 'Australia', 'Canada', 'France', 'India', 'Brazil', 'USA'])}\n")
    d.f("Residence card number: §\n", RESCARD())
    d.f("Residence card expiry: §\n", NDATE("residence_expiry", rand_date(2025, 2029), "iso"))
    d.f("My Number: §\n", MYNUM(style=R.choice(["plain", "space", "hyphen"])))
    if R.random() < 0.6:
        d.f("Driver's License No.: §\n", DL())
    d.t("Home address: ")
    en_address(d, p)
    d.f("\nMobile phone: §\nPersonal e-mail: §\n", PHONE(p.mobile, en=True), EMAIL(p.email))
    ep = EnPerson()
    d.f("Emergency contact: §, §\n", ONAME(ep.name), PHONE(ep.mobile, en=True))
    bank, _ = R.choice(BANKS)
    d.f(f"\nPayroll bank: {bank} / branch code {digits(3)} / Ordinary / Account number §\n", BANK())
    d.f("Corporate number of employer: §\n", CORP(c.corp))
    d.f("Contract date: §\n", NDATE("contract_date", style="iso"))


def en_incident(d):
    c = Company()
    d.t(f"INCIDENT REPORT (DRAFT) - {c.name}\n\nSummary: debug logging on the checkout service wrote full card data to disk.\n")
    d.f("Detected: §\nReported by: §\n\n", N("timestamp", timestamp()), EMAIL(f"security@{c.domain}"))
    d.t("Sample of affected records (to be deleted after review):\n\n")
    for _ in range(R.randint(3, 6)):
        p = Person()
        brand, num = card_number()
        d.f("- §, §, card §, exp §, CVV §\n", ONAME(p.romaji), EMAIL(p.email), CARD(num, "plain"), EXPIRY(style="mmyy"), CVV(brand))
    d.t("\nRecords already masked in the new log format look like this: ")
    d.f("§ / §\n", card_masked(card_number()[1], "first6last4"), card_masked(card_number()[1], "last4"))
    d.f("Ticket: §\nNext review: §\n", N("ticket_no", f"SEC-{digits(5)}"), NDATE("review_date", style="iso"))
    d.f("Contact: CSIRT hotline §\n", PHONE(c.tel, "intl"))


# --- invoices -------------------------------------------------------------------

def invoice(d):
    c = Company()
    cust = Company()
    title = R.choice(["請求書", "請求書", "御見積書", "領収書"])
    d.t(f"{title}\n\n")
    d.f("請求書番号：§\n" if title == "請求書" else "書類番号：§\n", N("invoice_no", invoice_no()))
    d.f("発行日：§\n\n", NDATE("issue_date", style=R.choice(["kanji", "wareki", "slash"])))
    d.f("§ §\n" + cust.name + " 御中\n\n", POSTAL(cust.postal, "mark"), ADDR(cust.address))
    d.t(c.name + "\n")
    d.f("登録番号：T§\n" if R.random() < 0.6 else "法人番号：§\n", CORP(c.corp, R.choice(["plain", "plain", "hyphen"])))
    d.f("§ §\n", POSTAL(c.postal, "mark"), ADDR(c.address))
    d.f("TEL：§　FAX：§\n", PHONE(c.tel), PHONE(c.fax))
    tanto = Person()
    d.f("担当：§（§）\n\n", NAME(tanto.name), EMAIL(f"{tanto.sur_r}@{c.domain}"))
    total = 0
    d.t("品目　　　　　　　　　　数量　単価　　金額\n")
    for _ in range(R.randint(2, 6)):
        q, u = R.randint(1, 20), R.randint(5, 200) * 100
        total += q * u
        d.t(f"{R.choice(['システム保守費', 'ライセンス費用', 'コンサルティング', '印刷費', '配送料', '月額利用料'])}　{q}　{u:,}　{q * u:,}\n")
    d.t(f"\n小計 {total:,}円　消費税(10%) {total // 10:,}円　合計 {total + total // 10:,}円\n\n")
    if title == "御見積書":
        d.f("見積有効期限：§\n", NDATE("quote_expiry", style=R.choice(["kanji", "slash"])))
        d.t("有効期限：発行日より30日間\n")
    else:
        d.f("お支払期限：§\n", NDATE("due_date", style=R.choice(["kanji", "slash", "wareki"])))
    kind = R.choice(["普通", "普通", "当座"])
    d.f(f"お振込先：{c.bank[0]} {c.branch} {kind} § " + R.choice(["カ）", "カブシキガイシャ", "ユ）"]) + c.jname + "\n",
        BANK(c.acct))
    d.t("※振込手数料は貴社にてご負担願います。\n")


# --- documents without personal data (negatives only) -----------------------------

def catalog(d):
    d.t(f"{Company().name} 商品カタログ {R.choice(['2024年春', '2024年夏', '2024年秋冬'])}\n\n")
    d.t("品番　　　　JANコード　　　　　商品名　　　　　　　価格\n")
    for _ in range(R.randint(10, 25)):
        d.f("§　§　" + R.choice(["ステンレスボトル", "保存容器", "マグカップ", "ドリッパー", "キャニスター", "トートバッグ"]) +
            f" {R.choice(['S', 'M', 'L'])}　¥{R.randint(5, 80) * 100:,}\n",
            N("product_code_postal_shape", f"{digits(3, '123456789')}-{digits(4)}"), N("jan", jan13(R.random() < 0.35)))
    d.t("\n関連書籍\n")
    for _ in range(R.randint(2, 5)):
        s = isbn13(R.random() < 0.4)
        d.f("ISBN § 『" + R.choice(["珈琲の教科書", "はじめての自家焙煎", "日本茶の基本", "器と暮らし"]) + "』\n",
            N("isbn", isbn_hyphen(s) if R.random() < 0.6 else s))
    d.f("\n価格改定日：§　カタログ番号：§\n", NDATE("revision_date"), N("catalog_no_7", digits(7, "123456789")))


def minutes(d):
    d.t(f"# {R.choice(['営業会議', '定例ミーティング', 'プロジェクト進捗会議', '情報セキュリティ委員会'])} 議事録\n\n")
    d.f("- 日時: §\n", N("timestamp", timestamp()[:16]))
    d.t("- 参加者: ", ONAME(Person().sur), "、", ONAME(Person().sur), "、", ONAME(Person().sur), "、", ONAME(Person().sur), "\n\n## 議題\n\n")
    d.f(f"1. 前月売上 {R.randint(1000, 9999):,}万円（前年比 {R.randint(90, 130)}%）。受注件数 {R.randint(100, 999)} 件。\n")
    d.f("2. 案件管理番号 § の進捗確認。次回納期は§。\n", N("bare_12_mn_pass", bare12_mn()), NDATE("deadline", style="kanji"))
    d.f("3. 旧システムの伝票番号（§ など7桁）を新システムでは10桁に変更。\n", N("slip_no_7", digits(7, "123456789")))
    d.f("4. 問い合わせ番号 § の件は解決済み。\n", N("bare_12_mn_pass", bare12_mn()))
    d.f("5. マイナンバーの取扱規程を§に改定予定。収集済み件数は" + str(R.randint(50, 400)) + "件。\n", NDATE("revision_date"))
    d.f("6. 契約日：§ のリース契約（契約番号 §）を更新する。\n", NDATE("contract_date", style="wareki"), N("contract_no_12", non_mn12()))
    d.t("\n## 次回\n")
    d.f("§ 14:00〜 第2会議室\n", NDATE("meeting_date", style="kanji"))


def release_notes(d):
    d.t("# リリースノート\n\n")
    for _ in range(R.randint(4, 8)):
        d.f(f"## v{R.randint(1, 4)}.{R.randint(0, 20)}.{R.randint(0, 9)} (§)\n", N("release_date", other_date().isoformat()))
        d.f(f"- ビルド番号 § / コミット {''.join(R.choice('0123456789abcdef') for _ in range(12))}\n", N("build_no", digits(9, "123456789")))
        d.t(R.choice(["- パスワード再設定画面の文言を修正\n", "- カード番号入力欄のマスク表示を改善\n",
                      "- 郵便番号から住所を自動入力する機能を追加\n", "- 生年月日の入力チェックを追加（和暦対応）\n",
                      "- セキュリティコードを保存しないように修正\n"]))
        d.f("- 注文番号の採番ルール変更（例：§）\n", N("order_no_luhn_fail", order16()))


# --- templates and prose without people (name / address negatives) -------------------

SAMPLE_NAMES = ["山田太郎", "山田 太郎", "山田花子", "山田 花子", "ヤマダタロウ", "ヤマダ タロウ"]
SURNAME_COMPANIES = ["株式会社山田商事", "佐藤製菓株式会社", "鈴木自動車販売株式会社", "有限会社高橋工務店",
                     "田中電機産業株式会社", "伊藤ハウジング株式会社", "渡辺運輸株式会社", "小林薬品工業株式会社"]
PLACE_PROSE = [("松本市", "の松本城"), ("石川県", "金沢市の近江町市場"), ("藤沢市", "の江の島"), ("前橋市", "の前橋公園"),
               ("吉田町", "の吉田公園"), ("岡山市北区", "の後楽園"), ("中村区", "の名古屋駅周辺"), ("長野県", "松本市の上高地")]


def form_template(d):
    """A blank form and its filled-in example: every name and address here is a placeholder."""
    c = Company()
    d.t(f"{c.name}　{R.choice(['会員入会申込書', '入居申込書', '口座振替依頼書'])}（記入用紙）\n\n")
    d.f("氏名：§\nフリガナ：§\n", N("template_name", "○○ ○○", False), N("template_name", "○○○○ ○○○○", False))
    d.f("住所：〒○○○-○○○○ §\n", N("template_address", "○○県○○市○○町○丁目○番○号", False))
    d.t("電話番号：○○○-○○○○-○○○○\n生年月日：　　年　　月　　日\n\n")
    d.t("【記入例】\n")
    nm = R.choice(SAMPLE_NAMES)
    d.f("氏名：§　フリガナ：§\n", N("placeholder_name", nm, False), N("placeholder_name", "ヤマダ タロウ", False))
    d.f("住所：§\n", N("template_address", "東京都○○区○○町1-2-3", False))
    d.f("例：§（ご本人の氏名を楷書でご記入ください）\n", N("placeholder_name", "山田太郎", False))
    d.f("お名前：§ 様（記入例）\n", N("placeholder_name", "山田 花子", False))
    d.f("※ご担当：§ 営業部（法人のお客様は会社名をご記入ください）\n", N("company_name", R.choice(SURNAME_COMPANIES), False))
    d.f("※ご依頼主：§\n", N("company_name", R.choice(SURNAME_COMPANIES), False))
    d.f("※本社所在地：§（番地は不要です）\n", N("address_city_only", f"{c.region[0]}{c.region[1]}", False))
    d.t("\nEnglish version\n")
    d.f("Name: §\nDear §,\nFull name (example): §\n", N("placeholder_name", "John Doe", False),
        N("placeholder_name", "Jane Doe", False), N("placeholder_name", "Taro Yamada", False))


def area_guide(d):
    """Prose about places and companies: surnames inside place and company names are not names."""
    d.t(f"# {R.choice(['出張ガイド', '店舗のご案内', '地域情報レター'])}\n\n")
    for _ in range(R.randint(3, 5)):
        place, rest = R.choice(PLACE_PROSE)
        d.f("§" + rest + "は" + R.choice(["観光客に人気です。", "駅から徒歩圏内です。", "週末は混雑します。"]) + "\n",
            N("place_name", place, False))
    for _ in range(R.randint(2, 4)):
        d.f("協賛：§（" + R.choice(["地元の老舗", "創業50年", "県内最大手"]) + "）\n", N("company_name", R.choice(SURNAME_COMPANIES), False))
    r = R.choice(REGIONS)
    d.f("会場は§の" + R.choice(["市民ホール", "公民館", "展示場"]) + "です（番地は後日お知らせします）。\n",
        N("address_city_only", f"{r[0]}{r[1]}", False))
    d.f("お問い合わせは§カスタマーセンターまで。\n", N("company_name", R.choice(SURNAME_COMPANIES), False))


# --- HR text documents ------------------------------------------------------------

def hr_doc(d):
    c = Company()
    kind = R.choice(["roster", "salary_account", "contact_tree"])
    if kind == "roster":
        d.t(f"{c.name} 社員名簿（社外秘）\n")
        d.f("作成日：§\n\n", NDATE("created_date"))
        d.t("氏名\t生年月日\t入社日\t内線\t携帯\tメール\n")
        for _ in range(R.randint(8, 20)):
            p = Person(1960, 2002)
            d.f(f"§\t§\t§\t{digits(4, '123456789')}\t§\t§\n", NAME(p.name), DOB(p.dob, R.choice(["slash", "wareki"])),
                NDATE("hire_date", rand_date(min(max(p.dob.year + 18, 1990), 2024), 2024), "slash"), PHONE(p.mobile, "hyphen"),
                EMAIL(f"{p.giv_r[0]}.{p.sur_r}@{c.domain}"))
    elif kind == "salary_account":
        p = Person()
        d.t("給与振込口座届\n\n")
        d.f(f"{c.name} §殿\n\n届出日：§\n\n", N("title_not_name", "代表取締役 ", False), NDATE("submission_date", style="wareki"))
        d.t(f"所属：{R.choice(['営業部', '総務部', '開発部'])}　氏名：", NAME(p.name), "\n")
        d.f("社員番号：§\n\n", N("employee_no_7", digits(7, "123456789")))
        bank, code = R.choice(BANKS)
        d.t(f"金融機関名：{bank}（金融機関コード {code}）\n支店名：{R.choice(BRANCHES)}（支店コード {digits(3)}）\n")
        d.f("預金種目：普通　口座番号：§\n", BANK())
        d.t("口座名義（カナ）：", ONAME(p.kana), "\n")
        d.f("\n連絡先：§\n", PHONE(p.mobile))
    else:
        d.t(f"緊急連絡網（{c.jname} {R.choice(['総務部', '営業部', '物流センター'])}）\n\n")
        for i in range(R.randint(6, 12)):
            p = Person()
            d.f(f"{i + 1}. §　携帯 §　自宅 §\n", ONAME(p.name), PHONE(p.mobile), PHONE(p.home))
        d.f("\n夜間・休日窓口：§\n", PHONE(c.free))
        d.f("更新日：§\n", NDATE("update_date"))


# ==========================================================================
# Corpus plan
# ==========================================================================

ENC_W = {
    "mail": [("utf-8", 80), ("cp932", 8), ("euc_jp", 7), ("utf-8-sig", 5)],
    "form": [("utf-8", 55), ("cp932", 22), ("euc_jp", 11), ("utf-8-sig", 12)],
    "ticket": [("utf-8", 85), ("euc_jp", 10), ("cp932", 5)],
    "csv": [("cp932", 40), ("utf-8-sig", 35), ("utf-8", 20), ("euc_jp", 5)],
    "doc": [("utf-8", 60), ("cp932", 20), ("euc_jp", 12), ("utf-8-sig", 8)],
    "utf8": [("utf-8", 1)],
}

# (file prefix, extension(s), count, generator, encoding class, CRLF probability)
PLAN = [
    ("mail", ["txt"], 30, ja_mail, "mail", 0.1),
    ("mail", ["eml"], 10, lambda d: ja_mail(d, eml=True), "utf8", 1.0),
    ("form", ["txt"], 36, ja_form, "form", 0.3),
    ("ticket", ["txt", "md"], 22, ticket, "ticket", 0.0),
    ("ticket", ["json"], 5, ticket_json, "utf8", 0.0),
    ("chat", ["txt"], 6, chat_export, "utf8", 0.0),
    ("customers", ["csv"], 14, customers_csv, "csv", 0.6),
    ("registry", ["csv"], 8, registry_csv, "csv", 0.6),
    ("customers_en", ["csv"], 2, customers_csv_en, "utf8", 0.0),
    ("orders", ["csv", "tsv"], 6, lambda d: orders_csv(d, "\t" if d.name.endswith(".tsv") else ","), "csv", 0.6),
    ("delivery_note", ["txt"], 5, shipping_note, "doc", 0.3),
    ("access", ["log"], 4, access_log, "utf8", 0.0),
    ("app", ["log"], 4, app_log, "utf8", 0.0),
    ("payment_debug", ["log"], 3, payment_debug_log, "utf8", 0.0),
    ("auth", ["log"], 3, auth_log, "utf8", 0.0),
    ("api_ltsv", ["log"], 2, ltsv_log, "utf8", 0.0),
    ("ci_build", ["log"], 3, ci_log, "utf8", 0.0),
    ("env", ["env"], 7, cfg_env, "utf8", 0.0),
    ("config", ["yml"], 5, cfg_yaml, "utf8", 0.0),
    ("settings", ["json"], 4, cfg_json, "utf8", 0.0),
    ("aws_credentials", ["ini"], 3, cfg_aws_credentials, "utf8", 0.0),
    ("deploy_key", ["pem"], 10, cfg_pem, "utf8", 0.0),
    ("application", ["properties"], 3, cfg_properties, "utf8", 0.0),
    ("docker-compose", ["yml"], 4, cfg_compose, "utf8", 0.0),
    ("terraform", ["tfvars"], 3, cfg_tfvars, "utf8", 0.0),
    ("deploy", ["sh"], 4, cfg_deploy_sh, "utf8", 0.0),
    ("wp-config", ["php"], 2, cfg_php, "utf8", 0.0),
    ("setup_guide", ["md"], 2, cfg_readme, "utf8", 0.0),
    ("server_tls", ["pem"], 2, cfg_cert, "utf8", 0.0),
    ("en_mail", ["txt"], 12, en_mail, "utf8", 0.0),
    ("en_onboarding", ["txt"], 8, en_form, "utf8", 0.0),
    ("en_incident", ["md"], 2, en_incident, "utf8", 0.0),
    ("invoice", ["txt"], 14, invoice, "doc", 0.3),
    ("catalog", ["txt"], 4, catalog, "doc", 0.0),
    ("minutes", ["md"], 4, minutes, "doc", 0.0),
    ("release_notes", ["md"], 2, release_notes, "utf8", 0.0),
    ("hr", ["txt", "tsv"], 6, hr_doc, "doc", 0.2),
    ("form_template", ["txt"], 3, form_template, "form", 0.3),
    ("area_guide", ["md"], 3, area_guide, "doc", 0.0),
]

# Files with a fixed, hand-chosen name/encoding (Excel "Unicode text" export, Japanese file names ...)
# --- what a developer's machine and a server's /usr/share/doc hold -------------------

def test_suite_log(d):
    """DejaGnu's .sum and automake's test-suite.log: PASS lines are results,
    *.exp are test files; one tester's credentials memo below is real."""
    d.t(f"Test run by builder on {DOC_DATE.isoformat()}\n\n\t\t=== binutils tests ===\n\n")
    for t in ["objdump", "strings", "readelf", "size"]:
        d.t(f"Running /build/binutils/testsuite/binutils-all/{t}.exp ...\n")
        for _ in range(R.randint(2, 5)):
            d.f("PASS: §\n", N("test_result", R.choice([
                f"{t} -W decoding", f"{t}: little-endian strings", f"{t} (reloc)",
                f"gdb.linespec/ls-errs.exp: lang=C: 'break {R.randint(2000, 2030)}-{R.randint(1, 12):02d}'"]),
                numeric=False))
    d.t("XFAIL: objcopy --compress-debug-sections\nUNSUPPORTED: readelf -wi (dwarf5)\n\n")
    d.t("# TOTAL: 4\n# PASS:  3\n# FAIL:  1\n\nPASS: libarchive_test\nFAIL: bsdcpio_test\nPASS: bsdtar_test\n\n")
    pw = "Qz" + "".join(R.choice("abcdefghjkmnpqrstuvwxyz23456789#!") for _ in range(8))
    d.t("検証機の接続情報（テスト担当のみ）\nUSER: tester\n")
    d.f("PASS: §\n", P("password", pw, pw))


def debian_changelog(d):
    """Bug numbers of seven digits near "ZIP", a GNU ChangeLog's tab-indented
    entries (no TSV table), Coverity ids, a PEM marker named in a header."""
    for _ in range(R.randint(3, 5)):
        d.t(f"libarchive (3.{R.randint(5, 7)}.{R.randint(0, 9)}-1) unstable; urgency=medium\n\n")
        d.f("  * Fix the licensing of the blake2-related files.\n    Closes: #§\n",
            N("bug_no", str(R.randint(1000000, 1099999))))
        d.f("  * New upstream version:\n    - fix a ZIP read vulnerability (CVE-2022-§)\n      Closes: #§\n\n",
            N("cve_no", str(R.randint(20000, 39999))), N("bug_no", str(R.randint(1000000, 1099999))))
        d.t(" -- Maintainer <maintainer@example.org>  Sun, 19 Feb 2023 12:00:00 +0200\n\n")
    d.t(f"{DOC_DATE.isoformat()}  Developer  <dev@example.org>\n\n")
    for _ in range(R.randint(2, 4)):
        d.f("\t* contrib/tool/tool.c (main): Possibly address Coverity\n\t§ \"Untrusted value as argument\".\n\n",
            N("coverity_id", str(R.randint(1000000, 1099999))))
    d.t("/**\n * @BEGIN: The \"-----BEGIN PGP PRIVATE KEY BLOCK-----\" marker was found.\n **/\n")
    d.t("Put your key in server.key:\n\n    -----BEGIN PRIVATE KEY-----\n    ...\n    -----END PRIVATE KEY-----\n")


def dictionary_csv(d):
    """A morphological dictionary's source, as MeCab's IPADIC ships it (EUC-JP,
    no header): readings in katakana that start with セイ, メイ or カナ (no
    column of names), words where 殿 or 様 starts a word (殿下, 様子), none a
    person's name."""
    words = [("静謐", "セイヒツ"), ("精緻", "セイチ"), ("盛大", "セイダイ"), ("明快", "メイカイ"),
             ("明確", "メイカク"), ("鮮明", "センメイ"), ("悲壮", "ヒソウ"), ("様々", "サマザマ"),
             ("妃殿下", "ヒデンカ"), ("殿堂", "デンドウ"), ("様子", "ヨウス"), ("端", "ハシタ"),
             ("不得手", "フエテ"), ("豪壮", "ゴウソウ"), ("叶わぬ", "カナワヌ"), ("哀しげ", "カナシゲ")]
    R.shuffle(words)
    for w, r in words:
        cost = R.randint(3000, 9000)
        d.f("§,1287,1287,§,名詞,形容動詞語幹,*,*,*,*,§,§,§\n", w, N("dict_cost", str(cost)), w,
            N("reading", r, numeric=False), r)


def deb_copyright(d):
    """A Debian copyright file (DEP-5) and a desktop entry: Upstream-Name, a
    certificate's Common Name, Name= of an application and a Foundation are
    things; the upstream contact is a person."""
    d.t("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
    d.f("Upstream-Name: §\n", N("package_name", "Free Pascal Compiler", numeric=False))
    d.f("Upstream-Contact: Dr. § <§>\n", NAME("Emily Clarke"), EMAIL("emily.clarke@fpc-dev.org"))
    d.t("Source: https://www.freepascal.org/\n\nFiles: *\n")
    d.f("Copyright: 1993-2023 §, Inc.\nLicense: GPL-2+\n\n",
        N("organisation", "Free Software Foundation", numeric=False))
    d.f("# certificate of the download mirror\nSubject Common Name: §\n\n",
        N("certificate_cn", "USERTrust ECC Certification", numeric=False))
    d.t("[Desktop Entry]\nType=Application\n")
    d.f("Name=§\nName[ja]=フォトフレーム 画像ビューア\nExec=photoframe %U\n",
        N("application", "PhotoFrame Image Viewer", numeric=False))


def pascal_unit(d):
    """Delphi/Free Pascal code: password parameters, properties and constants are
    declarations (their values are types, numbers, variables); one
    administrator's password is written into the code."""
    d.t("unit AuthClient;\n\ninterface\n\nconst\n")
    d.f("  SEC_OPT_PASSWORD = §;\n", N("constant", "$00007009", numeric=False))
    pw = "Xk" + "".join(R.choice("abcdefghjkmnpqrstuvwxyz23456789#!") for _ in range(8))
    d.f("  DefaultAdminPassword = '§';\n\n", P("password", pw, pw))
    d.t("type\n  TAuthClient = class\n  private\n    FPassword: AnsiString;\n  public\n")
    d.t("    function Login(const UserName: string; Password: PAnsiChar): Boolean;\n")
    d.t("    property Password : AnsiString Read FPassword Write FPassword;\n  end;\n\n")
    d.t("implementation\n\nfunction TAuthClient.Login(const UserName: string; Password: PAnsiChar): Boolean;\n")
    d.t("begin\n  FPassword:=Password;\n  Result := True;\nend;\n\nend.\n")


def ppap_mails(d):
    """A mail thread as Japanese offices send files: the zip in one mail, its
    password (PW：) in the next; a portal's ID and ＰＷ in full-width; a PIN
    after 暗証番号 in brackets. PW and パスワード in prose are no labels."""
    def pw():
        return "".join(R.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(4)) + \
            R.choice("#!-") + "".join(R.choice("23456789") for _ in range(4))
    d.t("件名：【送付】お見積書の件\n\n各位\n\nお世話になっております。\n")
    d.t("お見積書を添付にてお送りします。パスワードは別途お送りします。\n\n")
    d.t("--------------------------------------------------\n")
    d.t("件名：【パスワード】お見積書の件\n\n先ほどお送りしたファイルのパスワードをお知らせします。\n\n")
    v = pw()
    d.f("PW：§\n\n", P("password", v, v))
    d.t("PW変更の際はご連絡ください。\n\n")
    d.t("--------------------------------------------------\n")
    d.t("件名：ポータルサイトのログイン情報\n\n")
    v = pw()
    d.f("ＩＤ：k.tanaka　ＰＷ：§\n", P("password", v, v))
    v = pw()
    d.f("初回ログイン後、パスワードは「§」から変更してください。\n\n", P("password", v, v))
    pin = "".join(R.choice("0123456789") for _ in range(4))
    d.f("キャッシュカードの暗証番号は『§』です。\n", P("password", pin, pin))
    d.t("パスワードは「こちら」のページから再設定できます。\n")


def users_with_passwords(d):
    """A web service's user export: passwords and PINs in their columns, next to
    columns about passwords (when changed, their hashes), which are not."""
    header = ["会員ID", "メールアドレス", "パスワード", "氏名", "暗証番号", "パスワード変更日", "password_hash"]
    rows = []
    n = R.randint(12, 20)
    alpha = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    for i in range(n):
        p = Person()
        pw = "".join(R.choice(alpha) for _ in range(5)) + R.choice("#!-_") + "".join(R.choice("23456789") for _ in range(3))
        pin = "".join(R.choice("0123456789") for _ in range(4))
        digest = "$2y$10$" + "".join(R.choice(alpha + "0123456789./") for _ in range(22))
        rows.append([f"U{200000 + i * 13}", EMAIL(p.email), P("password", pw, pw), NAME(p.name),
                     P("password", pin, pin), NDATE("password_changed", style="slash"),
                     N("password_hash", digest, numeric=False)])
    d.people = n
    write_table(d, header, rows)


def login_notices(d):
    """Accounts handed out by mail as small offices do: ID／パス pairs for
    new staff; パス that ends another word (キャンパス, インストールパス,
    フリーパス) and a path after パス are none."""
    d.t("件名：アカウント発行のお知らせ\n\n新入社員の皆さん\n\n社内システムのアカウントを発行しました。\n\n")
    for _ in range(R.randint(4, 7)):
        p = Person()
        v = "".join(R.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(4)) + R.choice("#!-_") + \
            "".join(R.choice("23456789") for _ in range(4)) + R.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
        d.f("・§　ID：§　パス：§\n", ONAME(p.name), p.romaji.split()[1].lower() + str(R.randint(10, 99)),
            P("password", v, v))
    d.t("\n初回ログイン後にパスを変更してください。\n")
    # the contact typed in an IME's full-width mode
    contact = "soumu@" + R.choice(COMPANY_WORDS)[1] + ".co.jp"
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in contact)
    d.f("ご不明な点は総務（§）までお問い合わせください。\n", P("email", wide, contact))
    d.t("インストールパス：C:\\Program Files\\KintaiApp\n")
    d.t("共有フォルダのパス：\\\\fileserver\\soumu\\2024\n")
    d.t("研修会場：八王子キャンパス：A棟3階\n")
    d.t("社員旅行のフリーパス：2024Spring は総務で受け取ってください。\n")


def role_forms(d):
    """Forms, contracts and reports that name people by their roles:
    連帯保証人, 世帯主, 配偶者, 被保険者, 購入者名, 作成者, 報告者; a count,
    a post or a company after a role, and a workflow's approver with the
    title, are no names."""
    for _ in range(R.randint(3, 4)):
        tenant, guarantor, spouse, head = Person(), Person(), Person(), Person()
        d.t("【賃貸借契約 申込内容】\n")
        d.f("契約者：§\n", NAME(tenant.name))
        d.f("連帯保証人氏名：§　続柄：父\n", NAME(guarantor.name))
        d.f("世帯主：§\n", NAME(head.name))
        d.f("配偶者：§\n", NAME(spouse.name))
        d.t("入居予定人数：2名\n\n")
    insured, buyer, author, reporter = Person(), Person(), Person(), Person()
    d.f("被保険者（カナ）：§\n", NAME(insured.kana))
    d.f("購入者名：§\n", NAME(buyer.name))
    d.f("作成者：§\n", NAME(author.name))
    d.f("報告者　§\n", NAME(reporter.name))
    d.t("参加者：12名\n参加者：営業部 全員\n利用者：一般のお客様\n保証人不要のプランもございます。\n")
    d.t("依頼者：株式会社みどりフーズ\n承認者: 橋本 課長\n")


# full-width katakana to the half-width forms older systems write
_HW = dict(zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー",
               "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ"))
_HW_VOICED = {"ガ": "ｶﾞ", "ギ": "ｷﾞ", "グ": "ｸﾞ", "ゲ": "ｹﾞ", "ゴ": "ｺﾞ", "ザ": "ｻﾞ", "ジ": "ｼﾞ", "ズ": "ｽﾞ",
              "ゼ": "ｾﾞ", "ゾ": "ｿﾞ", "ダ": "ﾀﾞ", "ヂ": "ﾁﾞ", "ヅ": "ﾂﾞ", "デ": "ﾃﾞ", "ド": "ﾄﾞ", "バ": "ﾊﾞ",
              "ビ": "ﾋﾞ", "ブ": "ﾌﾞ", "ベ": "ﾍﾞ", "ボ": "ﾎﾞ", "パ": "ﾊﾟ", "ピ": "ﾋﾟ", "プ": "ﾌﾟ", "ペ": "ﾍﾟ",
              "ポ": "ﾎﾟ", "ヴ": "ｳﾞ"}


def half_width(s):
    return "".join(_HW_VOICED.get(c) or _HW.get(c, c) for c in s)


def core_system_export(d):
    """A customer master exported from an older core system (CP932): column
    names in half-width katakana, names in half-width kana, dates as
    YYYYMMDD, the registration date beside the birth date."""
    header = ["ｺｷｬｸNO", "ｼﾒｲｶﾅ", "ｾｲﾈﾝｶﾞｯﾋﾟ", "ﾃﾞﾝﾜﾊﾞﾝｺﾞｳ", "ﾕｳﾋﾞﾝﾊﾞﾝｺﾞｳ", "ｷﾞﾝｺｳﾒｲ", "ｺｳｻﾞﾊﾞﾝｺﾞｳ", "ﾄｳﾛｸﾋﾞ"]
    rows = []
    n = R.randint(15, 25)
    for i in range(n):
        p = Person()
        bank, _ = R.choice(BANKS)
        rows.append([f"{300000 + i * 11}", NAME(half_width(p.kana)), DOB(p.dob, "compact"),
                     PHONE(p.mobile, "plain"), postal_raw(p.postal), bank, BANK(),
                     NDATE("registration_date", style="compact")])
    d.people = n
    write_table(d, header, rows)


def api_export_json(d):
    """A web shop's customers as its API returns them (JSON): Japanese keys ("氏名": "田中 次郎",
    "フリガナ") and English ones in camelCase or snake_case ("customerName", "fullName",
    "last_name"/"first_name") with Japanese values; the products' and the shop's "name" are no
    one's, nor is a placeholder."""
    d.t('{\n  "shop": {"name": "みどり青果 オンラインストア", "contactName": "担当者未設定"},\n')
    d.t('  "customers": [\n')
    n = R.randint(9, 12)
    for i in range(n):
        p = Person()
        key = i % 4
        sep = "" if i == n - 1 else ","
        if key == 0:
            d.f('    {"id": %d, "氏名": "§", "フリガナ": "§", "メール": "§"}%s\n' % (5000 + i, sep),
                NAME(p.name), NAME(p.kana), EMAIL(p.email))
        elif key == 1:
            d.f('    {"id": %d, "customerName": "§", "tel": "§"}%s\n' % (5000 + i, sep),
                NAME(p.name), PHONE(p.mobile, "hyphen"))
        elif key == 2:
            d.f('    {"id": %d, "fullName": "§", "email": "§"}%s\n' % (5000 + i, sep),
                NAME(p.name_nosp), EMAIL(p.email))
        else:
            d.f('    {"id": %d, "last_name": "§", "first_name": "§"}%s\n' % (5000 + i, sep),
                NAME(p.sur), NAME(p.giv))
    d.t('  ],\n  "items": [{"name": "有機にんじん 1kg"}, {"name": "ふじりんご"}],\n')
    d.t('  "sample": {"氏名": "山田 太郎"}\n}\n')


def xml_text_password():
    """A password XML holds as it is (no character it writes as a reference, &amp;)."""
    v = password()
    while any(ch in v for ch in "&<>\"'"):
        v = password()
    return v


def members_xml(d):
    """Members exported as XML with Japanese element names: <氏名>, <フリガナ>, <生年月日>,
    <パスワード>."""
    d.t('<?xml version="1.0" encoding="UTF-8"?>\n<会員一覧>\n')
    for i in range(R.randint(6, 9)):
        p = Person()
        d.t(f'  <会員 番号="{7000 + i}">\n')
        d.f("    <氏名>§</氏名>\n", NAME(p.name))
        d.f("    <フリガナ>§</フリガナ>\n", NAME(p.kana))
        d.f("    <生年月日>§</生年月日>\n", DOB(p.dob))
        d.f("    <パスワード>§</パスワード>\n", PW(xml_text_password()))
        d.t("  </会員>\n")
    d.t("</会員一覧>\n")


def maven_settings(d):
    """A build server's settings.xml with a repository's <password>; an empty one, a ${…}
    property and a URL template's <username>:<password>@host are none."""
    d.t('<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n'
        '      <username>deploy</username>\n')
    d.f("      <password>§</password>\n", PW(xml_text_password()))
    d.t("    </server>\n    <server>\n      <id>snapshots</id>\n"
        "      <password>${env.NEXUS_PASSWORD}</password>\n    </server>\n"
        "    <server>\n      <id>mirror</id>\n      <password></password>\n    </server>\n"
        "  </servers>\n  <proxies>\n    <proxy>\n"
        "      <!-- http://<username>:<password>@proxy.example:8080 -->\n"
        "    </proxy>\n  </proxies>\n</settings>\n")


SPECIAL = [
    ("顧客台帳_2024年5月.csv", lambda d: customers_csv(d, "ledger_full"), "cp932", True),
    ("customers_unicode.txt", lambda d: customers_csv(d, "members", "\t"), "utf-16le-bom", True),
    ("employees_unicode.txt", lambda d: customers_csv(d, "employees", "\t"), "utf-16le-bom", True),
    ("申込書_控え.txt", ja_form, "utf-16le-bom", True),
    ("議事録_0515.md", minutes, "utf-8", False),
    ("外国人従業員台帳.csv", lambda d: registry_csv(d, "foreign_staff"), "utf-8-sig", True),
    ("tour_participants.csv", lambda d: registry_csv(d, "tour"), "cp932", True),
    ("rental_members.csv", lambda d: registry_csv(d, "rental"), "euc_jp", False),
    ("取引先マスタ.csv", lambda d: registry_csv(d, "partners"), "cp932", True),
    ("test-suite.log", test_suite_log, "utf-8", False),
    ("changelog.Debian", debian_changelog, "utf-8", False),
    ("Noun.adjv.csv", dictionary_csv, "euc_jp", False),
    ("copyright", deb_copyright, "utf-8", False),
    ("authclient.pas", pascal_unit, "utf-8", True),
    ("パスワード送付メール.txt", ppap_mails, "iso2022_jp", True),
    ("users_export.csv", users_with_passwords, "utf-8", True),
    ("問い合わせ履歴_追記.txt", ticket, "utf-8+cp932", False),
    ("会員名簿_web追記.csv", lambda d: customers_csv(d, "members"), "cp932+utf-8", True),
    ("KOKYAKU_MASTER.CSV", core_system_export, "cp932", True),
    ("アカウント発行のお知らせ.txt", login_notices, "utf-8", False),
    ("申込書類_控え.txt", role_forms, "utf-8", True),
    ("customers_api.json", api_export_json, "utf-8", False),
    ("会員一覧.xml", members_xml, "utf-8", False),
    ("settings.xml", maven_settings, "utf-8", False),
]


def build(outdir):
    R.seed(SEED)
    docsdir = os.path.join(outdir, "docs")
    if os.path.isdir(docsdir):
        shutil.rmtree(docsdir)
    os.makedirs(docsdir)
    docs = []
    global DOC_DATE
    for prefix, exts, count, fn, encclass, crlf_p in PLAN:
        for i in range(1, count + 1):
            DOC_DATE = rand_date(2023, 2024)
            ext = exts[(i - 1) % len(exts)]
            enc = wchoice(ENC_W[encclass])
            crlf = R.random() < crlf_p
            d = Doc(f"{prefix}_{i:03d}.{ext}", prefix, enc, crlf)
            fn(d)
            docs.append(d)
    for name, fn, enc, crlf in SPECIAL:
        DOC_DATE = rand_date(2023, 2024)
        d = Doc(name, "special", enc, crlf)
        fn(d)
        docs.append(d)
    labels, negs, manifest = [], [], []
    names = set()
    for d in docs:
        assert d.name not in names, d.name
        names.add(d.name)
        data = encode(d)
        with open(os.path.join(docsdir, d.name), "wb") as fh:
            fh.write(data)
        path = "docs/" + d.name
        for lab in d.labels:
            labels.append({"path": path, "type": lab["type"], "value": lab["value"], "line": lab["line"],
                           **({"optional": True} if lab.get("optional") else {})})
        for ng in d.negs:
            negs.append({"path": path, "kind": ng["kind"], "value": ng["value"], "line": ng["line"], "numeric": ng["numeric"]})
        m = {"path": path, "kind": d.kind, "encoding": d.enc, "crlf": d.crlf, "bytes": len(data),
             "labels": len(d.labels), "negatives": len(d.negs)}
        if d.people is not None:
            m["people"] = d.people
        manifest.append(m)
    with open(os.path.join(outdir, "labels.jsonl"), "w", encoding="utf-8") as fh:
        for lab in labels:
            fh.write(json.dumps(lab, ensure_ascii=False) + "\n")
    with open(os.path.join(outdir, "negatives.jsonl"), "w", encoding="utf-8") as fh:
        for ng in negs:
            fh.write(json.dumps(ng, ensure_ascii=False) + "\n")
    with open(os.path.join(outdir, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return labels, negs, manifest


def stats(labels, negs, manifest):
    from collections import Counter
    out = []
    tot = sum(m["bytes"] for m in manifest)
    out.append(f"documents: {len(manifest)}  total size: {tot / 1024:.0f} KiB")
    out.append("encodings: " + ", ".join(f"{k}={v}" for k, v in sorted(Counter(m['encoding'] for m in manifest).items())))
    out.append(f"labels: {len(labels)}")
    tc = Counter(l["type"] for l in labels if not l.get("optional"))
    oc = Counter(l["type"] for l in labels if l.get("optional"))
    for t in TYPES:
        out.append(f"  {t:24s} {tc.get(t, 0)}" + (f"  (+{oc[t]} optional)" if oc.get(t) else ""))
    numeric_pos = sum(v for t, v in tc.items() if t in NUMERIC_TYPES)
    numeric_neg = sum(1 for n in negs if n["numeric"])
    out.append(f"planted negatives: {len(negs)} (number-like {numeric_neg}, other {len(negs) - numeric_neg})")
    nc = Counter(n["kind"] for n in negs)
    for k, v in sorted(nc.items(), key=lambda kv: -kv[1]):
        out.append(f"  {k:28s} {v}")
    out.append(f"number-like items: {numeric_pos} labelled + {numeric_neg} negatives -> negatives are "
               f"{100.0 * numeric_neg / max(1, numeric_pos + numeric_neg):.1f}%")
    return "\n".join(out)


def verify(outdir):
    """Self-check: every label's value is visible on its line of the decoded document."""
    import unicodedata
    man = {m["path"]: m for m in json.load(open(os.path.join(outdir, "manifest.json"), encoding="utf-8"))}
    cache = {}
    bad = 0
    for line in open(os.path.join(outdir, "labels.jsonl"), encoding="utf-8"):
        lab = json.loads(line)
        path = lab["path"]
        if path not in cache:
            raw = open(os.path.join(outdir, path), "rb").read()
            enc = man[path]["encoding"]
            if "+" in enc:  # each line in the encoding it is in
                txt = "\n".join(decode_line(l, enc.split("+")) for l in raw.split(b"\n"))
            elif enc == "utf-16le-bom":
                txt = raw[2:].decode("utf-16-le")
            else:
                txt = raw.decode(enc)
            cache[path] = txt.replace("\r\n", "\n").split("\n")
        text = unicodedata.normalize("NFKC", cache[path][lab["line"] - 1])
        v = lab["value"]
        if lab["type"] in NUMERIC_TYPES and lab["type"] not in ("birth_date", "card_expiry"):
            dig = "".join(ch for ch in text if ch.isdigit())
            ok = v in dig or (lab["type"] == "jp_phone" and v[1:] in dig)
        elif lab["type"] in ("birth_date", "card_expiry"):
            ok = str(int(v[8:10] if lab["type"] == "birth_date" else v[5:7])) in text
        elif lab["type"] in ("person_name", "jp_address"):  # as score.py compares them
            squash = lambda x: "".join("-" if ch in HYPHENS else ch for ch in  # noqa: E731
                                       unicodedata.normalize("NFKC", x) if not ch.isspace()).casefold()
            ok = squash(v) in squash(text)
        else:
            ok = v.lower() in text.lower()
        if not ok:
            bad += 1
            print(f"label not found on its line: {path}:{lab['line']} {lab['type']}")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=HERE, help="output directory (default: this directory)")
    ap.add_argument("--check", action="store_true", help="regenerate in a temp dir and compare with the checked-in corpus")
    ap.add_argument("--stats", action="store_true", help="print statistics")
    args = ap.parse_args()
    _selftest()
    if args.check:
        tmp = tempfile.mkdtemp(prefix="lg-eval-")
        try:
            build(tmp)
            bad = []
            for f in ("labels.jsonl", "negatives.jsonl", "manifest.json"):
                if not filecmp.cmp(os.path.join(tmp, f), os.path.join(HERE, f), shallow=False):
                    bad.append(f)
            cmp = filecmp.dircmp(os.path.join(tmp, "docs"), os.path.join(HERE, "docs"))
            bad += [f"docs/{x}" for x in cmp.left_only + cmp.right_only + cmp.diff_files]
            _, mism, errs = filecmp.cmpfiles(os.path.join(tmp, "docs"), os.path.join(HERE, "docs"), cmp.common_files, shallow=False)
            bad += [f"docs/{x}" for x in mism + errs if f"docs/{x}" not in bad]
            if bad:
                print("corpus differs from generator output: " + ", ".join(sorted(bad)[:20]))
                return 1
            print("corpus matches generator output")
            return 0
        finally:
            shutil.rmtree(tmp)
    labels, negs, manifest = build(args.out)
    print(stats(labels, negs, manifest))
    return 1 if verify(args.out) else 0


if __name__ == "__main__":
    sys.exit(main())
