#!/usr/bin/env python3
"""check_scenario.py: runs `leakguard logs` over logs written by
gen_traffic.py and compares its alerts with the manifests.

    check_scenario.py LEAKGUARD MANIFEST.json [MANIFEST.json ...]
                      [--config tests/logs/site.yaml] [--strict]
    check_scenario.py LEAKGUARD --all [--lines N] [--seed S] [--keep DIR]
    check_scenario.py --selftest [--lines N]

For each manifest, runs
    LEAKGUARD logs --format jsonl --config SITE --log-format F LOG
(nginx_cache logs get an nginx.conf holding the manifest's log_format and
`--nginx-conf CONF --log-format nginx_cache`), then for every planted
incident looks for an alert with
  - the incident's rule id;
  - the incident's actor: alert actor.ip equal to the manifest's ip, or
    actor.user equal to its user (or one of user_aliases); for incidents
    with many viewers (cache-leak, shared-link-exposure) an alert without
    an actor, or one naming a viewer (or a cache-leak data subject);
  - [first_seen, last_seen] overlapping the manifest's [first, last]
    (within --slack seconds, default 60);
  - max(count, distinct) >= min_count (or, failing one alert that big, the
    counts of all alerts that match the rest summed).
and checks that no alert of severity high or critical names a rule that was
not planted (false positives). A high/critical alert of an unplanted rule
about a planted incident's own actor (a brute-force alert on the
credential-stuffing address) is listed as "related" and passes, unless
--strict. So is a high/critical alert of a planted rule that matches no
incident ("extra").

syslog (postfix) times carry no year: leakguard assumes one, so for postfix
the alert's year is replaced by the manifest's before comparing.

--all generates, into a temporary folder, every format's clean day and each
scenario on its own (and the intrusion case), then checks them all.
--selftest needs no leakguard: it checks the generator (same arguments give
the same bytes, every line is well-formed for its format, the line count,
the manifest windows against the lines, and the speed).

Prints a PASS/FAIL table; exits 1 when anything fails, 2 on usage errors.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "gen_traffic.py")
SITE = os.path.join(HERE, "site.yaml")
sys.path.insert(0, HERE)
import gen_traffic  # noqa: E402  (the scenario lists)

HIGH = ("high", "critical")


def parse_time(s):
    if not s:
        return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# running leakguard

def leakguard_cmd(lg, man, log, config, extra, workdir):
    cmd = [lg, "logs", "--format", "jsonl"]
    if config:
        cmd += ["--config", config]
    fmt = man["format"]
    if fmt == "nginx_cache":
        conf = os.path.join(workdir, "nginx-%s.conf" % os.getpid())
        with open(conf, "w") as f:
            f.write("http {\n    log_format nginx_cache '%s';\n}\n" %
                    man["nginx_log_format"])
        cmd += ["--nginx-conf", conf, "--log-format", "nginx_cache"]
    else:
        cmd += ["--log-format", man.get("leakguard_log_format", fmt)]
    cmd += extra
    cmd.append(log)
    return cmd


def run_leakguard(lg, man, log, config, extra, workdir):
    cmd = leakguard_cmd(lg, man, log, config, extra, workdir)
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    secs = time.time() - t0
    alerts, bad = [], 0
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            a = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(a, dict) and "rule" in a:
            alerts.append(a)
    return cmd, p.returncode, alerts, bad, p.stderr.decode(
        "utf-8", "replace"), secs


# ---------------------------------------------------------------------------
# comparing

class Span:
    def __init__(self, alert, man):
        self.a = alert
        f = parse_time(alert.get("first_seen"))
        last = parse_time(alert.get("last_seen")) or f
        f = f or last
        if man["format"] == "postfix":
            # syslog has no year: take the manifest's
            y = parse_time(man["start"]).year
            f = f.replace(year=y) if f else f
            last = last.replace(year=y) if last else last
        self.first, self.last = f, last


def actor_of(a):
    x = a.get("actor") or {}
    return x if isinstance(x, dict) else {}


def actor_matches(inc, a):
    ia = inc.get("actor") or {}
    aa = actor_of(a)
    if not (ia.get("ip") or ia.get("user")):
        # many viewers: an alert without an actor, or naming one of the
        # viewers (or, for cache-leak, one whose page was cached)
        if not (aa.get("ip") or aa.get("user")):
            return True
        for k in ("viewers", "subjects"):
            v = inc.get(k) or {}
            if aa.get("ip") in v.get("ip", ()) or \
                    aa.get("user") in v.get("user", ()):
                return True
        return False
    users = {ia.get("user")} | set(ia.get("user_aliases", []))
    users.discard(None)
    if ia.get("ip") and aa.get("ip") == ia["ip"]:
        return True
    if aa.get("user") and aa["user"] in users:
        return True
    return False


def overlaps(inc, span, slack):
    f, last = parse_time(inc.get("first")), parse_time(inc.get("last"))
    if f is None or span.first is None:
        return False
    d = dt.timedelta(seconds=slack)
    return span.first <= last + d and span.last >= f - d


def amount(a):
    return max(int(a.get("count") or 0), int(a.get("distinct") or 0))


def describe(a):
    aa = actor_of(a)
    who = ",".join("%s=%s" % (k, aa[k]) for k in ("ip", "user") if aa.get(k))
    tg = a.get("target") or {}
    return "%s %s [%s] count=%s distinct=%s %s..%s %s" % (
        a.get("rule"), a.get("severity"), who or "-", a.get("count"),
        a.get("distinct"), (a.get("first_seen") or "?")[5:19],
        (a.get("last_seen") or "?")[5:19], tg.get("path", ""))


def check(man, alerts, slack, strict):
    """-> (rows, ok): rows are (item, verdict, detail)."""
    rows = []
    ok = True
    spans = [Span(a, man) for a in alerts]
    used = set()
    planted_rules = {i["rule"] for i in man["incidents"]}
    planted_ips, planted_users = set(), set()
    for inc in man["incidents"]:
        ia = inc.get("actor") or {}
        if ia.get("ip"):
            planted_ips.add(ia["ip"])
        if ia.get("user"):
            planted_users.add(ia["user"])
        planted_users.update(ia.get("user_aliases", []))
        for k in ("viewers", "subjects"):
            v = inc.get(k) or {}
            planted_ips.update(v.get("ip", []))
            planted_users.update(v.get("user", []))
    for inc in man["incidents"]:
        ia = inc.get("actor") or {}
        who = ia.get("ip") or ia.get("user") or "(many viewers)"
        if ia.get("ip") and ia.get("user"):
            who = "%s / %s" % (ia["ip"], ia["user"])
        item = "%-22s %s" % (inc["rule"], who)
        if inc.get("first") is None:
            rows.append((item, "SKIP", "nothing planted inside the log's span"))
            continue
        same_rule = [i for i, s in enumerate(spans)
                     if s.a.get("rule") == inc["rule"]]
        cand = [i for i in same_rule if actor_matches(inc, spans[i].a) and
                overlaps(inc, spans[i], slack)]
        used.update(cand)
        best = max(cand, key=lambda i: amount(spans[i].a), default=None)
        need = inc["min_count"]
        if best is not None and amount(spans[best].a) >= need:
            rows.append((item, "PASS", "%d alert(s); best: %s" % (
                len(cand), describe(spans[best].a))))
        elif cand and sum(amount(spans[i].a) for i in cand) >= need:
            rows.append((item, "PASS", "%d alerts, counts summed %d >= %d; "
                         "best: %s" % (len(cand), sum(amount(spans[i].a)
                                                     for i in cand), need,
                                       describe(spans[best].a))))
        else:
            ok = False
            why = []
            if not same_rule:
                why.append("no %s alert at all" % inc["rule"])
            elif not cand:
                why.append("%d %s alert(s), none with this actor in "
                           "%s..%s: %s" % (
                               len(same_rule), inc["rule"], inc["first"],
                               inc["last"], "; ".join(
                                   describe(spans[i].a)
                                   for i in same_rule[:4])))
            else:
                why.append("count %d < min_count %d: %s" % (
                    amount(spans[best].a), need, describe(spans[best].a)))
            rows.append((item, "FAIL", " ".join(why)))
    # high/critical alerts that no incident explains
    fps, related, extra = [], [], []
    for i, s in enumerate(spans):
        a = s.a
        if a.get("severity") not in HIGH or i in used:
            continue
        aa = actor_of(a)
        mine = aa.get("ip") in planted_ips or aa.get("user") in planted_users
        if a.get("rule") in planted_rules:
            extra.append(a)
        elif mine:
            related.append(a)
        else:
            fps.append(a)
    if fps:
        ok = False
        by = {}
        for a in fps:
            by.setdefault(a.get("rule"), []).append(a)
        for r, lst in sorted(by.items()):
            rows.append(("%-22s (not planted)" % r, "FAIL",
                         "%d high/critical alert(s) on background traffic; "
                         "e.g. %s" % (len(lst), "; ".join(
                             describe(a) for a in lst[:3]))))
    else:
        rows.append(("no high/critical alert of an unplanted rule", "PASS",
                     ""))
    for name, lst in (("related", related), ("extra", extra)):
        if not lst:
            continue
        by = {}
        for a in lst:
            by.setdefault(a.get("rule"), []).append(a)
        for r, l2 in sorted(by.items()):
            v = "FAIL" if strict else "WARN"
            if strict:
                ok = False
            rows.append(("%-22s (%s)" % (r, name), v, "%d alert(s): %s" % (
                len(l2), "; ".join(describe(a) for a in l2[:3]))))
    return rows, ok


def summary_of(alerts):
    c = {}
    for a in alerts:
        k = (a.get("rule"), a.get("severity"))
        c[k] = c.get(k, 0) + 1
    return ", ".join("%s/%s x%d" % (r, s, n) for (r, s), n in sorted(
        c.items(), key=lambda x: (str(x[0][0]), str(x[0][1]))))


def check_manifests(lg, manifests, config, extra, slack, strict,
                    verbose=False):
    allok = True
    work = tempfile.mkdtemp(prefix="lg-check-")
    table = []
    try:
        for mp in manifests:
            with open(mp, encoding="utf-8") as f:
                man = json.load(f)
            log = os.path.join(os.path.dirname(os.path.abspath(mp)),
                               man["log"])
            name = "%s %s" % (man["format"], "+".join(man["scenarios"]))
            cmd, rc, alerts, bad, err, secs = run_leakguard(
                lg, man, log, config, extra, work)
            head = "%s  (%d lines, %.1f s, %d alerts)" % (
                name, man["lines"], secs, len(alerts))
            if rc not in (0, 1):
                allok = False
                table.append((head, [("leakguard run", "FAIL",
                                      "exit %d: %s" % (rc, " ".join(cmd)) +
                                      ("\n      " + err.strip().replace(
                                          "\n", "\n      ") if err else ""))],
                              alerts))
                continue
            rows, ok = check(man, alerts, slack, strict)
            if bad:
                rows.append(("stdout", "FAIL", "%d lines were not JSON" % bad))
                ok = False
            allok &= ok
            table.append((head, rows, alerts))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    npass = nfail = 0
    for head, rows, alerts in table:
        print("== %s" % head)
        for item, verdict, detail in rows:
            if verdict == "PASS":
                npass += 1
            elif verdict == "FAIL":
                nfail += 1
            print("  %-4s  %-46s %s" % (verdict, item, detail))
        if verbose or any(r[1] == "FAIL" for r in rows):
            print("        alerts: %s" % (summary_of(alerts) or "none"))
    print("\n%d passed, %d failed" % (npass, nfail))
    return allok


# ---------------------------------------------------------------------------
# generating the whole set

def generate(fmt, scenario, lines, seed, outdir, tag=None):
    tag = tag or "%s-%s" % (fmt, scenario.replace(",", "+"))
    log = os.path.join(outdir, tag + ".log")
    man = os.path.join(outdir, tag + ".json")
    subprocess.run([sys.executable, GEN, "--format", fmt, "--scenario",
                    scenario, "--lines", str(lines), "--seed", str(seed),
                    log, man], check=True)
    return log, man


def all_cases():
    out = []
    for fmt in gen_traffic.FORMATS:
        out.append((fmt, "clean-day"))
        for s in gen_traffic.SCENARIOS[fmt]:
            out.append((fmt, s))
    return out


# ---------------------------------------------------------------------------
# the generator's self-test

CLF_TIME = r"\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}"
Q = r'"((?:[^"\\]|\\.)*)"'
RE = {
    "combined": re.compile(
        r'^(\S+) - (\S+) \[(' + CLF_TIME + r')\] "([A-Z]+) (\S+) '
        r'(HTTP/[12]\.[01])" (\d{3}) (\d+|-) ' + Q + " " + Q + r"$"),
    "nginx_cache": re.compile(
        r'^(\S+) - (\S+) \[(' + CLF_TIME + r')\] "([A-Z]+) (\S+) '
        r'(HTTP/[12]\.[01])" (\d{3}) (\d+) ' + Q + " " + Q +
        r' (HIT|MISS|BYPASS|EXPIRED|STALE|UPDATING|REVALIDATED|-) '
        r'"([0-9a-f]{32}|-)"$'),
    "s3": re.compile(
        r'^([0-9a-f]{64}) ([a-z0-9.-]+) \[(' + CLF_TIME + r')\] (\S+) (\S+) '
        r'([0-9A-F]{16}) (REST\.[A-Z]+\.[A-Z]+) (\S+) "([A-Z]+) (\S+) '
        r'HTTP/1\.1" (\d{3}) (\S+) (\d+|-) (\d+|-) (\d+) (\d+|-) ' + Q +
        " " + Q + r' - (\S+) (SigV4|-) (\S+) (AuthHeader|QueryString|-) '
        r'(\S+) (TLSv1\.[23]) - (Yes|-)$'),
    "postfix": re.compile(
        r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d mail "
        r"postfix/[a-z/]+\[\d+\]: (?:[0-9A-F]{10}: (?:client=|message-id=|"
        r"from=<|to=<|removed$)|connect from |disconnect from |NOQUEUE: )"),
}
MON = {m: i + 1 for i, m in enumerate(gen_traffic.MONTHS)}


def line_time(fmt, line, m):
    if fmt in ("combined", "nginx_cache", "s3"):
        t = m.group(3)
        return (int(t[7:11]), MON[t[3:6]], int(t[0:2]), t[12:20])
    if fmt == "cloudfront":
        d, t = line[:10], line[11:19]
        return (int(d[:4]), int(d[5:7]), int(d[8:10]), t)
    return (0, MON[line[:3]], int(line[4:6]), line[7:15])


def verify_log(fmt, path, man):
    """Every line well-formed and in time order; returns problems."""
    probs = []
    n = 0
    prev = None
    rx = RE.get(fmt)
    ips = {}
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if fmt == "cloudfront" and line.startswith("#"):
                if no == 1 and line != "#Version: 1.0":
                    probs.append("line 1: %r" % line)
                if no == 2 and len(line.split(" ")) != 34:
                    probs.append("#Fields: has %d fields" % (
                        len(line.split(" ")) - 1))
                continue
            n += 1
            if fmt == "cloudfront":
                fl = line.split("\t")
                m = None
                if len(fl) != 33 or not re.match(
                        r"^\d{4}-\d\d-\d\d$", fl[0]) or not re.match(
                        r"^\d\d:\d\d:\d\d$", fl[1]) or not fl[8].isdigit() \
                        or fl[13] not in ("Hit", "RefreshHit", "Miss",
                                          "Error", "Redirect") or \
                        " " in line:
                    probs.append("line %d: bad CloudFront record (%d "
                                 "fields): %.200s" % (no, len(fl), line))
                    continue
                ip = fl[4]
            else:
                m = rx.match(line)
                if not m:
                    probs.append("line %d: does not parse: %.200s" % (no,
                                                                      line))
                    continue
                ip = None if fmt == "postfix" else m.group(
                    4 if fmt == "s3" else 1)
            t = line_time(fmt, line, m)
            if prev is not None and t < prev:
                probs.append("line %d: time goes back (%s after %s)" % (
                    no, t, prev))
            prev = t
            if fmt != "postfix":
                ips[ip] = ips.get(ip, 0) + 1
            if len(probs) > 20:
                probs.append("... (stopped)")
                break
    if n != man["lines"]:
        probs.append("%d event lines, the manifest says %d" % (n,
                                                              man["lines"]))
    for inc in man["incidents"]:
        a = inc.get("actor") or {}
        if fmt != "postfix" and a.get("ip") and ips.get(a["ip"], 0) < \
                inc["min_count"]:
            probs.append("%s: actor %s has only %d lines" % (
                inc["rule"], a["ip"], ips.get(a["ip"], 0)))
        if inc.get("first") and inc["first"] > inc["last"]:
            probs.append("%s: first after last" % inc["rule"])
    return n, probs


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def selftest(lines, speed_lines):
    ok = True
    work = tempfile.mkdtemp(prefix="lg-gen-selftest-")
    rows = []
    try:
        for fmt in gen_traffic.FORMATS:
            for scen in ("clean-day", "all") + (
                    ("intrusion",) if fmt in gen_traffic.WEB_FORMATS else ()):
                tag = "%s-%s" % (fmt, scen)
                la, ma = generate(fmt, scen, lines, 7, work, tag + "-a")
                lb, mb = generate(fmt, scen, lines, 7, work, tag + "-b")
                lc, _ = generate(fmt, scen, lines, 8, work, tag + "-c")
                with open(ma) as f:
                    man = json.load(f)
                with open(mb) as f:
                    man_b = json.load(f)
                man_b["log"] = man["log"]
                same = sha(la) == sha(lb) and man == man_b
                differs = sha(la) != sha(lc)
                n, probs = verify_log(fmt, la, man)
                if not same:
                    probs.append("two runs with the same arguments differ")
                if not differs:
                    probs.append("another seed gives the same bytes")
                good = not probs
                ok &= good
                rows.append((tag, "PASS" if good else "FAIL",
                             "%d lines, %d incidents, sha256 %s..., %s" % (
                                 n, len(man["incidents"]), sha(la)[:12],
                                 "; ".join(probs[:6]) if probs else
                                 "deterministic, well-formed, in time "
                                 "order")))
                for p in (la, lb, lc):
                    os.unlink(p)
        # PYTHONHASHSEED must not matter
        outs = []
        for hs in ("1", "2"):
            env = dict(os.environ, PYTHONHASHSEED=hs)
            p = os.path.join(work, "hs%s.log" % hs)
            subprocess.run([sys.executable, GEN, "--format", "combined",
                            "--scenario", "all", "--lines", str(lines), p,
                            p + ".json"], check=True, env=env)
            outs.append(sha(p))
        good = outs[0] == outs[1]
        ok &= good
        rows.append(("PYTHONHASHSEED 1 vs 2", "PASS" if good else "FAIL",
                     "same bytes" if good else "bytes differ"))
        # speed
        p = os.path.join(work, "speed.log")
        t0 = time.time()
        subprocess.run([sys.executable, GEN, "--format", "combined",
                        "--scenario", "enumeration,brute-force,sql-injection",
                        "--lines", str(speed_lines), p, p + ".json"],
                       check=True)
        secs = time.time() - t0
        rate = speed_lines / secs
        good = rate >= 300000 or speed_lines < 1000000
        ok &= good
        rows.append(("speed (combined)", "PASS" if good else "FAIL",
                     "%d lines in %.1f s: %.0f lines/s, %.0f MB/s (bar "
                     ">= 300,000 lines/s at >= 1M lines)" % (
                         speed_lines, secs, rate,
                         os.path.getsize(p) / secs / 1048576)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for item, v, d in rows:
        print("  %-4s  %-28s %s" % (v, item, d))
    return ok


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("leakguard", nargs="?", help="the leakguard binary")
    ap.add_argument("manifests", nargs="*")
    ap.add_argument("--config", default=SITE,
                    help="site configuration (default tests/logs/site.yaml;"
                    " '' for none)")
    ap.add_argument("--extra-arg", action="append", default=[],
                    help="one more argument for leakguard logs (repeatable)")
    ap.add_argument("--slack", type=int, default=60)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--lines", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", metavar="DIR",
                    help="with --all: write the logs here and keep them")
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--speed-lines", type=int, default=1000000)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return 0 if selftest(a.lines or 20000, a.speed_lines) else 1
    if not a.leakguard:
        ap.error("the leakguard binary is needed (or --selftest)")
    if not (os.path.isfile(a.leakguard) and os.access(a.leakguard, os.X_OK)):
        ap.error("%s is not an executable" % a.leakguard)
    if a.all:
        d = a.keep or tempfile.mkdtemp(prefix="lg-scenarios-")
        os.makedirs(d, exist_ok=True)
        mans = []
        try:
            for fmt, scen in all_cases():
                n = a.lines or (30000 if fmt == "postfix" else 100000)
                mans.append(generate(fmt, scen, n, a.seed, d)[1])
            ok = check_manifests(a.leakguard, mans, a.config or None,
                                 a.extra_arg, a.slack, a.strict, a.verbose)
        finally:
            if not a.keep:
                shutil.rmtree(d, ignore_errors=True)
        return 0 if ok else 1
    if not a.manifests:
        ap.error("name at least one manifest (or --all)")
    ok = check_manifests(a.leakguard, a.manifests, a.config or None,
                         a.extra_arg, a.slack, a.strict, a.verbose)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
