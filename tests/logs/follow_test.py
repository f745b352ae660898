#!/usr/bin/env python3
"""follow_test.py: `leakguard logs --follow` against real rotation and
kill -9, counting every line exactly once.

    follow_test.py LEAKGUARD

A writer appends combined-format lines to access.log while leakguard
follows it, and between phases the log is rotated the ways logrotate does
it: rename + new file (then gzip of the renamed file, as with compress),
copytruncate, and a rename while leakguard is down. leakguard is killed
with SIGKILL several times and started again. At the end the store must
say that exactly as many lines were read as were written, the planted
brute-force burst must be one alert whose count is the burst's size, and
its "open" record must have come out within a few seconds of the burst
(the issue asks for 60 s).

copytruncate loses the lines written between logrotate's copy and its
truncation by design (for every reader); the test waits until leakguard
has read the file before truncating, as the cleanest case.

Exits 0 when all holds, 1 with the reasons otherwise.
"""
import gzip
import http.server
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

FAIL = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAIL.append(what)


class Hooks(http.server.BaseHTTPRequestHandler):
    """A webhook receiver on 127.0.0.1: keeps (path, body) of each POST."""
    got = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        Hooks.got.append((self.path, self.rfile.read(n).decode()))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a):
        pass


class Run:
    def __init__(self, lg, work):
        self.lg, self.work = lg, work
        self.log = os.path.join(work, "access.log")
        self.db = os.path.join(work, "store.db")
        self.n = 0  # lines written so far
        self.proc = None
        self.outs = []
        self.hook_port = 0

    def line(self, ip="198.51.100.7", method="GET", path=None, status=200):
        self.n += 1
        t = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
        path = path or "/products/%d" % self.n
        return ('%s - - [%s] "%s %s HTTP/1.1" %d 512 "-" '
                '"Mozilla/5.0 (X11; Linux x86_64)"\n' % (ip, t, method, path,
                                                        status))

    def write(self, count, **kw):
        with open(self.log, "a") as f:
            for _ in range(count):
                f.write(self.line(**kw))
                if self.n % 50 == 0:
                    f.flush()

    def start(self):
        out = open(os.path.join(self.work, "out%d.jsonl" % len(self.outs)),
                   "w")
        self.outs.append(out.name)
        hooks = []
        if self.hook_port:
            url = "http://127.0.0.1:%d" % self.hook_port
            hooks = ["--sink", "webhook:%s/hook" % url,
                     "--sink", "slack:%s/slack" % url]
        self.proc = subprocess.Popen(
            [self.lg, "logs", "--follow", "--from-start", "--db", self.db,
             "-f", "jsonl", "--merge-window", "2m"] + hooks + [self.log],
            stdout=out, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        check(self.proc.returncode in (0, 1),
              "SIGTERM stops cleanly (exit %s) %s" % (self.proc.returncode,
                                                      err.strip()[:200]))

    def lines_read(self):
        c = sqlite3.connect(self.db)
        try:
            r = c.execute("SELECT lines_total FROM log_positions "
                          "WHERE path = ?", (self.log,)).fetchone()
        except sqlite3.Error:
            r = None
        c.close()
        return r[0] if r else 0

    def wait_read(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.lines_read() == self.n:
                return True
            time.sleep(0.1)
        return False


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    lg = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="lgfollow.")
    try:
        r = Run(lg, work)
        r.write(200)
        r.start()
        r.write(300)
        check(r.wait_read(), "reads the first 500 lines")
        # rename + new file, then the renamed file compressed
        os.rename(r.log, r.log + ".1")
        r.write(150)
        with open(r.log + ".1", "rb") as src, \
                gzip.open(r.log + ".1.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.unlink(r.log + ".1")
        r.write(150)
        check(r.wait_read(), "reads across rename + new file + gzip")
        # nginx until its reopen signal: writes go on into the renamed
        # file after logrotate has made the new one
        os.rename(r.log, r.log + ".4")
        open(r.log, "w").close()
        time.sleep(0.6)
        renamed = r.log
        r.log = r.log + ".4"
        r.write(60)
        r.log = renamed
        time.sleep(0.6)
        r.write(30)
        check(r.wait_read(), "reads what is written to the renamed file "
              "before the server reopens its log (%d/%d)" %
              (r.lines_read(), r.n))
        # kill -9 while lines are coming
        r.write(400)
        time.sleep(0.3)
        r.kill9()
        r.write(100)
        r.start()
        check(r.wait_read(), "after kill -9: resumes, no line lost or "
              "repeated (%d/%d)" % (r.lines_read(), r.n))
        # copytruncate
        shutil.copyfile(r.log, r.log + ".2")
        with open(r.log, "r+") as f:
            f.truncate(0)
        r.write(120)
        check(r.wait_read(), "reads after copytruncate")
        # rotated while leakguard is down
        r.kill9()
        r.write(80)
        os.rename(r.log, r.log + ".3")
        r.write(90)
        r.start()
        check(r.wait_read(), "rotated while down: the old file's rest, "
              "then the new file (%d/%d)" % (r.lines_read(), r.n))
        # a brute-force burst: the alert comes out at once
        burst_at = time.time()
        r.write(40, ip="203.0.113.77", method="POST", path="/login",
                status=401)
        seen = None
        end = time.time() + 60
        while time.time() < end and seen is None:
            with open(r.outs[-1]) as f:
                for ln in f:
                    a = json.loads(ln)
                    if a["rule"] == "brute-force" and a["state"] == "open":
                        seen = time.time() - burst_at
            time.sleep(0.1)
        check(seen is not None and seen < 10,
              "brute-force alert open %.1f s after the burst" %
              (seen if seen is not None else -1))
        r.kill9()
        # the last run sends to a webhook and a chat room (on loopback)
        srv = http.server.HTTPServer(("127.0.0.1", 0), Hooks)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        r.hook_port = srv.server_address[1]
        r.start()
        r.write(10)
        r.write(35, ip="203.0.113.78", method="POST", path="/login",
                status=401)
        check(r.wait_read(), "one more restart")
        r.stop()
        srv.shutdown()
        hook = [json.loads(b) for p, b in Hooks.got if p == "/hook"]
        chat = [b for p, b in Hooks.got if p == "/slack"]
        check([h["state"] for h in hook
               if h["actor"].get("ip") == "203.0.113.78"] ==
              ["open", "closed"],
              "the webhook gets the alert when it opens and when it closes")
        check(len(chat) == 1 and "brute-force" in chat[0] and
              "203.0.113.78" in chat[0],
              "the chat room gets it once (%d messages)" % len(chat))
        check(r.lines_read() == r.n, "lines read = lines written: %d = %d"
              % (r.lines_read(), r.n))
        c = sqlite3.connect(r.db)
        rows = c.execute("SELECT state, count FROM alerts WHERE rule = "
                         "'brute-force'").fetchall()
        c.close()
        check(rows == [("closed", 40), ("closed", 35)],
              "two brute-force alerts counting 40 and 35, closed (store: "
              "%s)" % rows)
        mode = os.stat(r.db).st_mode & 0o777
        check(mode == 0o600, "the store is private (mode %o)" % mode)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("follow: %s" % ("FAILED: " + "; ".join(FAIL) if FAIL else "ok"))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
