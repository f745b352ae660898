#!/usr/bin/env python3
"""backend.py MODE PORTFILE: the origin behind nginx in the audit cache tests.

A ticket site's member pages: /mypage (and anything under it, as many
frameworks answer) is personalised by the `sid` cookie, /login hands out a
new session cookie, / is the same for everyone. MODE sets the origin's
Cache-Control on personal responses: private (private, no-store), public
(public, max-age=600) or none. Binds 127.0.0.1 on a free port, written to
PORTFILE once listening.
"""
import http.server
import secrets
import sys

USERS = {
    "alice-0b7c2f9e41d8": {
        "name": "山田 花子",
        "address": "〒150-0002 東京都渋谷区渋谷2丁目21番1号 ヒカリエ302",
        "phone": "090-1234-5678",
        "mail": "hanako.yamada@tokyo-ticket.co.jp",
        "card": "VISA **** **** **** 4242（有効期限 12/28）",
        "bank": "みずほ銀行 渋谷支店 普通 口座番号 1234567",
    },
    "bob-5d13a8c07e66": {
        "name": "佐藤 一郎",
        "address": "〒530-0001 大阪府大阪市北区梅田3丁目1番3号",
        "phone": "080-8765-4321",
        "mail": "ichiro.sato@osaka-mail.co.jp",
        "card": "JCB **** **** **** 1881（有効期限 03/27）",
        "bank": "三井住友銀行 梅田支店 普通 口座番号 7654321",
    },
}

MODE = sys.argv[1]
CACHE_CONTROL = {"private": "private, no-store",
                 "public": "public, max-age=600"}.get(MODE)


def member_page(user, charset):
    rows = "".join(
        f"<tr><th>{k}</th><td>{v}</td></tr>\n"
        for k, v in (("氏名", user["name"]), ("住所", user["address"]),
                     ("電話番号", user["phone"]),
                     ("メールアドレス", user["mail"]),
                     ("登録カード", user["card"]),
                     ("振込先口座", user["bank"])))
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}">'
            f"<title>マイページ</title></head><body><h1>マイページ</h1>\n"
            f"<table>\n{rows}</table></body></html>\n")


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def sid(self):
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "sid":
                return v
        return None

    def send(self, body, charset="utf-8", cookie=None, personal=True):
        data = body.encode(charset)
        self.send_response(200)
        self.send_header("Content-Type", f"text/html; charset={charset}")
        self.send_header("Content-Length", str(len(data)))
        if personal and CACHE_CONTROL:
            self.send_header("Cache-Control", CACHE_CONTROL)
        if cookie:
            self.send_header("Set-Cookie",
                             f"sid={cookie}; Path=/; HttpOnly; SameSite=Lax")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path.startswith("/mypage"):
            user = USERS.get(self.sid())
            charset = "shift_jis" if path.startswith("/mypage-sjis") \
                else "utf-8"
            if user:
                self.send(member_page(user, charset), charset)
            else:
                self.send("<html><body><p>ログインしてください</p>"
                          "</body></html>\n")
        elif path == "/login":
            self.send("<html><body><p>ようこそ</p></body></html>\n",
                      cookie=secrets.token_hex(16))
        elif path == "/":
            self.send("<html><body><h1>チケット販売</h1></body></html>\n",
                      personal=False)
        else:
            self.send_error(404)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
