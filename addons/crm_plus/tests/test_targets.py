from datetime import date
from datetime import datetime
from xmlrpc.client import Fault

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import Form
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import file_open
from odoo.tools import mute_logger

from .dashboard_common import CrmPlusDashboardCommon


class TargetsCommon(CrmPlusDashboardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sally_revenue = cls._target("revenue", 4000, user=cls.salesman)
        cls.sally_collections = cls._target("collections", 1000, user=cls.salesman)
        cls.sally_customers = cls._target("new_customers", 2, user=cls.salesman)
        cls.sally_followups = cls._target("followups", 10, user=cls.salesman)
        cls.colin_revenue = cls._target("revenue", 3000, user=cls.colleague)
        cls.otto_revenue = cls._target("revenue", 10000, user=cls.outsider)
        cls.team_a_revenue = cls._target("revenue", 10000, team=cls.team_a)


@tagged("post_install", "-at_install")
class TestTargets(TargetsCommon):
    def test_achievement_of_each_measure(self):
        figures = {
            target: (target.achieved_amount, target.achievement_pct)
            for target in (
                self.sally_revenue,
                self.sally_collections,
                self.sally_customers,
                self.sally_followups,
                self.colin_revenue,
                self.otto_revenue,
                self.team_a_revenue,
            )
        }
        self.assertEqual(figures[self.sally_revenue], (3000, 75), "1,000 + 2,000 in March; April's 4,000 is out")
        self.assertEqual(figures[self.sally_collections], (400, 40))
        self.assertEqual(figures[self.sally_customers], (1, 50), "the January customer is not new in March")
        self.assertEqual(figures[self.sally_followups], (0, 0))
        self.assertEqual(figures[self.colin_revenue], (3000, 100))
        self.assertEqual(figures[self.otto_revenue], (5000, 50))
        self.assertEqual(figures[self.team_a_revenue], (6000, 60), "Sally's and Colin's March orders of team A")

    def test_achievement_follows_the_staff_report(self):
        """The target's figure is the staff performance report's, for the same person and period."""
        Staff = self.env["crm_plus.report.staff"]
        domain = [("user_id", "=", self.salesman.id), ("date", ">=", "2025-03-01"), ("date", "<=", "2025-03-31")]
        [(revenue, collections, customers)] = Staff._read_group(
            domain, [], ["revenue:sum", "collections:sum", "new_customers:sum"]
        )
        self.assertEqual(
            (revenue, collections, customers),
            (
                self.sally_revenue.achieved_amount,
                self.sally_collections.achieved_amount,
                self.sally_customers.achieved_amount,
            ),
        )

    def test_ranking(self):
        Report = self.env["crm_plus.report.target"]
        rows = Report.search([("measure", "=", "revenue"), ("target_type", "=", "user")], order="rank")
        self.assertEqual(rows.user_id, self.colleague | self.salesman | self.outsider)
        self.assertEqual(rows.mapped("rank"), [1, 2, 3])
        team_row = Report.browse(self.team_a_revenue.id)
        self.assertEqual((team_row.target_type, team_row.rank, team_row.team_id), ("team", 1, self.team_a))
        self.assertEqual(Report.browse(self.sally_revenue.id).team_id, self.team_a, "the salesperson's team")
        self.assertEqual(Report.browse(self.sally_revenue.id).remaining_amount, 1000)

    def test_company_days(self):
        """A target counts what happened in the company's own days (its time zone), whoever reads it."""
        self.company.partner_id.tz = "Asia/Shanghai"
        # 31 March 20:00 UTC is 1 April in Shanghai; 28 February 18:00 UTC is 1 March there
        self._confirmed(self.new_customer, self.salesman, self.team_a, 100, datetime(2025, 3, 31, 20))
        self._confirmed(self.new_customer, self.salesman, self.team_a, 10, datetime(2025, 2, 28, 18))
        self.sally_revenue.invalidate_recordset()
        self.assertEqual(self.sally_revenue.with_context(tz="America/New_York").achieved_amount, 3010)

    def test_periods(self):
        target = Form(self.env["crm_plus.target"].with_user(self.sales_manager))
        target.user_id = self.salesman
        target.measure = "revenue"
        target.period = "quarter"
        target.date_from = date(2025, 2, 14)
        target.target_amount = 10000
        target = target.save()
        self.assertEqual((target.date_from, target.date_to), (date(2025, 1, 1), date(2025, 3, 31)))
        self.assertEqual(target.achieved_amount, 3500, "January's 500 and March's 3,000")
        target.write({"period": "month", "date_from": date(2025, 4, 1)})
        self.assertEqual(target.date_to, date(2025, 4, 30))
        self.assertEqual(target.achieved_amount, 4000)

    def test_constraints(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._target("revenue", 1, user=self.salesman, team=self.team_a)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._target("revenue", 1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._target("revenue", 1, user=self.salesman, period=(date(2025, 3, 2), date(2025, 3, 1)))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._target("revenue", -1, user=self.colleague, period=(date(2025, 5, 1), date(2025, 5, 31)))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._target("revenue", 1, user=self.salesman)  # March revenue of Sally exists

    # ------------------------------------------------------------------ who sees and writes what
    def test_salesperson_sees_only_their_own(self):
        Target = self.env["crm_plus.target"].with_user(self.salesman)
        mine = self.sally_revenue | self.sally_collections | self.sally_customers | self.sally_followups
        self.assertEqual(Target.search([]), mine)
        self.assertEqual(set(self.env["crm_plus.report.target"].with_user(self.salesman).search([]).ids), set(mine.ids))
        for other in (self.colin_revenue, self.team_a_revenue, self.otto_revenue):
            with self.subTest(target=other.display_name), self.assertRaises(AccessError):
                other.with_user(self.salesman).read(["achieved_amount"])
        # their own figure is the whole figure, not only what their record rules let them see
        self.assertEqual(self.sally_revenue.with_user(self.salesman).achieved_amount, 3000)

    def test_salesperson_writes_nothing(self):
        own = self.sally_revenue.with_user(self.salesman)
        with self.assertRaises(AccessError):
            own.target_amount = 1
        with self.assertRaises(AccessError):
            own.unlink()
        with self.assertRaises(AccessError):
            self.env["crm_plus.target"].with_user(self.salesman).create(
                {"user_id": self.salesman.id, "measure": "revenue", "date_from": "2025-06-01", "target_amount": 1}
            )
        self.assertEqual(self.sally_revenue.target_amount, 4000)

    def test_team_leader_sees_their_team(self):
        seen = self.env["crm_plus.target"].with_user(self.leader).search([])
        self.assertIn(self.sally_revenue, seen)
        self.assertIn(self.colin_revenue, seen)
        self.assertIn(self.team_a_revenue, seen)
        self.assertNotIn(self.otto_revenue, seen)
        report = self.env["crm_plus.report.target"].with_user(self.leader).search([])
        self.assertEqual(set(report.ids), set(seen.ids))
        with self.assertRaises(AccessError):
            self.colin_revenue.with_user(self.leader).target_amount = 1

    def test_managers_see_all_and_only_sales_managers_write(self):
        everything = self.env["crm_plus.target"].search([])
        self.assertEqual(self.env["crm_plus.target"].with_user(self.team_leader).search([]), everything)
        with self.assertRaises(AccessError):
            self.colin_revenue.with_user(self.team_leader).target_amount = 1
        self.colin_revenue.with_user(self.sales_manager).target_amount = 6000
        self.assertEqual(self.colin_revenue.achievement_pct, 50)
        self.otto_revenue.with_user(self.sales_manager).unlink()

    def test_other_company_targets_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "Dash Other Company"})
        other_team = self.env["crm.team"].create({"name": "Dash Foreign Team", "company_id": other_company.id})
        foreign = self.env["crm_plus.target"].create(
            {
                "company_id": other_company.id,
                "team_id": other_team.id,
                "measure": "revenue",
                "date_from": "2025-03-01",
                "target_amount": 1,
            }
        )
        self.assertNotIn(foreign, self.env["crm_plus.target"].with_user(self.sales_manager).search([]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.sales_manager).read(["target_amount"])

    # ------------------------------------------------------------------ import
    def _import(self, user, data):
        wizard = (
            self.env["base_import.import"]
            .with_user(user)
            .create(
                {
                    "res_model": "crm_plus.target",
                    "file": data,
                    "file_name": "targets.xlsx",
                    "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                }
            )
        )
        options = {"has_headers": True, "date_format": "%Y-%m-%d", "float_decimal_separator": "."}
        preview = wizard.parse_preview(options)
        self.assertFalse(preview.get("error"), preview)
        matches = preview["matches"]
        fields_ = ["/".join(matches[index]) if index in matches else False for index in range(len(preview["headers"]))]
        return wizard.execute_import(fields_, preview["headers"], options)

    def test_xlsx_import_of_the_template(self):
        with file_open("crm_plus/static/xls/crm_plus_target.xlsx", "rb") as f:
            data = f.read()
        self.env.ref("base.user_admin").name = "Mitchell Admin"
        self.env.ref("sales_team.team_sales_department").name = "Sales"
        result = self._import(self.sales_manager, data)
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        imported = self.env["crm_plus.target"].browse(result["ids"])
        self.assertEqual(len(imported), 3)
        self.assertEqual(
            sorted(imported.mapped("measure")), ["collections", "new_customers", "revenue"], "matched by label"
        )
        quarter = imported.filtered(lambda t: t.measure == "new_customers")
        self.assertEqual(
            (quarter.date_from, quarter.date_to, quarter.target_amount), (date(2026, 1, 1), date(2026, 3, 31), 5)
        )
        self.assertEqual(imported.filtered(lambda t: t.measure == "collections").team_id.name, "Sales")
        self.assertIn("crm_plus_target.xlsx", self.env["crm_plus.target"].get_import_templates()[0]["template"])

    def test_xlsx_import_refused_to_salespeople(self):
        with file_open("crm_plus/static/xls/crm_plus_target.xlsx", "rb") as f:
            data = f.read()
        before = self.env["crm_plus.target"].search_count([])
        with mute_logger("odoo.addons.base_import.models.base_import"):
            result = self._import(self.salesman, data)
        self.assertFalse(result["ids"])
        self.assertTrue([m for m in result["messages"] if m["type"] == "error"])
        self.assertEqual(self.env["crm_plus.target"].search_count([]), before)


@tagged("post_install", "-at_install")
class TestTargetsOverXmlRpc(TargetsCommon, HttpCase):
    def _call(self, user, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, "crm_plus.target", method, list(args), kwargs
        )

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc")
    def test_salesperson_over_xmlrpc(self):
        rows = self._call(self.salesman, "search_read", [], ["user_id", "achieved_amount"])
        self.assertEqual({row["user_id"][0] for row in rows}, {self.salesman.id})
        self.assertIn(3000, [row["achieved_amount"] for row in rows])
        for method, args in (
            ("write", ([self.sally_revenue.id], {"target_amount": 1})),
            ("write", ([self.sally_revenue.id], {"user_id": self.colleague.id})),
            ("create", ({"user_id": self.salesman.id, "measure": "revenue", "date_from": "2025-07-01"},)),
            ("unlink", ([self.sally_revenue.id],)),
            ("read", ([self.colin_revenue.id], ["achieved_amount"])),
        ):
            with self.subTest(method=method), self.assertRaises(Fault):
                self._call(self.salesman, method, *args)
        with self.assertRaises(Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.salesman.id,
                self.salesman.login,
                "crm_plus.report.target",
                "read",
                [[self.otto_revenue.id], ["achieved_amount"]],
            )
        self.sally_revenue.invalidate_recordset()
        self.assertEqual((self.sally_revenue.target_amount, self.sally_revenue.user_id), (4000, self.salesman))
