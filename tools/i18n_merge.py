"""Merge each addon's zh_CN.po with its freshly exported .pot and report untranslated terms."""

import sys
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parents[1]
LANGS = ("zh_CN",)
HEADER = {
    "Project-Id-Version": "Odoo Server 19.0",
    "Language": "zh_CN",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def merge(addon_dir, lang):
    pot = polib.pofile(str(addon_dir / "i18n" / f"{addon_dir.name}.pot"))
    po_path = addon_dir / "i18n" / f"{lang}.po"
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr}
    by_id = {e.msgid: e.msgstr for e in old if e.msgstr}
    new = polib.POFile(wrapwidth=78)
    new.metadata = dict(HEADER, Language=lang)
    for entry in pot:
        e = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            occurrences=entry.occurrences,
            comment=entry.comment,
            tcomment=entry.tcomment,
            flags=entry.flags,
        )
        e.msgstr = known.get((entry.msgctxt, entry.msgid)) or by_id.get(entry.msgid, "")
        new.append(e)
    new.save(str(po_path))
    return [e.msgid for e in new if not e.msgstr]


if __name__ == "__main__":
    missing_total = 0
    for addon in sorted((REPO / "addons").iterdir()):
        if not (addon / "i18n" / f"{addon.name}.pot").exists():
            continue
        for lang in LANGS:
            missing = merge(addon, lang)
            missing_total += len(missing)
            print(f"{addon.name}/{lang}: {len(missing)} untranslated")
            for msgid in missing:
                print("   ", msgid.replace("\n", " ")[:100])
    sys.exit(1 if missing_total and "--strict" in sys.argv else 0)
