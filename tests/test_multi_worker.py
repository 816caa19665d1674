"""Several workers and two nodes on one database (issue #18).

Two real Odoo servers in multi-process mode (``--workers=2``) serve the tested
database at the same time; node 1 also runs a cron worker. Over XML-RPC:

* the order flow: a salesperson's order waits for approval, the approver approves,
  the plan follows the invoice and the payment;
* two approvers decide the same order at the same moment, one on each node:
  exactly one transition, the other gets a clear refusal;
* finance runs dunning on both nodes at the same moment: exactly one communication
  and one queued mail per customer and level;
* finance asks for the scheduled dunning job: the cron worker runs it; a second
  request sends nothing twice;
* neither server logs an error.

Other scheduled jobs are held back for the duration (their next call a day ahead,
the mail queue paused) so that only what the scenario starts runs; everything is
put back and the scenario's records are archived or removed afterwards.
"""

import json
import subprocess
import threading
import time
import urllib.request
import uuid
import xmlrpc.client

import pytest
from conftest import free_port
from conftest import odoo_cmd
from conftest import odoo_shell

SETUP = r"""
from datetime import timedelta
from odoo import Command, fields
from odoo.tests import new_test_user

tag = TAG
company = env.ref("base.main_company")
env = env(context=dict(env.context, allowed_company_ids=[company.id], tracking_disable=True))
def user(role, groups):
    login = f"mw_{role}_{tag}"
    new_test_user(env, login=login, groups=groups, password=login, company_id=company.id,
                  company_ids=[Command.set(company.ids)])
    return login
users = {
    "sales": user("sales", "sales_team.group_sale_salesman"),
    "appr1": user("appr1", "sales_team.group_sale_manager"),
    "appr2": user("appr2", "sales_team.group_sale_manager"),
    "finance": user("finance", ",".join(["crm_plus.crm_plus_group_finance", "account.group_account_invoice",
                                         "sales_team.group_sale_salesman_all_leads"])),
}
today = fields.Date.context_today(env["res.partner"])
pay_type = env["crm_plus.plan.action.type"].create(
    {"name": f"Collect {tag}", "code": f"MW_{tag}", "kind": "payment", "lead_days": 5,
     "collect_before_invoice": True})
policy = env["crm_plus.dunning.policy"].create({"name": f"Multi-worker {tag}", "level_ids": [Command.create(
    {"name": "L1", "days_overdue": 3, "channel_email": True,
     "mail_template_id": env.ref("crm_plus.mail_template_dunning").id})]})
product = env["product.product"].create(
    {"name": f"MW service {tag}", "type": "service", "list_price": 100.0, "taxes_id": [Command.clear()]})
admin = env.ref("base.user_admin")

def customer(name):
    # what the customer owes: an overdue planned payment and an overdue posted invoice
    partner = env["res.partner"].create({"name": f"{name} {tag}", "is_company": True, "lang": "en_US",
        "email": f"{name.lower()}.{tag}@example.com", "crm_plus_dunning_policy_id": policy.id})
    order = env["sale.order"].create({"partner_id": partner.id, "user_id": admin.id,
        "date_order": fields.Datetime.now() - timedelta(days=60),
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 100.0})]})
    env["crm_plus.plan"].create({"order_id": order.id, "step_ids": [Command.create({
        "name": "Payment", "action_type_id": pay_type.id, "date_due": today - timedelta(days=10),
        "amount": 100.0, "user_id": admin.id})]})
    invoice = env["account.move"].create({"move_type": "out_invoice", "partner_id": partner.id,
        "invoice_date": today - timedelta(days=40), "invoice_date_due": today - timedelta(days=10),
        "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1, "price_unit": 80.0})]})
    invoice.invoice_date_due = today - timedelta(days=10)
    invoice.action_post()
    return partner.id

manual = [customer(f"Manual{i}") for i in range(4)]
scheduled = [customer(f"Cron{i}") for i in range(4)]
flow_customer = env["res.partner"].create({"name": f"Flow {tag}", "is_company": True}).id

# only what the scenario starts runs: other jobs a day ahead, the mail queue paused
crons = env["ir.cron"].search([("active", "=", True)])
saved = {c.id: fields.Datetime.to_string(c.nextcall) for c in crons}
crons.write({"nextcall": fields.Datetime.now() + timedelta(days=1)})
mail_queue = env.ref("mail.ir_cron_mail_scheduler_action")
mail_queue.active = False

rule = env["crm_plus.approval.rule"].create({"name": f"Multi-worker {tag}", "rule_type": "amount",
    "amount_threshold": 1.0, "company_id": company.id})
emit({"users": users, "manual": manual, "scheduled": scheduled, "flow_customer": flow_customer,
      "product": product.id, "rule": rule.id, "policy": policy.id, "saved_crons": saved,
      "mail_queue": mail_queue.id})
"""

TEARDOWN = r"""
from odoo import fields
data = DATA
env["crm_plus.approval.rule"].browse(data["rule"]).unlink()
for cron_id, nextcall in data["saved_crons"].items():
    env["ir.cron"].browse(int(cron_id)).nextcall = fields.Datetime.to_datetime(nextcall)
env["ir.cron"].browse(data["mail_queue"]).active = True
partners = env["res.partner"].browse(data["manual"] + data["scheduled"] + [data["flow_customer"]])
env["crm_plus.dunning.communication"].search([("partner_id", "in", partners.ids)]).mail_id.unlink()
env["crm_plus.dunning.policy"].browse(data["policy"]).active = False
users = env["res.users"].search([("login", "in", list(data["users"].values()))])
users.active = False
emit(True)
"""


class Node:
    """One Odoo server in multi-process mode on the tested database."""

    def __init__(self, db, log_path, cron):
        self.db = db
        self.log_path = log_path
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        args = [
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--http-port={port}",
            f"--gevent-port={free_port()}",
            "--http-interface=127.0.0.1",
            "--workers=2",
            f"--max-cron-threads={1 if cron else 0}",
            f"--logfile={log_path}",
            "--log-level=info",
        ]
        self.proc = subprocess.Popen(odoo_cmd(*args), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=180):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/web/login", timeout=10) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(1)
        pytest.fail(f"{self.url} did not serve /web/login within {timeout} s")

    def client(self, login):
        """An XML-RPC client as ``login`` (password = login)."""
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        uid = common.authenticate(self.db, login, login, {})
        assert uid, f"{login} could not log in"
        models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

        def call(model, method, *args, **kw):
            return models.execute_kw(self.db, uid, login, model, method, list(args), kw)

        return call

    def json_client(self, login):
        """The same over JSON-RPC, for core methods returning actions with None inside (XML-RPC cannot send them)."""
        uid = self._json("common", "authenticate", self.db, login, login, {})

        def call(model, method, *args, **kw):
            return self._json("object", "execute_kw", self.db, uid, login, model, method, list(args), kw)

        return call

    def _json(self, service, method, *args):
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": {"service": service, "method": method, "args": args}}
        )
        request = urllib.request.Request(self.url + "/jsonrpc", body.encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as resp:
            answer = json.loads(resp.read())
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def errors(self):
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [ln for ln in text.splitlines() if " ERROR " in ln or " CRITICAL " in ln or "Traceback" in ln]


def at_once(*calls):
    """Run the calls in threads released together; return each result or the Fault it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except xmlrpc.client.Fault as fault:
            results[index] = fault

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


@pytest.fixture(scope="module")
def cluster(tested_db, tmp_path_factory):
    tag = uuid.uuid4().hex[:6]
    (data,) = odoo_shell(tested_db, SETUP.replace("TAG", repr(tag)))
    logs = tmp_path_factory.mktemp("nodes")
    nodes = [Node(tested_db, logs / "node1.log", cron=True), Node(tested_db, logs / "node2.log", cron=False)]
    try:
        for node in nodes:
            node.wait_ready()
        yield data, nodes
    finally:
        for node in nodes:
            node.stop()
        odoo_shell(tested_db, TEARDOWN.replace("DATA", repr(data)))


def _communications(rpc, partner_ids):
    return rpc(
        "crm_plus.dunning.communication",
        "search_read",
        [["partner_id", "in", partner_ids]],
        fields=["partner_id", "level_id", "channel", "mail_id", "date"],
    )


def _assert_once_each(communications, partner_ids):
    keys = [(c["partner_id"][0], c["level_id"][0], c["channel"], c["date"]) for c in communications]
    assert len(keys) == len(set(keys)), f"a customer was dunned twice: {sorted(keys)}"
    assert {c["partner_id"][0] for c in communications} == set(partner_ids), "a customer was not dunned"
    mails = [c["mail_id"][0] for c in communications if c["channel"] == "email"]
    assert len(mails) == len(set(mails)) == len({k[0] for k in keys if k[2] == "email"})


def test_two_nodes_with_workers(cluster):
    data, (node1, node2) = cluster
    users = data["users"]

    # the order flow on node 1: approval, then the plan follows invoice and payment
    sales = node1.client(users["sales"])
    order = sales(
        "sale.order",
        "create",
        {
            "partner_id": data["flow_customer"],
            "order_line": [(0, 0, {"product_id": data["product"], "product_uom_qty": 2, "price_unit": 100.0})],
        },
    )
    sales("sale.order", "action_confirm", [order])
    assert sales("sale.order", "read", [order], fields=["state", "approval_state"])[0]["approval_state"] == "pending"
    node1.client(users["appr1"])("sale.order", "action_approve", [order])
    finance = node2.json_client(users["finance"])
    state = finance("sale.order", "read", [order], fields=["state", "plan_id"])[0]
    assert state["state"] == "sale" and state["plan_id"], "the approved order has no plan"
    wizard = finance(
        "sale.advance.payment.inv",
        "create",
        {"advance_payment_method": "delivered"},
        context={"active_model": "sale.order", "active_ids": [order], "active_id": order},
    )
    finance(
        "sale.advance.payment.inv",
        "create_invoices",
        [wizard],
        context={"active_model": "sale.order", "active_ids": [order], "active_id": order},
    )
    invoice_ids = finance("sale.order", "read", [order], fields=["invoice_ids"])[0]["invoice_ids"]
    assert len(invoice_ids) == 1
    finance("account.move", "action_post", invoice_ids)
    register = finance(
        "account.payment.register",
        "create",
        {},
        context={"active_model": "account.move", "active_ids": invoice_ids},
    )
    finance(
        "account.payment.register",
        "action_create_payments",
        [register],
        context={"active_model": "account.move", "active_ids": invoice_ids},
    )
    steps = finance(
        "crm_plus.plan.step",
        "search_read",
        [["order_id", "=", order], ["kind", "=", "payment"]],
        fields=["amount", "amount_done", "state"],
    )
    assert steps and sum(s["amount_done"] for s in steps) == pytest.approx(200.0), steps
    assert {s["state"] for s in steps} == {"done"}, steps

    # two approvers decide the same order at the same moment, one on each node
    race = sales(
        "sale.order",
        "create",
        {
            "partner_id": data["flow_customer"],
            "order_line": [(0, 0, {"product_id": data["product"], "product_uom_qty": 1, "price_unit": 50.0})],
        },
    )
    sales("sale.order", "action_confirm", [race])
    appr1, appr2 = node1.client(users["appr1"]), node2.client(users["appr2"])
    results = at_once(
        lambda: appr1("sale.order", "action_approve", [race]),
        lambda: appr2("sale.order", "action_approve", [race]),
    )
    faults = [r for r in results if isinstance(r, xmlrpc.client.Fault)]
    assert len(faults) <= 1, results
    for fault in faults:
        assert "not waiting for approval" in fault.faultString or "Another user is deciding" in fault.faultString
    entries = finance(
        "crm_plus.approval.entry", "search_read", [["order_id", "=", race]], fields=["decision", "user_id"]
    )
    assert [e["decision"] for e in entries].count("approved") == 1, entries
    assert finance("sale.order", "read", [race], fields=["state"])[0]["state"] == "sale"

    # finance runs dunning on both nodes at the same moment
    finance1, finance2 = node1.client(users["finance"]), node2.client(users["finance"])
    wizards = [
        rpc("crm_plus.dunning.run.wizard", "create", {"partner_ids": [(6, 0, data["manual"])]})
        for rpc in (finance1, finance2)
    ]
    at_once(
        lambda: finance1("crm_plus.dunning.run.wizard", "action_run", [wizards[0]]),
        lambda: finance2("crm_plus.dunning.run.wizard", "action_run", [wizards[1]]),
    )
    _assert_once_each(_communications(finance1, data["manual"]), data["manual"])

    # the scheduled job, asked for by finance on node 2, runs in node 1's cron worker; asked twice, sends once
    wizard = finance2("crm_plus.dunning.run.wizard", "create", {})
    finance2("crm_plus.dunning.run.wizard", "action_run_background", [wizard])
    deadline = time.time() + 240
    while time.time() < deadline and len(_communications(finance2, data["scheduled"])) < len(data["scheduled"]):
        time.sleep(2)
    again = finance2("crm_plus.dunning.run.wizard", "create", {})
    finance2("crm_plus.dunning.run.wizard", "action_run_background", [again])
    time.sleep(15)
    _assert_once_each(_communications(finance2, data["scheduled"]), data["scheduled"])
    _assert_once_each(_communications(finance2, data["manual"]), data["manual"])

    for node in (node1, node2):
        assert not node.errors(), f"{node.log_path}:\n" + "\n".join(node.errors()[:20])
