"""Upgrade from the previous release with data in every model (issue #18).

The previous release's addons (``PREVIOUS``: main as CI landed it at the end of session 4, crm_plus 19.0.1.3.0,
bridge 19.0.1.1.0) are taken out of this repository's history, installed with demo data, and given data in every
model of both addons (orders through approval, plans, invoices, payments, dunning communications and reminders, a
plan change waiting on its route, filed documents). Then the current addons upgrade that database (``-u``): no error
in the log, no row lost in any model of either addon, values kept (order approval states, plan amounts, custom
attribute values, dunning items), and the upgraded database works (a dunning run; the order waiting for approval
still waits).

Data for the old version is made through the old version's own API, so this script stays as it is: a later release
changes PREVIOUS (and, if needed, the script) in the commit that bumps the versions.
"""

import subprocess

from conftest import ODOO_SRC
from conftest import REPO
from conftest import odoo_shell
from conftest import run_odoo

PREVIOUS = "e50a10afcbe9816ee3b04537eb6df2bb665324e3"
MODELS = ("crm_plus", "crm_plus_oa_bridge")

OLD_DATA = """
from datetime import timedelta
from odoo import fields
today = fields.Date.context_today(env["res.partner"])
orders = env["sale.order"].search([("state", "=", "sale"), ("plan_id", "!=", False)], order="id")
assert len(orders) >= 6, len(orders)
# invoices and payments (the plans follow them)
moves = orders[:4]._create_invoices()
moves.action_post()
for move in moves[:2]:
    env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
        {"amount": move.amount_residual / 2}
    ).action_create_payments()
# dunning: a policy on every customer with a plan, runs ahead in time (reminders, communications, items)
policy = env["crm_plus.dunning.policy"].search([], limit=1)
orders.partner_id.commercial_partner_id.write({"crm_plus_dunning_policy_id": policy.id})
env["crm_plus.dunning.run"]._run(today=today + timedelta(days=3))
env["crm_plus.dunning.run"]._run(today=today + timedelta(days=40))
# a plan change waiting on a plan-change route
env["crm_plus_oa.route"].create({"name": "Plan changes", "document_type": "plan_change", "step_ids": [
    (0, 0, {"sequence": 10, "name": "Finance", "approver_kind": "user",
            "user_ids": [(6, 0, env.ref("base.user_admin").ids)], "mode": "any"})]})
plan = orders[-1].plan_id
step = plan.step_ids.filtered(lambda s: s.state not in ("done", "cancelled"))[:1]
change = env["crm_plus_oa.plan.change"]._crm_plus_oa_request(
    plan, {step: {"date_due": step.date_due + timedelta(days=10)}}, "Customer asked for ten more days")
assert change.state == "pending", change.state
"""

# Rows per table of every stored model either addon defines or extends, and values that must survive.
SNAPSHOT = """
names = env["ir.model.data"].search([("module", "in", MODULES), ("model", "=", "ir.model")]).mapped("complete_name")
counts = {}
for xmlid in names:
    model = env.get(env.ref(xmlid).model)
    if model is None or model._abstract or model._transient or not model._auto:
        continue
    env.cr.execute(f'SELECT count(*) FROM "{model._table}"')
    counts[model._name] = env.cr.fetchone()[0]
orders = env["sale.order"].search([], order="id")
attributes = env["crm_plus.attribute"].search([], order="id")
values = {
    "orders": [(o.id, o.state, o.approval_state, round(o.amount_total, 2)) for o in orders],
    "steps": [(s.id, s.state, round(s.amount, 2), round(s.amount_done, 2), str(s.date_due))
              for s in env["crm_plus.plan.step"].search([], order="id")],
    "attributes": {a.code: sorted(map(str, env["res.partner"].search([]).mapped(f"x_attr_{a.code}")))
                   for a in attributes},
    # each dunning item stays on its communication and level, carried by money: its step, or (19.0.1.7.0 on)
    # the receivable line of the invoice that took the step's money over
    "items": sorted((l.communication_id.id, l.communication_id.level_id.id,
                     bool(l.step_id or ("move_line_id" in l._fields and l.move_line_id)))
                    for l in env["crm_plus.dunning.communication.line"].search([])),
    "changes": [(c.id, c.state) for c in env["crm_plus_oa.plan.change"].search([], order="id")],
}
versions = {m.name: m.latest_version for m in env["ir.module.module"].search([("name", "in", MODULES)])}
emit({"counts": counts, "values": values, "versions": versions})
""".replace("MODULES", repr(list(MODELS)))

AFTER = """
from datetime import timedelta
from odoo import fields
today = fields.Date.context_today(env["res.partner"])
stats = env["crm_plus.dunning.run"]._run(today=today + timedelta(days=70))
order = env.ref("crm_plus_oa_bridge.crm_plus_oa_order_gemini_demo")
emit({"run": dict(stats), "gemini": order.approval_state})
"""


def test_upgrade_from_previous_release(fresh_db, tmp_path):
    present = ["git", "-C", str(REPO), "cat-file", "-e", f"{PREVIOUS}^{{commit}}"]
    if subprocess.run(present, capture_output=True, check=False).returncode:
        # a shallow clone (CI systems make them): fetch the history from where it was cloned
        subprocess.run(["git", "-C", str(REPO), "fetch", "--quiet", "--unshallow"], check=False, timeout=600)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", PREVIOUS, "addons"], capture_output=True, check=False)
    assert (
        archive.returncode == 0
    ), f"the previous release {PREVIOUS} is not in this clone's history (a shallow clone?): {archive.stderr!r}"
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive.stdout, check=True)
    old_path = f"{ODOO_SRC / 'addons'},{tmp_path / 'addons'}"
    modules = ",".join(MODELS)
    common = ["--stop-after-init", "--no-http", "--max-cron-threads=0", "--log-level=warn"]

    run_odoo("-d", fresh_db, "-i", modules, "--with-demo", *common, timeout=1800, addons_path=old_path)
    odoo_shell(fresh_db, OLD_DATA, addons_path=old_path)
    (before,) = odoo_shell(fresh_db, SNAPSHOT, addons_path=old_path)
    empty = sorted(model for model, count in before["counts"].items() if not count)
    assert not empty, f"the old database has no data in {empty}: the upgrade would not be tested on them"

    run_odoo("-d", fresh_db, "-u", modules, *common, timeout=1800)
    (after,) = odoo_shell(fresh_db, SNAPSHOT)
    assert after["versions"] != before["versions"], "the versions did not move: nothing was upgraded"
    lost = {
        model: (count, after["counts"].get(model))
        for model, count in before["counts"].items()
        if after["counts"].get(model, 0) < count
    }
    assert not lost, f"rows lost by the upgrade (before, after): {lost}"
    for key, value in before["values"].items():
        assert after["values"][key] == value, f"{key} changed by the upgrade"

    (works,) = odoo_shell(fresh_db, AFTER)
    assert works["gemini"] == "pending", works
