"""Both addons install on a fresh database, uninstall leaving nothing of ours, and reinstall."""

from conftest import MODULES
from conftest import odoo_shell
from conftest import pg
from conftest import run_odoo

LEFTOVERS = f"""
cr = env.cr
cr.execute("SELECT model FROM ir_model WHERE model LIKE 'crm_plus%'")
models = [r[0] for r in cr.fetchall()]
cr.execute("SELECT model, name FROM ir_model_fields WHERE name LIKE 'x_attr_%' OR name LIKE 'crm_plus%'")
fields = cr.fetchall()
cr.execute("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'crm_plus%'")
tables = [r[0] for r in cr.fetchall()]
cr.execute("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'x_crm_plus%'")
relation_tables = [r[0] for r in cr.fetchall()]
cr.execute(\"\"\"SELECT table_name, column_name FROM information_schema.columns
              WHERE column_name LIKE 'x_attr_%' OR column_name LIKE 'crm_plus%'\"\"\")
columns = cr.fetchall()
cr.execute("SELECT module FROM ir_model_data WHERE module IN ('crm_plus', 'crm_plus_oa_bridge') LIMIT 5")
xmlids = [r[0] for r in cr.fetchall()]
cr.execute("SELECT name FROM ir_ui_view WHERE name LIKE '%crm_plus%' LIMIT 5")
views = [r[0] for r in cr.fetchall()]
states = dict(env['ir.module.module'].search([('name', 'in', {list(MODULES)!r})]).mapped(lambda m: (m.name, m.state)))
emit(dict(models=models, fields=fields, tables=tables, relation_tables=relation_tables, columns=columns,
          xmlids=xmlids, views=views, states=states))
"""

# an attribute of each type family on every target: columns, a tag relation table, generated views
ATTRIBUTES = """
from odoo import Command
Attribute = env['crm_plus.attribute']
for model in ('res.partner', 'sale.order', 'crm.lead'):
    Attribute.create({'name': 'U count', 'code': 'u_count', 'value_type': 'integer', 'applies_to': model})
    Attribute.create({'name': 'U tags', 'code': 'u_tags', 'value_type': 'tags', 'applies_to': model,
                      'option_ids': [Command.create({'name': 'A', 'code': 'a'})]})
"""

UNINSTALL = f"""
mods = env['ir.module.module'].search([('name', 'in', {list(MODULES)!r})])
mods.button_immediate_uninstall()
"""


def test_install_uninstall_reinstall(fresh_db):
    run_odoo("-d", fresh_db, "-i", ",".join(MODULES), "--stop-after-init", "--no-http")
    installed = odoo_shell(fresh_db, LEFTOVERS)[0]
    assert installed["states"] == {m: "installed" for m in MODULES}
    assert installed["xmlids"], "nothing of ours was installed"
    odoo_shell(fresh_db, ATTRIBUTES)
    with_attributes = odoo_shell(fresh_db, LEFTOVERS)[0]
    assert len(with_attributes["relation_tables"]) == 3, with_attributes["relation_tables"]
    assert {t for t, _c in with_attributes["columns"] if _c == "x_attr_u_count"} == {
        "res_partner",
        "sale_order",
        "crm_lead",
    }

    odoo_shell(fresh_db, UNINSTALL)
    after = odoo_shell(fresh_db, LEFTOVERS)[0]
    assert after["states"] == {m: "uninstalled" for m in MODULES}
    for key in ("models", "fields", "tables", "relation_tables", "columns", "xmlids", "views"):
        assert after[key] == [], f"leftover {key} after uninstall: {after[key]}"

    run_odoo("-d", fresh_db, "-i", ",".join(MODULES), "--stop-after-init", "--no-http")
    again = odoo_shell(fresh_db, LEFTOVERS)[0]
    assert again["states"] == {m: "installed" for m in MODULES}
    assert sorted(again["tables"]) == sorted(installed["tables"])
    cn = pg(fresh_db)
    try:
        with cn.cursor() as cr:
            cr.execute("SELECT count(*) FROM ir_module_module WHERE state IN ('to install', 'to upgrade', 'to remove')")
            assert cr.fetchone()[0] == 0
    finally:
        cn.close()
