from datetime import datetime
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import OaCommon

REPORT = "crm_plus.report.approval"
T0 = datetime(2026, 3, 2, 8, 0, 0)


@tagged("post_install", "-at_install")
class TestOaApprovalReport(OaCommon):
    """The approval analysis with routes: a row per request (crm_plus) and a row per step decision."""

    def _at(self, hours, func, *args):
        with freeze_time(T0 + timedelta(hours=hours)):
            return func(*args)

    def _approved_order(self):
        order = self._make_order()
        # step 1 (department manager) after 2 hours, the finance countersign after 5 and 6 hours
        self._at(0, order.with_user(self.salesman).action_confirm)
        self._at(2, order.with_user(self.dept_manager).action_approve)
        self._at(5, order.with_user(self.finance).action_approve)
        self._at(6, order.with_user(self.finance2).action_approve)
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        return order

    def _rejected_order(self):
        order = self._make_order()
        self._at(0, order.with_user(self.salesman).action_confirm)
        self._at(1.5, order.with_user(self.dept_manager)._crm_plus_reject, "Margin below 10 %")
        self.assertEqual((order.state, order.approval_state), ("draft", "rejected"))
        return order

    def _rows(self, orders, user=None):
        Report = self.env[REPORT].with_user(user or self.sales_manager)
        rows = Report.search([("order_id", "in", orders.ids)])
        return {
            (r.order_id, r.level, r.step_name or False, r.approver_id, r.decision): (r.lead_time_hours, r.reason)
            for r in rows
        }

    def test_two_step_route_lead_times_and_rejection_reason(self):
        approved = self._approved_order()
        rejected = self._rejected_order()
        manager, countersign = self.step_manager.name, self.step_finance.name
        self.assertEqual(
            self._rows(approved | rejected),
            {
                # crm_plus: one decision per request, request -> final decision
                (approved, "order", False, self.finance2, "approved"): (6.0, False),
                (rejected, "order", False, self.dept_manager, "rejected"): (1.5, "Margin below 10 %"),
                # the bridge: each approver's decision, from the start of his step
                (approved, "step", manager, self.dept_manager, "approved"): (2.0, False),
                (approved, "step", countersign, self.finance, "approved"): (3.0, False),
                (approved, "step", countersign, self.finance2, "approved"): (4.0, False),
                (rejected, "step", manager, self.dept_manager, "rejected"): (1.5, "Margin below 10 %"),
            },
        )
        # lead time and rejections per level and per step
        domain = [("order_id", "in", (approved | rejected).ids)]
        Report = self.env[REPORT].with_user(self.sales_manager)
        by_level = {
            level: (lead, rejection, count)
            for level, lead, rejection, count in Report._read_group(
                domain, ["level"], ["lead_time_hours:avg", "rejection_rate:avg", "__count"]
            )
        }
        self.assertEqual(by_level, {"order": (3.75, 50.0, 2), "step": (2.625, 25.0, 4)})
        by_step = dict(Report._read_group([*domain, ("level", "=", "step")], ["step_name"], ["lead_time_hours:avg"]))
        self.assertEqual(by_step, {manager: 1.75, countersign: 3.5})

    def test_resubmission_starts_a_new_clock(self):
        order = self._rejected_order()
        order.order_line.with_user(self.salesman).write({"product_uom_qty": 3, "price_unit": 2500.0})
        self._at(24, order.with_user(self.salesman).action_confirm)
        self.assertEqual((order.approval_state, order.oa_round, order.state), ("pending", 2, "draft"))
        self._at(25, order.with_user(self.dept_manager).action_approve)
        steps = self.env[REPORT].search([("order_id", "=", order.id), ("level", "=", "step")], order="date_decided")
        self.assertEqual(steps.mapped("decision"), ["rejected", "approved"])
        self.assertEqual(steps.mapped("lead_time_hours"), [1.5, 1.0], "round 2 is timed from its own request")

    def test_rows_per_role(self):
        approved = self._approved_order()
        rejected = self._rejected_order()
        both = approved | rejected
        # the salesperson sees every decision on his orders; an approver his own decisions; others nothing
        self.assertEqual(len(self._rows(both, user=self.salesman)), 6)
        finance_rows = self._rows(both, user=self.finance)
        self.assertEqual(set(finance_rows), {(approved, "step", self.step_finance.name, self.finance, "approved")})
        self.assertEqual(len(self._rows(both, user=self.dept_manager)), 3)
        self.assertFalse(self._rows(both, user=self.other_salesman))
