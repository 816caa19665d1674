"""Read an Odoo test log (or a pytest junit file) for tools/test.sh.

counts LOG    -> "tests_run failed errors" summed over the "... when loading database" lines
problems LOG  -> ERROR/CRITICAL lines, skipped tests, modules that failed to load
failures LOG  -> one line per failing test: "<test module>: <Class.method>" (FAIL or ERROR, setUpClass too)
tags FILE     -> the --test-tags of each line of a "failures" output ("/module:Class.method", "/module:Class")
junit FILE    -> "tests failed" (failures + errors) from a pytest junit xml
"""

import re
import sys
import xml.etree.ElementTree as ET

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)"
)
# "FAIL: TestX.test_y", "FAIL: Subtest TestX.test_y (x=1)" (counted as the test),
# "ERROR: setUpClass (odoo.addons.m.tests.t.TestX)"
FAILURE = re.compile(r"^(?:FAIL|ERROR): (?:Subtest )?(?P<test>\S+(?: \([\w.]+\))?)")
# "odoo.addons.crm.tests.test_b: TestB.test_x" or "...: setUpClass (odoo.addons.crm.tests.test_b.TestB)"; Odoo 19
# logs a failing setUpClass from "odoo.tests.suite": the class's module is then read from its path
FAILED_TEST = re.compile(
    r"^(?:odoo\.addons\.(?P<module>\w+)\.[\w.]+|odoo\.tests\.suite): (?P<test>[\w.]+)"
    r"(?: \(odoo\.addons\.(?P<cls_module>\w+)\.[\w.]+\.(?P<cls>\w+)\))?$"
)
SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")


def counts(path):
    run = failed = errors = 0
    with open(path, errors="replace") as fh:
        for line in fh:
            m = SUMMARY.search(line)
            if m:
                failed, errors, run = (int(g) for g in m.groups())
    return f"{run} {failed} {errors}"


def problems(path):
    out = []
    with open(path, errors="replace") as fh:
        for line in fh:
            m = LINE.match(line)
            if not m:
                continue
            if m["level"] in ("ERROR", "CRITICAL"):
                out.append(line.rstrip())
            elif m["msg"].startswith("skipped "):
                out.append("SKIPPED TEST: " + line.rstrip())
            elif "Some modules are not loaded" in m["msg"] or "not installable, skipped" in m["msg"]:
                out.append("MODULE NOT LOADED: " + line.rstrip())
    return "\n".join(out)


def failures(path):
    out = []
    with open(path, errors="replace") as fh:
        for line in fh:
            m = LINE.match(line)
            if m and m["level"] in ("ERROR", "CRITICAL"):
                f = FAILURE.match(m["msg"])
                if f:
                    out.append(f"{m['logger']}: {f['test']}")
    return "\n".join(out)


def tags(path):
    out = []
    with open(path, errors="replace") as fh:
        for line in fh:
            m = FAILED_TEST.match(line.strip())
            if m and (m["module"] or m["cls"]):
                out.append(f"/{m['module'] or m['cls_module']}:{m['cls'] if m['cls'] else m['test']}")
    return "\n".join(out)


def junit(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return "0 1"
    suites = [root] if root.tag == "testsuite" else list(root)
    run = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    return f"{run} {bad}"


if __name__ == "__main__":
    cmd, path = sys.argv[1], sys.argv[2]
    print({"counts": counts, "problems": problems, "failures": failures, "tags": tags, "junit": junit}[cmd](path))
