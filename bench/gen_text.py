#!/usr/bin/env python3
"""gen_text.py: deterministic benchmark corpus for `bench/scan.sh`.

Writes SIZE_MB MiB (or a little more: the file ends on a record boundary)
of mixed Japanese/English business text in UTF-8 -- e-mails, CSV exports,
web and application logs, application forms, config/secret snippets and
plain meeting notes -- with personal data sprinkled at roughly one item per
300-500 bytes, among many numbers that are not personal data (timestamps,
order and tracking numbers, prices, quantities, IP addresses, versions).

Personal data is generated valid where a validator exists (Luhn + issuer
range for cards, check digits for My Number and corporate numbers, real
numbering plans for phones), so a scanner that validates finds it.

Speed: a pool of BASE_MB of records is built from templates with a seeded
PRNG, then the pool is written again and again, each time in a different
(seeded) record order, until the size is reached. 256 MiB takes a few
seconds with CPython's stdlib only.

Usage: gen_text.py [--items-per-mib N] OUT_FILE SIZE_MB [MANIFEST_FILE]

--items-per-mib N writes the sparse variant instead: the same kinds of text
without personal data (CLEAN_MAKERS: e-mails without addresses, stock/sales/
order CSVs, logs, purchase requests, config, notes, chat), with a record from
the dense mix above inserted whenever the planted items fall behind N per MiB.
It can only lower the density. Without the option the output is unchanged
(byte for byte) from before the option existed.

The manifest (tab-separated `type<TAB>count`, after `bytes`, `records` and
`pool_bytes` lines)
counts the personal-data items planted, by leakguard type id.
"""
import os as _os
import sys as _sys
_sys.path.insert(0, _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "..", "tests"))
from checkdigits import corp_check, luhn_check_digit, mn_check  # noqa: E402
import random
import sys

SEED = 20250601
BASE_MB = 6  # distinct pool; the rest is the pool re-ordered

# ---------------------------------------------------------------- pools ---
SURNAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"),
    ("高橋", "タカハシ", "takahashi"), ("田中", "タナカ", "tanaka"),
    ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"), ("加藤", "カトウ", "kato"),
    ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"),
    ("松本", "マツモト", "matsumoto"), ("井上", "イノウエ", "inoue"),
    ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"),
    ("山崎", "ヤマザキ", "yamazaki"), ("森", "モリ", "mori"),
    ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"),
    ("前田", "マエダ", "maeda"), ("藤田", "フジタ", "fujita"),
    ("小川", "オガワ", "ogawa"), ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"), ("村上", "ムラカミ", "murakami"),
]
GIVEN = [
    ("太郎", "タロウ", "taro"), ("花子", "ハナコ", "hanako"),
    ("健太", "ケンタ", "kenta"), ("美咲", "ミサキ", "misaki"),
    ("翔太", "ショウタ", "shota"), ("陽菜", "ヒナ", "hina"),
    ("大輔", "ダイスケ", "daisuke"), ("由美", "ユミ", "yumi"),
    ("直樹", "ナオキ", "naoki"), ("恵子", "ケイコ", "keiko"),
    ("拓也", "タクヤ", "takuya"), ("さくら", "サクラ", "sakura"),
    ("誠", "マコト", "makoto"), ("愛", "アイ", "ai"),
    ("浩二", "コウジ", "koji"), ("真由美", "マユミ", "mayumi"),
    ("亮", "リョウ", "ryo"), ("優子", "ユウコ", "yuko"),
    ("和也", "カズヤ", "kazuya"), ("明美", "アケミ", "akemi"),
]
PLACES = [
    ("東京都", "千代田区丸の内"), ("東京都", "新宿区西新宿"),
    ("東京都", "世田谷区三軒茶屋"), ("東京都", "港区芝浦"),
    ("神奈川県", "横浜市西区みなとみらい"), ("神奈川県", "川崎市中原区小杉町"),
    ("大阪府", "大阪市北区梅田"), ("大阪府", "堺市堺区南瓦町"),
    ("愛知県", "名古屋市中村区名駅"), ("福岡県", "福岡市博多区博多駅前"),
    ("北海道", "札幌市中央区北一条西"), ("宮城県", "仙台市青葉区一番町"),
    ("京都府", "京都市下京区烏丸通"), ("兵庫県", "神戸市中央区三宮町"),
    ("埼玉県", "さいたま市大宮区桜木町"), ("千葉県", "千葉市美浜区中瀬"),
    ("広島県", "広島市中区基町"), ("静岡県", "浜松市中区板屋町"),
    ("沖縄県", "那覇市久茂地"), ("長野県", "松本市中央"),
]
BUILDINGS = ["", "", " サンシャインマンション302号室", " グランドメゾン1105",
             " コーポ青葉201", " 第二ビル4F", " パークハイツ505号"]
COMPANIES = ["株式会社サンプル商事", "ひかり物流株式会社", "合同会社ミライ企画",
             "株式会社北斗システム", "有限会社さくら食品", "東西電機株式会社",
             "株式会社グリーンフィールド", "あおば会計事務所", "Acme Japan K.K.",
             "Nippon Widget Co., Ltd."]
DOMAINS = ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp",
           "icloud.com", "outlook.jp", "nifty.com", "biglobe.ne.jp",
           "sample-shoji.co.jp", "hikari-logi.jp", "hokuto-sys.co.jp",
           "mirai-kikaku.com"]
CORP_DOMAINS = ["sample-shoji.co.jp", "hikari-logi.jp", "hokuto-sys.co.jp",
                "mirai-kikaku.com", "acme.co.jp"]
PRODUCTS = ["有機コーヒー豆 500g", "ドリップバッグ 20袋", "ステンレスボトル",
            "USB-C ケーブル 1m", "A4コピー用紙 5000枚", "ノートPC スタンド",
            "Wireless Mouse M350", "4K Monitor 27in", "名刺 100枚",
            "トナーカートリッジ TN-29J", "デスクチェア", "LEDデスクライト"]
BANKS = ["三菱UFJ銀行", "三井住友銀行", "みずほ銀行", "りそな銀行",
         "ゆうちょ銀行", "楽天銀行", "横浜銀行", "福岡銀行"]
UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
       "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
       "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 "
       "Safari/604.1",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
       "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
       "curl/8.5.0", "python-requests/2.31.0"]
PATHS = ["/", "/products/{n}", "/cart", "/api/v1/orders/{n}",
         "/mypage/orders", "/search?q=coffee&page={s}", "/static/app.{h}.js",
         "/images/item_{n}.jpg", "/login", "/api/v1/users/{n}/profile",
         "/checkout/confirm", "/news/2025/{s}"]
NOTES_JA = [
    "本日の定例会議では第{s}四半期の売上見込みについて議論しました。",
    "前年同期比で{p}%増となり、目標の{q}百万円に対して進捗は順調です。",
    "次回のリリースはバージョン{v}を予定しており、検証環境での確認を進めています。",
    "在庫数は{q}個、発注点は{s}0個に設定しています。単価は¥{price}です。",
    "倉庫の移転作業は{y}年{mo}月{d}日に完了する見込みです。",
    "サーバーの応答時間は平均{q}msで、ピーク時でも{s}00ms以内に収まっています。",
    "契約更新の件、先方より{mo}月末までに回答するとの連絡がありました。",
    "経費精算の締切は毎月{d}日です。領収書の原本を経理部まで提出してください。",
    "新商品の試作品が{q}点届きました。品番 A-{n} から順に評価をお願いします。",
    "障害対応の振り返り: 検知から復旧まで{s}時間{q}分、影響件数は{q}件でした。",
    "研修は第{s}会議室にて10時から開始します。持ち物はノートPCのみです。",
    "アンケートの回答率は{p}%でした。自由記述欄の集計は来週共有します。",
]
NOTES_EN = [
    "Q{s} revenue came in at ${q},{n3} thousand, {p}% above plan.",
    "The migration to version {v} is scheduled for {y}-{mo2}-{d2}; rollback "
    "plan is in the wiki.",
    "We shipped {q} units last week; backlog is down to {s}{n3} orders.",
    "Latency p99 is {q} ms after the cache change, down from {s}{n3} ms.",
    "Please review PR #{n} before the freeze on {mo2}/{d2}.",
    "Action items: update the runbook, rotate on-call, close ticket "
    "OPS-{n}.",
    "Inventory count: {q} pallets in Osaka, {s}{n3} in Chiba.",
    "Budget for FY{y} was approved at JPY {q},{n3},000.",
]

# ------------------------------------------------------------ generators --
R = random.Random(SEED)
ri = R.randint
rc = R.choice


def digits(n):
    return "".join(str(ri(0, 9)) for _ in range(n))


def luhn_complete(prefix, length):
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn_check_digit(body)


def card_number():
    kind = ri(0, 9)
    if kind <= 3:
        num = luhn_complete("4" + digits(5), 16)
    elif kind <= 5:
        num = luhn_complete(str(ri(51, 55)), 16)
    elif kind <= 7:
        num = luhn_complete(str(ri(3528, 3589)), 16)
    elif kind == 8:
        num = luhn_complete(rc(["34", "37"]), 15)
        fmt = ri(0, 2)
        if fmt == 0:
            return num
        sep = rc([" ", "-"])
        return num[:4] + sep + num[4:10] + sep + num[10:]
    else:
        num = luhn_complete("36", 14)
        return num
    fmt = ri(0, 5)
    if fmt <= 1:
        return num
    sep = " " if fmt <= 3 else "-"
    return sep.join(num[i:i + 4] for i in range(0, 16, 4))


def my_number():
    while True:
        body = digits(11)
        if len(set(body)) > 1:
            break
    num = body + mn_check(body)
    fmt = ri(0, 2)
    if fmt == 0:
        return num
    sep = " " if fmt == 1 else "-"
    return sep.join(num[i:i + 4] for i in range(0, 12, 4))


def corporate_number():
    base = str(ri(1, 9)) + digits(11)
    return corp_check(base) + base


def phone():
    kind = ri(0, 9)
    if kind <= 4:  # mobile: 0X0-XXXX-XXXX
        p, a, b = rc(["090", "080", "070"]), digits(4), digits(4)
    elif kind <= 7:  # fixed: area + local + 4 = 10 digits
        p = rc(["03", "06", "045", "052", "092", "011", "022", "075",
                "0466", "0263"])
        a, b = str(ri(2, 9)) + digits(5 - len(p)), digits(4)
    elif kind == 8:  # toll free
        return f"0120-{digits(3)}-{digits(3)}"
    else:
        # a fixed line's local number never starts with 0 or 1
        area = rc(["90", "80", "3", "6"])
        local = digits(4) if len(area) == 2 else str(ri(2, 9)) + digits(3)
        return f"+81-{area}-{local}-{digits(4)}"
    fmt = ri(0, 6)
    if fmt <= 4:
        return f"{p}-{a}-{b}"
    if fmt == 5:
        return f"{p}({a}){b}"
    return p + a + b


def email(sur=None, giv=None, domain=None):
    s = sur[2] if sur else rc(SURNAMES)[2]
    g = giv[2] if giv else rc(GIVEN)[2]
    d = domain or rc(DOMAINS)
    f = ri(0, 3)
    if f == 0:
        local = f"{g}.{s}"
    elif f == 1:
        local = f"{s}{ri(1, 99)}"
    elif f == 2:
        local = f"{g[0]}{s}"
    else:
        local = f"{s}_{g}{ri(70, 99)}"
    return f"{local}@{d}"


def postal():
    return f"{ri(100, 999)}-{digits(4)}"


def address():
    pref, city = rc(PLACES)
    return f"{pref}{city}{ri(1, 5)}-{ri(1, 30)}-{ri(1, 20)}{rc(BUILDINGS)}"


def birth_date():
    y, m, d = ri(1945, 2006), ri(1, 12), ri(1, 28)
    f = ri(0, 4)
    if f == 0:
        return f"{y}年{m}月{d}日"
    if f == 1:
        return f"{y}/{m:02d}/{d:02d}"
    if f == 2:
        return f"{y}-{m:02d}-{d:02d}"
    if f == 3:
        if y >= 1989:
            era, ey = "平成", y - 1988
        else:
            era, ey = "昭和", y - 1925
        return f"{era}{ey}年{m}月{d}日"
    return f"S{max(1, min(63, y - 1925))}.{m}.{d}"


def expiry():
    m, y = ri(1, 12), ri(25, 31)
    return rc([f"{m:02d}/{y}", f"{m:02d}/20{y}", f"20{y}年{m}月"])


def bank_account():
    return digits(7)


def licence():
    w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    body = str(ri(10, 99)) + digits(8)
    c = (11 - sum(int(body[i]) * w[i] for i in range(10)) % 11) % 10
    return body + str(c) + str(ri(0, 9))


def passport():
    return rc(["TK", "TR", "TZ", "MU", "ME"]) + digits(7)


def residence_card():
    al = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return rc(al) + rc(al) + digits(8) + rc(al) + rc(al)


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def rand_str(alpha, n):
    return "".join(R.choice(alpha) for _ in range(n))


def password():
    return rand_str(ALNUM, ri(4, 8)) + rc(["!", "#", "$", "%", "&"]) + digits(2)


def aws_key():
    return "AKIA" + rand_str(UPPER, 16)


def aws_secret():
    return rand_str(ALNUM + "/+", 40)


def ghp():
    return "ghp_" + rand_str(ALNUM, 36)


def slack():
    return f"xoxb-{digits(11)}-{digits(12)}-{rand_str(ALNUM, 24)}"


def api_key():
    return "sk_live_" + rand_str(ALNUM, 24)


def fw(s):
    """Full-width digits, as Japanese forms often hold."""
    return s.translate(FW)


FW = str.maketrans("0123456789-", "０１２３４５６７８９－")


def ts():
    return (f"2025-{ri(1, 12):02d}-{ri(1, 28):02d}T{ri(0, 23):02d}:"
            f"{ri(0, 59):02d}:{ri(0, 59):02d}+09:00")


def clf_ts():
    mon = rc(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
              "Oct", "Nov", "Dec"])
    return (f"{ri(1, 28):02d}/{mon}/2025:{ri(0, 23):02d}:{ri(0, 59):02d}:"
            f"{ri(0, 59):02d} +0900")


def ip():
    return f"{ri(1, 223)}.{ri(0, 255)}.{ri(0, 255)}.{ri(1, 254)}"


def price():
    return f"{ri(1, 98)},{ri(0, 999):03d}"


def order_no():
    return rc([f"{ri(2023, 2025)}{ri(1, 12):02d}{ri(1, 28):02d}-{digits(6)}",
               f"ORD-{digits(10)}", digits(16)])


def person():
    return rc(SURNAMES), rc(GIVEN)


def fill(t):
    return t.format(s=ri(1, 4), p=ri(1, 40), q=ri(10, 999), v=f"{ri(1, 9)}.{ri(0, 20)}.{ri(0, 9)}",
                    price=price(), y=ri(2024, 2026), mo=ri(1, 12), d=ri(1, 28),
                    mo2=f"{ri(1, 12):02d}", d2=f"{ri(1, 28):02d}", n=digits(5),
                    n3=f"{ri(0, 999):03d}")


# ---------------------------------------------------------------- records --
# Each maker returns (text, {type: count}).


def rec_mail_ja():
    sur, giv = person()
    staff_s, staff_g = person()
    c = {}

    def add(t, k=1):
        c[t] = c.get(t, 0) + k

    corp = rc(COMPANIES)
    dom = rc(CORP_DOMAINS)
    frm = email(staff_s, staff_g, dom)
    to = email(sur, giv)
    add("email", 2)
    lines = [
        f"From: {staff_s[0]} {staff_g[0]} <{frm}>",
        f"To: {sur[0]} {giv[0]} 様 <{to}>",
        f"Date: {ts()}",
        f"Subject: 【{corp}】ご注文内容の確認 (注文番号 {order_no()})",
        "",
        f"{sur[0]} {giv[0]} 様",
        "",
        f"このたびは{corp}をご利用いただき、誠にありがとうございます。",
        "以下の内容でご注文を承りました。",
        "",
    ]
    for _ in range(ri(1, 4)):
        lines.append(f"  {rc(PRODUCTS)} × {ri(1, 5)}  ¥{price()}")
    lines.append(f"  小計 ¥{price()} / 送料 ¥{rc(['0', '550', '880'])} / 合計 ¥{price()}")
    lines.append("")
    k = ri(0, 5)
    if k <= 2:
        lines.append(f"お届け先: 〒{postal()} {address()}")
        lines.append(f"お電話番号: {phone()}")
        add("jp_postal_code")
        add("jp_phone")
    elif k == 3:
        lines.append(f"お支払い: クレジットカード (末尾 {digits(4)})")
        lines.append(f"発送予定日: {ri(2024, 2025)}年{ri(1, 12)}月{ri(1, 28)}日")
    elif k == 4:
        lines.append("お振込先のご案内")
        lines.append(f"  {rc(BANKS)} {rc(['本店', '新宿支店', '梅田支店', '渋谷支店'])}"
                     f" 普通 {bank_account()} {rc(['カ）サンプルシヨウジ', 'ヒカリブツリユウ（カ'])}")
        add("jp_bank_account")
    else:
        lines.append(f"お問い合わせ番号: {digits(12)} (配送業者: ヤマト運輸)")
    lines += ["", "ご不明な点がございましたら、下記までお問い合わせください。",
              "--", corp, f"カスタマーサポート {staff_s[0]}",
              f"TEL: {phone()}  受付時間 平日 10:00〜18:00",
              f"E-mail: support@{dom}", ""]
    add("jp_phone")
    add("email")
    return "\n".join(lines) + "\n", c


def rec_mail_en():
    sur, giv = person()
    c = {"email": 2}
    corp = rc(COMPANIES)
    lines = [
        f"From: billing@{rc(CORP_DOMAINS)}",
        f"To: {email(sur, giv)}",
        f"Date: {ts()}",
        f"Subject: Re: Invoice INV-{digits(8)} payment details",
        "",
        f"Hi {giv[2].capitalize()},",
        "",
        f"Thanks for your order #{digits(7)} placed on 2025-{ri(1, 12):02d}-{ri(1, 28):02d}.",
        f"The total is JPY {price()} including tax ({ri(8, 10)}%).",
    ]
    k = ri(0, 4)
    if k <= 1:
        lines.append("As requested over the phone, here is the card we have on file:")
        lines.append(f"  Card number: {card_number()}  Exp: {expiry()}  CVV: {digits(3)}")
        c.update({"credit_card": 1, "card_expiry": 1, "card_cvv": 1})
    elif k == 2:
        lines.append(f"Please call me back on {phone()} if anything is unclear.")
        c["jp_phone"] = 1
    elif k == 3:
        lines.append(f"Our invoice registration number is T{corporate_number()}.")
        c["jp_corporate_number"] = 1
    else:
        lines.append(f"Tracking number {digits(12)}, shipped {ts()[:10]}, {ri(1, 9)} parcels.")
    lines += ["", "Best regards,", f"{corp} Accounts Receivable", ""]
    return "\n".join(lines) + "\n", c


CSV_MEMBER_HDR = "会員ID,氏名,フリガナ,生年月日,電話番号,メールアドレス,郵便番号,住所,登録日時,累計購入額"
CSV_ORDER_HDR = "order_id,sku,qty,unit_price,amount,ordered_at,status,warehouse"


def rec_csv_members():
    rows = [CSV_MEMBER_HDR]
    c = {}
    n = ri(2, 6)
    for _ in range(n):
        sur, giv = person()
        bd = birth_date()
        rows.append(",".join([
            f"M{digits(8)}", f"{sur[0]} {giv[0]}", f"{sur[1]} {giv[1]}", bd,
            phone(), email(sur, giv), postal(), address(), ts()[:19].replace("T", " "),
            str(ri(0, 500000))]))
    for t in ("birth_date", "jp_phone", "email", "jp_postal_code"):
        c[t] = n
    return "\n".join(rows) + "\n", c


def rec_csv_orders():
    rows = [CSV_ORDER_HDR]
    for _ in range(ri(8, 30)):
        q = ri(1, 20)
        u = ri(100, 30000)
        rows.append(f"{order_no()},SKU-{digits(6)},{q},{u},{q * u},{ts()},"
                    f"{rc(['shipped', 'pending', 'cancelled', 'delivered'])},{rc(['OSK1', 'CHB2', 'FKO1'])}")
    return "\n".join(rows) + "\n", {}


def rec_access_log():
    lines = []
    c = {}
    for _ in range(ri(5, 20)):
        path = rc(PATHS).format(n=digits(ri(4, 8)), s=ri(1, 12), h=rand_str("0123456789abcdef", 8))
        if ri(0, 60) == 0:
            path = f"/api/v1/subscribe?email={email()}&ref=mail"
            c["email"] = c.get("email", 0) + 1
        lines.append(f'{ip()} - - [{clf_ts()}] "{rc(["GET", "GET", "GET", "POST"])} {path} HTTP/1.1" '
                     f'{rc([200, 200, 200, 304, 302, 404])} {ri(200, 90000)} "-" "{rc(UAS)}" {ri(1, 900) / 1000:.3f}')
    return "\n".join(lines) + "\n", c


def rec_app_log():
    lines = []
    c = {}
    for _ in range(ri(4, 15)):
        lvl = rc(["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"])
        k = ri(0, 30)
        if k == 0:
            msg = f'login failed user={email()} attempts={ri(1, 9)}'
            c["email"] = c.get("email", 0) + 1
        elif k == 1:
            msg = f'POST /api/login body={{"user":"u{digits(6)}","password":"{password()}"}}'
            c["password"] = c.get("password", 0) + 1
        elif k == 2:
            msg = f'payment authorised order={order_no()} card=****{digits(4)} amount={ri(100, 99999)}'
        else:
            msg = rc([f"request_id={rand_str('0123456789abcdef', 32)} duration_ms={ri(1, 3000)} status=200",
                      f"job=nightly-export rows={ri(1000, 999999)} elapsed={ri(1, 900)}s",
                      f"cache hit ratio={ri(50, 99)}.{ri(0, 9)}% keys={ri(1000, 99999)}",
                      f"order {order_no()} state changed pending->shipped",
                      f"GC pause {ri(1, 80)}ms heap={ri(100, 4000)}MB"])
        lines.append(f"{ts()} {lvl:5s} [{rc(['api', 'worker', 'batch', 'web'])}-{ri(1, 8)}] {msg}")
    return "\n".join(lines) + "\n", c


def rec_form():
    sur, giv = person()
    c = {}

    def add(t):
        c[t] = c.get(t, 0) + 1

    full = ri(0, 3) == 0
    L = ["=== 口座振替依頼書 兼 会員登録申込書 ===" if ri(0, 1) else "■ お申込み内容",
         f"受付日時: {ts()}",
         f"氏名: {sur[0]} {giv[0]}",
         f"フリガナ: {sur[1]} {giv[1]}",
         f"生年月日: {birth_date()}"]
    add("birth_date")
    pc = postal()
    L.append(f"住所: 〒{fw(pc) if full else pc} {address()}")
    add("jp_postal_code")
    ph = phone()
    L.append(f"携帯電話: {fw(ph) if full else ph}")
    add("jp_phone")
    L.append(f"メールアドレス: {email(sur, giv)}")
    add("email")
    k = ri(0, 9)
    if k <= 2:
        L.append(f"本人確認書類: 運転免許証 (免許証番号: {licence()})")
        add("jp_drivers_license")
    elif k <= 4:
        mn = my_number()
        L.append(f"個人番号(マイナンバー): {fw(mn) if full else mn}")
        add("jp_my_number")
    elif k == 5:
        L.append(f"本人確認書類: 在留カード 番号 {residence_card()}")
        add("jp_residence_card")
    elif k == 6:
        L.append(f"本人確認書類: パスポート 旅券番号 {passport()}")
        add("jp_passport")
    else:
        L.append(f"会員番号: {digits(10)}")
    k = ri(0, 3)
    if k == 0:
        L.append(f"お支払い方法: クレジットカード カード番号 {card_number()} 有効期限 {expiry()} セキュリティコード {digits(3)}")
        add("credit_card")
        add("card_expiry")
        add("card_cvv")
    elif k == 1:
        L.append(f"引落口座: {rc(BANKS)} 口座番号 {bank_account()} 名義 {sur[1]} {giv[1]}")
        add("jp_bank_account")
    L.append(f"備考: {rc(['特になし', '平日午前中の配送希望', '領収書を同封してください', '不在時は宅配ボックスへ'])}")
    return "\n".join(L) + "\n\n", c


def rec_secrets():
    c = {}
    k = ri(0, 5)
    if k == 0:
        L = ["# .env (production)", f"DATABASE_URL=postgres://app@db{ri(1, 3)}.internal:5432/shop",
             f"AWS_ACCESS_KEY_ID={aws_key()}", f"AWS_SECRET_ACCESS_KEY={aws_secret()}",
             f"AWS_REGION=ap-northeast-1", f"CACHE_TTL={ri(60, 3600)}"]
        c = {"aws_access_key_id": 1, "aws_secret_access_key": 1}
    elif k == 1:
        L = ["# ci settings", f"GITHUB_TOKEN={ghp()}", f"SLACK_BOT_TOKEN={slack()}",
             f"RETRY={ri(1, 5)}"]
        c = {"github_token": 1, "slack_token": 1}
    elif k == 2:
        L = ["[payment]", f"api_key = {api_key()}", f"timeout = {ri(5, 60)}",
             f"endpoint = https://api.pay.{rc(CORP_DOMAINS)}/v2"]
        c = {"generic_api_key": 1}
    elif k == 3:
        L = [f"共有フォルダの管理者アカウント: admin{ri(1, 9)}",
             f"パスワード：{password()}",
             "※ 次回ログイン時に変更してください。"]
        c = {"password": 1}
    elif k == 4 and ri(0, 4) == 0:
        body = [rand_str(ALNUM + "+/", 64) for _ in range(ri(6, 12))]
        L = ["-----BEGIN RSA PRIVATE KEY-----"] + body + ["-----END RSA PRIVATE KEY-----"]
        c = {"private_key": 1}
    else:
        L = ["# feature flags", f"max_upload_mb = {ri(10, 500)}",
             f"release = \"{ri(1, 9)}.{ri(0, 30)}.{ri(0, 9)}\"",
             f"build_id = {digits(14)}"]
    return "\n".join(L) + "\n\n", c


def rec_notes():
    k = ri(0, 2)
    if k == 0:
        lines = [fill(rc(NOTES_EN)) for _ in range(ri(2, 6))]
    else:
        lines = [fill(rc(NOTES_JA)) for _ in range(ri(2, 6))]
    c = {}
    if ri(0, 5) == 0:
        sur, giv = person()
        lines.append(f"担当: {sur[0]}（内線 {ri(1000, 9999)}、携帯 {phone()}）")
        c["jp_phone"] = 1
    if ri(0, 15) == 0:
        lines.append(f"取引先 {rc(COMPANIES)} 法人番号 {corporate_number()} の登記情報を確認済み。")
        c["jp_corporate_number"] = 1
    return "\n".join(lines) + "\n\n", c


MAKERS = [
    (rec_mail_ja, 10), (rec_mail_en, 6), (rec_csv_members, 5),
    (rec_csv_orders, 6), (rec_access_log, 10), (rec_app_log, 10),
    (rec_form, 7), (rec_secrets, 3), (rec_notes, 12),
]


# ------------------------------------------------------ clean records --
# Used only with --items-per-mib: the same kinds of text with no personal
# data (no e-mail addresses, phones, postal codes, IDs, cards or secrets),
# but with the ordinary numbers such text holds: timestamps, dates, prices,
# quantities, order/tracking/invoice numbers, IPs, versions, durations.

DEPTS = ["総務部", "経理部", "営業部", "物流センター", "情報システム部", "カスタマーサポート",
         "購買部", "品質管理部"]
SUBJECTS_JA = ["【社内連絡】月次締めのお知らせ", "【共有】出荷実績の報告", "Re: 在庫数の確認",
               "【重要】システムメンテナンスのお知らせ", "定例会議の議事録", "Re: 見積書の件",
               "【周知】経費精算ルールの変更", "Fwd: 納期のご相談"]
SUBJECTS_EN = ["Weekly ops report", "Re: Q{s} forecast", "Release {v} notes",
               "Fwd: warehouse move schedule", "Incident review OPS-{n}",
               "Re: pricing update for FY{y}"]
CHAT_MSGS = ["在庫{q}個確認しました", "注文番号 {o} は本日出荷済みです", "会議室{s}を14時から押さえました",
             "見積 ¥{price} で先方OKとのことです", "デプロイ完了 v{v}", "CPU使用率{p}%まで下がりました",
             "deploy of {v} finished in {q}s", "order {o} was refunded (JPY {price})",
             "ticket OPS-{n} closed", "{q} rows imported, {p} skipped", "了解です", "ありがとうございます！",
             "lunch at 12:30?", "PR #{n} approved"]


def chat_fill(t):
    return t.format(q=ri(1, 999), o=order_no(), s=ri(1, 9), price=price(), v=f"{ri(1, 9)}.{ri(0, 20)}.{ri(0, 9)}",
                    p=ri(1, 99), n=digits(5))


def rec_mail_ja_clean():
    sur, giv = person()
    dept, dept2 = rc(DEPTS), rc(DEPTS)
    if ri(0, 1):
        lines = [f"件名: {rc(SUBJECTS_JA)}", f"送信日時: {ts()}", f"差出人: {dept} {sur[0]}",
                 f"宛先: {dept2} 各位", "", f"{dept2} 各位", "",
                 f"お疲れさまです。{dept}の{sur[0]}です。"]
        lines += [fill(rc(NOTES_JA)) for _ in range(ri(1, 3))]
        for _ in range(ri(0, 3)):
            lines.append(f"  ・注文番号 {order_no()}  {rc(PRODUCTS)} × {ri(1, 50)}  ¥{price()}")
        lines += ["", "以上、よろしくお願いいたします。", ""]
    else:
        corp = rc(COMPANIES)
        lines = [f"件名: 【{corp}】商品発送のお知らせ", f"送信日時: {ts()}", "",
                 f"{sur[0]} {giv[0]} 様", "",
                 f"{corp}をご利用いただき、ありがとうございます。",
                 f"ご注文番号 {order_no()} の商品を{ri(2024, 2025)}年{ri(1, 12)}月{ri(1, 28)}日に発送しました。", ""]
        for _ in range(ri(1, 4)):
            lines.append(f"  {rc(PRODUCTS)} × {ri(1, 5)}  ¥{price()}")
        lines += [f"  合計 ¥{price()}（税込）", "",
                  f"お問い合わせ伝票番号: {digits(12)}（{rc(['ヤマト運輸', '佐川急便', '日本郵便'])}）",
                  f"お届け予定: {ri(1, 12)}月{ri(1, 28)}日 {rc(['午前中', '14時〜16時', '18時〜20時', '指定なし'])}",
                  "", "--", corp, "※このメールは送信専用です。", ""]
    return "\n".join(lines) + "\n", {}


def rec_mail_en_clean():
    corp = rc(COMPANIES)
    lines = [f"Subject: {fill(rc(SUBJECTS_EN))}", f"Date: {ts()}",
             f"From: {rc(['Operations', 'Finance', 'Release management', 'Logistics'])} team",
             "To: all-staff", "", "Hi all,", ""]
    lines += [fill(rc(NOTES_EN)) for _ in range(ri(1, 4))]
    lines.append(f"Orders processed: {ri(1000, 99999)}, returns: {ri(1, 500)} ({ri(0, 9)}.{ri(0, 9)}%).")
    if ri(0, 1):
        lines.append(f"Invoice INV-{digits(8)} for JPY {price()} was paid on 2025-{ri(1, 12):02d}-{ri(1, 28):02d}.")
    lines += ["", "Thanks,", f"{corp} Operations", ""]
    return "\n".join(lines) + "\n", {}


def rec_csv_stock_clean():
    if ri(0, 1):
        rows = ["date,warehouse,sku,on_hand,reserved,unit_cost,updated_at"]
        for _ in range(ri(8, 30)):
            rows.append(f"2025-{ri(1, 12):02d}-{ri(1, 28):02d},{rc(['OSK1', 'CHB2', 'FKO1'])},SKU-{digits(6)},"
                        f"{ri(0, 5000)},{ri(0, 300)},{ri(50, 20000)}.{ri(0, 99):02d},{ts()}")
    else:
        rows = ["日付,店舗コード,売上件数,売上金額,客単価,前年比"]
        for _ in range(ri(8, 30)):
            n, a = ri(50, 2000), ri(1000, 9000)
            rows.append(f"{ri(2024, 2025)}/{ri(1, 12):02d}/{ri(1, 28):02d},S{ri(100, 999)},{n},{n * a},{a},"
                        f"{ri(80, 130)}.{ri(0, 9)}%")
    return "\n".join(rows) + "\n", {}


def rec_access_log_clean():
    lines = []
    for _ in range(ri(5, 20)):
        path = rc(PATHS).format(n=digits(ri(4, 8)), s=ri(1, 12), h=rand_str("0123456789abcdef", 8))
        lines.append(f'{ip()} - - [{clf_ts()}] "{rc(["GET", "GET", "GET", "POST"])} {path} HTTP/1.1" '
                     f'{rc([200, 200, 200, 304, 302, 404])} {ri(200, 90000)} "-" "{rc(UAS)}" {ri(1, 900) / 1000:.3f}')
    return "\n".join(lines) + "\n", {}


def rec_app_log_clean():
    lines = []
    for _ in range(ri(4, 15)):
        lvl = rc(["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"])
        if ri(0, 30) == 0:
            msg = f'payment authorised order={order_no()} card=****{digits(4)} amount={ri(100, 99999)}'
        else:
            msg = rc([f"request_id={rand_str('0123456789abcdef', 32)} duration_ms={ri(1, 3000)} status=200",
                      f"job=nightly-export rows={ri(1000, 999999)} elapsed={ri(1, 900)}s",
                      f"cache hit ratio={ri(50, 99)}.{ri(0, 9)}% keys={ri(1000, 99999)}",
                      f"order {order_no()} state changed pending->shipped",
                      f"GC pause {ri(1, 80)}ms heap={ri(100, 4000)}MB",
                      f"login ok user_id={digits(7)} session={rand_str('0123456789abcdef', 16)}"])
        lines.append(f"{ts()} {lvl:5s} [{rc(['api', 'worker', 'batch', 'web'])}-{ri(1, 8)}] {msg}")
    return "\n".join(lines) + "\n", {}


def rec_form_clean():
    sur, giv = person()
    boss = person()[0]
    q = ri(1, 50)
    L = ["■ 購買申請書" if ri(0, 1) else "=== 稟議書（備品購入） ===",
         f"申請番号: PR-{digits(8)}",
         f"申請日: {ri(2024, 2025)}年{ri(1, 12)}月{ri(1, 28)}日",
         f"部署: {rc(DEPTS)}",
         f"申請者: {sur[0]} {giv[0]}（社員番号 {digits(6)}）",
         f"品名: {rc(PRODUCTS)}",
         f"数量: {q}  単価: ¥{price()}  合計: ¥{price()}",
         f"希望納期: {ri(2024, 2025)}/{ri(1, 12):02d}/{ri(1, 28):02d}",
         f"予算コード: {digits(4)}-{digits(3)}",
         f"承認者: {boss[0]} 課長",
         f"備考: {rc(['特になし', '至急', '相見積り済み（3社）', '前回と同じ仕様'])}"]
    return "\n".join(L) + "\n\n", {}


def rec_config_clean():
    if ri(0, 1):
        L = ["# feature flags", f"max_upload_mb = {ri(10, 500)}",
             f"release = \"{ri(1, 9)}.{ri(0, 30)}.{ri(0, 9)}\"",
             f"build_id = {digits(14)}"]
    else:
        L = ["server:", f"  port: {rc([8080, 8443, 3000, 9000])}", f"  workers: {ri(2, 32)}",
             f"  timeout_ms: {ri(100, 30000)}", "database:", f"  host: db{ri(1, 3)}.internal",
             f"  pool_size: {ri(5, 100)}", f"  statement_timeout: {ri(1, 60)}s"]
    return "\n".join(L) + "\n\n", {}


def rec_notes_clean():
    src = NOTES_EN if ri(0, 2) == 0 else NOTES_JA
    return "\n".join(fill(rc(src)) for _ in range(ri(2, 6))) + "\n\n", {}


def rec_chat_clean():
    day = f"2025-{ri(1, 12):02d}-{ri(1, 28):02d}"
    lines = [f"#{rc(['ops', 'sales', 'logistics', 'dev', 'general'])} {day}"]
    t = ri(8 * 60, 17 * 60)
    for _ in range(ri(3, 12)):
        t = min(t + ri(0, 25), 23 * 60 + 59)
        lines.append(f"[{t // 60:02d}:{t % 60:02d}] {person()[0][0]}: {chat_fill(rc(CHAT_MSGS))}")
    return "\n".join(lines) + "\n\n", {}


CLEAN_MAKERS = [
    (rec_mail_ja_clean, 10), (rec_mail_en_clean, 6), (rec_csv_stock_clean, 5),
    (rec_csv_orders, 6), (rec_access_log_clean, 10), (rec_app_log_clean, 10),
    (rec_form_clean, 7), (rec_config_clean, 3), (rec_notes_clean, 12),
    (rec_chat_clean, 5),
]


def build_pool(target):
    fns = [f for f, w in MAKERS for _ in range(w)]
    recs, counts = [], []
    size = 0
    while size < target:
        text, c = rc(fns)()
        b = text.encode("utf-8")
        recs.append(b)
        counts.append(c)
        size += len(b)
    return recs, counts


def build_pool_sparse(target, items_per_mib):
    """Clean records, with a record from MAKERS (the dense mix) whenever the
    planted items fall behind one per 1 MiB / items_per_mib bytes, so the
    personal data is spread evenly and has the dense set's mix of kinds."""
    fns = [f for f, w in MAKERS for _ in range(w)]
    clean = [f for f, w in CLEAN_MAKERS for _ in range(w)]
    bytes_per_item = 1048576 / items_per_mib
    recs, counts = [], []
    size = planted = 0
    while size < target:
        if planted * bytes_per_item < size:
            text, c = rc(fns)()
            planted += sum(c.values())
        else:
            text, c = rc(clean)()
        b = text.encode("utf-8")
        recs.append(b)
        counts.append(c)
        size += len(b)
    return recs, counts


USAGE = "usage: gen_text.py [--items-per-mib N] OUT_FILE SIZE_MB [MANIFEST_FILE]\n"


def main():
    args, items_per_mib = [], None
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--items-per-mib" or a.startswith("--items-per-mib="):
            v = a.partition("=")[2] if "=" in a else next(it, "")
            try:
                items_per_mib = float(v)
            except ValueError:
                items_per_mib = -1
            if not items_per_mib > 0:
                sys.stderr.write(f"gen_text.py: --items-per-mib needs a positive number, not '{v}'\n")
                return 2
        else:
            args.append(a)
    if len(args) not in (2, 3):
        sys.stderr.write(USAGE)
        return 2
    out, size_mb = args[0], float(args[1])
    target = int(size_mb * 1048576)
    if items_per_mib is None:
        recs, counts = build_pool(min(target, BASE_MB * 1048576))
    else:
        recs, counts = build_pool_sparse(min(target, BASE_MB * 1048576), items_per_mib)
    pool_bytes = sum(map(len, recs))
    pool_counts = {}
    for c in counts:
        for t, k in c.items():
            pool_counts[t] = pool_counts.get(t, 0) + k
    order = list(range(len(recs)))
    total = {}
    head = "leakguard benchmark corpus / ベンチマーク用データ (synthetic)\n".encode("utf-8")
    written, nrec = len(head), 0
    with open(out, "wb") as f:
        f.write(head)
        while written < target:
            R.shuffle(order)
            if target - written >= pool_bytes:  # a whole pass, re-ordered
                f.write(b"".join([recs[i] for i in order]))
                written += pool_bytes
                nrec += len(order)
                for t, k in pool_counts.items():
                    total[t] = total.get(t, 0) + k
                continue
            tail = []
            for i in order:  # the last, partial pass
                if written >= target:
                    break
                tail.append(recs[i])
                written += len(recs[i])
                nrec += 1
                for t, k in counts[i].items():
                    total[t] = total.get(t, 0) + k
            f.write(b"".join(tail))
    if len(args) == 3:
        with open(args[2], "w", encoding="utf-8") as m:
            m.write(f"bytes\t{written}\nrecords\t{nrec}\npool_bytes\t{pool_bytes}\n")
            for t in sorted(total):
                m.write(f"{t}\t{total[t]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
