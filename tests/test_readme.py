"""Each addon's README.rst renders on the Apps page without a docutils message, and is what `make readme` builds."""

import importlib.util

import pytest
from conftest import MODULES
from conftest import REPO
from docutils import nodes
from docutils.core import publish_doctree


def gen_readme():
    spec = importlib.util.spec_from_file_location("gen_readme", REPO / "tools" / "gen_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("addon", MODULES)
def test_readme_renders_without_docutils_messages(addon):
    source = (REPO / "addons" / addon / "README.rst").read_text()
    # the settings of the Apps page (ir.module.module._get_desc); messages kept in the tree, none written out
    doctree = publish_doctree(
        source,
        settings_overrides={
            "doctitle_xform": False,
            "file_insertion_enabled": False,
            "report_level": 5,
            "halt_level": 5,
        },
    )
    messages = [
        f"line {message.get('line')}: {message.astext()}"
        for message in doctree.findall(nodes.system_message)
        if message["level"] >= 2  # WARNING and above; INFO (e.g. two sections with the same title) is harmless
    ]
    assert not messages, f"{addon}/README.rst: " + "; ".join(messages)


@pytest.mark.parametrize("addon", MODULES)
def test_readme_is_built_from_its_fragments(addon, tmp_path):
    addon_dir = REPO / "addons" / addon
    committed = (addon_dir / "README.rst").read_text()
    copy = tmp_path / addon
    (copy / "readme").mkdir(parents=True)
    (copy / "__manifest__.py").write_text((addon_dir / "__manifest__.py").read_text())
    for fragment in (addon_dir / "readme").iterdir():
        (copy / "readme" / fragment.name).write_text(fragment.read_text())
    gen_readme().build(copy)
    assert (copy / "README.rst").read_text() == committed, f"{addon}/README.rst is stale: run make readme"
