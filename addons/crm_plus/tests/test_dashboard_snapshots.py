"""The dashboards' snapshots (report/crm_plus_report_snapshot.py): a dashboard read shows the report's rows as of the
last refresh, the same rows the live report has after a refresh, cut by the same record rules; a change shows after
the refresh; only sales managers refresh by hand; the refresh is a fixed number of queries whatever the data.
"""

from odoo import SUPERUSER_ID
from odoo import api
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.crm_plus_report_snapshot import SNAPSHOT
from ..models.crm_plus_report_snapshot import snapshot_models
from ..report.crm_plus_report_customer_value import PERIOD_FROM
from .reporting_common import CrmPlusReportingCommon

REPORTS = {
    "crm_plus.report.aging",
    "crm_plus.report.customer.value",
    "crm_plus.report.dunning",
    "crm_plus.report.execution",
    "crm_plus.report.funnel",
    "crm_plus.report.product",
    "crm_plus.report.rounds",
    "crm_plus.report.staff",
    "crm_plus.report.target",
}


@tagged("post_install", "-at_install")
class TestDashboardSnapshots(CrmPlusReportingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.aging_order.action_confirm()
        cls.other_order.action_confirm()
        cls.env["crm_plus.target"].create(
            {
                "user_id": cls.salesman.id,
                "measure": "revenue",
                "date_from": cls.today.replace(day=1),
                "target_amount": 1000,
            }
        )
        cls.env["crm.lead"].create(
            {"name": "Snapshot Deal", "type": "opportunity", "user_id": cls.salesman.id, "expected_revenue": 900}
        )
        cls.Snapshot = cls.env["crm_plus.report.snapshot"]
        cls.Snapshot._refresh_all()

    def _figures(self, model, user, snapshot, domain=(), measures=("__count",)):
        Model = self.env[model].with_user(user).with_context(**{SNAPSHOT: snapshot})
        return Model._read_group(list(domain), [], list(measures))[0]

    def test_every_dashboard_report_keeps_a_snapshot(self):
        self.assertEqual({report._name for report in snapshot_models(self.env)}, REPORTS)
        stamps = self.Snapshot.search([("model", "in", list(REPORTS))])
        self.assertEqual(set(stamps.mapped("model")), REPORTS)
        self.assertTrue(all(stamps.mapped("as_of")))

    def test_snapshot_rows_are_the_live_rows_after_a_refresh(self):
        for report in snapshot_models(self.env):
            measures = [
                f"{name}:sum"
                for name, field in report._fields.items()
                if field.store and field.type in ("integer", "float", "monetary") and name != "id"
            ]
            with self.subTest(report=report._name):
                [live] = report._read_group([], [], ["__count", *measures])
                [snap] = report.with_context(**{SNAPSHOT: True})._read_group([], [], ["__count", *measures])
                if report._name != "crm_plus.report.dunning":  # no dunning letter in the fixture
                    self.assertGreater(live[0], 0, "no rows to compare: the fixture reaches the report")
                for measure, live_value, snap_value in zip(["__count", *measures], live, snap, strict=True):
                    self.assertAlmostEqual(snap_value or 0, live_value or 0, places=6, msg=measure)

    def test_a_change_shows_after_the_refresh(self):
        Product = self.env["crm_plus.report.product"]
        domain = [("state", "=", "sale")]
        before = self._figures(Product._name, self.sales_manager, True, domain, ["revenue:sum"])
        self._draft_order(self.aging_customer, self.salesman, qty=7, days_ago=1).action_confirm()
        self.assertEqual(self._figures(Product._name, self.sales_manager, True, domain, ["revenue:sum"]), before)
        self.assertEqual(
            self._figures(Product._name, self.sales_manager, False, domain, ["revenue:sum"]), (before[0] + 700,)
        )
        self.Snapshot._cron_refresh()
        self.assertEqual(
            self._figures(Product._name, self.sales_manager, True, domain, ["revenue:sum"]), (before[0] + 700,)
        )
        # a new plan's steps show on the execution dashboard after the refresh
        order = self._draft_order(self.aging_customer, self.salesman, qty=7, days_ago=10)
        step = self._plan(order, [(3, 700)]).step_ids
        Execution = self.env["crm_plus.report.execution"].with_context(**{SNAPSHOT: True})
        self.assertFalse(Execution.search([("step_id", "=", step.id)]))
        self.Snapshot._refresh_all()
        self.assertEqual(Execution.search([("step_id", "=", step.id)]).is_overdue, 1)

    def test_a_salesperson_sees_their_own_figures_in_the_snapshot(self):
        domain = [("days_overdue", ">", 0)]
        aging = "crm_plus.report.aging"
        mine = self._figures(aging, self.salesman, True, domain, ["amount_residual:sum"])
        other = self._figures(aging, self.other_salesman, True, domain, ["amount_residual:sum"])
        self.assertEqual((mine, other), ((1400,), (100,)))
        everything = self._figures(aging, self.sales_manager, True, domain, ["amount_residual:sum"])
        self.assertEqual(everything, (1500,))
        for report in snapshot_models(self.env):
            with self.subTest(report=report._name):
                rows = report.with_user(self.salesman).with_context(**{SNAPSHOT: True}).search_fetch([], ["user_id"])
                self.assertNotIn(self.other_salesman, rows.user_id)
                self.assertEqual(
                    rows, report.with_user(self.salesman).search([]), "the snapshot's rows the live rule lets through"
                )

    def test_a_chosen_period_reads_the_live_rows(self):
        Value = self.env["crm_plus.report.customer.value"]
        self.assertTrue(Value.with_context(**{SNAPSHOT: True})._snapshot_wanted())
        self.assertFalse(Value.with_context(**{SNAPSHOT: True, PERIOD_FROM: "2020-01-01"})._snapshot_wanted())

    def test_only_sales_managers_refresh_by_hand(self):
        for user in (self.salesman, self.team_leader, self.finance):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Snapshot.with_user(user).action_refresh()
        action = self.Snapshot.with_user(self.sales_manager).action_refresh()
        self.assertEqual(action["tag"], "display_notification")

    def test_one_refresh_at_a_time_without_waiting(self):
        # this test's transaction holds the snapshots' lock of its refresh (setUpClass): another one gives up at once
        with self.registry.cursor() as cr:
            other = api.Environment(cr, SUPERUSER_ID, {})
            self.assertFalse(other["crm_plus.report.snapshot"]._refresh_all())
            cr.rollback()
        with self.assertRaises(UserError), self.registry.cursor() as cr:
            manager = api.Environment(cr, self.sales_manager.id, {})
            manager["crm_plus.report.snapshot"].action_refresh()

    def _count_refresh_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.Snapshot._refresh_all()
        return self.cr.sql_log_count - before

    def test_refresh_is_a_fixed_number_of_queries(self):
        self._count_refresh_queries()  # caches warm
        count = self._count_refresh_queries()
        self.assertLessEqual(count, 6 * len(snapshot_models(self.env)))  # lock, delete, insert, stamp (+ companies)
        for qty in (3, 4, 5):
            self._draft_order(self.aging_customer, self.salesman, qty=qty, days_ago=2).action_confirm()
            self._plan(self._draft_order(self.aging_customer, self.salesman, qty=qty, days_ago=3), [(1, 100 * qty)])
        self.assertEqual(self._count_refresh_queries(), count, "the same queries whatever the rows")
