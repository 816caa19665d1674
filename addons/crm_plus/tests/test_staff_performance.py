import io
from datetime import date
from datetime import timedelta

import openpyxl

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .dashboard_common import CrmPlusDashboardCommon


@tagged("post_install", "-at_install")
class TestStaffPerformance(CrmPlusDashboardCommon):
    """crm_plus.report.staff: one row per event, each source with its measures, cut by salesperson and period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Staff = cls.env["crm_plus.report.staff"]
        cls.today = fields.Date.context_today(cls.env.user)
        cls.department = cls.env["hr.department"].create({"name": "Dash Sales Department"})
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Sally Employee", "user_id": cls.salesman.id, "department_id": cls.department.id}
        )

    def _figures(self, domain, aggregates, user=None):
        Staff = self.Staff.with_user(user) if user else self.Staff
        [figures] = Staff._read_group(domain, [], aggregates)
        return figures

    def test_orders_revenue_and_new_customers(self):
        march = [("date", ">=", "2025-03-01"), ("date", "<=", "2025-03-31")]
        by_user = {
            user: (revenue, orders, customers, rounds)
            for user, revenue, orders, customers, rounds in self.Staff._read_group(
                [*march, ("user_id", "in", (self.salesman | self.colleague | self.outsider).ids)],
                ["user_id"],
                ["revenue:sum", "order_count:sum", "new_customers:sum", "rounds_to_win:avg"],
            )
        }
        self.assertEqual(by_user[self.salesman], (3000, 2, 1, 1))
        self.assertEqual(by_user[self.colleague], (3000, 1, 1, 1))
        self.assertEqual(by_user[self.outsider], (5000, 1, 1, 1))

    def test_quotes_rounds_and_discount_against_the_limit(self):
        self.company.crm_plus_default_max_discount = 5.0
        quote = self.env["sale.order"].create(
            {
                "partner_id": self.new_customer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 1000, "discount": 10}
                    )
                ],
            }
        )
        second = quote.action_new_round()
        second = self.env["sale.order"].browse(second["res_id"]) if isinstance(second, dict) else second
        domain = [("order_id", "in", (quote | second).ids), ("source", "=", "quote")]
        quotes, rounds, discount, limit, over = self._figures(
            domain,
            ["quote_count:sum", "new_round_count:sum", "discount:avg", "discount_limit:avg", "discount_over_limit:avg"],
        )
        self.assertEqual((quotes, rounds), (2, 1))
        self.assertAlmostEqual(discount, 10)
        self.assertEqual((limit, over), (5, 5))
        # the employee's own limit comes first
        self.employee.sudo().write({"max_discount_override": True, "max_discount": 15})
        self.assertEqual(self._figures(domain, ["discount_over_limit:avg"]), (-5,))
        # the won round counts its number as the rounds it took
        second.action_confirm()
        self.assertEqual(self._figures([("order_id", "=", second.id)], ["rounds_to_win:avg"]), (2,))

    def test_opportunities_and_approvals(self):
        Lead = self.env["crm.lead"]
        won = Lead.create({"name": "Dash won", "type": "opportunity", "user_id": self.salesman.id})
        lost = Lead.create({"name": "Dash lost", "type": "opportunity", "user_id": self.salesman.id})
        won.action_set_won()
        lost.action_set_lost()
        self.assertEqual(
            self._figures([("lead_id", "in", (won | lost).ids)], ["opportunity_won:sum", "opportunity_lost:sum"]),
            (1, 1),
        )
        Entry = self.env["crm_plus.approval.entry"].sudo()
        for decision in ("requested", "rejected", "requested", "approved"):
            Entry.create({"order_id": self.order_old.id, "user_id": self.sales_manager.id, "decision": decision})
        self.assertEqual(
            self._figures(
                [("order_id", "=", self.order_old.id), ("source", "=", "approval")],
                ["approval_requested:sum", "approval_refused:sum", "__count"],
            ),
            (2, 1, 3),
            "requested and refused count for the order's salesperson; approvals are no event of theirs",
        )
        rows = self.Staff.search([("order_id", "=", self.order_old.id), ("source", "=", "approval")])
        self.assertEqual(rows.user_id, self.salesman)

    def test_plan_steps_on_time(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.new_customer.id,
                "user_id": self.colleague.id,
                "date_order": fields.Datetime.now() - timedelta(days=60),
                "order_line": [Command.create({"product_id": self.service.id, "price_unit": 100})],
            }
        )
        manual = self.env.ref("crm_plus.crm_plus_plan_action_type_installation")
        plan = (
            self.env["crm_plus.plan"]
            .with_context(crm_plus_plan_no_activity=True)
            .create(
                {
                    "order_id": order.id,
                    "step_ids": [
                        Command.create(
                            {
                                "action_type_id": manual.id,
                                "amount": 1,
                                "user_id": self.colleague.id,
                                "name": f"S{days}",
                                "date_due": self.today - timedelta(days=days),
                            }
                        )
                        for days in (10, 20, 3, -5)
                    ],
                }
            )
        )
        steps = {step.name: step for step in plan.step_ids}
        (steps["S10"] | steps["S20"]).with_user(self.colleague).action_done()
        steps["S10"].with_context(crm_plus_plan_tracking=True).date_done = self.today - timedelta(days=12)
        steps["S20"].with_context(crm_plus_plan_tracking=True).date_done = self.today - timedelta(days=5)
        count, on_time = self._figures(
            [("order_id", "=", order.id), ("source", "=", "step")], ["step_count:sum", "step_on_time:avg"]
        )
        self.assertEqual(count, 3, "two done, one overdue; the future step does not count yet")
        self.assertAlmostEqual(on_time, 100 / 3)

    def test_collections_and_targets(self):
        self._target("collections", 1000, user=self.salesman)
        self._target("revenue", 4000, user=self.salesman)
        self._target("revenue", 9000, team=self.team_a)  # a team target is no salesperson's
        march = [("date", ">=", "2025-03-01"), ("date", "<=", "2025-03-31")]
        by_user = {
            user: (collections, collections_target, revenue_target)
            for user, collections, collections_target, revenue_target in self.Staff._read_group(
                march, ["user_id"], ["collections:sum", "collections_target:sum", "revenue_target:sum"]
            )
        }
        self.assertEqual(by_user[self.salesman], (400, 1000, 4000))
        self.assertNotIn(self.env["res.users"], by_user, "no row without a salesperson")

    def test_employee_and_department(self):
        rows = self.Staff.search([("user_id", "=", self.salesman.id)])
        self.assertTrue(rows)
        self.assertEqual(rows.employee_id, self.employee)
        self.assertEqual(rows.department_id, self.department)
        # read as a salesperson (no HR rights): grouped names still show
        groups = self.Staff.with_user(self.salesman).formatted_read_group([], ["employee_id"], ["revenue:sum"])
        self.assertEqual(groups[0]["employee_id"], (self.employee.id, "Sally Employee"))

    def test_who_sees_which_rows(self):
        Staff = self.Staff
        everyone = Staff.search([("user_id", "in", (self.salesman | self.colleague | self.outsider).ids)])
        self.assertEqual(Staff.with_user(self.salesman).search([]).user_id, self.salesman)
        leader_rows = Staff.with_user(self.leader).search([("id", "in", everyone.ids)])
        self.assertEqual(leader_rows.team_id, self.team_a)
        self.assertEqual(leader_rows.user_id, self.salesman | self.colleague)
        self.assertEqual(Staff.with_user(self.sales_manager).search([("id", "in", everyone.ids)]), everyone)
        otto_row = everyone.filtered(lambda r: r.user_id == self.outsider)[:1]
        with self.assertRaises(AccessError):
            otto_row.with_user(self.salesman).read(["revenue"])

    def test_xlsx_export_per_salesperson_and_month(self):
        def export(user):
            wizard = (
                self.env["crm_plus.xlsx.export"]
                .with_user(user)
                .create({"export_type": "staff", "date_from": date(2025, 1, 1), "date_to": date(2025, 3, 31)})
            )
            return openpyxl.load_workbook(io.BytesIO(wizard._build_xlsx()), read_only=True)

        book = export(self.sales_manager)
        self.assertEqual(book.sheetnames, ["By Salesperson", "By Month"])
        rows = list(book["By Salesperson"].iter_rows(values_only=True))
        header_index = next(i for i, row in enumerate(rows) if row[0] == "Salesperson")
        header = rows[header_index]
        data = {row[0]: dict(zip(header, row, strict=False)) for row in rows[header_index + 1 :]}
        self.assertEqual(data["Sally Salesman"]["Employee"], "Sally Employee")
        self.assertEqual(data["Sally Salesman"]["Revenue"], 3500)
        self.assertEqual(data["Sally Salesman"]["Collections"], 400)
        self.assertEqual(data["Otto Outsider"]["Revenue"], 5000)
        months = [row for row in book["By Month"].iter_rows(values_only=True) if row[0] == "Sally Salesman"]
        self.assertEqual([row[1].date() for row in months if row[1]][:2], [date(2025, 1, 1), date(2025, 3, 1)])
        # a salesperson exports their own figures only
        book = export(self.salesman)
        names = {row[0] for row in book["By Salesperson"].iter_rows(values_only=True)}
        self.assertIn("Sally Salesman", names)
        self.assertNotIn("Otto Outsider", names)
