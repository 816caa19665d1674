from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import new_test_user
from odoo.tests import tagged

from .common import CrmPlusCommon


class RoundsCommon(CrmPlusCommon):
    """Customers, products, an HR structure and a sales team for rounds and approvals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Rounds Customer", "email": "rc@example.com"})
        cls.product = cls.env["product.product"].create(
            {"name": "Widget", "type": "consu", "list_price": 100.0, "standard_price": 60.0}
        )
        cls.product_b = cls.env["product.product"].create(
            {"name": "Gadget", "type": "consu", "list_price": 50.0, "standard_price": 20.0}
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Support", "type": "service", "list_price": 80.0, "standard_price": 10.0}
        )
        cls.team_lead_user = new_test_user(
            cls.env, login="cp_tl2", name="Tina Team-Lead", groups="sales_team.group_sale_salesman"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="cp_other", name="Otto Other", groups="sales_team.group_sale_salesman"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Rounds Team", "user_id": cls.team_lead_user.id, "member_ids": [Command.link(cls.salesman.id)]}
        )
        cls.other_team = cls.env["crm.team"].create(
            {"name": "Other Team", "member_ids": [Command.link(cls.other_salesman.id)]}
        )
        Employee = cls.env["hr.employee"]
        cls.approver_employee = Employee.create({"name": "Abe Approver", "user_id": cls.approver.id})
        cls.department = cls.env["hr.department"].create({"name": "Sales East", "manager_id": cls.approver_employee.id})
        cls.job = cls.env["hr.job"].create({"name": "Account Executive", "max_discount": 10.0})
        cls.salesman_employee = Employee.create(
            {
                "name": "Sally Salesman",
                "user_id": cls.salesman.id,
                "department_id": cls.department.id,
                "job_id": cls.job.id,
            }
        )
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")

    @classmethod
    def _make_order(cls, user=None, lines=2, discount=0.0, price=100.0, product=None, **vals):
        user = user or cls.salesman
        order = (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "team_id": cls.team.id if user == cls.salesman else cls.other_team.id,
                    "payment_term_id": cls.payment_term.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": (product or cls.product).id,
                                "product_uom_qty": 1 + i,
                                "price_unit": price,
                                "discount": discount,
                            }
                        )
                        for i in range(lines)
                    ],
                    **vals,
                }
            )
        )
        return order.with_env(cls.env)


@tagged("post_install", "-at_install")
class TestRounds(RoundsCommon):
    def test_new_round_copies_and_locks_previous(self):
        order = self._make_order(discount=5.0, price=123.0).with_user(self.salesman)
        order.order_line[0].write({"name": "Custom description"})
        action = order.action_new_round()
        new = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(new.name, f"{order.name}-R2")
        self.assertEqual(new.round_number, 2)
        self.assertEqual(new.previous_round_id, order)
        self.assertEqual(new.round_root_id, order)
        self.assertEqual(new.payment_term_id, self.payment_term)
        self.assertEqual(new.order_line.mapped("price_unit"), [123.0, 123.0])
        self.assertEqual(new.order_line.mapped("discount"), [5.0, 5.0])
        self.assertEqual(new.order_line[0].name, "Custom description")
        self.assertEqual((order.round_state, new.round_state), ("superseded", "current"))
        self.assertEqual(order.round_count, 2)
        # the earlier round is readable but locked
        with self.assertRaises(UserError):
            order.order_line[0].price_unit = 1.0
        with self.assertRaises(UserError):
            order.write({"payment_term_id": False})
        with self.assertRaises(UserError):
            order.order_line[0].unlink()
        with self.assertRaises(UserError):
            order.action_new_round()
        with self.assertRaises(UserError):
            order.action_confirm()
        # round 3 from round 2, named after the first round
        new3 = self.env["sale.order"].browse(new.with_user(self.salesman).action_new_round()["res_id"])
        self.assertEqual(new3.name, f"{order.name}-R3")
        self.assertEqual(new3.round_root_id, order)
        self.assertEqual(new.round_state, "superseded")
        self.assertEqual(set(new3._crm_plus_round_siblings().ids), {order.id, new.id, new3.id})

    def test_form_of_closed_round_is_read_only(self):
        order = self._make_order()
        new = self.env["sale.order"].browse(order.action_new_round()["res_id"])
        with Form(new.with_user(self.salesman)) as form:
            self.assertFalse(form._get_modifier("order_line", "readonly"))
            form.note = "Revised offer"
        form = Form(order.with_user(self.salesman))
        self.assertTrue(form._get_modifier("order_line", "readonly"))
        self.assertEqual(form.round_state, "superseded")

    def test_copy_starts_a_new_negotiation(self):
        order = self._make_order()
        new = self.env["sale.order"].browse(order.action_new_round()["res_id"])
        copy = new.copy()
        self.assertEqual(
            (copy.round_number, copy.previous_round_id, copy.round_root_id, copy.round_state),
            (1, self.env["sale.order"], self.env["sale.order"], "current"),
        )

    def test_new_round_only_on_open_quotation(self):
        order = self._make_order()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(UserError):
            order.action_new_round()

    def test_compare_rounds_line_by_line(self):
        order = self._make_order(lines=2, price=100.0)
        order.order_line[1].product_id = self.product_b
        new = self.env["sale.order"].browse(order.action_new_round()["res_id"])
        widget_line = new.order_line.filtered(lambda ln: ln.product_id == self.product)
        widget_line.write({"price_unit": 90.0, "discount": 5.0})
        new.order_line.filtered(lambda ln: ln.product_id == self.product_b).unlink()
        new.write({"order_line": [Command.create({"product_id": self.service.id, "price_unit": 80.0})]})
        new.payment_term_id = self.env.ref("account.account_payment_term_immediate")
        action = new.with_user(self.salesman).action_compare_rounds()
        wizard = Form(
            self.env["sale.order.round.compare"].with_user(self.salesman).with_context(action["context"])
        ).save()
        self.assertEqual(wizard.order_a_id, order)
        self.assertEqual(wizard.order_b_id, new)
        rows = {line.product_id: line for line in wizard.line_ids}
        self.assertEqual(rows[self.product].status, "changed")
        self.assertAlmostEqual(rows[self.product].price_delta, -10.0)
        self.assertAlmostEqual(rows[self.product].discount_delta, 5.0)
        self.assertAlmostEqual(rows[self.product].subtotal_delta, 90 * 0.95 - 100)
        self.assertEqual(rows[self.product_b].status, "removed")
        self.assertAlmostEqual(rows[self.product_b].subtotal_delta, -100.0)
        self.assertEqual(rows[self.service].status, "added")
        self.assertAlmostEqual(wizard.amount_delta, new.amount_untaxed - order.amount_untaxed)
        self.assertAlmostEqual(wizard.margin_delta, new.margin - order.margin)
        self.assertTrue(wizard.payment_term_changed)
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html("crm_plus.action_report_round_compare", wizard.ids)
        self.assertIn(b"Round comparison", html)
        self.assertIn(new.name.encode(), html)
        self.assertEqual(wizard.action_print()["report_name"], "crm_plus.report_round_compare")

    def test_accept_round_closes_the_others_as_lost(self):
        order = self._make_order()
        round2 = self.env["sale.order"].browse(order.action_new_round()["res_id"])
        round3 = self.env["sale.order"].browse(round2.action_new_round()["res_id"])
        # the customer takes the second offer
        action = round2.with_user(self.salesman).action_accept_round()
        wizard = Form(self.env[action["res_model"]].with_user(self.salesman).with_context(action["context"]))
        wizard.lost_reason = "Customer preferred round 2"
        wizard.save().action_accept()
        self.assertEqual((round2.round_state, round2.state), ("accepted", "sale"))
        for lost in order | round3:
            self.assertEqual((lost.round_state, lost.state), ("lost", "cancel"))
            self.assertEqual(lost.round_lost_reason, "Customer preferred round 2")

    def test_confirm_current_round_accepts_it(self):
        order = self._make_order()
        round2 = self.env["sale.order"].browse(order.action_new_round()["res_id"])
        round2.with_user(self.salesman).action_confirm()
        self.assertEqual((round2.round_state, round2.state), ("accepted", "sale"))
        self.assertEqual((order.round_state, order.state), ("lost", "cancel"))

    def test_opportunity_rounds_timeline(self):
        lead = self.env["crm.lead"].create(
            {"name": "Big deal", "type": "opportunity", "partner_id": self.customer.id, "user_id": self.salesman.id}
        )
        order = self._make_order(opportunity_id=lead.id, lines=1, price=100.0)
        round2 = self.env["sale.order"].browse(order.action_new_round()["res_id"])
        round2.order_line.price_unit = 80.0
        self.assertEqual(round2.opportunity_id, lead)
        lead.invalidate_recordset()
        self.assertEqual(lead.crm_plus_round_count, 2)
        self.assertEqual(lead.crm_plus_round_ids, order | round2)
        self.assertAlmostEqual(lead.crm_plus_first_round_amount, 100.0)
        self.assertAlmostEqual(lead.crm_plus_last_round_amount, 80.0)
        action = lead.with_user(self.salesman).action_view_crm_plus_rounds()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), order | round2)


@tagged("post_install", "-at_install")
class TestDataScope(RoundsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._make_order(cls.salesman)
        cls.foreign = cls._make_order(cls.other_salesman)
        cls.lead = cls.env["crm.lead"].create({"name": "Team lead", "user_id": cls.salesman.id, "team_id": cls.team.id})

    def _visible(self, user):
        return self.env["sale.order"].with_user(user).search([("id", "in", (self.own | self.foreign).ids)])

    def test_salesman_sees_own(self):
        self.assertEqual(self._visible(self.salesman), self.own)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesman).read(["name"])

    def test_team_leader_sees_team(self):
        self.assertEqual(self._visible(self.team_lead_user), self.own)
        self.assertTrue(self.lead.with_user(self.team_lead_user).read(["name"]))
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.team_lead_user).read(["name"])

    def test_department_manager_sees_department(self):
        # the approver manages the department of the salesman (not of the other one)
        self.assertEqual(self._visible(self.approver), self.own)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.approver).read(["name"])

    def test_sales_manager_sees_all(self):
        self.assertEqual(self._visible(self.sales_manager), self.own | self.foreign)

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Rounds Company B"})
        self.team_lead_user.company_ids = [Command.link(company_b.id)]
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesman.id,
                    "team_id": self.team.id,
                    "company_id": company_b.id,
                }
            )
        )
        # visible only when company B is among the allowed companies
        Order = self.env["sale.order"].with_user(self.team_lead_user)
        self.assertFalse(Order.with_context(allowed_company_ids=[self.company.id]).search([("id", "=", order_b.id)]))
        self.assertEqual(
            Order.with_context(allowed_company_ids=[company_b.id, self.company.id]).search([("id", "=", order_b.id)]),
            order_b,
        )
        self.assertFalse(self.env["sale.order"].with_user(self.other_salesman).search([("id", "=", order_b.id)]))
