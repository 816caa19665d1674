import uuid
from datetime import timedelta

from psycopg2.errors import LockNotAvailable
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID
from odoo import Command
from odoo import api
from odoo.exceptions import ConcurrencyError
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestOaConcurrency(TransactionCase):
    """Two users at the same moment, on two real connections.

    Like crm_plus's TestApprovalConcurrency, these tests work on committed
    data (a row lock or a serialization failure only shows between
    transactions) and remove it all afterwards.
    """

    # ---------------------------------------------------------------- set-up
    def _env(self, cr, uid=SUPERUSER_ID, company_id=None):
        company_id = company_id or self.env.ref("base.main_company").id
        return api.Environment(cr, uid, {"allowed_company_ids": [company_id], "tracking_disable": True})

    def _setup_committed(self, plan_change=False):
        """Salesperson, a step-1 approver, two finance countersigners, a route and a routed order."""
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            users = {
                role: new_test_user(
                    env,
                    login=f"oa_cc_{role}_{tag}",
                    groups=groups,
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )
                for role, groups in (
                    ("sales", "sales_team.group_sale_salesman"),
                    ("mgr", "sales_team.group_sale_salesman"),
                    ("fin1", "crm_plus.crm_plus_group_finance"),
                    ("fin2", "crm_plus.crm_plus_group_finance"),
                )
            }
            countersign = Command.create(
                {
                    "sequence": 20,
                    "name": "Finance countersign",
                    "approver_kind": "user",
                    "user_ids": [Command.set((users["fin1"] | users["fin2"]).ids)],
                    "mode": "all",
                }
            )
            first = Command.create(
                {
                    "sequence": 10,
                    "name": "Manager",
                    "approver_kind": "user",
                    "user_ids": [Command.set(users["mgr"].ids)],
                }
            )
            Route = env["crm_plus_oa.route"]
            routes = Route.create(
                {
                    "name": f"Concurrency {tag}",
                    "sequence": 1,
                    "company_id": company.id,
                    "document_type": "plan_change" if plan_change else "order",
                    "step_ids": [countersign] if plan_change else [first, countersign],
                }
            )
            rule = env["crm_plus.approval.rule"]
            if not plan_change:
                rule = rule.create(
                    {"name": f"Any {tag}", "rule_type": "amount", "amount_threshold": 1.0, "company_id": company.id}
                )
            partner = env["res.partner"].create({"name": f"OA concurrency {tag}", "company_id": company.id})
            product = env["product.product"].create(
                {"name": f"OA service {tag}", "type": "service", "list_price": 10.0, "taxes_id": [Command.clear()]}
            )
            order = (
                env["sale.order"]
                .with_user(users["sales"])
                .create(
                    {
                        "partner_id": partner.id,
                        "user_id": users["sales"].id,
                        "order_line": [Command.create({"product_id": product.id, "price_unit": 10.0})],
                    }
                )
            )
            order.action_confirm()
            change = env["crm_plus_oa.plan.change"]
            if plan_change:
                self.assertEqual(order.state, "sale")
                step = order.plan_id.step_ids[:1]
                change = change.with_user(users["sales"])._crm_plus_oa_request(
                    order.plan_id.with_user(users["sales"]),
                    {step: {"date_due": step.date_due + timedelta(days=10)}},
                    "Later",
                )
                self.assertEqual(change.state, "pending")
            else:
                self.assertEqual((order.approval_state, order.oa_route_id), ("pending", routes))
                order.with_user(users["mgr"]).action_approve()
            ids = {
                "users": {role: user.id for role, user in users.items()},
                "routes": routes.ids,
                "rule": rule.ids,
                "partner": partner.id,
                "product": product.id,
                "order": order.id,
                "change": change.id,
            }
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            partner = env["res.partner"].browse(ids["partner"])
            order = env["sale.order"].browse(ids["order"])
            env["crm_plus_oa.plan.change"].browse(ids["change"]).unlink()
            folders = env["dms.directory"].search(
                [("oa_folder_kind", "=", "customer"), ("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
            )
            folders = env["dms.directory"].search([("id", "child_of", folders.ids)])
            env["dms.file"].search([("directory_id", "in", folders.ids)]).unlink()
            folders.sorted("parent_path", reverse=True).unlink()
            if order:
                env["mail.activity"].search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)]).unlink()
                if order.state == "sale":
                    order.with_context(disable_cancel_warning=True)._action_cancel()
                order.unlink()
            env["crm_plus_oa.route"].browse(ids["routes"]).unlink()
            env["crm_plus.approval.rule"].browse(ids["rule"]).unlink()
            env["product.product"].browse(ids["product"]).product_tmpl_id.unlink()
            users = env["res.users"].browse(list(ids["users"].values()))
            partners = users.partner_id | partner
            users.unlink()
            partners.unlink()

    # ------------------------------------------------------------------ tests
    def test_countersign_at_the_same_time(self):
        """Two finance users sign the same step at once: both signatures count, the order is approved once."""
        ids = self._setup_committed()
        fin1, fin2 = ids["users"]["fin1"], ids["users"]["fin2"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            order1 = self._env(cr1, fin1)["sale.order"].browse(ids["order"])
            order2 = self._env(cr2, fin2)["sale.order"].browse(ids["order"])
            self.assertTrue(order2.oa_can_act)  # cr2's snapshot: before fin1 signs
            order1.action_approve()  # fin1 signs, holding the order's row until cr1 ends
            self.assertEqual(order1.state, "draft", "one signature of two")
            # fin2 at the same moment: not refused, retried (Odoo's request handler retries ConcurrencyError)
            with self.assertRaises(ConcurrencyError):
                order2.action_approve()
            cr1.commit()
            # the retry, still on a snapshot from before fin1's commit: PostgreSQL refuses it, Odoo retries again
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                order2.action_approve()
            cr2.rollback()
            # the retry that goes through sees fin1's signature and is the last one
            order2.action_approve()
            self.assertEqual(order2.state, "sale")
            cr2.commit()
        with self.registry.cursor() as cr:
            order = self._env(cr)["sale.order"].browse(ids["order"])
            self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
            countersign = order.review_ids.filtered(lambda r: r.sequence == 2)
            self.assertEqual(countersign.mapped("status"), ["approved", "approved"])
            self.assertEqual(sorted(countersign.done_by.ids), sorted([fin1, fin2]))
            approvals = order.oa_log_ids.filtered(lambda e: e.action == "approved")
            self.assertEqual(len(approvals), 3, "the manager, then each finance user once")
            self.assertEqual(sorted(approvals.filtered(lambda e: e.sequence == 2).user_id.ids), sorted([fin1, fin2]))
            self.assertEqual(len(order.approval_entry_ids.filtered(lambda e: e.decision == "approved")), 1)
            self.assertEqual(len(order._crm_plus_oa_order_folder("orders", create=False).file_ids), 1)
            self.assertEqual(len(order.picking_ids), 0)  # a service: confirmed once, nothing doubled
            self.assertEqual(len(order.crm_plus_plan_ids), 1)

    def test_plan_change_countersign_at_the_same_time(self):
        """Same on a plan change: without the document's row updated on each signature, it would never apply."""
        ids = self._setup_committed(plan_change=True)
        fin1, fin2 = ids["users"]["fin1"], ids["users"]["fin2"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            change1 = self._env(cr1, fin1)["crm_plus_oa.plan.change"].browse(ids["change"])
            change2 = self._env(cr2, fin2)["crm_plus_oa.plan.change"].browse(ids["change"])
            self.assertTrue(change2.oa_can_act)
            change1.action_oa_approve()
            cr1.commit()
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                change2.action_oa_approve()
            cr2.rollback()
            change2.action_oa_approve()
            cr2.commit()
        with self.registry.cursor() as cr:
            change = self._env(cr)["crm_plus_oa.plan.change"].browse(ids["change"])
            self.assertEqual(change.state, "applied")
            self.assertEqual(change.line_ids.step_id.date_due, change.line_ids.date_due)
            self.assertEqual(change.review_ids.mapped("status"), ["approved", "approved"])

    def test_customer_folder_created_once(self):
        """Two transactions file the first documents of a customer at once: one folder tree."""
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            partner_id = self._env(cr)["res.partner"].create({"name": f"OA folders {tag}"}).id
        ids = {"users": {}, "routes": [], "rule": [], "partner": partner_id, "product": False, "order": False}
        ids["change"] = False
        self.addCleanup(self._cleanup, ids)
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            partner1 = self._env(cr1)["res.partner"].browse(partner_id)
            partner2 = self._env(cr2)["res.partner"].browse(partner_id)
            folder = partner1._crm_plus_oa_folder("orders")  # cr1 creates the folders, not committed yet
            self.assertTrue(folder)
            # cr2 waits for cr1 (here: gives up after 200 ms instead of waiting)
            cr2.execute("SET LOCAL lock_timeout = '200ms'")
            with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                partner2._crm_plus_oa_folder("orders")
            cr2.rollback()
            self.assertEqual(partner2.name, f"OA folders {tag}")  # cr2's new snapshot, before cr1 commits
            cr1.commit()
            # cr1 committed after cr2's snapshot: cr2 cannot go on with what it saw
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                partner2._crm_plus_oa_folder("orders")
            cr2.rollback()
            # the retry finds cr1's folders
            self.assertEqual(partner2._crm_plus_oa_folder("orders").id, folder.id)
            cr2.commit()
        with self.registry.cursor() as cr:
            folders = self._env(cr)["dms.directory"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner_id)]
            )
            self.assertEqual(
                sorted(folders.mapped("oa_folder_kind")), ["contracts", "customer", "dunning", "orders", "quotations"]
            )
