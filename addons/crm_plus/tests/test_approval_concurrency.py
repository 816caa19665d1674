import uuid

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID
from odoo import Command
from odoo import api
from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestApprovalConcurrency(TransactionCase):
    """Two approvers at the same moment: exactly one transition.

    Runs on committed data in its own cursors (a row lock is only visible
    between transactions) and removes it all afterwards, before any other
    test runs (tests run one after the other in one process).
    """

    def _setup_committed(self):
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
            company = env.ref("base.main_company")
            ctx_env = env(context=dict(env.context, allowed_company_ids=[company.id]))
            users = [
                new_test_user(
                    ctx_env,
                    login=f"cp_cc_{role}_{tag}",
                    groups=groups,
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )
                for role, groups in (
                    ("sales", "sales_team.group_sale_salesman"),
                    ("appr1", "sales_team.group_sale_manager"),
                    ("appr2", "sales_team.group_sale_manager"),
                )
            ]
            rule = env["crm_plus.approval.rule"].create(
                {"name": f"Any order {tag}", "rule_type": "amount", "amount_threshold": 1.0, "company_id": company.id}
            )
            partner = env["res.partner"].create({"name": f"Concurrency customer {tag}", "company_id": company.id})
            product = env["product.product"].create(
                {"name": f"Concurrency service {tag}", "type": "service", "list_price": 10.0, "company_id": company.id}
            )
            order = (
                env["sale.order"]
                .with_user(users[0])
                .with_company(company)
                .create(
                    {
                        "partner_id": partner.id,
                        "user_id": users[0].id,
                        "company_id": company.id,
                        "order_line": [Command.create({"product_id": product.id, "price_unit": 10.0})],
                    }
                )
            )
            order.action_confirm()
            self.assertEqual(order.approval_state, "pending")
            ids = {
                "company": company.id,
                "rule": rule.id,
                "users": [u.id for u in users],
                "partners": partner.id,
                "product": product.id,
                "order": order.id,
            }
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            order = env["sale.order"].browse(ids["order"])
            order.activity_ids.unlink()
            env["mail.message"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)]).unlink()
            if order.state == "sale":
                order._action_cancel()
            order.unlink()
            env["crm_plus.approval.rule"].browse(ids["rule"]).unlink()
            env["product.product"].browse(ids["product"]).product_tmpl_id.unlink()
            users = env["res.users"].browse(ids["users"])
            partners = users.partner_id | env["res.partner"].browse(ids["partners"])
            users.unlink()
            partners.unlink()

    def _env(self, cr, uid, company_id):
        return api.Environment(cr, uid, {"allowed_company_ids": [company_id]})

    def test_two_approvers_one_transition(self):
        ids = self._setup_committed()
        appr1, appr2 = ids["users"][1:]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            order1 = self._env(cr1, appr1, ids["company"])["sale.order"].browse(ids["order"])
            order2 = self._env(cr2, appr2, ids["company"])["sale.order"].browse(ids["order"])
            self.assertEqual(order2.approval_state, "pending")  # cr2's snapshot starts before cr1 decides
            order1.action_approve()  # holds the row lock until cr1 ends
            with self.assertRaisesRegex(UserError, "Another user is deciding"):
                order2.action_approve()
            cr1.commit()
            # same snapshot, row changed meanwhile: PostgreSQL refuses, Odoo would retry the request
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                order2.action_approve()
            cr2.rollback()
            order2.invalidate_recordset()
            # the retry sees the decision already taken
            with self.assertRaisesRegex(UserError, "not waiting for approval"):
                order2.action_approve()
            cr2.rollback()
        with self.registry.cursor() as cr:
            order = api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(ids["order"])
            self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
            approved = order.approval_entry_ids.filtered(lambda e: e.decision == "approved")
            self.assertEqual(len(approved), 1)
            self.assertEqual(approved.user_id.id, appr1)
