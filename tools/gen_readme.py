"""Build each addon's README.rst from its readme/*.md fragments (run: make readme)."""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SECTIONS = [
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("HISTORY", "Changelog"),
    ("CONTRIBUTORS", "Contributors"),
]


LIST_ITEM = re.compile(r"^( *)(?:[-*+]|\d+[.)]) ")


def md_to_rst(text):
    out = []
    # indentation of the list items of the current block (None outside a list): reStructuredText needs a blank
    # line wherever a list starts, a nested list starts or a nested list ends, where Markdown needs none
    item_indent = None
    for line in text.splitlines():
        item = LIST_ITEM.match(line)
        if not line.strip():
            item_indent = None
        elif item:
            indent = len(item.group(1))
            if item_indent != indent and out and out[-1].strip():
                out.append("")
            item_indent = indent
        m = re.match(r"^(#+) (.*)", line)
        if m:
            out += [m.group(2), "~" * len(m.group(2))]
            continue
        line = re.sub(r"\*\*(.+?)\*\*", r"**\1**", line)
        line = re.sub(r"(?<!\*)\*([^*]+?)\*(?!\*)", r"*\1*", line)
        line = re.sub(r"`([^`]+)`", r"``\1``", line)
        line = re.sub(r"!\[([^\]]*)\]\(([^)]+)\)", r"\n.. image:: \2\n   :alt: \1\n", line)
        out.append(line)
    return "\n".join(out)


def build(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        manifest["summary"],
        "",
        f"*Version {manifest['version']} — license {manifest['license']}*",
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for frag, heading in SECTIONS:
        path = addon_dir / "readme" / f"{frag}.md"
        if not path.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [md_to_rst(path.read_text()).rstrip(), ""]
    (addon_dir / "README.rst").write_text("\n".join(parts))


if __name__ == "__main__":
    for d in sorted((REPO / "addons").iterdir()):
        if (d / "__manifest__.py").exists():
            build(d)
