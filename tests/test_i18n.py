"""zh_CN is complete: every term of both addons has a Chinese translation, and the
committed .pot files are what the installed addons really export."""

import subprocess
import sys
import tempfile
from pathlib import Path

import polib
import pytest
from conftest import MODULES
from conftest import ODOO_SRC
from conftest import REPO
from conftest import odoo_conf


@pytest.mark.parametrize("addon", MODULES)
def test_zh_cn_translates_every_term(addon):
    i18n = REPO / "addons" / addon / "i18n"
    pot = polib.pofile(str(i18n / f"{addon}.pot"))
    po = polib.pofile(str(i18n / "zh_CN.po"))
    assert po.metadata.get("Language") == "zh_CN"
    assert po.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"
    translated = {(e.msgctxt, e.msgid) for e in po if e.msgstr.strip() and "fuzzy" not in e.flags}
    missing = [e.msgid for e in pot if (e.msgctxt, e.msgid) not in translated]
    assert not missing, f"{len(missing)} untranslated terms in {addon}/i18n/zh_CN.po, e.g. {missing[:10]}"


@pytest.mark.parametrize("addon", MODULES)
def test_pot_is_current(addon, tested_db):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{addon}.pot"
        conf = odoo_conf(Path(tmp) / "odoo.conf")
        proc = subprocess.run(
            [
                sys.executable,
                str(ODOO_SRC / "odoo-bin"),
                "i18n",
                "export",
                "-c",
                conf,
                "-d",
                tested_db,
                "-o",
                str(out),
                addon,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(out))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(REPO / "addons" / addon / "i18n" / f"{addon}.pot"))}
    assert (
        fresh - committed == set()
    ), f"terms missing from the committed .pot (run make i18n): {sorted(fresh - committed)[:10]}"
