"""`make core-compat` reads failing tests from Odoo's log and compares the two sides; not part of `make test`."""

import subprocess
import sys

from conftest import REPO

LOG = """\
2026-12-06 10:00:00,001 1 INFO db odoo.addons.sale.tests.test_a: Starting TestA.test_x ...
2026-12-06 10:00:00,002 1 ERROR db odoo.addons.sale.tests.test_a: FAIL: TestA.test_x
Traceback (most recent call last):
AssertionError: 1 != 2
2026-12-06 10:00:00,003 1 ERROR db odoo.addons.sale.tests.test_a: FAIL: Subtest TestA.test_y (lines=3)
2026-12-06 10:00:00,004 1 ERROR db odoo.addons.crm.tests.test_b: ERROR: setUpClass (odoo.addons.crm.tests.test_b.TestB)
2026-12-06 10:00:00,005 1 INFO db odoo.addons.crm.tests.test_b: FAIL: an info line is no failure
2026-12-06 10:00:00,006 1 ERROR db odoo.tests.result: 2 failed, 1 error(s) of 40 tests when loading database 'db'
"""


def parse(command, path):
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "parse_odoo_log.py"), command, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def test_failures_and_counts(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text(LOG)
    assert parse("failures", log).splitlines() == [
        "odoo.addons.sale.tests.test_a: TestA.test_x",
        "odoo.addons.sale.tests.test_a: TestA.test_y",
        "odoo.addons.crm.tests.test_b: setUpClass (odoo.addons.crm.tests.test_b.TestB)",
    ]
    assert parse("counts", log) == "40 2 1"
    failing = tmp_path / "failing.txt"
    failing.write_text(parse("failures", log) + "\n")
    assert parse("tags", failing).splitlines() == ["/sale:TestA.test_x", "/sale:TestA.test_y", "/crm:TestB"]
    # Odoo 19 logs a failing setUpClass from odoo.tests.suite: the tag still names the class (not "": all tests)
    suite = tmp_path / "suite.txt"
    suite.write_text("odoo.tests.suite: setUpClass (odoo.addons.crm.tests.test_crm_pls.TestCrmPls)\n")
    assert parse("tags", suite).splitlines() == ["/crm:TestCrmPls"]


def test_make_target_not_in_make_test():
    makefile = (REPO / "Makefile").read_text()
    assert "core-compat: setup" in makefile and "tools/core_compat.sh" in makefile
    assert "core_compat" not in (REPO / "tools" / "test.sh").read_text()
    assert "make core-compat" in (REPO / "README.md").read_text()
