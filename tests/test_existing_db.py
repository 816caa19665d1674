"""Install into an existing database: Odoo's demo data plus a few hundred orders and invoices in several states,
made before crm_plus exists, then crm_plus + the bridge installed on top (the post_init_hook takes the data over).

Checks: open confirmed orders have plans whose done amounts match what was paid and delivered, orders settled
before the install have none, open posted invoices show in the aging report, every customer has a completeness,
and a dunning run right after the install dunns nothing that fell due before the policy's start date.
Measured on the shared 2-core machine under load (load average 5-7): 555 s, of which installing the core
modules with demo data 321 s, making the history 140 s, installing both addons (the take-over) 63 s, checks 13 s.
"""

import time

from conftest import MODULES
from conftest import odoo_shell
from conftest import run_odoo

CORE = "sale_management,sale_stock,sale_crm,sale_margin,account,crm,hr,spreadsheet_dashboard"

# Orders dated 90 days back; per state (count): the figures the checks expect are read back from core documents.
HISTORY = """
from datetime import timedelta
from odoo import Command, fields
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
company = env.company
if not env["account.journal"].search_count([("type", "=", "sale"), ("company_id", "=", company.id)]):
    env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
past = fields.Datetime.now() - timedelta(days=90)
term = env["account.payment.term"].create({
    "name": "History 50/50",
    "line_ids": [Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                 Command.create({"value": "percent", "value_amount": 50, "nb_days": 30})],
})
goods = env["product.product"].create({"name": "History goods", "type": "consu", "list_price": 100.0,
                                        "taxes_id": [Command.clear()]})
service = env["product.product"].create({"name": "History service", "type": "service", "list_price": 50.0,
                                          "taxes_id": [Command.clear()], "invoice_policy": "order"})
goods.invoice_policy = "order"
customers = env["res.partner"].create([{"name": f"History customer {i}", "is_company": True,
                                        "email": f"history{i}@example.com"} for i in range(40)])
def orders(n, tag):
    vals = [{
        "partner_id": customers[i % len(customers)].id,
        "client_order_ref": tag,
        "date_order": past,
        "payment_term_id": term.id if i % 2 else False,
        "order_line": [Command.create({"product_id": goods.id, "product_uom_qty": 1 + i % 3, "price_unit": 100.0}),
                       Command.create({"product_id": service.id, "product_uom_qty": 1, "price_unit": 50.0})],
    } for i in range(n)]
    return env["sale.order"].create(vals)
def confirm(records):
    records.action_confirm()
    records.write({"date_order": past})
    return records
def invoice(records):
    moves = records._create_invoices()
    moves.write({"invoice_date": past.date()})
    moves.action_post()
    return moves
def pay(moves, share):
    for move in moves:
        env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"amount": move.amount_total * share, "payment_date": past.date()})._create_payments()
def deliver(records):
    pickings = records.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    pickings._action_done()
draft = orders(40, "draft")
cancelled = confirm(orders(20, "cancelled")); cancelled._action_cancel()
confirmed = confirm(orders(80, "confirmed"))
delivered = confirm(orders(40, "delivered")); deliver(delivered)
unpaid = confirm(orders(60, "unpaid")); invoice(unpaid)
partial = confirm(orders(40, "partial")); pay(invoice(partial), 0.4)
settled = confirm(orders(40, "settled")); pay(invoice(settled), 1.0); deliver(settled)
manual = env["account.move"].create([{
    "move_type": "out_invoice", "partner_id": customers[i].id, "invoice_date": past.date(),
    "invoice_line_ids": [Command.create({"product_id": service.id, "quantity": 2, "price_unit": 75.0,
                                         "tax_ids": [Command.clear()]})],
} for i in range(20)])
manual.action_post()
emit({"orders": env["sale.order"].search_count([]), "invoices": env["account.move"].search_count(
    [("move_type", "=", "out_invoice"), ("state", "=", "posted")])})
"""

CHECKS = """
from odoo import fields
Plan = env["crm_plus.plan"]
orders = env["sale.order"].search([("state", "=", "sale")])
invoiced = Plan._crm_plus_order_invoice_figures(orders.ids)
stock = Plan._crm_plus_order_stock_figures(orders.ids)
bad_paid, bad_delivered, unplanned, settled_planned = [], [], [], []
for order in orders:
    settled = order._crm_plus_is_settled(invoiced, stock)
    if settled:
        if order.plan_id and order.client_order_ref == "settled":
            settled_planned.append(order.name)
        continue
    plan = order.plan_id
    if not plan:
        unplanned.append(order.name)
        continue
    paid = invoiced.get(order.id, (0, 0))[1]
    done = sum(s.amount_done for s in plan.step_ids if s.kind == "payment")
    if abs(done - min(paid, order.amount_total)) > 0.01:
        bad_paid.append((order.name, done, paid))
    goods = sum(s.amount_done for s in plan.step_ids if s.kind == "delivery")
    if abs(goods - stock.get(order.id, (0, 0))[0]) > 0.001:
        bad_delivered.append((order.name, goods))
tags = {tag: env["sale.order"].search([("client_order_ref", "=", tag)]) for tag in
        ("draft", "cancelled", "confirmed", "delivered", "unpaid", "partial", "settled")}
open_invoices = env["account.move"].search([("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                                            ("payment_state", "in", ("not_paid", "partial"))])
aging = env["crm_plus.report.aging"].search([])
in_aging = set(aging.move_id.ids) | set(aging.order_id.ids)
missing = [m.name for m in open_invoices
           if m.id not in in_aging and not (set(m.line_ids.sale_line_ids.order_id.ids) & in_aging)]
env.cr.execute("SELECT count(*) FROM res_partner WHERE crm_plus_completeness IS NULL")
no_completeness = env.cr.fetchone()[0]
policies = env["crm_plus.dunning.policy"].search([])
today = fields.Date.context_today(Plan)
Run = env["crm_plus.dunning.run"]
stats = Run._run()
lines = env["crm_plus.dunning.communication.line"].search_count([])
overdue = env["crm_plus.plan.step"].search_count([("kind", "=", "payment"), ("state", "=", "overdue")])
policies.start_date = False
env.flush_all()  # the batches are read in SQL
would_dun = len(Run._plan_batches(today, 1000))
env.cr.rollback()
emit(dict(
    unplanned=unplanned, bad_paid=bad_paid[:5], bad_delivered=bad_delivered[:5], settled_planned=settled_planned,
    plans={tag: sum(1 for o in recs if o.plan_id) for tag, recs in tags.items()},
    counts={tag: len(recs) for tag, recs in tags.items()},
    open_invoices=len(open_invoices), missing=missing[:5], aging_invoices=len(aging.filtered(lambda a: a.move_id)),
    no_completeness=no_completeness, start_dates=sorted({str(p.start_date) for p in policies}), today=str(today),
    lines=lines, overdue=overdue, would_dun=would_dun,
))
"""


def test_install_into_existing_database(fresh_db):
    started = time.monotonic()
    phases = {}

    def phase(name):
        phases[name] = round(time.monotonic() - started - sum(phases.values()))

    run_odoo("-d", fresh_db, "-i", CORE, "--with-demo", "--stop-after-init", "--no-http")
    phase("core with demo")
    made = odoo_shell(fresh_db, HISTORY)[0]
    phase("history")
    assert made["orders"] >= 300

    run_odoo("-d", fresh_db, "-i", ",".join(MODULES), "--stop-after-init", "--no-http")
    phase("install crm_plus + bridge")
    got = odoo_shell(fresh_db, CHECKS)[0]
    phase("checks")
    print(f"existing database: {made}, seconds per phase {phases}")

    assert got["unplanned"] == [], "open confirmed orders without a plan"
    assert got["bad_paid"] == [] and got["bad_delivered"] == [], "done amounts differ from what was paid/delivered"
    assert got["settled_planned"] == [], "orders paid and delivered before the install got a plan"
    plans, counts = got["plans"], got["counts"]
    for tag in ("confirmed", "delivered", "unpaid", "partial"):
        assert plans[tag] == counts[tag], (tag, plans, counts)
    assert plans["draft"] == plans["cancelled"] == plans["settled"] == 0, plans
    # 60 unpaid and 40 partly paid orders (invoiced together per customer) and 20 manual invoices, demo ones too
    assert got["open_invoices"] >= 60 and got["missing"] == [], "open posted invoices missing from aging"
    assert got["aging_invoices"] >= 20, "manual invoices (no order) missing from aging"
    assert got["no_completeness"] == 0
    assert got["start_dates"] == [got["today"]]
    assert got["overdue"] > 0, "the history should hold overdue payment steps"
    assert got["lines"] == 0, "the first dunning run dunned history older than the start date"
    assert got["would_dun"] > 0, "without the start date the history would have been dunned"
