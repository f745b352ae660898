#!/usr/bin/env python3
"""sarif_check.py: checks a SARIF log has what GitHub code scanning needs.

GitHub rejects an upload without: version 2.1.0; runs[].tool.driver.name;
results with ruleId, message.text and a physical location (artifactLocation
.uri, a valid relative URI, and region.startLine >= 1), or with more than
25,000 results in a run; rules that results
point at by ruleIndex with the same id. Exits 1 naming the first problem.
Usage: sarif_check.py FILE
"""
import json
import re
import sys


def fail(msg):
    print("sarif: " + msg)
    sys.exit(1)


def main():
    log = json.load(open(sys.argv[1], encoding="utf-8"))
    if log.get("version") != "2.1.0":
        fail("version is not 2.1.0")
    if "sarif-2.1.0" not in log.get("$schema", ""):
        fail("$schema does not name SARIF 2.1.0")
    for run in log.get("runs") or fail("no runs"):
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            fail("tool.driver.name missing")
        rules = driver.get("rules", [])
        if len(run.get("results", [])) > 25000:
            fail("more than 25,000 results in a run (GitHub rejects it)")
        for n, res in enumerate(run.get("results", [])):
            where = "result %d" % n
            if not res.get("ruleId") or not res.get("message", {}).get("text"):
                fail(where + ": ruleId or message.text missing")
            idx = res.get("ruleIndex")
            if idx is not None and rules[idx]["id"] != res["ruleId"]:
                fail(where + ": ruleIndex points at another rule")
            loc = res["locations"][0]["physicalLocation"]
            uri = loc["artifactLocation"]["uri"]
            if not re.fullmatch(r"[A-Za-z0-9\-._~/%]+", uri) or uri.startswith("/"):
                fail(where + ": uri is not a relative URI: " + uri)
            if loc["region"]["startLine"] < 1:
                fail(where + ": startLine < 1")
            if res.get("level") not in ("error", "warning", "note"):
                fail(where + ": bad level")
    print("sarif: ok, %d results" % sum(len(r.get("results", [])) for r in log["runs"]))


if __name__ == "__main__":
    main()
