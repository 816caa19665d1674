# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Browser tours of the main crm_plus journeys (static/tests/tours/*.js), one user role each.

Data is prepared here, never taken from demo data; each tour is then checked in the database.
"""

import io
from datetime import timedelta

import openpyxl

from odoo import Command
from odoo import fields
from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = env.company
        if not env["account.journal"].search_count([("type", "=", "sale"), ("company_id", "=", cls.company.id)]):
            env["account.chart.template"].try_loading("generic_coa", company=cls.company, install_demo=False)
        cls.salesman = new_test_user(
            env, login="tour_salesman", name="Tour Salesman", groups="sales_team.group_sale_salesman"
        )
        cls.approver = new_test_user(
            env, login="tour_approver", name="Tour Approver", groups="crm_plus.crm_plus_group_approver"
        )
        cls.finance = new_test_user(
            env, login="tour_finance", name="Tour Finance", groups="crm_plus.crm_plus_group_finance"
        )
        cls.manager = new_test_user(
            env, login="tour_manager", name="Tour Manager", groups="sales_team.group_sale_manager"
        )
        cls.consultant = new_test_user(
            env, login="tour_consultant", name="Tour Consultant", groups="crm_plus.crm_plus_group_admin"
        )
        cls.category = env["crm_plus.customer.category"].create({"name": "Tour Key Accounts", "code": "tour_key"})
        cls.customer = env["res.partner"].create(
            {
                "name": "Tour Customer Ltd",
                "is_company": True,
                "email": "tour.customer@example.com",
                "user_id": cls.salesman.id,
                "crm_plus_category_id": cls.category.id,
                "customer_rank": 1,
            }
        )
        cls.product = env["product.product"].create(
            {"name": "Tour Widget", "type": "consu", "list_price": 1500.0, "taxes_id": [Command.clear()]}
        )
        # orders above 1,000 wait for approval
        env["crm_plus.approval.rule"].search([]).active = False
        cls.rule = env["crm_plus.approval.rule"].create(
            {"name": "Tour big orders", "rule_type": "amount", "amount_threshold": 1000.0}
        )

    def setUp(self):
        # registered before the test savepoint: runs after its rollback, so that the registry is rebuilt from the
        # restored database when a tour changed the generated attribute fields
        self._registry_dirty = False
        self.addCleanup(self._reset_registry)
        super().setUp()

    def _reset_registry(self):
        if self._registry_dirty:
            self.registry._setup_models__(self.env.cr)

    def _order(self, partner, price=1500.0, user=None, **values):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": (user or self.salesman).id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": price})
                ],
                **values,
            }
        )

    # 1. consultant: define an attribute, fill it on a customer; then one of orders, filled on a quotation
    def test_01_attribute_tour(self):
        self._registry_dirty = True  # the tour adds a field to res.partner and one to sale.order
        quotation = self._order(self.customer, price=100.0, user=self.consultant)  # "My Quotations"
        self.start_tour(
            "/odoo/action-crm_plus.crm_plus_attribute_action", "crm_plus_attribute_tour", login=self.consultant.login
        )
        attribute = self.env["crm_plus.attribute"].search([("code", "=", "tour_licence")])
        self.assertEqual(attribute.name, "Tour Licence")
        self.assertEqual(attribute.value_type, "char")
        self.assertIn("x_attr_tour_licence", self.env["res.partner"]._fields)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer["x_attr_tour_licence"], "LIC-2026-42")
        self.assertEqual(
            self.env["crm_plus.attribute"].search([("code", "=", "tour_project")]).applies_to, "sale.order"
        )
        quotation.invalidate_recordset()
        self.assertEqual(quotation["x_attr_tour_project"], "PRJ-7")

    # 2. salesperson: round 1, a new round, compare, submit
    def test_02_rounds_tour(self):
        self.assertNotIn("x_attr_tour_licence", self.env["res.partner"]._fields, "no field left by the attribute tour")
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding", "crm_plus_rounds_tour", login=self.salesman.login
        )
        orders = self.env["sale.order"].search([("partner_id", "=", self.customer.id)], order="id")
        self.assertEqual(len(orders), 2, "round 1 and round 2")
        round1, round2 = orders
        self.assertEqual((round1.round_number, round2.round_number), (1, 2))
        self.assertEqual(round2.previous_round_id, round1)
        self.assertEqual(round1.round_state, "superseded")
        self.assertEqual(round2.round_state, "current")
        self.assertEqual(round2.order_line.product_uom_qty, 2.0)
        self.assertEqual(round2.user_id, self.salesman)
        # submitted: held back by the amount rule, nothing delivered yet
        self.assertEqual((round2.state, round2.approval_state), ("draft", "pending"))
        self.assertEqual(round2.approval_rule_ids, self.rule)
        self.assertFalse(round2.picking_ids)
        self.assertIn(self.approver, round2.approval_user_ids)

    # 3. approver: approve from the "orders to approve" list
    def test_03_approval_tour(self):
        partner = self.env["res.partner"].create(
            {"name": "Tour Approval Customer", "is_company": True, "user_id": self.salesman.id}
        )
        order = self._order(partner, price=4200.0)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.approval_state, "pending")
        self.assertIn(self.approver, order.approval_user_ids)
        self.start_tour(
            "/odoo/action-crm_plus.sale_order_action_to_approve", "crm_plus_approval_tour", login=self.approver.login
        )
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        self.assertTrue(order.picking_ids, "the approved order took effect")
        last = order.approval_entry_ids.sorted("id")[-1]
        self.assertEqual((last.decision, last.user_id), ("approved", self.approver))

    # 4. finance: follow a plan, preview a dunning run
    def test_04_plan_dunning_tour(self):
        env = self.env
        today = fields.Date.context_today(env["res.partner"])
        template = env.ref("crm_plus.mail_template_dunning")
        policy = env["crm_plus.dunning.policy"].create(
            {
                "name": "Tour policy",
                "level_ids": [
                    Command.create(
                        {"name": "Tour L1", "days_overdue": 3, "channel_email": True, "mail_template_id": template.id}
                    ),
                    Command.create(
                        {"name": "Tour L2", "days_overdue": 15, "channel_email": True, "mail_template_id": template.id}
                    ),
                ],
            }
        )
        partner = env["res.partner"].create(
            {
                "name": "Tour Late Payer",
                "is_company": True,
                "email": "late.payer@example.com",
                "user_id": self.salesman.id,
                "crm_plus_dunning_policy_id": policy.id,
            }
        )
        payment_type = env["crm_plus.plan.action.type"].create(
            # a prepayment request: money not invoiced yet is dunned only when collected before invoicing
            {
                "name": "Tour collect",
                "code": "TOUR_PAY",
                "kind": "payment",
                "lead_days": 5,
                "collect_before_invoice": True,
            }
        )
        order = self._order(partner, price=900.0, date_order=fields.Datetime.now() - timedelta(days=60))
        plan = env["crm_plus.plan"].create(
            {
                "order_id": order.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Tour deposit",
                            "action_type_id": payment_type.id,
                            "date_due": today - timedelta(days=20),
                            "amount": 300.0,
                            "user_id": self.salesman.id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Tour balance",
                            "action_type_id": payment_type.id,
                            "date_due": today + timedelta(days=20),
                            "amount": 600.0,
                            "user_id": self.salesman.id,
                        }
                    ),
                ],
            }
        )
        Communication = env["crm_plus.dunning.communication"]
        before = Communication.search_count([])
        self.start_tour("/odoo/crm", "crm_plus_plan_dunning_tour", login=self.finance.login)
        # the preview found the customer at level 2 and sent nothing
        preview = env["crm_plus.dunning.run.wizard.line"].search([("partner_id", "=", partner.id)])
        self.assertTrue(preview, "the preview lists the late payer")
        self.assertEqual(preview[-1].level_id.name, "Tour L2")
        self.assertEqual(preview[-1].amount_residual, 300.0)
        self.assertEqual(Communication.search_count([]), before, "a preview sends nothing")
        self.assertEqual(plan.step_ids.sorted("date_due")[0].state, "overdue")

    # 5. manager: each dashboard, the records behind a chart and a pivot value, an Excel export
    def test_05_dashboard_export_tour(self):
        order = self._order(self.customer, price=900.0, user=self.manager)  # below the approval threshold
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.env["crm_plus.target"].create(
            {"user_id": self.manager.id, "measure": "revenue", "period": "month", "target_amount": 3000}
        )
        Attachment = self.env["ir.attachment"]
        domain = [("res_model", "=", "crm_plus.xlsx.export")]
        before = Attachment.search(domain)
        self.env["crm_plus.report.snapshot"]._refresh_all()  # the dashboards show the figures as of the last refresh
        self.start_tour("/odoo/crm", "crm_plus_dashboard_tour", login=self.manager.login)
        attachment = Attachment.search(domain) - before
        self.assertEqual(len(attachment), 1, "one Excel file was produced")
        self.assertEqual(attachment.create_uid, self.manager, "exports run as the user")
        self.assertTrue(attachment.name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True)
        self.assertTrue(book.sheetnames)

    # 6. manager: customer value over a period, quotation rounds by a customer attribute
    def test_06_report_tour(self):
        self._registry_dirty = True  # the attribute adds fields to res.partner and the reports
        tier = self.env["crm_plus.attribute"].create(
            {
                "name": "Tour Tier",
                "code": "tour_tier",
                "value_type": "selection",
                "option_ids": [
                    Command.create({"name": "Gold", "code": "gold"}),
                    Command.create({"name": "Silver", "code": "silver"}),
                ],
            }
        )
        self.customer.x_attr_tour_tier = "gold"
        silver = self.env["res.partner"].create({"name": "Tour Silver Ltd", "is_company": True})
        silver.x_attr_tour_tier = "silver"
        self._order(self.customer, price=500.0, user=self.manager)
        self._order(silver, price=500.0, user=self.manager)
        old_customer = self.env["res.partner"].create({"name": "Tour Old Customer", "is_company": True})
        old = self._order(old_customer, price=500.0, user=self.manager)
        old.action_confirm()
        old.date_order = fields.Datetime.now() - timedelta(days=500)
        self.start_tour("/odoo/crm", "crm_plus_report_tour", login=self.manager.login)
        self.assertIn("x_attr_tour_tier", self.env["crm_plus.report.rounds"]._fields)
        self.assertTrue(tier.active)

    # 7. salesperson: hand an opportunity off to a colleague; the colleague finds it on his desktop
    def test_07_handoff_tour(self):
        colleague = new_test_user(
            self.env, login="tour_colleague", name="Tour Colleague", groups="sales_team.group_sale_salesman"
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Handoff Deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
            }
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_plus_handoff_tour", login=self.salesman.login)
        self.assertEqual(lead.user_id, colleague)
        handoff = lead.crm_plus_handoff_ids
        self.assertEqual((handoff.from_user_id, handoff.to_user_id), (self.salesman, colleague))
        self.assertEqual(handoff.note, "Demo done, they want a quote by Friday")
        todo = lead.activity_ids.filtered(lambda activity: activity.user_id == colleague)
        self.assertIn("quote by Friday", str(todo.note))
        self.start_tour("/odoo", "crm_plus_handoff_colleague_tour", login=colleague.login)
