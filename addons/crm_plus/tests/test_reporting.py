from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import tagged

from odoo.addons.crm_plus.access import trusted_context

from .reporting_common import CrmPlusReportingCommon


@tagged("post_install", "-at_install")
class TestReporting(CrmPlusReportingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create({"name": "Report Team", "user_id": cls.team_leader.id})

    def _group(self, model, user, domain, groupby, aggregates):
        return self.env[model].with_user(user)._read_group(domain, groupby, aggregates)

    def _confirmed(self, partner, user, qty, price=1_000_000.0, **vals):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "order_line": [
                    Command.create({"product_id": self.service.id, "product_uom_qty": qty, "price_unit": price})
                ],
                **vals,
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    # ------------------------------------------------------------------ customer value
    def test_customer_value_abc_and_visibility(self):
        Partner = self.env["res.partner"]
        a = Partner.create({"name": "ABC A", "crm_plus_category_id": self.cat_key.id})
        b = Partner.create({"name": "ABC B", "crm_plus_category_id": self.cat_small.id})
        c = Partner.create({"name": "ABC C", "crm_plus_category_id": self.cat_small.id})
        # 850 M + 130 M + 20 M: A makes 85 % (A), B the next 13 % (B), C the last 2 % (C).
        self._confirmed(a, self.salesman, 500)
        self._confirmed(a, self.salesman, 350)
        self._confirmed(b, self.other_salesman, 130)
        self._confirmed(c, self.salesman, 20)
        partners = a | b | c
        Report = self.env["crm_plus.report.customer.value"]
        rows = Report.search([("partner_id", "in", partners.ids)])
        classes = {r.partner_id: r.abc_class for r in rows}
        self.assertEqual(classes, {a: "a", b: "b", c: "c"})
        by_partner = dict(Report._read_group([("partner_id", "in", partners.ids)], ["partner_id"], ["revenue:sum"]))
        self.assertAlmostEqual(by_partner[a], 850_000_000.0)
        self.assertEqual(rows.filtered(lambda r: r.partner_id == a).order_count, 2)
        by_category = dict(Report._read_group([("partner_id", "in", partners.ids)], ["category_id"], ["revenue:sum"]))
        self.assertAlmostEqual(by_category[self.cat_small], 150_000_000.0)
        # the salesperson sees the revenue he made, the manager all of it
        seen = Report.with_user(self.salesman).search([("partner_id", "in", partners.ids)]).partner_id
        self.assertEqual(seen, a | c)
        seen = Report.with_user(self.sales_manager).search([("partner_id", "in", partners.ids)]).partner_id
        self.assertEqual(seen, partners)
        with self.assertRaises(AccessError):
            Report.with_user(self.portal).search([])

    def _value_classes(self, partners, date_from=None, date_to=None, user=None):
        """{customer: (ABC class, revenue)} over the period (read_group: rows are not cached per period)."""
        context = {}
        if date_from:
            context["crm_plus_abc_date_from"] = str(date_from)
        if date_to:
            context["crm_plus_abc_date_to"] = str(date_to)
        Report = self.env["crm_plus.report.customer.value"].with_user(user or self.sales_manager).with_context(context)
        return {
            partner: (abc, revenue)
            for partner, abc, revenue in Report._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id", "abc_class"], ["revenue:sum"]
            )
        }

    def test_customer_value_period_changes_classes(self):
        Partner = self.env["res.partner"]
        x = Partner.create({"name": "Period X"})
        y = Partner.create({"name": "Period Y"})
        now = fields.Datetime.now()
        # a year and a half ago X made 90 % of the revenue; in the last month Y did
        for partner, qty, days_ago in ((x, 900, 500), (y, 100, 500), (x, 100, 20), (y, 900, 20)):
            order = self._confirmed(partner, self.salesman, qty)
            order.date_order = now - timedelta(days=days_ago)
        old_from, old_to = self.today - timedelta(days=530), self.today - timedelta(days=470)
        old = self._value_classes(x | y, old_from, old_to)
        self.assertEqual(old, {x: ("a", 900_000_000.0), y: ("b", 100_000_000.0)})
        recent = self._value_classes(x | y, self.today - timedelta(days=30), self.today)
        self.assertEqual(recent, {x: ("b", 100_000_000.0), y: ("a", 900_000_000.0)})
        # by default the last 365 days: the orders of 500 days ago are out
        self.assertEqual(self._value_classes(x | y), recent)
        # both ends included; a salesperson gets the same period on his own figures
        self.assertEqual(self._value_classes(x | y, old_from, old_to, user=self.salesman), old)
        self.assertFalse(self._value_classes(x | y, old_from, old_from))
        # the rows carry the customer's revenue of the period
        Report = self.env["crm_plus.report.customer.value"].with_context(
            crm_plus_abc_date_from=str(old_from), crm_plus_abc_date_to=str(old_to)
        )
        [(revenue,)] = Report._read_group([("partner_id", "=", x.id)], [], ["revenue_period:max"])
        self.assertEqual(revenue, 900_000_000.0)

    def test_customer_value_period_wizard(self):
        Wizard = self.env["crm_plus.report.customer.value.period"].with_user(self.salesman)
        form = Form(Wizard)
        self.assertEqual((form.date_from, form.date_to), (self.today - timedelta(days=365), self.today))
        form.date_from = self.today - timedelta(days=10)
        form.date_to = self.today - timedelta(days=11)
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "starts .* after it ends"):
            wizard.action_open()
        wizard.date_to = self.today
        action = wizard.action_open()
        self.assertEqual(action["res_model"], "crm_plus.report.customer.value")
        self.assertEqual(
            action["context"],
            {"crm_plus_abc_date_from": str(self.today - timedelta(days=10)), "crm_plus_abc_date_to": str(self.today)},
        )
        self.assertIn(str(self.today.year), action["name"])
        # the report opened with that context works for the salesperson
        self.env["crm_plus.report.customer.value"].with_user(self.salesman).with_context(action["context"]).search([])
        # a wizard is its creator's
        with self.assertRaises(AccessError):
            wizard.with_user(self.other_salesman).read(["date_from"])
        with self.assertRaises(AccessError):
            self.env["crm_plus.report.customer.value.period"].with_user(self.portal).create({})

    def test_customer_value_period_rejects_bad_input(self):
        Report = self.env["crm_plus.report.customer.value"].with_user(self.salesman)
        for date_from, date_to in (
            ("2025-02-01", "2025-01-01"),
            ("2025-02-30", "2025-03-01"),
            ("2025-01-01'; DROP TABLE sale_order; --", "2025-03-01"),
            (42, "2025-03-01"),
            ("2025-01-01", ["2025-03-01"]),
        ):
            with self.subTest(date_from=date_from, date_to=date_to):
                context = {"crm_plus_abc_date_from": date_from, "crm_plus_abc_date_to": date_to}
                with self.assertRaises(UserError):
                    Report.with_context(context).search([])
                with self.assertRaises(UserError):
                    Report.with_context(context)._read_group([], ["abc_class"], ["revenue:sum"])
        # a time zone is a parameter too
        Report.with_context(tz="Europe/Brussels'; --").search([])

    # ------------------------------------------------------------------ funnel
    def test_funnel_conversion(self):
        Lead = self.env["crm.lead"]
        l1 = Lead.create({"name": "Quoted & won", "type": "opportunity", "user_id": self.salesman.id})
        l2 = Lead.create({"name": "Quoted only", "type": "opportunity", "user_id": self.salesman.id})
        l3 = Lead.create({"name": "Not quoted", "type": "opportunity", "user_id": self.other_salesman.id})
        self._confirmed(self.aging_customer, self.salesman, 1, price=100.0, opportunity_id=l1.id)
        self.env["sale.order"].create(
            {"partner_id": self.aging_customer.id, "opportunity_id": l1.id, "user_id": self.salesman.id}
        )
        self.env["sale.order"].create(
            {"partner_id": self.aging_customer.id, "opportunity_id": l2.id, "user_id": self.salesman.id}
        )
        leads = l1 | l2 | l3
        domain = [("lead_id", "in", leads.ids)]
        [(count, quoted, conversion, quotations, orders)] = self._group(
            "crm_plus.report.funnel",
            self.sales_manager,
            domain,
            [],
            ["__count", "quoted_rate:avg", "conversion_rate:avg", "quotation_count:sum", "order_count:sum"],
        )
        self.assertEqual((count, quotations, orders), (3, 3, 1))
        self.assertAlmostEqual(quoted, 200 / 3)
        self.assertAlmostEqual(conversion, 50.0)
        by_stage = self._group("crm_plus.report.funnel", self.sales_manager, domain, ["stage_id"], ["__count"])
        self.assertEqual(sum(c for _s, c in by_stage), 3)
        seen = self.env["crm_plus.report.funnel"].with_user(self.salesman).search(domain).lead_id
        self.assertEqual(seen, l1 | l2)

    # ------------------------------------------------------------------ rounds
    def test_rounds_win_rate_and_discount(self):
        partner = self.env["res.partner"].create(
            {"name": "Rounds Report Customer", "crm_plus_category_id": self.cat_key.id}
        )
        won = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": self.salesman.id,
                "team_id": self.team.id,
                "order_line": [
                    Command.create({"product_id": self.service.id, "product_uom_qty": 2, "price_unit": 100.0})
                ],
            }
        )
        won.action_new_round()
        round2 = self.env["sale.order"].search([("round_root_id", "=", won.id)])
        round2.order_line.discount = 10.0
        round2.action_confirm()
        self.assertEqual(round2.state, "sale")
        lost = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create({"product_id": self.service.id, "product_uom_qty": 1, "price_unit": 50.0})
                ],
            }
        )
        lost._action_cancel()
        open_deal = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": self.other_salesman.id,
                "order_line": [
                    Command.create({"product_id": self.service.id, "product_uom_qty": 1, "price_unit": 50.0})
                ],
            }
        )
        Report = self.env["crm_plus.report.rounds"]
        deals = Report.search([("partner_id", "=", partner.id)])
        self.assertEqual(len(deals), 3, "one row per deal, not per round")
        row = deals.filtered(lambda d: d.order_id == won)
        self.assertEqual((row.round_count, row.outcome, row.last_order_id), (2, "won", round2))
        self.assertAlmostEqual(row.discount_first, 0.0)
        self.assertAlmostEqual(row.discount_last, 10.0)
        self.assertAlmostEqual(row.discount_change, 10.0)
        self.assertAlmostEqual(row.amount_last, 180.0)
        self.assertEqual(deals.filtered(lambda d: d.order_id == lost).outcome, "lost")
        self.assertEqual(deals.filtered(lambda d: d.order_id == open_deal).outcome, "open")
        [(win_rate, rounds_to_close, count)] = Report._read_group(
            [("partner_id", "=", partner.id)], [], ["win_rate:avg", "rounds_to_close:avg", "__count"]
        )
        self.assertEqual((win_rate, rounds_to_close, count), (50.0, 2.0, 3))
        by_rounds = dict(Report._read_group([("partner_id", "=", partner.id)], ["round_count"], ["win_rate:avg"]))
        self.assertEqual(by_rounds, {1: 0.0, 2: 100.0})
        by_category = dict(Report._read_group([("partner_id", "=", partner.id)], ["category_id"], ["__count"]))
        self.assertEqual(by_category, {self.cat_key: 3})
        # role scope: own deals / deals of the teams led / all
        self.assertEqual(Report.with_user(self.salesman).search([("partner_id", "=", partner.id)]).order_id, won | lost)
        self.assertEqual(
            Report.with_user(self.other_salesman).search([("partner_id", "=", partner.id)]).order_id, open_deal
        )
        self.assertEqual(len(Report.with_user(self.sales_manager).search([("partner_id", "=", partner.id)])), 3)

    # ------------------------------------------------------------------ approvals
    def test_approval_lead_time_and_reasons(self):
        Entry = self.env["crm_plus.approval.entry"]
        t0 = fields.Datetime.now() - timedelta(days=2)
        other = self._draft_order(self.aging_customer, self.other_salesman, qty=1, days_ago=1)
        for order, hours, decision, comment in (
            (self.aging_order, 5, "approved", "ok"),
            (other, 3, "rejected", "Discount too high"),
        ):
            Entry.create({"order_id": order.id, "user_id": self.approver.id, "date": t0, "decision": "requested"})
            Entry.create(
                {
                    "order_id": order.id,
                    "user_id": self.approver.id,
                    "date": t0 + timedelta(hours=hours),
                    "decision": decision,
                    "comment": comment,
                }
            )
        domain = [("order_id", "in", (self.aging_order | other).ids)]
        [(lead_time, rejection, count)] = self._group(
            "crm_plus.report.approval",
            self.sales_manager,
            domain,
            [],
            ["lead_time_hours:avg", "rejection_rate:avg", "__count"],
        )
        self.assertEqual(count, 2)
        self.assertAlmostEqual(lead_time, 4.0)
        self.assertAlmostEqual(rejection, 50.0)
        rejected = self.env["crm_plus.report.approval"].search([*domain, ("decision", "=", "rejected")])
        self.assertEqual(rejected.reason, "Discount too high")
        self.assertAlmostEqual(rejected.lead_time_hours, 3.0)
        self.assertEqual((rejected.level, rejected.approver_id), ("order", self.approver))
        by_level = self._group("crm_plus.report.approval", self.sales_manager, domain, ["level"], ["__count"])
        self.assertEqual(by_level, [("order", 2)])
        seen = self.env["crm_plus.report.approval"].with_user(self.salesman).search(domain)
        self.assertEqual(seen.order_id, self.aging_order)
        self.assertEqual(len(self.env["crm_plus.report.approval"].with_user(self.approver).search(domain)), 2)

    # ------------------------------------------------------------------ aging
    def test_aging_buckets(self):
        Aging = self.env["crm_plus.report.aging"]
        domain = [("partner_id", "=", self.aging_customer.id)]
        [sums] = Aging._read_group(
            domain,
            [],
            [
                f"{f}:sum"
                for f in (
                    "amount_not_due",
                    "amount_1_30",
                    "amount_31_60",
                    "amount_61_90",
                    "amount_over_90",
                    "amount_residual",
                )
            ],
        )
        self.assertEqual(sums, (100.0, 200.0, 300.0, 400.0, 500.0, 1500.0))
        by_bucket = dict(Aging._read_group(domain, ["bucket"], ["amount_residual:sum"]))
        self.assertEqual(by_bucket, {"not_due": 100.0, "1_30": 200.0, "31_60": 300.0, "61_90": 400.0, "over_90": 500.0})
        by_category = dict(
            Aging._read_group(
                [("partner_id", "in", (self.aging_customer | self.other_aging_customer).ids)],
                ["category_id"],
                ["amount_residual:sum"],
            )
        )
        self.assertEqual(by_category, {self.cat_key: 1500.0, self.cat_small: 100.0})
        self.assertEqual(max(Aging.search(domain).mapped("days_overdue")), 120)

    def test_aging_converts_at_todays_rate(self):
        """Foreign-currency items are worth today's rate, not the order's or the invoice's."""
        company = self.company
        cpx = self.env["res.currency"].create({"name": "CPX", "symbol": "¤", "rounding": 0.01})
        Rate = self.env["res.currency.rate"]
        Rate.create({"currency_id": cpx.id, "name": self.today - timedelta(days=300), "rate": 2.0})
        Rate.create(
            {"currency_id": cpx.id, "name": self.today - timedelta(days=1), "rate": 4.0, "company_id": company.id}
        )
        # a shared rate of the same day loses against the company's own, as in res.currency._get_rates
        Rate.create({"currency_id": cpx.id, "name": self.today - timedelta(days=1), "rate": 8.0, "company_id": False})
        # a future rate is not today's
        Rate.create({"currency_id": cpx.id, "name": self.today + timedelta(days=5), "rate": 16.0})
        pricelist = self.env["product.pricelist"].create({"name": "CPX prices", "currency_id": cpx.id})
        partner = self.env["res.partner"].create({"name": "CPX Customer", "is_company": True})
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": self.salesman.id,
                "pricelist_id": pricelist.id,
                "date_order": fields.Datetime.now() - timedelta(days=200),
                "order_line": [
                    Command.create({"product_id": self.service.id, "product_uom_qty": 4, "price_unit": 100.0})
                ],
            }
        )
        self.assertEqual((order.currency_id, order.currency_rate), (cpx, 2.0))
        self._plan(order, [(40, 400)])
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "currency_id": cpx.id,
                "invoice_date": self.today - timedelta(days=200),
                "invoice_line_ids": [
                    Command.create({"product_id": self.service.id, "quantity": 1, "price_unit": 800.0})
                ],
            }
        )
        invoice.action_post()
        self.assertAlmostEqual(invoice.amount_residual_signed, 400.0, msg="booked at the invoice's rate")
        Aging = self.env["crm_plus.report.aging"].with_user(self.finance)
        rows = {r.source: r for r in Aging.search([("partner_id", "=", partner.id)])}
        self.assertEqual(set(rows), {"step", "invoice"})
        today_value = cpx._convert(1.0, company.currency_id, company, self.today, round=False)
        self.assertAlmostEqual(today_value, 0.25)
        self.assertAlmostEqual(rows["step"].amount_residual, 100.0)
        self.assertAlmostEqual(rows["step"].amount_31_60, 100.0)
        self.assertAlmostEqual(rows["invoice"].amount_residual, 200.0)
        self.assertEqual((rows["invoice"].currency_id, rows["invoice"].amount_currency), (cpx, 800.0))
        self.assertEqual((rows["step"].currency_id, rows["step"].amount_currency), (cpx, 400.0))
        # a credit note counts against the customer, at today's rate too
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "currency_id": cpx.id,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    Command.create({"product_id": self.service.id, "quantity": 1, "price_unit": 80.0})
                ],
            }
        )
        refund.action_post()
        self.assertAlmostEqual(Aging.search([("move_id", "=", refund.id)]).amount_residual, -20.0)
        # company-currency items are unchanged
        [(total,)] = Aging._read_group([("partner_id", "=", self.aging_customer.id)], [], ["amount_residual:sum"])
        self.assertEqual(total, 1500.0)

    def test_aging_invoices_without_double_counting(self):
        # an order with a plan whose prepayment steps are aged until an invoice covers them
        planned = self._order()
        self.assertTrue(self.env["crm_plus.plan"].search([("order_id", "=", planned.id)]))
        Aging = self.env["crm_plus.report.aging"]
        rows = Aging.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(set(rows.mapped("source")), {"step"})
        self.assertAlmostEqual(sum(rows.mapped("amount_residual")), planned.amount_total)
        # invoiced: the invoice is the item, not the steps it covers
        planned_invoice = self._invoice(planned)
        # an invoice outside any plan (no order) is aged as an invoice
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.other_customer.id,
                "invoice_user_id": self.salesman.id,
                "invoice_line_ids": [
                    Command.create({"product_id": self.service.id, "quantity": 2, "price_unit": 500.0})
                ],
            }
        )
        invoice.action_post()
        rows = Aging.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(set(rows.mapped("source")), {"invoice"})
        self.assertEqual(rows.move_id, planned_invoice)
        self.assertAlmostEqual(sum(rows.mapped("amount_residual")), planned.amount_total)
        rows = Aging.search([("partner_id", "=", self.other_customer.id)])
        self.assertEqual(rows.move_id, invoice)
        self.assertAlmostEqual(rows.amount_residual, invoice.amount_residual)
        # paid: gone from the aging
        self._pay(invoice, invoice.amount_residual)
        self.assertFalse(Aging.search([("partner_id", "=", self.other_customer.id)]))

    def test_aging_visibility_per_role(self):
        Aging = self.env["crm_plus.report.aging"]
        partners = [("partner_id", "in", (self.aging_customer | self.other_aging_customer).ids)]
        self.assertEqual(Aging.with_user(self.salesman).search(partners).partner_id, self.aging_customer)
        self.assertEqual(Aging.with_user(self.other_salesman).search(partners).partner_id, self.other_aging_customer)
        for user in (self.sales_manager, self.team_leader, self.finance, self.crm_admin):
            self.assertEqual(len(Aging.with_user(user).search(partners)), 6, user.login)
        with self.assertRaises(AccessError):
            Aging.with_user(self.portal).search(partners)

    # ------------------------------------------------------------------ execution
    def test_execution_on_time_rate(self):
        order = self._draft_order(self.aging_customer, self.salesman, qty=1, days_ago=60)
        manual = self.type_install
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
                                "date_due": self.today - timedelta(days=d),
                                "amount": 1,
                                "user_id": self.salesman.id,
                                "name": f"S{d}",
                            }
                        )
                        for d in (10, 20, 3, -5)
                    ],
                }
            )
        )
        by_name = {step.name: step for step in plan.step_ids}
        s10, s20, s_future = by_name["S10"], by_name["S20"], by_name["S-5"]
        (s10 | s20).with_user(self.salesman).action_done()
        trusted_context(s10, crm_plus_plan_tracking=True).date_done = self.today - timedelta(days=12)
        trusted_context(s20, crm_plus_plan_tracking=True).date_done = self.today - timedelta(days=5)
        Report = self.env["crm_plus.report.execution"]
        domain = [("plan_id", "=", plan.id)]
        [(on_time, overdue, count)] = Report._read_group(domain, [], ["on_time_rate:avg", "is_overdue:sum", "__count"])
        self.assertEqual(count, 4)
        self.assertAlmostEqual(on_time, 100 / 3)
        self.assertEqual(overdue, 1)
        late = Report.search([*domain, ("step_id", "=", s20.id)])
        self.assertEqual((late.on_time_rate, late.days_late), (0.0, 15.0))
        self.assertFalse(Report.search([*domain, ("step_id", "=", s_future.id)]).on_time_rate)
        by_type = dict(Report._read_group(domain, ["action_type_id"], ["on_time_rate:avg"]))
        self.assertAlmostEqual(by_type[manual], 100 / 3)
        self.assertEqual(len(Report.with_user(self.salesman).search(domain)), 4)
        self.assertFalse(Report.with_user(self.other_salesman).search(domain))

    # ------------------------------------------------------------------ dunning effectiveness
    def test_dunning_collected_after_level(self):
        level1 = self.env.ref("crm_plus.crm_plus_dunning_level_standard_1")
        level2 = self.env.ref("crm_plus.crm_plus_dunning_level_standard_2")
        step = self.aging_plan.step_ids.filtered(lambda s: s.amount == 300)
        Communication = self.env["crm_plus.dunning.communication"]
        for level, days, channels in ((level1, 20, ("email", "letter")), (level2, 5, ("email",))):
            for channel in channels:
                Communication.create(
                    {
                        "partner_id": self.aging_customer.id,
                        "level_id": level.id,
                        "company_id": self.company.id,
                        "channel": channel,
                        "date": self.today - timedelta(days=days),
                        "line_ids": [
                            Command.create(
                                {
                                    "step_id": step.id,
                                    "level_id": level.id,
                                    "channel": channel,
                                    "amount": 300,
                                    "amount_residual": 300 if level == level1 else 200,
                                }
                            )
                        ],
                    }
                )
        # 100 collected between level 1 and level 2, 20 more after level 2
        trusted_context(step, crm_plus_plan_tracking=True).write({"amount_done": 120})
        Report = self.env["crm_plus.report.dunning"]
        by_level = {
            level: (dunned, collected, rate)
            for level, dunned, collected, rate in Report._read_group(
                [("step_id", "=", step.id)],
                ["level_id"],
                ["amount_dunned:sum", "amount_collected:sum", "collection_rate:avg"],
            )
        }
        # two channels of level 1 count once
        self.assertEqual(by_level[level1], (300.0, 120.0, 40.0))
        self.assertEqual(by_level[level2], (200.0, 20.0, 10.0))
        self.assertEqual(len(Report.with_user(self.salesman).search([("step_id", "=", step.id)])), 2)
        self.assertFalse(Report.with_user(self.other_salesman).search([("step_id", "=", step.id)]))
        self.assertEqual(len(Report.with_user(self.finance).search([("step_id", "=", step.id)])), 2)

    # ------------------------------------------------------------------ customers by attribute
    def test_customers_by_attribute(self):
        Attribute = self.env["crm_plus.attribute"].with_user(self.crm_admin)
        tier = Attribute.create(
            {
                "name": "Tier",
                "code": "rep_tier",
                "value_type": "selection",
                "option_ids": [
                    Command.create({"name": "Gold", "code": "gold"}),
                    Command.create({"name": "Silver", "code": "silver"}),
                ],
            }
        )
        channels = Attribute.create(
            {
                "name": "Sales Channels",
                "code": "rep_channels",
                "value_type": "tags",
                "option_ids": [
                    Command.create({"name": "Web", "code": "web"}),
                    Command.create({"name": "Shop", "code": "shop"}),
                ],
            }
        )
        Partner = self.env["res.partner"]
        gold = Partner.create({"name": "Gold Co", "user_id": self.salesman.id, "x_attr_rep_tier": "gold"})
        gold2 = Partner.create({"name": "Gold Two", "user_id": self.other_salesman.id, "x_attr_rep_tier": "gold"})
        silver = Partner.create({"name": "Silver Co", "user_id": self.salesman.id, "x_attr_rep_tier": "silver"})
        gold.x_attr_rep_channels = channels.option_ids
        self._confirmed(gold, self.salesman, 3, price=100.0)
        self._confirmed(gold2, self.other_salesman, 1, price=100.0)
        lost = self.env["sale.order"].create(
            {
                "partner_id": gold.id,
                "order_line": [
                    Command.create({"product_id": self.service.id, "product_uom_qty": 1, "price_unit": 1.0})
                ],
            }
        )
        lost._action_cancel()
        Report = self.env["crm_plus.report.customer.attribute"]
        partners = [("partner_id", "in", (gold | gold2 | silver).ids)]
        by_value = {
            (attribute, value): (count, revenue, win)
            for attribute, value, count, revenue, win in Report._read_group(
                partners, ["attribute_id", "value"], ["__count", "revenue_12m:sum", "win_rate:avg"]
            )
        }
        self.assertEqual(by_value[tier, "Gold"], (2, 400.0, 75.0))
        self.assertEqual(by_value[tier, "Silver"], (1, 0.0, False))
        self.assertEqual(by_value[channels, "Web"][:2], (1, 300.0))
        self.assertEqual(by_value[channels, "Shop"][:2], (1, 300.0))
        seen = Report.with_user(self.salesman).search(partners).partner_id
        self.assertEqual(seen, gold | silver)
        self.assertEqual(Report.with_user(self.sales_manager).search(partners).partner_id, gold | gold2 | silver)
