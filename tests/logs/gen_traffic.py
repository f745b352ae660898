#!/usr/bin/env python3
"""gen_traffic.py: deterministic logs of a small Japanese web shop, with
planted leak incidents and a manifest of what was planted.

    gen_traffic.py --format combined|nginx_cache|cloudfront|s3|postfix
                   --scenario NAME[,NAME...] --lines N
                   [--start 2025-06-14T00:00:00+09:00] [--seed S]
                   [--hours H] OUT.log MANIFEST.json

The same arguments always give the same bytes (Python 3 stdlib only, no
network, independent of PYTHONHASHSEED). --lines counts the log's event
lines (CloudFront's two "#" header lines come on top); planted incidents
are part of them unless they alone need more.

The shop is shop.example.jp (operator corp.example.co.jp): anonymous
visitors and crawlers walking /products/{id}, logged-in customers on
/mypage, their own orders, /mypage/cards and /api/me, static assets served
from cache, ad-click visitors (?gclid= / ?yclid=) on landing pages, staff on
/admin behind basic auth with office-hours CSV exports, a forgotten-password
rush from the office NAT, contact-form posts, the odd internet scanner, IPv6
clients and user agents with quotes and parentheses. Times are JST (the
offset of --start) for combined, nginx_cache and postfix, UTC for CloudFront
and S3.

Scenarios (comma-separated; `clean-day` alone plants nothing; `all` is
every scenario the format supports except intrusion and clean-day):
  web formats (combined, nginx_cache, cloudfront):
    cache-leak shared-link-exposure enumeration bulk-export brute-force
    credential-stuffing sensitive-file-probe sql-injection path-traversal
    web-shell intrusion skimming clean-day
  s3: shared-link-exposure clean-day
  postfix: mail-mass-recipients mail-burst clean-day
Some scenarios need more than a day (a baseline before the incident, or an
incident that lasts days); the log then covers the longest need (see
--hours and the manifest's "end").

The manifest (JSON) lists each planted incident: the rule id expected, the
actor (ip, user, session cookie value) or, for many-viewer incidents, the
viewers, the time window [first, last] in ISO 8601 with offset, min_count
(what an alert's count or distinct should reach) and what was planted.
"""

import argparse
import bisect
import datetime as _dt
import hashlib
import json
import os
import random
import sys

# ---------------------------------------------------------------------------
# the world's constants

SHOP = "shop.example.jp"
CF_HOST = "d3k4x9pqz2m1ab.cloudfront.net"
CORP = "corp.example.co.jp"
OFFICE_NAT = "203.0.113.5"  # in 203.0.113.0/28, an internal network
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec")

WEB_FORMATS = ("combined", "nginx_cache", "cloudfront")
FORMATS = WEB_FORMATS + ("s3", "postfix")

NGINX_CACHE_LOG_FORMAT = (
    '$remote_addr - $remote_user [$time_local] "$request" $status '
    '$body_bytes_sent "$http_referer" "$http_user_agent" '
    '$upstream_cache_status "$cookie_sid"')

CF_FIELDS = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) "
             "cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query "
             "cs(Cookie) x-edge-result-type x-edge-request-id x-host-header "
             "cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol "
             "ssl-cipher x-edge-response-result-type cs-protocol-version "
             "fle-status fle-encrypted-fields c-port time-to-first-byte "
             "x-edge-detailed-result-type sc-content-type sc-content-len "
             "sc-range-start sc-range-end")

SCENARIOS_WEB = ("cache-leak", "shared-link-exposure", "enumeration",
                 "bulk-export", "brute-force", "credential-stuffing",
                 "sensitive-file-probe", "sql-injection", "path-traversal",
                 "web-shell", "intrusion", "skimming")
SCENARIOS = {
    "combined": SCENARIOS_WEB,
    "nginx_cache": SCENARIOS_WEB,
    "cloudfront": SCENARIOS_WEB,
    "s3": ("shared-link-exposure",),
    "postfix": ("mail-mass-recipients", "mail-burst"),
}
# hours of log a scenario needs (baseline before, or days of activity)
MIN_HOURS = {"bulk-export": 48, "mail-burst": 48, "shared-link-exposure": 48,
             "web-shell": 96, "intrusion": 22 * 24, "skimming": 48}

SURNAMES = ("sato", "suzuki", "takahashi", "tanaka", "watanabe", "ito",
            "yamamoto", "nakamura", "kobayashi", "kato", "yoshida", "yamada",
            "sasaki", "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi",
            "shimizu", "yamazaki", "mori", "abe", "ikeda", "hashimoto",
            "yamashita", "ishikawa", "nakajima", "maeda", "fujita", "ogawa",
            "goto", "okada", "hasegawa", "murakami", "kondo", "ishii",
            "saito", "sakamoto", "endo", "aoki", "fujii", "nishimura",
            "fukuda", "ota", "miura", "fujiwara", "okamoto", "matsuda",
            "nakagawa", "nakano")
GIVEN = ("hiroshi", "yui", "takeshi", "aoi", "kenji", "sakura", "daisuke",
         "haruka", "shota", "misaki", "yuto", "rina", "kazuki", "emi",
         "naoki", "yuka", "ryo", "mai", "sho", "nana", "tsubasa", "ayaka",
         "kenta", "miho", "yusuke", "chihiro", "taro", "hanako", "jun",
         "saki")
STAFF = ("tanaka", "suzuki", "watanabe", "ito", "yamamoto", "nakamura",
         "kobayashi", "kato")
MAIL_STAFF = STAFF + ("sato", "takahashi", "yoshida", "yamada", "sasaki",
                      "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi",
                      "shimizu", "mori", "abe", "ikeda", "hashimoto",
                      "ishikawa", "maeda", "ogawa", "okada", "murakami",
                      "aoki", "endo", "saito", "fujii")

UA_BROWSERS = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/125.0.0.0 Safari/537.36", 24),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/"
     "605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
     26),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/125.0.0.0 Mobile Safari/537.36", 14),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", 8),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0", 7),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 "
     "Firefox/126.0", 4),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/"
     "605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.6.0", 6),
    ("Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", 3),
    ("Mozilla/5.0 (Linux; Android 14; SO-51D Build/67.1.A.2.112; wv) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422."
     "147 Mobile Safari/537.36 Instagram 334.0.0.42.95", 3),
    ('Mozilla/5.0 (compatible; "Shop Price Watcher" 1.4; '
     '+https://pricewatch.example.net/bot)', 1),
    ('Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko', 1),
)
UA_APP = "ShopApp/3.2.1 (iPhone; iOS 17.5; Scale/3.00)"
CRAWLERS = (
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot."
     "html)", ("66.249.66.", "66.249.68.", "66.249.79.")),
    ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/"
     "537.36 (KHTML, like Gecko) Chrome/125.0.6422.141 Mobile Safari/537.36 "
     "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     ("66.249.66.", "66.249.70.")),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
     ("157.55.39.", "40.77.167.", "207.46.13.")),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; "
     "+http://www.apple.com/go/applebot)", ("17.241.219.", "17.241.75.")),
)
# first octets of the customers' (mostly Japanese ISP) addresses; none is
# private, reserved or a documentation range
V4_FIRST = (27, 36, 39, 42, 49, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113,
            114, 118, 119, 120, 121, 122, 123, 124, 125, 126, 133, 150, 153,
            157, 160, 175, 180, 182, 183, 210, 211, 218, 219, 220, 221, 222)
V6_PREFIX = ("240b:10", "240b:11", "2400:4051", "2400:2410", "2409:10",
             "2409:250", "240d:1a", "2001:268")
EXT_REFERERS = ("-", "-", "-", "https://www.google.com/",
                "https://www.google.co.jp/", "https://search.yahoo.co.jp/",
                "https://www.bing.com/", "https://www.instagram.com/",
                "https://t.co/", "https://line.me/")
SEARCH_WORDS = ("ワンピース", "スニーカー", "トートバッグ", "腕時計", "日傘",
                "ギフト", "タオル", "マグカップ", "リュック", "母の日")
CATEGORIES = ("ladies", "mens", "bags", "shoes", "kitchen", "gift", "outdoor",
              "sale")
LANDINGS = ("/lp/summer-sale", "/lp/gift-2025", "/lp/new-arrivals",
            "/campaign/fathers-day")
# the payment page's own script: its name carries a hash of its content,
# so a release changes the name; a skimmer added in place does not
CHECKOUT_JS = "/assets/js/checkout.4b2e9a.js"
CHECKOUT_JS_BYTES = 61234
SKIMMED_JS_BYTES = 64987
ASSETS = (("/assets/css/app.3f9c1e.css", 48213),
          ("/assets/js/app.8d1a77.js", 182331),
          ("/assets/js/vendor.c0ffee.js", 402113),
          ("/img/logo.svg", 5321),
          ("/assets/fonts/NotoSansJP-Regular.woff2", 1290460))
PROBE_PATHS = ("/.env", "/.git/config", "/.git/HEAD", "/wp-config.php.bak",
               "/backup.sql", "/phpinfo.php", "/.aws/credentials",
               "/config.php.bak", "/db.sql", "/dump.sql", "/backup.zip",
               "/site.tar.gz", "/.DS_Store", "/.htpasswd", "/server-status",
               "/.svn/entries", "/wp-login.php", "/xmlrpc.php",
               "/phpmyadmin/", "/admin/.env", "/api/.env", "/.env.bak",
               "/.env.production", "/config/database.yml", "/web.config",
               "/WEB-INF/web.xml", "/.vscode/sftp.json", "/storage/logs/"
               "laravel.log", "/_profiler/phpinfo", "/actuator/env",
               "/debug/default/view", "/.git/index", "/id_rsa", "/.ssh/id_rsa",
               "/database.sql.gz", "/info.php", "/test.php", "/adminer.php",
               "/wp-admin/install.php", "/.well-known/security.txt.bak")
SCANNER_PATHS = ("/.env", "/wp-login.php", "/xmlrpc.php", "/.git/HEAD",
                 "/wp-includes/wlwmanifest.xml", "/phpmyadmin/",
                 "/cgi-bin/luci/;stok=/locale")
SQLI_PAYLOADS = (
    "1%27", "1%27%20OR%20%271%27=%271", "1%27%20OR%201=1--%20-",
    "1%27%20AND%20SLEEP(5)--%20-", "1%22%20OR%20%221%22=%221",
    "-1%27%20UNION%20SELECT%20NULL--%20-",
    "-1%27%20UNION%20SELECT%20NULL,NULL--%20-",
    "-1%27%20UNION%20SELECT%20NULL,NULL,NULL--%20-",
    "-1%27%20UNION%20SELECT%201,version(),3--%20-",
    "-1%27%20UNION%20SELECT%201,table_name,3%20FROM%20information_schema."
    "tables--%20-",
    "-1%27%20UNION%20SELECT%201,column_name,3%20FROM%20information_schema."
    "columns%20WHERE%20table_name=%27members%27--%20-",
    "1%20AND%20(SELECT%201%20FROM%20(SELECT%20COUNT(*),CONCAT(version(),"
    "FLOOR(RAND(0)*2))x%20FROM%20information_schema.tables%20GROUP%20BY%20x)"
    "a)",
    "1%27;WAITFOR%20DELAY%20%270:0:5%27--",
    "%27%20OR%20%27%27=%27", "1)%20OR%20(1=1",
    "1%27%20ORDER%20BY%2010--%20-", "admin%27--",
    "1%25%27%20UNION%20ALL%20SELECT%20CONCAT(0x717a,login_id,0x3a,email)"
    "%20FROM%20members--%20-",
)
SQLI_DUMPS = (
    "-1%27%20UNION%20SELECT%201,CONCAT_WS(0x3a,member_id,name,email,tel,"
    "birth_date),3%20FROM%20members%20LIMIT%20{o},5000--%20-",
    "-1%27%20UNION%20SELECT%201,CONCAT_WS(0x3a,member_id,height,income,"
    "address),3%20FROM%20member_profiles%20LIMIT%20{o},5000--%20-",
)
TRAVERSAL = (
    "/download?file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/download?file=..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/download?file=....%2F%2F....%2F%2F....%2F%2Fetc%2Fpasswd",
    "/download?file=%252e%252e%252f%252e%252e%252f%252e%252e%252fetc%252f"
    "passwd",
    "/static/..%252f..%252f..%252f..%252fetc%252fpasswd",
    "/img/..%2F..%2F..%2Fetc%2Fshadow",
    "/download?file=..%5C..%5C..%5Cwindows%5Cwin.ini",
    "/download?file=..%2F..%2F..%2Fproc%2Fself%2Fenviron",
    "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/download?file=%2Fetc%2Fpasswd%00.jpg",
    "/download?file=..%2F..%2F..%2Fvar%2Fwww%2F.env",
    "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd",
    "/download?file=..%c0%af..%c0%af..%c0%afetc%c0%afpasswd",
    "/download?file=%252e%252e%252f%252e%252e%252fapp%252fconfig%252fdatabase"
    ".yml",
)
MAIL_EXT_DOMAINS = (("gmail.com", "gmail-smtp-in.l.google.com",
                     "142.250.157.27"),
                    ("yahoo.co.jp", "mx.mail.yahoo.co.jp", "183.79.57.113"),
                    ("docomo.ne.jp", "mfsmax.docomo.ne.jp", "203.138.180.112"),
                    ("ezweb.ne.jp", "lsean.ezweb.ne.jp", "27.86.113.3"),
                    ("i.softbank.jp", "mx.i.softbank.jp", "126.240.66.10"),
                    ("icloud.com", "mx01.mail.icloud.com", "17.57.154.33"),
                    ("outlook.jp", "outlook-jp.olc.protection.outlook.com",
                     "52.101.228.3"),
                    ("partner.example.com", "mx.partner.example.com",
                     "192.0.2.210"),
                    ("client-a.example.co.jp", "mail.client-a.example.co.jp",
                     "192.0.2.211"),
                    ("logi.example.net", "mx1.logi.example.net",
                     "192.0.2.212"))
MAIL_INBOUND = (("mail-pj1-f41.google.com", "209.85.216.41", "gmail.com"),
                ("mail-yw1-f178.google.com", "209.85.128.178", "gmail.com"),
                ("nsmtp1.mail.yahoo.co.jp", "182.22.12.25", "yahoo.co.jp"),
                ("mx.partner.example.com", "192.0.2.210",
                 "partner.example.com"),
                ("mail.client-a.example.co.jp", "192.0.2.211",
                 "client-a.example.co.jp"),
                ("a27-33.smtp-out.amazonses.com", "54.240.27.33",
                 "news.example.com"))


def _stable_seed(*parts):
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big")


def _weighted(items):
    """[(value, weight)] -> (values, cumulative weights) for _pick."""
    vals, cum, t = [], [], 0.0
    for v, w in items:
        t += w
        vals.append(v)
        cum.append(t)
    return vals, [c / t for c in cum]


def _pick(rnd, table):
    vals, cum = table
    return vals[bisect.bisect_left(cum, rnd())]


def _pct(s):
    return "".join(c if c.isascii() and (c.isalnum() or c in "-._~") else
                   "".join("%%%02X" % b for b in c.encode()) for c in s)


# ---------------------------------------------------------------------------
# time

class Clock:
    """Seconds relative to --start; formats the site's local time (the
    offset of --start) and UTC the way each log writes them."""

    def __init__(self, start, hours):
        d = _dt.datetime.fromisoformat(start)
        if d.tzinfo is None:
            d = d.replace(tzinfo=_dt.timezone(_dt.timedelta(hours=9)))
        self.start = int(d.timestamp())
        self.tz = int(d.utcoffset().total_seconds())
        self.hours = hours
        self.duration = int(hours * 3600)
        self.hms = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
                    for s in range(86400)]
        self._days = {}
        loc = self.start + self.tz
        self.midnight_rel = -(loc % 86400)  # local midnight, rel. to start
        sign = "+" if self.tz >= 0 else "-"
        a = abs(self.tz)
        self.tzs = "%s%02d%02d" % (sign, a // 3600, a // 60 % 60)

    def at(self, day, h, m=0, s=0):
        """Seconds from the start of local day `day` (0 = the start's)."""
        r = self.midnight_rel + day * 86400 + h * 3600 + m * 60 + s
        while r < 0:
            r += 86400
        return r

    def local_hour(self, rel):
        return (self.start + self.tz + rel) // 3600 % 24

    def local_day(self, rel):
        return (self.start + self.tz + rel) // 86400

    def iso(self, rel, utc=False):
        off = 0 if utc else self.tz
        tz = _dt.timezone(_dt.timedelta(seconds=off))
        return _dt.datetime.fromtimestamp(self.start + rel, tz).isoformat()

    def _day(self, dayno, kind):
        key = (dayno, kind)
        s = self._days.get(key)
        if s is None:
            d = _dt.date(1970, 1, 1) + _dt.timedelta(days=dayno)
            if kind == "clf":
                s = "%02d/%s/%04d:" % (d.day, MONTHS[d.month - 1], d.year)
            elif kind == "w3c":
                s = "%04d-%02d-%02d\t" % (d.year, d.month, d.day)
            else:  # syslog
                s = "%s %2d " % (MONTHS[d.month - 1], d.day)
            self._days[key] = s
        return s

    def stamp_fn(self, fmt):
        """rel seconds -> the time text the format writes."""
        start, tz, hms, day = self.start, self.tz, self.hms, self._day
        if fmt in ("combined", "nginx_cache"):
            suf = " " + self.tzs
            return lambda r: (day((start + tz + r) // 86400, "clf") +
                              hms[(start + tz + r) % 86400] + suf)
        if fmt == "s3":
            return lambda r: (day((start + r) // 86400, "clf") +
                              hms[(start + r) % 86400] + " +0000")
        if fmt == "cloudfront":
            return lambda r: (day((start + r) // 86400, "w3c") +
                              hms[(start + r) % 86400])
        return lambda r: (day((start + tz + r) // 86400, "syslog") +
                          hms[(start + tz + r) % 86400])


# relative traffic by local hour (web shop: lunch and evening peaks)
WEB_HOURLY = (0.55, 0.35, 0.25, 0.2, 0.2, 0.25, 0.4, 0.6, 0.8, 0.95, 1.0,
              1.05, 1.25, 1.1, 1.0, 1.0, 1.0, 1.0, 1.05, 1.2, 1.35, 1.45, 1.3,
              0.9)
MAIL_HOURLY = (0.12, 0.08, 0.06, 0.06, 0.06, 0.08, 0.12, 0.3, 0.9, 1.4, 1.5,
               1.4, 0.9, 1.3, 1.4, 1.4, 1.3, 1.2, 0.9, 0.5, 0.35, 0.3, 0.25,
               0.18)
S3_HOURLY = (0.6, 0.5, 1.4, 1.2, 0.5, 0.4, 0.5, 0.6, 0.8, 1.0, 1.1, 1.1, 1.2,
             1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.2, 1.1, 0.8)


def schedule(clock, hourly, total, rnd):
    """Per-second line counts: [(rel_second, k)] with k > 0, summing to
    `total`, following the hourly profile with some jitter."""
    nh = (clock.duration + 3599) // 3600
    w = []
    for h in range(nh):
        span = min(3600, clock.duration - h * 3600)
        w.append(hourly[clock.local_hour(h * 3600)] * span / 3600.0 *
                 (0.85 + 0.3 * rnd()))
    tw = sum(w) or 1.0
    # per-hour counts by largest remainder
    raw = [total * x / tw for x in w]
    cnt = [int(x) for x in raw]
    rest = total - sum(cnt)
    order = sorted(range(nh), key=lambda i: (cnt[i] - raw[i], i))
    for i in order[:rest]:
        cnt[i] += 1
    out = []
    app = out.append
    for h in range(nh):
        c = cnt[h]
        if not c:
            continue
        base = h * 3600
        span = min(3600, clock.duration - base)
        xs = [0.4 + rnd() for _ in range(span)]
        tx = sum(xs)
        acc = 0.0
        prev = 0
        for j in range(span):
            acc += xs[j]
            cur = int(c * acc / tx + 1e-9)
            if j == span - 1:
                cur = c
            if cur > prev:
                app((base + j, cur - prev))
                prev = cur
    return out


# ---------------------------------------------------------------------------
# populations

class World:
    def __init__(self, seed, nlines, clock):
        self.seed = seed
        self.clock = clock
        r = random.Random(_stable_seed(seed, "world"))
        rnd = r.random
        per_day = nlines * 86400.0 / max(clock.duration, 3600)
        self.nusers = max(300, min(150000, int(per_day // 50)))
        self.nanon = max(500, min(300000, int(per_day // 12)))
        nu = self.nusers
        S, G = len(SURNAMES), len(GIVEN)
        names = []
        for u in range(nu):
            k = u * 7 % nu if nu % 7 else u
            n, rem = divmod(k, S * G)
            g, s = divmod(rem, S)
            sep = "_" if (u * 13) % 3 == 0 else "."
            names.append("%s%s%s%s" % (SURNAMES[s], sep, GIVEN[g],
                                       n + 1 if n else ""))
        self.user_name = names
        self.user_ip = [self._ip(r) for _ in range(nu)]
        self.ua_table = _weighted(UA_BROWSERS)
        self.user_ua = [_pick(rnd, self.ua_table) for _ in range(nu)]
        self.user_norders = [1 + int(rnd() * rnd() * 6) for _ in range(nu)]
        self.anon_ip = [self._ip(r) for _ in range(self.nanon)]
        self.anon_ua = [_pick(rnd, self.ua_table) for _ in range(self.nanon)]
        # orders: user u owns ids ORDER0 + perm(u*6 + k), k < norders
        self.order_mod = nu * 6
        p = 1_000_003
        while self.order_mod % p == 0:
            p += 2
        self.order_mul = p
        # products, with a skewed popularity
        self.products = list(range(10001, 10001 + 6000))
        self.popular = [10001 + int(6000 * (rnd() ** 2.2)) for _ in range(4096)]
        self.gclids = ["Cj0KCQjw" + "".join(
            r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789-_") for _ in range(64)) + "_BwE"
            for _ in range(512)]
        self.yclids = ["YSS.%d.EAIaIQobChMI%s" % (
            1000000000 + int(rnd() * 8999999999), "".join(
                r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789") for _ in range(40)))
            for _ in range(512)]
        self.searches = ["/search?q=" + _pct(w) for w in SEARCH_WORDS]
        self._sid = {}
        self.staff_home = {s: self._ip(r, v6=False) for s in STAFF}
        self.staff_vpn = {s: "10.8.0.%d" % (11 + i) for i, s in
                          enumerate(STAFF)}
        self.crawler_cursor = [10001 + int(rnd() * 6000) for _ in CRAWLERS]

    @staticmethod
    def _ip(r, v6=None):
        if v6 is None:
            v6 = r.random() < 0.1
        x = r.getrandbits(32)
        if v6:
            y = r.getrandbits(64)
            return "%s:%x:%x:%x:%x:%x:%x" % (
                V6_PREFIX[x % len(V6_PREFIX)], 0x100 + (x >> 8) % 0xfe00,
                0x1000 + (y & 0xffff) % 0xf000, 1 + (y >> 16 & 0xffff),
                1 + (y >> 32 & 0xfffe), 1 + (y >> 48), 1 + (x >> 20))
        return "%d.%d.%d.%d" % (V4_FIRST[x % 41], (x >> 6) & 255,
                                (x >> 14) & 255, 1 + (x >> 22) % 254)

    def sid(self, who, day):
        k = (who, day)
        s = self._sid.get(k)
        if s is None:
            s = hashlib.blake2b(("%d:%s:%d" % (self.seed, who, day)).encode(),
                                digest_size=16).hexdigest()
            self._sid[k] = s
        return s

    def orders(self, u):
        return [1000000 + ((u * 6 + k) * self.order_mul) % self.order_mod
                for k in range(self.user_norders[u])]

    @staticmethod
    def mypage_bytes(u):
        return 9000 + (u * 131) % 3000

    @staticmethod
    def private_bytes(path, u):
        if path == "/mypage":
            return 9000 + (u * 131) % 3000
        if path == "/mypage/cards":
            return 5200 + (u * 17) % 600
        if path == "/mypage/address":
            return 6100 + (u * 29) % 900
        return 7000 + (u * 7) % 2000


def product_bytes(pid):
    return 18000 + (pid * 7919) % 9000


def order_bytes(oid):
    return 6000 + oid % 2500


# ---------------------------------------------------------------------------
# web requests and their rendering
#
# An actor is (ip, user, sid, ua, proto); a request is
# (method, path_and_query, status, bytes, referer, cache) where cache is
# HIT, MISS, BYPASS, EXPIRED, REFRESH or "-" (not cacheable). A request
# whose cache is "LATE" is decided when written (the cache-leak scenario's
# shared cache); it then carries (path, owner user index) in its bytes.

CF_EDGES = ("NRT57-P1", "NRT57-P2", "NRT20-C1", "NRT12-C3", "KIX56-P1",
            "KIX50-C2")


class WebRenderer:
    def __init__(self, fmt, seed):
        self.fmt = fmt
        self.counter = 0
        r = random.Random(_stable_seed(seed, "cf-ids"))
        al = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
              "_-")
        self.idpfx = ["".join(r.choice(al) for _ in range(44))
                      for _ in range(997)]

    def head(self, actor):
        if self.fmt == "cloudfront":
            return ""
        return "%s - %s [" % (actor[0], actor[1] or "-")

    def tails(self, actor, reqs):
        f = self.fmt
        if f == "combined":
            ua = actor[3].replace('"', '\\"')
            pr = actor[4]
            return [r if r[5] == "LATE" else
                    '] "%s %s %s" %d %s "%s" "%s"\n' % (
                        r[0], r[1], pr, r[2], r[3] if r[3] else "-", r[4], ua)
                    for r in reqs]
        if f == "nginx_cache":
            ua = actor[3].replace('"', "\\x22")
            pr = actor[4]
            sid = actor[2] or "-"
            return [r if r[5] == "LATE" else
                    '] "%s %s %s" %d %d "%s" "%s" %s "%s"\n' % (
                        r[0], r[1], pr, r[2], r[3], r[4], ua, r[5], sid)
                    for r in reqs]
        return [r if r[5] == "LATE" else self.cf_tail(actor, r)
                for r in reqs]

    def cf_tail(self, actor, r, result=None):
        ip, user, sid, ua, pr = actor
        self.counter += 1
        c = self.counter
        method, pq, status, nbytes, ref, cache = r
        q = pq.find("?")
        stem, query = (pq, "-") if q < 0 else (pq[:q], pq[q + 1:])
        if result is None:
            if status >= 400:
                result = "Error"
            elif cache == "HIT":
                result = "Hit"
            elif cache == "REFRESH":
                result = "RefreshHit"
            elif status in (301, 302):
                result = "Redirect" if cache == "HIT" else "Miss"
            else:
                result = "Miss"
        hdr = 380 + (len(stem) & 63)
        ctype = ("text/html;charset=UTF-8" if "." not in stem[-6:] else
                 "text/css" if stem.endswith(".css") else
                 "application/javascript" if stem.endswith(".js") else
                 "image/jpeg" if stem.endswith(".jpg") else
                 "text/csv" if stem.endswith(".csv") else
                 "application/json" if stem.startswith("/api/") else
                 "application/octet-stream")
        cookie = "-" if not sid else "_ga=GA1.1.%d.1718%06d;%%20sid=%s" % (
            100000000 + (c * 7919) % 899999999, c % 1000000, sid)
        tt = "0.%03d" % (1 + c % 7) if result in ("Hit", "RefreshHit") else \
            "0.%03d" % (40 + (c * 37) % 400)
        return ("\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s%04X==\t"
                "%s\thttps\t%d\t%s\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\t%s\t"
                "%s\t-\t-\t%d\t%s\t%s\t%s\t%d\t-\t-\n") % (
            CF_EDGES[c % 6], nbytes + hdr, ip, method, CF_HOST, stem, status,
            ref.replace(" ", "%20") if ref != "-" else "-",
            ua.replace(" ", "%20").replace('"', "%22"), query, cookie, result,
            self.idpfx[c % 997], c & 0xFFFF, SHOP,
            120 + len(pq) + (0 if cookie == "-" else len(cookie)), tt, result,
            "HTTP/2.0" if pr == "HTTP/2.0" else "HTTP/1.1",
            1024 + (c * 7877) % 64000, tt, result, ctype, nbytes)

    def late(self, actor, req, status_word, nbytes):
        """Renders a LATE request once its cache result is known."""
        r = (req[0], req[1], req[2], nbytes, req[4], status_word)
        f = self.fmt
        if f == "combined":
            return '] "%s %s %s" %d %d "%s" "%s"\n' % (
                r[0], r[1], actor[4], r[2], nbytes, r[4],
                actor[3].replace('"', '\\"'))
        if f == "nginx_cache":
            return '] "%s %s %s" %d %d "%s" "%s" %s "%s"\n' % (
                r[0], r[1], actor[4], r[2], nbytes, r[4],
                actor[3].replace('"', "\\x22"), status_word, actor[2] or "-")
        return self.cf_tail(actor, r)


class CacheSim:
    """The cache-leak scenario's misconfigured cache: between on and off,
    private pages are cached per URL (not per user) for ttl seconds; the
    first request after expiry (the data subject) fills it and everyone
    after that is served the subject's page."""

    def __init__(self, on, off, ttl):
        self.on, self.off, self.ttl = on, off, ttl
        self.entries = {}
        self.first = self.last = None
        self.hits = 0
        self.viewers_ip = {}
        self.viewers_user = {}
        self.subjects_ip = {}
        self.subjects_user = {}
        self.paths = {}

    def decide(self, sec, path, owner, owner_name, ip, cf):
        own = World.private_bytes(path, owner)
        if not (self.on <= sec <= self.off):
            return ("Miss" if cf else "BYPASS"), own
        e = self.entries.get(path)
        if e is not None and sec < e[0] and e[2] != owner:
            self.hits += 1
            if self.first is None:
                self.first = sec
            self.last = sec
            self.viewers_ip[ip] = 1
            if owner_name:
                self.viewers_user[owner_name] = 1
            self.paths[path] = 1
            if cf:
                return ("RefreshHit" if self.hits % 5 == 0 else "Hit"), e[1]
            return "HIT", e[1]
        if e is not None and sec < e[0]:
            return ("Hit" if cf else "HIT"), e[1]
        self.entries[path] = (sec + self.ttl, own, owner)
        self.subjects_ip[ip] = 1
        if owner_name:
            self.subjects_user[owner_name] = 1
        return ("Miss" if cf else "MISS"), own


# ---------------------------------------------------------------------------
# background web traffic

class WebBackground:
    def __init__(self, world, rend, seed, cache=None, skim_at=None):
        self.w = world
        self.rend = rend
        self.cache = cache
        self.skim_at = skim_at
        self.r = random.Random(_stable_seed(seed, "web-bg"))
        self.rnd = self.r.random
        self.kinds = _weighted((("anon", 40), ("user", 30), ("crawler", 4),
                                ("ad", 8), ("app", 9), ("staff", 1.2),
                                ("contact", 1.5), ("noise404", 1.0),
                                ("scanner", 0.05), ("upload_img", 1.5)))
        self.reuse = rend.fmt != "cloudfront"
        self.pool = []
        self.npool = self.pooli = 0

    def actor_user(self, u, sec, with_user=True):
        w = self.w
        day = self.w.clock.local_day(sec)
        fmt = self.rend.fmt
        user = w.user_name[u] if (with_user and fmt == "combined") else None
        return (w.user_ip[u], user, w.sid(u, day), w.user_ua[u],
                "HTTP/2.0" if (u & 3) else "HTTP/1.1")

    POOL = 4096

    def visit(self, sec):
        rnd = self.rnd
        # combined/nginx_cache at volume: three visits in four are replays
        # of one of the last POOL visits (the same actor doing the same
        # again within the half hour or so); CloudFront is always fresh
        # (its request ids must stay unique)
        if self.reuse and self.npool == self.POOL and rnd() < 0.75:
            v = self.pool[int(rnd() * self.POOL)]
            return [v[0], v[1], 0]
        k = _pick(rnd, self.kinds)
        if k == "staff" and not (9 <= self.w.clock.local_hour(sec) < 19):
            k = "anon"
        head, tails = getattr(self, "v_" + k)(sec)
        if self.reuse and k != "staff":
            if self.npool < self.POOL:
                self.pool.append((head, tails))
                self.npool += 1
            else:
                self.pool[self.pooli] = (head, tails)
                self.pooli = (self.pooli + 1) % self.POOL
        return [head, tails, 0]

    # helpers -------------------------------------------------------------
    def page_assets(self, reqs, ref, pid=None):
        rnd = self.rnd
        if rnd() < 0.55:
            n = 1 + int(rnd() * 3)
            for a, b in ASSETS[:n]:
                reqs.append(("GET", a, 200, b, ref, "HIT"))
        if pid is not None and rnd() < 0.7:
            reqs.append(("GET", "/img/products/%d_1.jpg" % pid, 200,
                         40000 + (pid * 31) % 60000, ref, "HIT"))
        if rnd() < 0.06:
            reqs.append(("GET", "/favicon.ico", 404, 153, ref, "MISS"))
        if rnd() < 0.03:
            reqs.append(("GET", "/apple-touch-icon-precomposed.png", 404, 153,
                         "-", "MISS"))

    def browse(self, reqs, ref, n):
        rnd, pop = self.rnd, self.w.popular
        for _ in range(n):
            x = rnd()
            if x < 0.72:
                pid = pop[int(rnd() * 4096)]
                p = "/products/%d" % pid
                st = 200 if rnd() > 0.01 else 404
                reqs.append(("GET", p, st, product_bytes(pid) if st == 200
                             else 2311, ref,
                             "HIT" if rnd() < 0.7 else "MISS"))
                self.page_assets(reqs, "https://%s%s" % (SHOP, p), pid)
            elif x < 0.9:
                c = CATEGORIES[int(rnd() * 8)]
                pg = 1 + int(rnd() * rnd() * 8)
                p = "/category/%s" % c if pg == 1 else \
                    "/category/%s?page=%d" % (c, pg)
                reqs.append(("GET", p, 200, 31000 + pg * 977, ref,
                             "HIT" if rnd() < 0.6 else "EXPIRED"))
            else:
                p = self.w.searches[int(rnd() * len(self.w.searches))]
                reqs.append(("GET", p, 200, 27000 + len(p) * 13, ref, "MISS"))
            ref = "https://%s%s" % (SHOP, p)
        return ref

    # visit kinds ---------------------------------------------------------
    def v_anon(self, sec):
        rnd, w = self.rnd, self.w
        a = int(rnd() * w.nanon)
        actor = (w.anon_ip[a], None, None, w.anon_ua[a],
                 "HTTP/2.0" if a & 1 else "HTTP/1.1")
        reqs = []
        ref = EXT_REFERERS[int(rnd() * len(EXT_REFERERS))]
        if rnd() < 0.3:
            reqs.append(("GET", "/", 200, 24811, ref, "HIT"))
            self.page_assets(reqs, "https://%s/" % SHOP)
            ref = "https://%s/" % SHOP
        self.browse(reqs, ref, 1 + int(rnd() * rnd() * 7))
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_ad(self, sec):
        rnd, w = self.rnd, self.w
        a = int(rnd() * w.nanon)
        actor = (w.anon_ip[a], None, None, w.anon_ua[a], "HTTP/2.0")
        lp = LANDINGS[int(rnd() * len(LANDINGS))]
        if rnd() < 0.6:
            q = "gclid=%s&utm_source=google&utm_medium=cpc" % \
                w.gclids[int(rnd() * 512)]
            ref = "https://www.google.com/"
        else:
            q = "yclid=%s" % w.yclids[int(rnd() * 512)]
            ref = "https://search.yahoo.co.jp/"
        reqs = [("GET", "%s?%s" % (lp, q), 200, 35120, ref, "HIT")]
        self.page_assets(reqs, "https://%s%s" % (SHOP, lp))
        self.browse(reqs, "https://%s%s" % (SHOP, lp), int(rnd() * 4))
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_crawler(self, sec):
        rnd, w = self.rnd, self.w
        c = int(rnd() * len(CRAWLERS))
        ua, nets = CRAWLERS[c]
        ip = "%s%d" % (nets[int(rnd() * len(nets))], 1 + int(rnd() * 250))
        actor = (ip, None, None, ua, "HTTP/1.1")
        reqs = []
        if rnd() < 0.15:
            reqs.append(("GET", "/robots.txt", 200, 412, "-", "HIT"))
        if rnd() < 0.05:
            reqs.append(("GET", "/sitemap.xml", 200, 812331, "-", "HIT"))
        cur = w.crawler_cursor[c]
        for _ in range(10 + int(rnd() * 30)):
            cur += 1 + int(rnd() * 2.5)
            if cur > 16000:
                cur = 10001
            st = 200 if rnd() > 0.04 else (404 if rnd() < 0.7 else 301)
            reqs.append(("GET", "/products/%d" % cur, st,
                         product_bytes(cur) if st == 200 else
                         (2311 if st == 404 else 0), "-",
                         "HIT" if rnd() < 0.4 else "MISS"))
        w.crawler_cursor[c] = cur
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_user(self, sec, u=None):
        rnd, w = self.rnd, self.w
        if u is None:
            u = int((rnd() ** 1.6) * w.nusers)
        actor = self.actor_user(u, sec)
        anon = (actor[0], None, None, actor[3], actor[4])
        name = w.user_name[u]
        fmt = self.rend.fmt
        pre = []  # before login: no user, no session
        reqs = []
        home = "https://%s/" % SHOP
        if rnd() < 0.35:
            pre.append(("GET", "/login", 200, 8122, home, "BYPASS"))
            if rnd() < 0.06:
                fail_actor = (actor[0], name if fmt == "combined" else None,
                              None, actor[3], actor[4])
                pre_fail = [("POST", "/login", 401, 8240,
                             "https://%s/login" % SHOP, "-")]
            else:
                pre_fail = None
            reqs.append(("POST", "/login", 302, 0,
                         "https://%s/login" % SHOP, "-"))
        else:
            pre_fail = None
        lazy = self.cache is not None
        reqs.append(("GET", "/mypage", 200, w.private_bytes("/mypage", u),
                     home, "LATE" if lazy else "BYPASS"))
        reqs.append(("GET", "/api/me", 200, 540 + (u * 37) % 420,
                     "https://%s/mypage" % SHOP, "BYPASS"))
        if rnd() < 0.5:
            reqs.append(("GET", "/mypage/orders", 200,
                         7000 + 900 * w.user_norders[u] + (u * 53) % 800,
                         "https://%s/mypage" % SHOP, "BYPASS"))
            for oid in w.orders(u)[:1 + int(rnd() * 2)]:
                reqs.append(("GET", "/mypage/orders/%d" % oid, 200,
                             order_bytes(oid),
                             "https://%s/mypage/orders" % SHOP, "BYPASS"))
        for p, pr in (("/mypage/cards", 0.22), ("/mypage/address", 0.12)):
            if rnd() < pr:
                reqs.append(("GET", p, 200, w.private_bytes(p, u),
                             "https://%s/mypage" % SHOP,
                             "LATE" if lazy else "BYPASS"))
        ref = self.browse(reqs, "https://%s/mypage" % SHOP,
                          int(rnd() * 4))
        if rnd() < 0.25:
            reqs.append(("POST", "/cart/add", 302, 0, ref, "-"))
            reqs.append(("GET", "/cart", 200, 15400, ref, "BYPASS"))
            if rnd() < 0.4:
                skimmed = self.skim_at is not None and sec >= self.skim_at
                reqs.append(("GET", CHECKOUT_JS, 200,
                             SKIMMED_JS_BYTES if skimmed else
                             CHECKOUT_JS_BYTES,
                             "https://%s/cart" % SHOP, "HIT"))
                reqs.append(("POST", "/checkout", 302, 0,
                             "https://%s/cart" % SHOP, "-"))
                reqs.append(("GET", "/checkout/complete", 200, 9100,
                             "https://%s/cart" % SHOP, "BYPASS"))
        if rnd() < 0.1:
            reqs.append(("POST", "/logout", 302, 0,
                         "https://%s/mypage" % SHOP, "-"))
        if lazy:
            reqs = [r if r[5] != "LATE" else
                    (r[0], r[1], r[2], (r[1], u, name, actor), r[4], "LATE")
                    for r in reqs]
        tails = []
        h = self.rend.head(actor)
        if pre or pre_fail:
            # the whole visit under one head: pre-login lines keep the
            # user's address, with no user and no session
            t0 = self.rend.tails(anon, pre)
            t1 = self.rend.tails(fail_actor, pre_fail) if pre_fail else []
            if fmt == "cloudfront":
                tails = t0 + t1
            else:
                # heads differ: splice the head into the tail text
                tails = [self._rehead(anon, h, t) for t in t0] + \
                        [self._rehead(fail_actor, h, t) for t in t1]
        tails += self.rend.tails(actor, reqs)
        return h, tails

    def _rehead(self, actor, h, tail):
        """A tail for a line whose head differs from the visit's head h:
        returned as a LATE marker the writer expands."""
        return ("HEAD", self.rend.head(actor), tail)

    def v_app(self, sec):
        rnd, w = self.rnd, self.w
        u = int((rnd() ** 1.6) * w.nusers)
        ip, user, sid, _, _ = self.actor_user(u, sec, with_user=False)
        actor = (ip, None, sid if rnd() < 0.7 else None, UA_APP, "HTTP/2.0")
        reqs = []
        for _ in range(1 + int(rnd() * 6)):
            if rnd() < 0.5:
                c = CATEGORIES[int(rnd() * 8)]
                pg = 1 + int(rnd() * 4)
                reqs.append(("GET", "/api/v1/products?category=%s&page=%d" %
                             (c, pg), 200, 14000 + pg * 311, "-", "HIT"))
            else:
                pid = w.popular[int(rnd() * 4096)]
                reqs.append(("GET", "/api/v1/products/%d" % pid, 200,
                             2100 + pid % 900, "-", "HIT"))
        if actor[2]:
            reqs.append(("GET", "/api/me", 200, 540 + (u * 37) % 420, "-", "BYPASS"))
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_staff(self, sec):
        rnd, w = self.rnd, self.w
        s = STAFF[int(rnd() * len(STAFF))]
        ip = OFFICE_NAT if rnd() < 0.8 else w.staff_vpn[s]
        actor = (ip, s, w.sid("staff:" + s, w.clock.local_day(sec)),
                 UA_BROWSERS[0][0], "HTTP/2.0")
        reqs = [("GET", "/admin/", 200, 14200, "-", "BYPASS")]
        for _ in range(1 + int(rnd() * 6)):
            x = rnd()
            if x < 0.45:
                reqs.append(("GET", "/admin/orders?page=%d" %
                             (1 + int(rnd() * 5)), 200, 41000, "https://%s"
                             "/admin/" % SHOP, "BYPASS"))
            elif x < 0.8:
                oid = 1000000 + int(rnd() * w.order_mod)
                reqs.append(("GET", "/admin/orders/%d" % oid, 200,
                             order_bytes(oid) + 4000, "https://%s/admin/"
                             "orders" % SHOP, "BYPASS"))
            else:
                pid = w.popular[int(rnd() * 4096)]
                reqs.append(("GET", "/admin/products/%d/edit" % pid, 200,
                             22000, "https://%s/admin/" % SHOP, "BYPASS"))
                if rnd() < 0.5:
                    reqs.append(("POST", "/admin/products/%d" % pid, 302, 0,
                                 "https://%s/admin/products/%d/edit" %
                                 (SHOP, pid), "-"))
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_contact(self, sec):
        rnd, w = self.rnd, self.w
        a = int(rnd() * w.nanon)
        actor = (w.anon_ip[a], None, None, w.anon_ua[a], "HTTP/1.1")
        reqs = [("GET", "/contact.php", 200, 11200, "https://%s/" % SHOP,
                 "BYPASS")]
        if rnd() < 0.6:
            reqs.append(("POST", "/contact.php", 200, 6300,
                         "https://%s/contact.php" % SHOP, "-"))
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_noise404(self, sec):
        rnd, w = self.rnd, self.w
        a = int(rnd() * w.nanon)
        actor = (w.anon_ip[a], None, None, w.anon_ua[a], "HTTP/1.1")
        p = ("/favicon.ico", "/apple-touch-icon.png",
             "/.well-known/traffic-advice", "/ads.txt",
             "/products/99999", "/sale2023/")[int(rnd() * 6)]
        reqs = [("GET", p, 404, 153 if "." in p else 2311, "-", "MISS")]
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_scanner(self, sec):
        """The internet's background noise: one probe from a fresh IP."""
        rnd = self.rnd
        ip = "%d.%d.%d.%d" % ((45, 185, 194, 92, 176, 193)[int(rnd() * 6)],
                              int(rnd() * 256), int(rnd() * 256),
                              1 + int(rnd() * 253))
        ua = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36")
        actor = (ip, None, None, ua, "HTTP/1.1")
        p = SCANNER_PATHS[int(rnd() * len(SCANNER_PATHS))]
        reqs = [("GET", p, 404, 153, "-", "MISS")]
        return self.rend.head(actor), self.rend.tails(actor, reqs)

    def v_upload_img(self, sec):
        """Review photos under /uploads/img/ (so the folder is not new)."""
        rnd, w = self.rnd, self.w
        a = int(rnd() * w.nanon)
        actor = (w.anon_ip[a], None, None, w.anon_ua[a], "HTTP/2.0")
        pid = w.popular[int(rnd() * 4096)]
        reqs = [("GET", "/uploads/img/review_%d_%d.jpg" % (pid, 1 + int(
            rnd() * 9)), 200, 61000 + pid % 40000,
            "https://%s/products/%d" % (SHOP, pid), "HIT")]
        return self.rend.head(actor), self.rend.tails(actor, reqs)


# ---------------------------------------------------------------------------
# background S3 traffic

S3_OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
S3_ACCOUNT = "123456789012"


class S3Renderer:
    def __init__(self, seed):
        r = random.Random(_stable_seed(seed, "s3-ids"))
        al = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
              "+/")
        self.hostids = ["".join(r.choice(al) for _ in range(72)) + "="
                        for _ in range(509)]
        self.counter = r.randrange(1 << 40)

    def line(self, bucket, ip, requester, op, key, uri, status, err, nbytes,
             objsize, ref, ua, auth):
        """(head, tail) of one S3 access log line."""
        self.counter += 1
        c = self.counter
        rid = "%016X" % ((c * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
        method = op.split(".")[1]
        anon = requester == "-"
        tail = ('] %s %s %s %s %s "%s %s HTTP/1.1" %d %s %s %s %d %s "%s" '
                '"%s" - %s %s %s %s %s.s3.ap-northeast-1.amazonaws.com %s - '
                '%s\n') % (
            ip, requester, rid, op, key, method, uri, status, err,
            nbytes if nbytes else "-", objsize if objsize else "-",
            5 + c % 60 + (nbytes >> 16), "%d" % (3 + c % 20) if status < 400
            else "-", ref, ua.replace('"', '\\"'), self.hostids[c % 509],
            "-" if anon else "SigV4",
            "TLS_AES_128_GCM_SHA256", "-" if anon else auth, bucket,
            "TLSv1.3", "-" if anon else "Yes")
        return "%s %s [" % (S3_OWNER, bucket), tail


class S3Background:
    def __init__(self, world, rend, seed):
        self.w = world
        self.rend = rend
        self.r = random.Random(_stable_seed(seed, "s3-bg"))
        self.rnd = self.r.random
        self.kinds = _weighted((("static", 70), ("etl", 8), ("console", 3),
                                ("partner", 1.0), ("logs", 10),
                                ("app", 8)))

    def visit(self, sec):
        k = _pick(self.rnd, self.kinds)
        lines = getattr(self, "v_" + k)(sec)
        # every S3 line has its own head (bucket): heads go into the tails
        return ["", [("HEAD", h, t) for h, t in lines], 0]

    def v_static(self, sec):
        rnd, w = self.rnd, self.w
        a = int(rnd() * w.nanon)
        ip, ua = w.anon_ip[a], w.anon_ua[a]
        out = []
        for _ in range(1 + int(rnd() * 5)):
            pid = w.popular[int(rnd() * 4096)]
            key = "img/products/%d_%d.jpg" % (pid, 1 + int(rnd() * 3))
            if rnd() < 0.15:
                out.append(self.rend.line(
                    "shop-static-assets", ip, "-", "REST.GET.OBJECT", key,
                    "/" + key, 304, "-", 0, 40000 + pid % 60000,
                    "https://%s/products/%d" % (SHOP, pid), ua, ""))
            else:
                sz = 40000 + (pid * 31) % 60000
                out.append(self.rend.line(
                    "shop-static-assets", ip, "-", "REST.GET.OBJECT", key,
                    "/" + key, 200, "-", sz, sz,
                    "https://%s/products/%d" % (SHOP, pid), ua, ""))
        return out

    def v_etl(self, sec):
        rnd, w = self.rnd, self.w
        d = _dt.date(1970, 1, 1) + _dt.timedelta(
            days=w.clock.local_day(sec))
        req = "arn:aws:sts::%s:assumed-role/etl-job/i-0a1b2c3d4e5f6%04x" % (
            S3_ACCOUNT, int(rnd() * 65535))
        ip = "10.20.%d.%d" % (1 + int(rnd() * 3), 10 + int(rnd() * 200))
        ua = ("aws-sdk-java/2.25.60 Linux/5.10.217 OpenJDK_64-Bit_Server_VM"
              "/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync "
              "http/Apache cfg/retry-mode/legacy")
        out = [self.rend.line("etl-share", ip, req, "REST.GET.BUCKET", "-",
                              "/?list-type=2&prefix=in%%2F%s%%2F" % d, 200,
                              "-", 1432, 0, "-", ua, "AuthHeader")]
        for i in range(2 + int(rnd() * 12)):
            key = "in/%s/part-%05d.csv.gz" % (d, int(rnd() * 2000))
            sz = 200000 + int(rnd() * 3000000)
            if rnd() < 0.5:
                out.append(self.rend.line("etl-share", ip, req,
                                          "REST.PUT.OBJECT", key, "/" + key,
                                          200, "-", 0, sz, "-", ua,
                                          "AuthHeader"))
            else:
                out.append(self.rend.line("etl-share", ip, req,
                                          "REST.GET.OBJECT", key, "/" + key,
                                          200, "-", sz, sz, "-", ua,
                                          "AuthHeader"))
        return out

    def v_console(self, sec):
        rnd = self.rnd
        s = STAFF[int(rnd() * len(STAFF))]
        req = "arn:aws:iam::%s:user/%s" % (S3_ACCOUNT, s)
        ua = ("S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 "
              "Linux/5.10.217 OpenJDK_64-Bit_Server_VM/25.372-b08 "
              "java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/"
              "standard")
        out = [self.rend.line("etl-share", OFFICE_NAT, req, "REST.GET.BUCKET",
                              "-", "/?list-type=2&delimiter=%2F&prefix="
                              "reports%2F", 200, "-", 2211, 0, "-", ua,
                              "AuthHeader")]
        out.append(self.rend.line("etl-share", OFFICE_NAT, req,
                                  "REST.GET.OBJECT", "reports/weekly.xlsx",
                                  "/reports/weekly.xlsx", 200, "-", 88120,
                                  88120, "-", ua, "QueryString"))
        return out

    def v_partner(self, sec):
        """An authenticated partner reads the monthly shared folder."""
        rnd = self.rnd
        req = "arn:aws:sts::210987654321:assumed-role/partner-read/batch"
        ip = "192.0.2.%d" % (220 + int(rnd() * 4))
        ua = "aws-cli/2.15.58 Python/3.11.8 Linux/6.1.0 botocore/2.4.5"
        key = "shared/2025-06/stock_%02d.csv" % (1 + int(rnd() * 28))
        return [self.rend.line("etl-share", ip, req, "REST.GET.OBJECT", key,
                               "/" + key, 200, "-", 51200, 51200, "-", ua,
                               "AuthHeader")]

    def v_logs(self, sec):
        rnd = self.rnd
        out = []
        for _ in range(1 + int(rnd() * 3)):
            key = "cloudfront/E2QWRUHEXAMPLE.%d.%08x.gz" % (
                self.w.clock.start + sec, int(rnd() * 0xffffffff))
            sz = 2000 + int(rnd() * 90000)
            out.append(self.rend.line(
                "shop-logs", "10.20.9.%d" % (1 + int(rnd() * 50)),
                "arn:aws:iam::%s:role/cloudfront-logger" % S3_ACCOUNT,
                "REST.PUT.OBJECT", key, "/" + key, 200, "-", 0, sz, "-",
                "aws-internal/3", "AuthHeader"))
        return out

    def v_app(self, sec):
        rnd, w = self.rnd, self.w
        req = "arn:aws:sts::%s:assumed-role/shop-web/i-0f9e8d7c6b5a4%04x" % (
            S3_ACCOUNT, int(rnd() * 40))
        ip = "10.20.4.%d" % (10 + int(rnd() * 40))
        ua = "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.3 md/GOOS#linux"
        pid = w.popular[int(rnd() * 4096)]
        key = "reviews/%d/%d.jpg" % (pid, int(rnd() * 50))
        op = "REST.PUT.OBJECT" if rnd() < 0.3 else "REST.HEAD.OBJECT"
        return [self.rend.line("shop-uploads", ip, req, op, key, "/" + key,
                               200, "-", 0, 60000 + pid % 30000, "-", ua,
                               "AuthHeader")]


# ---------------------------------------------------------------------------
# background postfix traffic

class Mail:
    """Renders postfix maillog lines (tails: the time is the head)."""

    def __init__(self, world, seed):
        self.w = world
        r = random.Random(_stable_seed(seed, "mail"))
        self.r = r
        self.rnd = r.random
        self.qn = r.randrange(1 << 30)
        self.staff_ip = {s: "10.0.1.%d" % (10 + i) for i, s in
                         enumerate(MAIL_STAFF)}
        self.pid = 20000 + int(self.rnd() * 10000)

    def qid(self):
        self.qn += 1
        return "%010X" % ((self.qn * 0x9E3779B1) & 0xFFFFFFFFFF)

    def npid(self):
        self.pid += 1 + int(self.rnd() * 40)
        if self.pid > 65000:
            self.pid = 3000
        return self.pid

    def ext_rcpt(self):
        rnd = self.rnd
        d = MAIL_EXT_DOMAINS[int(rnd() * len(MAIL_EXT_DOMAINS))]
        sn = SURNAMES[int(rnd() * len(SURNAMES))]
        g = GIVEN[int(rnd() * len(GIVEN))]
        local = ("%s.%s" % (g, sn), "%s%d" % (sn, int(rnd() * 100)),
                 "%s_%s%02d" % (g[:1], sn, int(rnd() * 100)),
                 "info")[int(rnd() * (3.2 if d[0].endswith("example.com") or
                                      d[0].endswith("example.co.jp") else 3))]
        return "%s@%s" % (local, d[0]), d

    def message(self, sender, client, sasl, rcpts, sec, size=None,
                submission=True):
        """The lines of one message: [tail, ...] (each " mail postfix...")."""
        rnd = self.rnd
        q = self.qid()
        spid = self.npid()
        svc = "postfix/submission/smtpd" if submission else "postfix/smtpd"
        host, ip = client
        out = [" mail %s[%d]: connect from %s[%s]\n" % (svc, spid, host, ip)]
        if sasl:
            out.append(" mail %s[%d]: %s: client=%s[%s], sasl_method=PLAIN, "
                       "sasl_username=%s\n" % (svc, spid, q, host, ip, sasl))
        else:
            out.append(" mail %s[%d]: %s: client=%s[%s]\n" % (svc, spid, q,
                                                             host, ip))
        t = self.w.clock.start + sec
        out.append(" mail postfix/cleanup[%d]: %s: message-id=<%d.%s@%s>\n" %
                   (4101 + self.qn % 7, q, t, q, sender.split("@")[1]))
        if size is None:
            size = int(2000 + rnd() * rnd() * 400000)
        out.append(" mail postfix/qmgr[1187]: %s: from=<%s>, size=%d, "
                   "nrcpt=%d (queue active)\n" % (q, sender, size, len(rcpts)))
        for addr, dom in rcpts:
            d1 = 0.1 + rnd() * 0.9
            if dom is None:
                out.append(
                    " mail postfix/lmtp[%d]: %s: to=<%s>, relay=mailbox.%s"
                    "[10.0.0.30]:24, delay=%.2f, delays=0.05/0.01/0.01/%.2f, "
                    "dsn=2.0.0, status=sent (250 2.0.0 <%s> Saved)\n" % (
                        4300 + int(rnd() * 8), q, addr, CORP, d1, d1 - 0.07,
                        addr))
                continue
            x = rnd()
            if x < 0.96:
                out.append(
                    " mail postfix/smtp[%d]: %s: to=<%s>, relay=%s[%s]:25, "
                    "delay=%.2f, delays=0.05/0.02/0.2/%.2f, dsn=2.0.0, "
                    "status=sent (250 2.0.0 OK  %d - queued)\n" % (
                        4400 + int(rnd() * 16), q, addr, dom[1], dom[2], d1,
                        max(d1 - 0.27, 0.01), t))
            elif x < 0.985:
                out.append(
                    " mail postfix/smtp[%d]: %s: to=<%s>, relay=%s[%s]:25, "
                    "delay=%.1f, delays=0.05/0.01/0.3/0.6, dsn=5.1.1, "
                    "status=bounced (host %s[%s] said: 550 5.1.1 <%s>: "
                    "Recipient address rejected: User unknown (in reply to "
                    "RCPT TO command))\n" % (
                        4400 + int(rnd() * 16), q, addr, dom[1], dom[2], d1,
                        dom[1], dom[2], addr))
            else:
                out.append(
                    " mail postfix/smtp[%d]: %s: to=<%s>, relay=none, "
                    "delay=30, delays=0.05/0.01/30/0, dsn=4.4.1, "
                    "status=deferred (connect to %s[%s]:25: Connection timed "
                    "out)\n" % (4400 + int(rnd() * 16), q, addr, dom[1],
                                dom[2]))
        out.append(" mail postfix/qmgr[1187]: %s: removed\n" % q)
        n = len(rcpts)
        if submission:
            out.append(" mail %s[%d]: disconnect from %s[%s] ehlo=2 "
                       "starttls=1 auth=1 mail=1 rcpt=%d data=1 quit=1 "
                       "commands=%d\n" % (svc, spid, host, ip, n, n + 7))
        else:
            out.append(" mail %s[%d]: disconnect from %s[%s] ehlo=1 mail=1 "
                       "rcpt=%d data=1 quit=1 commands=%d\n" % (
                           svc, spid, host, ip, n, n + 4))
        return q, out


class MailBackground:
    def __init__(self, world, mail, seed):
        self.w = world
        self.m = mail
        self.r = random.Random(_stable_seed(seed, "mail-bg"))
        self.rnd = self.r.random
        self.kinds = _weighted((("staff", 40), ("inbound", 30),
                                ("order", 18), ("spam", 12)))

    def visit(self, sec):
        k = _pick(self.rnd, self.kinds)
        h = self.w.clock.local_hour(sec)
        if k == "staff" and not (8 <= h < 20) and self.rnd() < 0.9:
            k = "inbound"
        return ["", getattr(self, "v_" + k)(sec), 0]

    def staff_client(self, s):
        ip = self.m.staff_ip[s]
        return ("pc%s.%s" % (ip.rsplit(".", 1)[1], CORP), ip)

    def v_staff(self, sec):
        rnd = self.rnd
        s = MAIL_STAFF[int(rnd() * len(MAIL_STAFF))]
        rc = []
        for _ in range(1 + int(rnd() * rnd() * 4)):
            if rnd() < 0.45:
                o = MAIL_STAFF[int(rnd() * len(MAIL_STAFF))]
                rc.append(("%s@%s" % (o, CORP), None))
            else:
                rc.append(self.m.ext_rcpt())
        if rnd() < 0.01:  # the monthly all-hands notice: internal only
            rc = [("%s@%s" % (o, CORP), None) for o in MAIL_STAFF]
        return self.m.message("%s@%s" % (s, CORP), self.staff_client(s), s,
                              rc, sec)[1]

    def v_inbound(self, sec):
        rnd = self.rnd
        host, ip, dom = MAIL_INBOUND[int(rnd() * len(MAIL_INBOUND))]
        sn = SURNAMES[int(rnd() * len(SURNAMES))]
        sender = "%s%d@%s" % (sn, int(rnd() * 90), dom)
        rc = [("%s@%s" % (MAIL_STAFF[int(rnd() * len(MAIL_STAFF))], CORP),
               None) for _ in range(1 + int(rnd() * rnd() * 3))]
        return self.m.message(sender, (host, ip), None, rc, sec,
                              submission=False)[1]

    def v_order(self, sec):
        """Order confirmations from the shop's app server to customers."""
        return self.m.message("no-reply@%s" % SHOP,
                              ("app01.%s" % CORP, "10.0.2.10"), None,
                              [self.m.ext_rcpt()], sec,
                              size=int(9000 + self.rnd() * 4000),
                              submission=False)[1]

    def v_spam(self, sec):
        rnd = self.rnd
        ip = "%d.%d.%d.%d" % ((45, 185, 91, 103, 5)[int(rnd() * 5)],
                              int(rnd() * 256), int(rnd() * 256),
                              1 + int(rnd() * 253))
        pid = self.m.npid()
        rc = "%s@%s" % (MAIL_STAFF[int(rnd() * len(MAIL_STAFF))], CORP)
        return [" mail postfix/smtpd[%d]: connect from unknown[%s]\n" % (
                    pid, ip),
                " mail postfix/smtpd[%d]: NOQUEUE: reject: RCPT from unknown"
                "[%s]: 554 5.7.1 Service unavailable; Client host [%s] "
                "blocked using zen.spamhaus.org; from=<info@promo-%d.example"
                ".net> to=<%s> proto=ESMTP helo=<User>\n" % (
                    pid, ip, ip, int(rnd() * 999), rc),
                " mail postfix/smtpd[%d]: disconnect from unknown[%s] "
                "ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4\n" % (pid, ip)]


# ---------------------------------------------------------------------------
# planted incidents
#
# A planter returns (lines, incidents): lines are (rel_sec, head, tail),
# incidents the manifest's entries (windows filled in from the lines unless
# given).

class Planter:
    def __init__(self, fmt, world, clock, seed, web_rend=None, s3_rend=None,
                 mail=None, cache=None):
        self.fmt = fmt
        self.w = world
        self.c = clock
        self.seed = seed
        self.wr = web_rend
        self.sr = s3_rend
        self.mail = mail
        self.cache = cache
        self.utc = fmt in ("cloudfront", "s3")
        self.bg = None  # WebBackground, for user visits

    def rng(self, name):
        return random.Random(_stable_seed(self.seed, "plant", name))

    def web(self, out, sec, actor, req):
        """One planted web request at sec."""
        h = self.wr.head(actor)
        t = self.wr.tails(actor, [req])[0]
        out.append((sec, h, t))

    def incident(self, rule, lines, actor=None, min_count=1, **kw):
        secs = [x[0] for x in lines]
        inc = {"rule": rule, "actor": actor or {},
               "first_rel": min(secs) if secs else None,
               "last_rel": max(secs) if secs else None,
               "min_count": min_count, "planted_lines": len(lines)}
        inc.update(kw)
        return inc

    def ua(self, r):
        return _pick(r.random, self.w.ua_table)

    def combined_user(self, name):
        return name if self.fmt == "combined" else None

    # -- cache-leak ------------------------------------------------------
    def cache_leak(self):
        r = self.rng("cache-leak")
        w = self.w
        on, off = self.cache.on, self.cache.off
        out = []
        # logged-in customers opening their page while the cache is wrong
        users = r.sample(range(w.nusers), min(70, w.nusers))
        for i, u in enumerate(users):
            sec = on + 30 + int((off - on - 60) * (i + r.random()) / len(users))
            actor = self.bg.actor_user(u, sec)
            name = w.user_name[u]
            for k, p in enumerate(("/mypage", "/api/me", "/mypage/cards")):
                if p == "/mypage/cards" and r.random() < 0.4:
                    continue
                if p == "/api/me":
                    req = ("GET", p, 200, 540 + (u * 37) % 420, "https://%s/mypage" %
                           SHOP, "BYPASS")
                else:
                    req = ("GET", p, 200, (p, u, name, actor),
                           "https://%s/" % SHOP, "LATE")
                self.web(out, sec + 2 * k, actor, req)
        inc = self.incident("cache-leak", out, None, min_count=5,
                            target={"host": SHOP, "path": "/mypage"},
                            window_from="cache",
                            note="from %s to %s private pages (/mypage, "
                            "/mypage/cards, /mypage/address) are cached per "
                            "URL for %d s: other users are served the first "
                            "user's page (same bytes)" % (
                                self.c.iso(on, self.utc),
                                self.c.iso(off, self.utc), self.cache.ttl))
        return out, [inc]

    # -- shared-link-exposure (web) --------------------------------------
    def shared_link_web(self):
        r = self.rng("shared-link-web")
        w = self.w
        t0 = self.c.at(0, 6, 0)
        t1 = t0 + 41 * 3600
        out = []
        # staff put the month's files up the day before (internal)
        for i, f in enumerate(("list.csv", "customers_2025-09.csv")):
            actor = (OFFICE_NAT, "suzuki" if self.fmt != "cloudfront" else
                     None, None, UA_BROWSERS[0][0], "HTTP/2.0")
            self.web(out, self.c.at(0, 5, 31 + i), actor,
                     ("GET", "/shared/2025-09/%s" % f, 200, 48211 + i * 91000,
                      "-", "BYPASS"))
        viewers = []
        n = 28
        for i in range(n):
            ip = World._ip(r, v6=r.random() < 0.15)
            viewers.append(ip)
            sec = t0 + 600 + int((t1 - t0 - 1200) * (i + r.random()) / n)
            ua = self.ua(r)
            actor = (ip, None, None, ua, "HTTP/2.0")
            x = r.random()
            if x < 0.5:
                q = "?gclid=%s" % w.gclids[int(r.random() * 512)]
                ref = "https://www.google.com/"
            elif x < 0.8:
                q = "?yclid=%s" % w.yclids[int(r.random() * 512)]
                ref = "https://search.yahoo.co.jp/"
            else:
                q, ref = "", "-"
            self.web(out, sec, actor, ("GET", "/shared/2025-09/%s" % q, 200,
                                       3120, ref, "MISS"))
            self.web(out, sec + 3, actor, (
                "GET", "/shared/2025-09/list.csv%s" % q, 200, 48211, ref,
                "MISS"))
            if r.random() < 0.4:
                self.web(out, sec + 20, actor, (
                    "GET", "/shared/2025-09/customers_2025-09.csv", 200,
                    139211, "https://%s/shared/2025-09/" % SHOP, "MISS"))
        vis = [x for x in out if x[0] >= t0]
        inc = self.incident(
            "shared-link-exposure", vis, None, min_count=3,
            viewers={"ip": sorted(viewers)},
            target={"host": SHOP, "path": "/shared/2025-09/"},
            note="a folder link put in a web ad: %d outside addresses "
            "fetched /shared/2025-09/ and its CSVs over 41 h" % n)
        return out, [inc]

    # -- shared-link-exposure (s3) ---------------------------------------
    def shared_link_s3(self):
        r = self.rng("shared-link-s3")
        w = self.w
        sr = self.sr
        t0 = self.c.at(0, 6, 0)
        t1 = t0 + 41 * 3600
        out = []
        staff = "arn:aws:iam::%s:user/suzuki" % S3_ACCOUNT
        cua = "S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488"
        files = ["shared/2025-09/customers_2025-09.csv",
                 "shared/2025-09/list.csv", "shared/2025-09/orders_0901-0914"
                 ".csv", "shared/2025-09/members_export.csv"]
        for i, k in enumerate(files):
            h, t = sr.line("etl-share", OFFICE_NAT, staff, "REST.PUT.OBJECT",
                           k, "/" + k, 200, "-", 0, 48211 + i * 91000, "-",
                           cua, "AuthHeader")
            out.append((self.c.at(0, 5, 20 + i), h, t))
        h, t = sr.line("etl-share", OFFICE_NAT, staff,
                       "REST.PUT.BUCKETPOLICY", "-", "/?policy", 204, "-", 0,
                       0, "-", cua, "AuthHeader")
        out.append((self.c.at(0, 5, 55), h, t))
        viewers = []
        n = 26
        vis = []
        for i in range(n):
            ip = World._ip(r, v6=r.random() < 0.1)
            viewers.append(ip)
            sec = t0 + 600 + int((t1 - t0 - 1200) * (i + r.random()) / n)
            ua = self.ua(r)
            x = r.random()
            if x < 0.5:
                q = "&gclid=%s" % w.gclids[int(r.random() * 512)]
                ref = "https://www.google.com/"
            elif x < 0.8:
                q = "&yclid=%s" % w.yclids[int(r.random() * 512)]
                ref = "https://search.yahoo.co.jp/"
            else:
                q, ref = "", "-"
            h, t = sr.line("etl-share", ip, "-", "REST.GET.BUCKET", "-",
                           "/?prefix=shared/2025-09/%s" % q, 200, "-", 2890,
                           0, ref, ua, "")
            vis.append((sec, h, t))
            for j, k in enumerate(files[:1 + int(r.random() * 4)]):
                sz = 48211 + files.index(k) * 91000
                h, t = sr.line("etl-share", ip, "-", "REST.GET.OBJECT", k,
                               "/" + k, 200, "-", sz, sz,
                               "https://etl-share.s3.ap-northeast-1.amazonaws"
                               ".com/?prefix=shared/2025-09/", ua, "")
                vis.append((sec + 5 + 7 * j, h, t))
        out += vis
        # the fix, and a late visitor refused
        h, t = sr.line("etl-share", OFFICE_NAT, staff,
                       "REST.DELETE.BUCKETPOLICY", "-", "/?policy", 204, "-",
                       0, 0, "-", cua, "AuthHeader")
        out.append((t1 + 300, h, t))
        ip = World._ip(r, v6=False)
        h, t = sr.line("etl-share", ip, "-", "REST.GET.BUCKET", "-",
                       "/?prefix=shared/2025-09/", 403, "AccessDenied", 243,
                       0, "https://www.google.com/", self.ua(r), "")
        out.append((t1 + 4000, h, t))
        inc = self.incident(
            "shared-link-exposure", vis, None, min_count=3,
            viewers={"ip": sorted(viewers)},
            target={"bucket": "etl-share", "path": "shared/2025-09/"},
            note="bucket policy opened etl-share/shared/ to everyone and the "
            "folder link went into an ad: %d anonymous outside addresses "
            "listed and downloaded for 41 h" % n)
        return out, [inc]

    # -- enumeration -----------------------------------------------------
    def enumeration(self):
        r = self.rng("enumeration")
        w = self.w
        u = int(r.random() * w.nusers)
        t0 = self.c.at(0, 16, 20, 5)
        ip = "198.51.100.77"
        name = w.user_name[u]
        sid = w.sid(u, self.c.local_day(t0))
        actor = (ip, self.combined_user(name), sid, self.ua(r), "HTTP/2.0")
        out = []
        self.web(out, t0 - 40, (ip, None, None, actor[3], "HTTP/2.0"),
                 ("POST", "/login", 302, 0, "https://%s/login" % SHOP, "-"))
        self.web(out, t0 - 35, actor, ("GET", "/mypage/orders", 200, 7900,
                                       "https://%s/mypage" % SHOP, "BYPASS"))
        base = 1000000 + int(r.random() * (w.order_mod - 500))
        n = 340
        walked = []
        for i in range(n):
            oid = base + i
            walked.append(oid)
            sec = t0 + int(i * 560 / n)
            st = 200 if r.random() > 0.03 else 404
            self.web(out, sec, actor, ("GET", "/mypage/orders/%d" % oid, st,
                                       order_bytes(oid) if st == 200 else
                                       2311, "-", "BYPASS"))
        lines = [x for x in out if x[0] >= t0]
        inc = self.incident("enumeration", lines,
                            {"ip": ip, "user": name, "session": sid},
                            min_count=50, distinct_ids=n,
                            target={"host": SHOP,
                                    "path": "/mypage/orders/{id}"},
                            note="a logged-in customer walks order ids %d.."
                            "%d in under 10 min (IDOR): 200 for other "
                            "people's orders" % (base, base + n - 1))
        return out, [inc]

    # -- bulk-export -----------------------------------------------------
    def bulk_export(self):
        r = self.rng("bulk-export")
        s = "kato"
        home = self.w.staff_home[s]
        ua = UA_BROWSERS[0][0]
        out = []
        hist = []
        # the usual: daytime exports from the office, normal sizes
        for day in (0, 1):
            for h, m in ((10, 12), (14, 40), (17, 5)):
                if day == 1 and h > 12:
                    continue
                sec = self.c.at(day, h, m, int(r.random() * 59))
                actor = (OFFICE_NAT, s, None, ua, "HTTP/2.0")
                self.web(hist, sec, actor, (
                    "GET", "/admin/export/customers.csv?from=2025-05-01&to="
                    "2025-05-31", 200, 120000 + int(r.random() * 60000),
                    "https://%s/admin/customers" % SHOP, "BYPASS"))
        out += hist
        # the night: every segment of the customer base, many times
        t0 = self.c.at(1, 1, 34, 12)
        actor = (home, s, None, ua, "HTTP/2.0")
        n = 26
        for i in range(n):
            sec = t0 + int(i * (2 * 3600 + 900) / n) + int(r.random() * 60)
            self.web(out, sec, actor, (
                "GET", "/admin/export/customers.csv?segment=%d&all=1" % i,
                200, 38000000 + int(r.random() * 24000000),
                "https://%s/admin/customers" % SHOP, "BYPASS"))
        night = out[len(hist):]
        inc = self.incident("bulk-export", night, {"ip": home, "user": s},
                            min_count=3,
                            target={"host": SHOP,
                                    "path": "/admin/export/customers.csv"},
                            note="staff user %s exports the whole customer "
                            "list %d times (38-62 MB each, usually ~150 KB) "
                            "between 01:30 and 04:00 from home" % (s, n))
        return out, [inc]

    # -- brute-force -----------------------------------------------------
    def brute_force(self):
        r = self.rng("brute-force")
        w = self.w
        u = int(r.random() * w.nusers)
        name = w.user_name[u]
        ip = "198.51.100.23"
        ua = "python-requests/2.31.0"
        t0 = self.c.at(0, 3, 12, 0)
        out = []
        for i in range(200):
            sec = t0 + int(i * 290 / 200)
            actor = (ip, self.combined_user(name), None, ua, "HTTP/1.1")
            self.web(out, sec, actor, ("POST", "/login", 401, 8240,
                                       "https://%s/login" % SHOP, "-"))
        inc = self.incident("brute-force", out, {"ip": ip, "user": name},
                            min_count=20,
                            target={"host": SHOP, "path": "/login"},
                            note="200 failed logins for %s from one address "
                            "in 5 min" % name)
        return out, [inc]

    # -- credential-stuffing ---------------------------------------------
    def credential_stuffing(self):
        r = self.rng("credential-stuffing")
        w = self.w
        ip = "198.51.100.140"
        ua = UA_BROWSERS[2][0]
        t0 = self.c.at(0, 22, 5, 0)
        names = ["%s%d" % (r.choice(GIVEN), int(r.random() * 9999))
                 for _ in range(150)]
        names += [w.user_name[int(r.random() * w.nusers)] for _ in range(30)]
        r.shuffle(names)
        out = []
        n = len(names)
        for i, nm in enumerate(names):
            sec = t0 + int(i * 1800 / n)
            actor = (ip, self.combined_user(nm), None, ua, "HTTP/1.1")
            self.web(out, sec, actor, ("POST", "/login", 401, 8240,
                                       "https://%s/login" % SHOP, "-"))
        won = [int(r.random() * w.nusers) for _ in range(3)]
        last = t0 + 1800
        for j, u in enumerate(won):
            sec = last + 5 + j * 40
            self.web(out, sec, (ip, None, None, ua, "HTTP/1.1"),
                     ("POST", "/login", 302, 0, "https://%s/login" % SHOP,
                      "-"))
            actor = (ip, self.combined_user(w.user_name[u]),
                     w.sid("stuffed:%d" % u, self.c.local_day(sec)), ua,
                     "HTTP/1.1")
            self.web(out, sec + 2, actor, ("GET", "/mypage", 200,
                                           w.private_bytes("/mypage", u),
                                           "https://%s/login" % SHOP,
                                           "BYPASS"))
            self.web(out, sec + 6, actor, ("GET", "/mypage/cards", 200,
                                           w.private_bytes("/mypage/cards",
                                                           u),
                                           "https://%s/mypage" % SHOP,
                                           "BYPASS"))
        inc = self.incident("credential-stuffing", out, {"ip": ip},
                            min_count=2, distinct_users=len(set(names)),
                            taken_over=sorted(w.user_name[u] for u in won),
                            target={"host": SHOP, "path": "/login"},
                            note="%d logins with different usernames fail "
                            "from one address in 30 min, then 3 succeed" % n)
        return out, [inc]

    # -- probes and attacks ----------------------------------------------
    def probe(self, out, r, ip, ua, t0, paths, span):
        for i, p in enumerate(paths):
            st = 404 if r.random() > 0.12 else 403
            self.web(out, t0 + int(i * span / len(paths)),
                     (ip, None, None, ua, "HTTP/1.1"),
                     ("GET", p, st, 153 if st == 404 else 199, "-", "MISS"))

    def sensitive_probe(self, ip="192.0.2.66", t0=None, name="sfp"):
        r = self.rng(name)
        t0 = self.c.at(0, 4, 40, 10) if t0 is None else t0
        out = []
        paths = list(PROBE_PATHS)
        self.probe(out, r, ip, "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) "
                   "Gecko/20100101 Firefox/115.0", t0, paths, 150)
        inc = self.incident("sensitive-file-probe", out, {"ip": ip},
                            min_count=5, distinct_paths=len(paths),
                            note="one address asks for %d well-known "
                            "sensitive files (.env, .git/config, backups) "
                            "in 2.5 min, mostly 404" % len(paths))
        return out, [inc]

    def sqli(self, ip="192.0.2.91", t0=None, name="sqli", success=False):
        r = self.rng(name)
        t0 = self.c.at(0, 11, 3, 0) if t0 is None else t0
        ua = "sqlmap/1.7.2#stable (https://sqlmap.org)" if not success else \
            UA_BROWSERS[0][0]
        out = []
        n = 0
        for rep in range(3):
            for p in SQLI_PAYLOADS:
                path = ("/products?id=%s" % p, "/search?q=%s" % p,
                        "/member/search?area=13&age=%s" % p)[rep]
                st = (500, 200, 200, 400)[int(r.random() * 4)]
                self.web(out, t0 + n * 9, (ip, None, None, ua, "HTTP/1.1"),
                         ("GET", path, st, 2911 if st != 200 else 18000 +
                          int(r.random() * 2000), "-", "MISS"))
                n += 1
        if success:
            for i in range(12):
                p = SQLI_DUMPS[i % 2].format(o=i // 2 * 5000)
                self.web(out, t0 + n * 9 + 60 * i, (ip, None, None, ua,
                                                    "HTTP/1.1"),
                         ("GET", "/member/search?area=13&age=%s" % p, 200,
                          2400000 + int(r.random() * 900000), "-", "MISS"))
        inc = self.incident("sql-injection", out, {"ip": ip}, min_count=5,
                            note="UNION SELECT / OR 1=1 / information_schema "
                            "payloads, URL-encoded, on three parameters%s" % (
                                "; ends with 12 UNION SELECT dumps of the "
                                "member tables answered 200 with ~2.5 MB"
                                if success else ""))
        return out, [inc]

    def traversal(self, ip="192.0.2.47", t0=None, name="traversal"):
        r = self.rng(name)
        t0 = self.c.at(0, 5, 30, 0) if t0 is None else t0
        out = []
        ua = "Mozilla/5.0 zgrab/0.x" if name == "traversal" else \
            "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 " \
            "Firefox/115.0"
        for i in range(2):
            for j, p in enumerate(TRAVERSAL):
                st = (400, 404, 404, 403)[int(r.random() * 4)]
                self.web(out, t0 + (i * len(TRAVERSAL) + j) * 8,
                         (ip, None, None, ua, "HTTP/1.1"),
                         ("GET", p, st, 226, "-", "MISS"))
        inc = self.incident("path-traversal", out, {"ip": ip}, min_count=5,
                            note="../ sequences, %2F- and double-encoded "
                            "(%252e%252e%252f), aimed at /etc/passwd")
        return out, [inc]

    def web_shell(self, ip="192.0.2.130", start_day=0, days=4,
                  name="web-shell", big=False):
        r = self.rng(name)
        ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " \
            "(KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36"
        out = []
        up = self.c.at(start_day, 14, 20, 11)
        # the upload through the review form, then the shell answers
        up_actor = (ip, None, None, ua, "HTTP/1.1")
        self.web(out, up, up_actor, ("POST", "/mypage/reviews/upload", 302, 0,
                                     "https://%s/mypage/reviews/new" % SHOP,
                                     "-"))
        self.web(out, up + 9, up_actor, ("GET", "/uploads/img/x.php", 200, 0,
                                         "-", "MISS"))
        shell = []
        for d in range(start_day, start_day + days):
            n = 6 + int(r.random() * 14)
            for i in range(n):
                h = (22 + int(r.random() * 8)) % 24
                sec = self.c.at(d, h, int(r.random() * 60),
                                int(r.random() * 60))
                if sec <= up + 10 or sec >= self.c.duration:
                    continue
                nb = 200 + int(r.random() * 4000)
                if big and r.random() < 0.15:
                    nb = 8000000 + int(r.random() * 50000000)
                shell.append(sec)
                self.web(out, sec, (ip, None, None, ua, "HTTP/1.1"),
                         ("POST", "/uploads/img/x.php", 200, nb, "-", "MISS"))
        lines = [x for x in out if x[0] > up]
        inc = self.incident("web-shell", lines, {"ip": ip}, min_count=5,
                            target={"host": SHOP,
                                    "path": "/uploads/img/x.php"},
                            note="a .php file dropped in /uploads/img/ via "
                            "the review upload, then %d POSTs answered 200 "
                            "over %d days, from one address" % (
                                len(shell), days))
        return out, [inc]

    def intrusion(self):
        """The marriage-agency case, scaled down: recon, SQL injection that
        works, then weeks of web-shell use with large responses."""
        out, incs = [], []
        a, b = "192.0.2.171", "192.0.2.172"
        o, i = self.sensitive_probe(ip=a, t0=self.c.at(0, 2, 13, 5),
                                    name="intrusion-probe")
        out += o
        incs += i
        o, i = self.traversal(ip=a, t0=self.c.at(0, 2, 19, 0),
                              name="intrusion-traversal")
        out += o
        incs += i
        o, i = self.sqli(ip=a, t0=self.c.at(1, 3, 2, 0),
                         name="intrusion-sqli", success=True)
        out += o
        incs += i
        days = max(1, min(20, (self.c.duration - self.c.at(2, 0)) // 86400))
        o, i = self.web_shell(ip=b, start_day=2, days=days,
                              name="intrusion-shell", big=True)
        out += o
        incs += i
        for x in incs:
            x["scenario"] = "intrusion"
        return out, incs

    def skimming(self):
        """The coffee-chain web shop case: a web shell planted through
        the review upload, then the payment page's script changed in
        place (a card skimmer appended) and served to every buyer."""
        ip = "192.0.2.150"
        out, incs = self.web_shell(ip=ip, start_day=0, days=2,
                                   name="skimming-shell")
        at = self.skim_at
        # the shell rewrites the script, then checks it is served
        actor = (ip, None, None, "curl/8.5.0", "HTTP/1.1")
        self.web(out, at - 40, actor, ("POST", "/uploads/img/x.php", 200,
                                       512, "-", "MISS"))
        self.web(out, at + 5, actor, ("GET", CHECKOUT_JS, 200,
                                      SKIMMED_JS_BYTES, "-", "MISS"))
        inc = self.incident("payment-script-change",
                            [(at, "", ""), (self.c.duration - 1, "", "")],
                            {}, min_count=2,
                            target={"host": SHOP, "path": CHECKOUT_JS},
                            note="%s served with %d bytes instead of %d to "
                            "every buyer from day 1 03:12 (a skimmer "
                            "appended in place, the name unchanged)" % (
                                CHECKOUT_JS, SKIMMED_JS_BYTES,
                                CHECKOUT_JS_BYTES))
        inc["planted_lines"] = 2
        for x in incs + [inc]:
            x["scenario"] = "skimming"
        return out, incs + [inc]

    # -- mail ------------------------------------------------------------
    def mail_mass(self):
        r = self.rng("mail-mass")
        m = self.mail
        s = "sato"
        sec = self.c.at(0, 10, 47, 3)
        rc = []
        seen = set()
        while len(rc) < 48:
            a = m.ext_rcpt()
            if a[0] not in seen:
                seen.add(a[0])
                rc.append(a)
        client = ("pc%s.%s" % (m.staff_ip[s].rsplit(".", 1)[1], CORP),
                  m.staff_ip[s])
        q, lines = m.message("%s@%s" % (s, CORP), client, s, rc, sec,
                             size=2310411)
        out = [(sec + int(k * 0.3), "", t) for k, t in enumerate(lines)]
        inc = self.incident("mail-mass-recipients", out,
                            {"ip": m.staff_ip[s], "user": s,
                             "user_aliases": ["%s@%s" % (s, CORP)]},
                            min_count=40, queue_id=q, external_recipients=48,
                            note="one message (queue id %s) with 48 external "
                            "customers as recipients (To instead of Bcc) and "
                            "a 2.3 MB attachment" % q)
        del r
        return out, [inc]

    def mail_burst(self):
        r = self.rng("mail-burst")
        m = self.mail
        s = "yoshida"
        out = []
        client = ("pc%s.%s" % (m.staff_ip[s].rsplit(".", 1)[1], CORP),
                  m.staff_ip[s])
        # the usual: a few mails an hour in office hours, both days
        for day in (0, 1):
            for h in range(9, 18):
                for _ in range(int(r.random() * 3)):
                    sec = self.c.at(day, h, int(r.random() * 60),
                                    int(r.random() * 60))
                    rc = [m.ext_rcpt() if r.random() < 0.6 else
                          ("%s@%s" % (r.choice(MAIL_STAFF), CORP), None)]
                    q, ls = m.message("%s@%s" % (s, CORP), client, s, rc, sec)
                    out += [(sec + k, "", t) for k, t in enumerate(ls)]
        # the hijack: submission with the stolen password from outside
        t0 = self.c.at(1, 2, 5, 0)
        bad = ("unknown", "198.51.100.201")
        burst = []
        n = 420
        for i in range(n):
            sec = t0 + int(i * 3180 / n)
            rc = [m.ext_rcpt() for _ in range(1 + int(r.random() * 2))]
            q, ls = m.message("%s@%s" % (s, CORP), bad, s, rc, sec,
                              size=4000 + int(r.random() * 3000))
            burst += [(sec + (k > 3), "", t) for k, t in enumerate(ls)]
        out += burst
        inc = self.incident("mail-burst", burst,
                            {"ip": bad[1], "user": s,
                             "user_aliases": ["%s@%s" % (s, CORP)]},
                            min_count=50, messages=n,
                            note="mailbox %s (normally 0-2 mails an hour in "
                            "office hours) sends %d external mails between "
                            "02:05 and 03:00 from an outside address" % (s, n))
        return out, [inc]

    # -- background events (not incidents) ------------------------------
    def password_rush(self):
        """A forgotten-password rush from the office NAT (legitimate): a
        client company's staff reset passwords after a notice."""
        r = self.rng("password-rush")
        w = self.w
        t0 = self.c.at(0, 9, 5, 0)
        out = []
        ua = UA_BROWSERS[4][0]
        us = r.sample(range(w.nusers), min(60, w.nusers))
        for i in range(140):
            u = us[i % len(us)]
            sec = t0 + int(i * 2400 / 140) + int(r.random() * 10)
            actor = (OFFICE_NAT, None, None, ua, "HTTP/2.0")
            self.web(out, sec, actor, ("POST", "/password/reset",
                                       200 if r.random() < 0.9 else 302, 4100,
                                       "https://%s/password/reset" % SHOP,
                                       "-"))
        for j, u in enumerate(us[:45]):
            sec = t0 + 600 + j * 40
            nm = w.user_name[u]
            if r.random() < 0.15:
                self.web(out, sec, (OFFICE_NAT, self.combined_user(nm), None,
                                    ua, "HTTP/2.0"),
                         ("POST", "/login", 401, 8240, "https://%s/login" %
                          SHOP, "-"))
            self.web(out, sec + 8, (OFFICE_NAT, None, None, ua, "HTTP/2.0"),
                     ("POST", "/login", 302, 0, "https://%s/login" % SHOP,
                      "-"))
        return out

    def staff_exports(self):
        """Office-hours CSV exports by staff, every day (a baseline)."""
        r = self.rng("staff-exports")
        out = []
        ndays = (self.c.duration + 86399) // 86400 + 1
        for d in range(ndays):
            for s in STAFF:
                for _ in range(int(r.random() * 3)):
                    sec = self.c.at(d, 9 + int(r.random() * 9),
                                    int(r.random() * 60),
                                    int(r.random() * 60))
                    if sec >= self.c.duration:
                        continue
                    what = ("customers", "orders")[int(r.random() * 2)]
                    self.web(out, sec, (OFFICE_NAT, s if self.fmt !=
                                        "cloudfront" else None, None,
                                        UA_BROWSERS[0][0], "HTTP/2.0"),
                             ("GET", "/admin/export/%s.csv?from=2025-05-01"
                              "&to=2025-05-31" % what, 200,
                              100000 + int(r.random() * 90000),
                              "https://%s/admin/%s" % (SHOP, what), "BYPASS"))
        return out

    def internal_shared(self):
        """Staff reading this month's shared folder from the office."""
        r = self.rng("internal-shared")
        out = []
        for d in range((self.c.duration + 86399) // 86400):
            for _ in range(3):
                sec = self.c.at(d, 9 + int(r.random() * 9),
                                int(r.random() * 60))
                if sec >= self.c.duration:
                    continue
                s = r.choice(STAFF)
                self.web(out, sec, (OFFICE_NAT, s if self.fmt != "cloudfront"
                                    else None, None, UA_BROWSERS[0][0],
                                    "HTTP/2.0"),
                         ("GET", "/shared/2025-06/sales_summary.csv", 200,
                          23011, "-", "BYPASS"))
        return out

    def newsletter(self):
        """The shop's weekly newsletter via the app server, at noon."""
        r = self.rng("newsletter")
        m = self.mail
        out = []
        t0 = self.c.at(0, 12, 0, 0)
        for i in range(150):
            sec = t0 + int(i * 1500 / 150)
            q, ls = m.message("news@%s" % SHOP,
                              ("app01.%s" % CORP, "10.0.2.10"), None,
                              [m.ext_rcpt()], sec,
                              size=38000 + int(r.random() * 2000),
                              submission=False)
            out += [(sec + (k > 3), "", t) for k, t in enumerate(ls)]
        return out


# ---------------------------------------------------------------------------
# writing

def write_log(path, clock, fmt, sched, new_visit, targets, planted, rend,
              cache):
    """Merges background visits (per-second counts in sched) and planted
    lines (sorted) into the file."""
    stamp = clock.stamp_fn(fmt)
    rnd = random.Random(_stable_seed("emit", fmt, clock.start)).random
    cf = fmt == "cloudfront"
    written = 0
    with open(path, "wb") as f:
        buf = []
        app = buf.append
        if cf:
            f.write(("#Version: 1.0\n#Fields: %s\n" % CF_FIELDS).encode())

        def expand(sec, item, head):
            # a tail that is not plain text: a line with its own head, or a
            # cache-leak request decided now
            if item[0] == "HEAD":
                t = item[2]
                if t.__class__ is not str:
                    t = expand(sec, t, item[1])[1]
                return item[1], t
            m, pq, st, info, ref, _ = item
            path_, owner, owner_name, actor = info
            word, nb = cache.decide(sec, path_, owner, owner_name, actor[0],
                                    cf)
            return head, rend.late(actor, item, word, nb)

        pi, pn = 0, len(planted)
        active = []
        n = 0
        cur_hour = -1
        target = 1
        for sec, k in sched:
            while pi < pn and planted[pi][0] <= sec:
                ps, ph, pt = planted[pi]
                if pt.__class__ is not str:
                    ph, pt = expand(ps, pt, ph)
                app(ph + stamp(ps) + pt)
                pi += 1
            h = sec // 3600
            if h != cur_hour:
                cur_hour = h
                target = targets[h] if h < len(targets) else targets[-1]
                while n < target:
                    active.append(new_visit(sec))
                    n += 1
            ts = stamp(sec)
            for _ in range(k):
                i = int(rnd() * n)
                v = active[i]
                tails = v[1]
                p = v[2]
                t = tails[p]
                if t.__class__ is str:
                    app(v[0] + ts + t)
                else:
                    hh, t = expand(sec, t, v[0])
                    app(hh + ts + t)
                p += 1
                if p == len(tails):
                    if n > target:
                        active[i] = active[-1]
                        active.pop()
                        n -= 1
                    else:
                        active[i] = new_visit(sec)
                else:
                    v[2] = p
            if len(buf) > 65536:
                written += len(buf)
                f.write("".join(buf).encode())
                buf.clear()
        while pi < pn:
            ps, ph, pt = planted[pi]
            if pt.__class__ is not str:
                ph, pt = expand(ps, pt, ph)
            app(ph + stamp(ps) + pt)
            pi += 1
        written += len(buf)
        f.write("".join(buf).encode())
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Deterministic web/CDN/S3/mail logs of a small Japanese "
        "web shop with planted leak incidents, and their manifest.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--format", required=True, choices=FORMATS)
    ap.add_argument("--scenario", default="clean-day",
                    help="NAME[,NAME...], clean-day or all")
    ap.add_argument("--lines", type=int, default=100000)
    ap.add_argument("--start", default="2025-06-14T00:00:00+09:00")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hours", type=float, default=24.0,
                    help="span of the log (raised to what the scenarios "
                    "need; default 24)")
    ap.add_argument("out")
    ap.add_argument("manifest")
    a = ap.parse_args(argv)
    fmt = a.format
    names = [s.strip() for s in a.scenario.split(",") if s.strip()]
    if names == ["all"]:
        names = [s for s in SCENARIOS[fmt] if s != "intrusion"]
    if "clean-day" in names:
        if len(names) > 1:
            ap.error("clean-day plants nothing; it cannot be combined")
        names = []
    for s in names:
        if s not in SCENARIOS[fmt]:
            ap.error("scenario %r is not available in format %s (it has: %s)"
                     % (s, fmt, ", ".join(SCENARIOS[fmt] + ("clean-day",))))
    if len(set(names)) != len(names):
        ap.error("a scenario is named twice")
    if a.lines < 1:
        ap.error("--lines must be at least 1")
    hours = max([a.hours] + [MIN_HOURS.get(s, 24) for s in names])
    try:
        clock = Clock(a.start, hours)
    except ValueError as e:
        ap.error("--start: %s" % e)
    world = World(a.seed, a.lines, clock)
    cache = None
    wr = sr = mail = bg = None
    if fmt in WEB_FORMATS:
        wr = WebRenderer(fmt, a.seed)
        if "cache-leak" in names:
            cache = CacheSim(clock.at(0, 9, 41, 0), clock.at(0, 13, 52, 0),
                             600)
        skim_at = clock.at(1, 3, 12, 0) if "skimming" in names else None
        bg = WebBackground(world, wr, a.seed, cache, skim_at)
        hourly, per_visit_s = WEB_HOURLY, 25.0
    elif fmt == "s3":
        sr = S3Renderer(a.seed)
        bg = S3Background(world, sr, a.seed)
        hourly, per_visit_s = S3_HOURLY, 20.0
    else:
        mail = Mail(world, a.seed)
        bg = MailBackground(world, mail, a.seed)
        hourly, per_visit_s = MAIL_HOURLY, 1.5
    pl = Planter(fmt, world, clock, a.seed, wr, sr, mail, cache)
    pl.bg = bg
    pl.skim_at = skim_at if fmt in WEB_FORMATS else None
    planted = []
    incidents = []
    for s in names:
        fn = {"cache-leak": pl.cache_leak,
              "shared-link-exposure": (pl.shared_link_s3 if fmt == "s3" else
                                       pl.shared_link_web),
              "enumeration": pl.enumeration,
              "bulk-export": pl.bulk_export,
              "brute-force": pl.brute_force,
              "credential-stuffing": pl.credential_stuffing,
              "sensitive-file-probe": pl.sensitive_probe,
              "sql-injection": pl.sqli,
              "path-traversal": pl.traversal,
              "web-shell": pl.web_shell,
              "intrusion": pl.intrusion,
              "skimming": pl.skimming,
              "mail-mass-recipients": pl.mail_mass,
              "mail-burst": pl.mail_burst}[s]
        lines, incs = fn()
        for x in incs:
            x.setdefault("scenario", s)
        planted += lines
        incidents += incs
    background_events = []
    if fmt in WEB_FORMATS:
        for nm, fn, what in (
                ("password-rush", pl.password_rush,
                 "140 POST /password/reset and 45 logins (a few 401) from "
                 "the office NAT %s, 09:05-09:45 on day 1" % OFFICE_NAT),
                ("staff-exports", pl.staff_exports,
                 "0-2 office-hours CSV exports per staff user per day, "
                 "100-190 KB each"),
                ("internal-shared", pl.internal_shared,
                 "staff reading /shared/2025-06/ from the office")):
            ls = fn()
            planted += ls
            background_events.append({"name": nm, "lines": len(ls),
                                      "what": what})
    elif fmt == "postfix":
        ls = pl.newsletter()
        planted += ls
        background_events.append({
            "name": "newsletter", "lines": len(ls),
            "what": "150 newsletter mails from news@%s via the app server "
            "at 12:00-12:25 on day 1" % SHOP})
    planted = [x for x in planted if 0 <= x[0] < clock.duration]
    planted.sort(key=lambda x: x[0])  # stable: keeps each source's order
    nbg = max(0, a.lines - len(planted))
    rs = random.Random(_stable_seed(a.seed, "schedule"))
    sched = schedule(clock, hourly, nbg, rs.random)
    # concurrently open visits per hour: a visit's lines spread over about
    # per_visit_s * (its lines) seconds
    per_h = [0] * ((clock.duration + 3599) // 3600)
    for sec, k in sched:
        per_h[sec // 3600] += k
    targets = [max(1, min(6000, int(c / 3600.0 * per_visit_s)))
               for c in per_h] or [1]
    written = write_log(a.out, clock, fmt, sched, bg.visit, targets, planted,
                        wr, cache)
    utc = fmt in ("cloudfront", "s3")
    out_inc = []
    for inc in incidents:
        if inc.pop("window_from", None) == "cache":
            c = cache
            if c.first is None:
                inc["first_rel"] = inc["last_rel"] = None
            else:
                inc["first_rel"], inc["last_rel"] = c.first, c.last
            inc["viewers"] = {"ip": sorted(c.viewers_ip),
                              "user": sorted(c.viewers_user)}
            # whose pages were cached (the first request after expiry)
            inc["subjects"] = {"ip": sorted(c.subjects_ip),
                               "user": sorted(c.subjects_user)}
            inc["hits"] = c.hits
            inc["paths"] = sorted(c.paths)
        fr, lr = inc.pop("first_rel"), inc.pop("last_rel")
        o = {"rule": inc.pop("rule"), "scenario": inc.pop("scenario")}
        o["actor"] = inc.pop("actor")
        o["first"] = clock.iso(fr, utc) if fr is not None else None
        o["last"] = clock.iso(lr, utc) if lr is not None else None
        o["min_count"] = inc.pop("min_count")
        o.update(inc)
        out_inc.append(o)
    lf = {"combined": "combined", "nginx_cache": "nginx",
          "cloudfront": "cloudfront", "s3": "s3", "postfix": "postfix"}[fmt]
    man = {
        "generator": "tests/logs/gen_traffic.py",
        "format": fmt,
        "leakguard_log_format": lf,
        "log": os.path.relpath(os.path.abspath(a.out), os.path.dirname(
            os.path.abspath(a.manifest))),
        "lines": written,
        "header_lines": 2 if fmt == "cloudfront" else 0,
        "seed": a.seed,
        "scenarios": names or ["clean-day"],
        "start": clock.iso(0, utc),
        "end": clock.iso(clock.duration - 1, utc),
        "hours": hours,
        "timezone": "+00:00" if utc else clock.iso(0)[-6:],
        "site": {"host": SHOP, "office_nat": OFFICE_NAT,
                 "internal_mail_domain": CORP, "session_cookie": "sid"},
        "incidents": out_inc,
        "background_events": background_events,
    }
    if fmt == "nginx_cache":
        man["nginx_log_format"] = NGINX_CACHE_LOG_FORMAT
    with open(a.manifest, "w", encoding="utf-8") as f:
        json.dump(man, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
