from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tests import tagged

from odoo.addons.crm_plus.access import trusted_context

from .reporting_common import CrmPlusReportingCommon

ROUNDS = "crm_plus.report.rounds"


@tagged("post_install", "-at_install")
class TestReportingByAttribute(CrmPlusReportingCommon):
    """Quotation rounds, customer value and aging broken down by custom customer attributes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Attribute = cls.env["crm_plus.attribute"].with_user(cls.crm_admin)
        finance = cls.env.ref("crm_plus.crm_plus_group_finance")
        cls.tier = Attribute.create(
            {
                "name": "Tier",
                "code": "rr_tier",
                "value_type": "selection",
                "option_ids": [
                    Command.create({"name": "Gold", "code": "gold"}),
                    Command.create({"name": "Silver", "code": "silver"}),
                ],
            }
        )
        cls.flag = Attribute.create({"name": "Strategic", "code": "rr_strategic", "value_type": "boolean"})
        cls.channels = Attribute.create(
            {
                "name": "Sales Channels",
                "code": "rr_channels",
                "value_type": "tags",
                "option_ids": [
                    Command.create({"name": "Web", "code": "web"}),
                    Command.create({"name": "Shop", "code": "shop"}),
                ],
            }
        )
        cls.since = Attribute.create({"name": "Customer Since", "code": "rr_since", "value_type": "date"})
        cls.note = Attribute.create({"name": "Note", "code": "rr_note", "value_type": "char"})
        cls.risk = Attribute.create(
            {
                "name": "Risk",
                "code": "rr_risk",
                "value_type": "selection",
                "visibility_group_ids": [Command.set(finance.ids)],
                "option_ids": [
                    Command.create({"name": "Low", "code": "low"}),
                    Command.create({"name": "High", "code": "high"}),
                ],
            }
        )
        cls.web, cls.shop = cls.channels.option_ids
        cls.risk_manager = new_test_user(
            cls.env,
            login="cp_rr_risk_mgr",
            name="Rita Risk",
            groups="sales_team.group_sale_manager,crm_plus.crm_plus_group_finance",
        )
        Partner = cls.env["res.partner"]
        cls.gold_co = Partner.create(
            {
                "name": "Gold Co",
                "is_company": True,
                "x_attr_rr_tier": "gold",
                "x_attr_rr_strategic": True,
                "x_attr_rr_channels": [Command.set(cls.web.ids)],
                "x_attr_rr_since": "2024-03-15",
                "x_attr_rr_risk": "high",
            }
        )
        cls.gold_two = Partner.create(
            {
                "name": "Gold Two",
                "is_company": True,
                "x_attr_rr_tier": "gold",
                "x_attr_rr_channels": [Command.set(cls.web.ids)],
                "x_attr_rr_risk": "low",
            }
        )
        cls.silver_co = Partner.create(
            {
                "name": "Silver Co",
                "is_company": True,
                "x_attr_rr_tier": "silver",
                "x_attr_rr_strategic": True,
                "x_attr_rr_channels": [Command.set(cls.shop.ids)],
            }
        )
        # deals: A won in round 2, B lost (gold_co); C won in round 3 (gold_two); D lost, E open (silver_co)
        cls.deal_a = cls._deal(cls.gold_co, rounds=2, outcome="won")
        cls.deal_b = cls._deal(cls.gold_co, rounds=1, outcome="lost")
        cls.deal_c = cls._deal(cls.gold_two, rounds=3, outcome="won")
        cls.deal_d = cls._deal(cls.silver_co, rounds=1, outcome="lost")
        cls.deal_e = cls._deal(cls.silver_co, rounds=1, outcome="open")
        cls.scope = [("partner_id", "in", (cls.gold_co | cls.gold_two | cls.silver_co).ids)]

    @classmethod
    def _deal(cls, partner, rounds, outcome):
        order = cls._draft_order(partner, cls.salesman, qty=1, days_ago=3)
        current = order
        for number in range(2, rounds + 1):
            current.action_new_round()
            current = cls.env["sale.order"].search([("round_root_id", "=", order.id), ("round_number", "=", number)])
            current.order_line.discount = 5.0 * (number - 1)
        if outcome == "won":
            current.action_confirm()
            assert current.state == "sale", current.state
        elif outcome == "lost":
            current._action_cancel()
        return order

    def _by(self, groupby, aggregates, user=None, model=ROUNDS, domain=None):
        Report = self.env[model].with_user(user or self.sales_manager)
        return {
            row[0]: row[1:] if len(row) > 2 else row[1]
            for row in Report._read_group(domain or self.scope, [groupby], aggregates)
        }

    def test_rounds_by_choice_yes_no_tags_and_date(self):
        rows = self.env[ROUNDS].search(self.scope)
        self.assertEqual(rows.order_id, self.deal_a | self.deal_b | self.deal_c | self.deal_d | self.deal_e)
        self.assertEqual(rows.filtered(lambda r: r.order_id == self.deal_c).round_count, 3)
        # choice: gold = A won, B lost, C won; silver = D lost (E is open: no win rate yet)
        by_tier = self._by("x_attr_rr_tier", ["win_rate:avg", "rounds_to_close:avg", "__count"])
        self.assertAlmostEqual(by_tier["gold"][0], 200 / 3)
        self.assertEqual(by_tier["gold"][1:], (2.5, 3))
        self.assertEqual(by_tier["silver"], (0.0, False, 2))
        # yes/no: strategic = A, B, D (and E, open); not strategic = C
        by_flag = self._by("x_attr_rr_strategic", ["win_rate:avg"])
        self.assertAlmostEqual(by_flag[True], 100 / 3)
        self.assertEqual(by_flag[False], 100.0)
        # tags: one group per tag
        by_channel = self._by("x_attr_rr_channels", ["win_rate:avg", "__count"])
        self.assertAlmostEqual(by_channel[self.web][0], 200 / 3)
        self.assertEqual(by_channel[self.web][1], 3)
        self.assertEqual(by_channel[self.shop], (0.0, 2))
        # date, by month: only Gold Co has a date (deals A and B)
        by_since = self._by("x_attr_rr_since:month", ["win_rate:avg", "__count"])
        self.assertEqual(by_since, {date(2024, 3, 1): (50.0, 2), False: (50.0, 3)})
        # the discount change per round of the won deals, by tier: 5 points a round
        self.assertEqual(self._by("x_attr_rr_tier", ["discount_change:avg"])["gold"], 5.0)
        # the values read on the rows, and filters on them
        self.assertEqual(rows.filtered(lambda r: r.order_id == self.deal_c).x_attr_rr_channels, self.web)
        strategic = self.env[ROUNDS].search([*self.scope, ("x_attr_rr_strategic", "=", True)])
        self.assertEqual(strategic.order_id, self.deal_a | self.deal_b | self.deal_d | self.deal_e)

    def test_rounds_scope_per_role_still_applies(self):
        # the other salesperson has none of these deals, grouped or not
        self.assertFalse(self._by("x_attr_rr_tier", ["__count"], user=self.other_salesman))
        own = self._by("x_attr_rr_tier", ["__count"], user=self.salesman)
        self.assertEqual(own, {"gold": 3, "silver": 2})

    def test_customer_value_and_aging_by_attribute(self):
        self.env["res.partner"].browse(self.aging_customer.id).x_attr_rr_tier = "silver"
        by_tier = self._by(
            "x_attr_rr_tier",
            ["amount_residual:sum"],
            model="crm_plus.report.aging",
            domain=[("partner_id", "=", self.aging_customer.id)],
        )
        self.assertEqual(by_tier, {"silver": 1500.0})
        confirmed = self.env["sale.order"].search([("round_root_id", "in", (self.deal_a | self.deal_c).ids)])
        self.assertEqual(len(confirmed.filtered(lambda o: o.state == "sale")), 2)
        by_tier = self._by("x_attr_rr_tier", ["revenue:sum"], model="crm_plus.report.customer.value", domain=self.scope)
        # deal A round 2 (5 % off 100) and deal C round 3 (10 % off 100)
        self.assertEqual(by_tier, {"gold": 95.0 + 90.0})

    def test_generated_report_views_and_fields(self):
        for model in (ROUNDS, "crm_plus.report.customer.value", "crm_plus.report.aging"):
            Report = self.env[model].with_user(self.salesman)
            described = Report.fields_get(["x_attr_rr_tier", "x_attr_rr_channels", "x_attr_rr_since"])
            self.assertTrue(all(d["groupable"] for d in described.values()), model)
            self.assertEqual(described["x_attr_rr_tier"]["string"], "Tier")
            self.assertEqual(described["x_attr_rr_tier"]["selection"], [("gold", "Gold"), ("silver", "Silver")])
            search = Report.get_view(view_type="search")["arch"]
            self.assertIn("crm_plus_groupby_x_attr_rr_tier", search, model)
            self.assertIn("'group_by': 'x_attr_rr_since:month'", search)
            self.assertIn("crm_plus_filter_x_attr_rr_strategic", search)
            self.assertIn('optional="hide"', Report.get_view(view_type="list")["arch"])
            # free text is no category: not a report field
            self.assertNotIn("x_attr_rr_note", Report._fields)

    def test_visible_to_groups_apply_to_grouping(self):
        Rounds = self.env[ROUNDS]
        self.assertEqual(Rounds._fields["x_attr_rr_risk"].groups, "crm_plus.crm_plus_group_finance")
        for user in (self.salesman, self.sales_manager):
            with self.subTest(user=user.login):
                Report = Rounds.with_user(user)
                self.assertNotIn("x_attr_rr_risk", Report.fields_get())
                self.assertNotIn("x_attr_rr_risk", Report.get_view(view_type="search")["arch"])
                self.assertNotIn("x_attr_rr_risk", Report.get_view(view_type="list")["arch"])
                with self.assertRaises(AccessError):
                    Report._read_group(self.scope, ["x_attr_rr_risk"], ["win_rate:avg"])
                with self.assertRaises(AccessError):
                    Report.formatted_read_group(self.scope, ["x_attr_rr_risk"], ["__count"])
                with self.assertRaises(AccessError):
                    Report.search([("x_attr_rr_risk", "=", "high")])
                with self.assertRaises(AccessError):
                    Report.search(self.scope, order="x_attr_rr_risk")
                with self.assertRaises(AccessError):
                    Report.search(self.scope, limit=1).read(["x_attr_rr_risk"])
        by_risk = self._by("x_attr_rr_risk", ["win_rate:avg"], user=self.risk_manager)
        self.assertEqual((by_risk["high"], by_risk["low"]), (50.0, 100.0))
        search = Rounds.with_user(self.risk_manager).get_view(view_type="search")["arch"]
        self.assertIn("crm_plus_groupby_x_attr_rr_risk", search)


@tagged("post_install", "-at_install")
class TestReportAttributeLifecycle(CrmPlusReportingCommon):
    """The report fields and views follow the definitions: rename, archive, type change, delete."""

    def setUp(self):
        # registered before the test savepoint: runs after its rollback, so the registry is rebuilt from the
        # restored database (the tests change generated fields)
        self.addCleanup(self.registry._setup_models__, self.env.cr)
        super().setUp()

    def _attribute(self, **vals):
        return self.env["crm_plus.attribute"].with_user(self.crm_admin).create(vals)

    def _search_arch(self, model=ROUNDS):
        return self.env[model].with_user(self.salesman).get_view(view_type="search")["arch"]

    def test_follow_definitions(self):
        level = self._attribute(
            name="Level",
            code="rl_level",
            value_type="selection",
            option_ids=[Command.create({"name": "One", "code": "one"})],
        )
        self.assertIn("x_attr_rl_level", self.env[ROUNDS]._fields)
        self.assertIn("crm_plus_groupby_x_attr_rl_level", self._search_arch("crm_plus.report.aging"))
        level.with_user(self.crm_admin).name = "Service Level"
        self.assertEqual(self.env[ROUNDS].fields_get(["x_attr_rl_level"])["x_attr_rl_level"]["string"], "Service Level")
        self.assertIn('string="Service Level"', self._search_arch())
        # a new option is a new group value
        level.with_user(self.crm_admin).option_ids = [Command.create({"name": "Two", "code": "two"})]
        self.assertEqual(
            self.env[ROUNDS].fields_get(["x_attr_rl_level"])["x_attr_rl_level"]["selection"],
            [("one", "One"), ("two", "Two")],
        )
        # archived: gone from the report views; the fields stay, like the customer's (archiving is cheap)
        level.with_user(self.crm_admin).action_archive()
        self.assertNotIn("x_attr_rl_level", self._search_arch())
        self.assertIn("x_attr_rl_level", self.env[ROUNDS]._fields)
        level.with_user(self.crm_admin).action_unarchive()
        self.assertIn("crm_plus_groupby_x_attr_rl_level", self._search_arch())
        # safe type change of a column holding values (selection -> text): no longer a category
        self.env["res.partner"].create({"name": "Leveled", "x_attr_rl_level": "one"})
        level.with_user(self.crm_admin).value_type = "char"
        self.assertNotIn("x_attr_rl_level", self.env[ROUNDS]._fields)
        self.assertNotIn("x_attr_rl_level", self._search_arch())
        # date -> date & time: the report field follows the new type
        since = self._attribute(name="Since", code="rl_since", value_type="date")
        self.env["res.partner"].create({"name": "Dated", "x_attr_rl_since": "2024-01-01"})
        since.with_user(self.crm_admin).value_type = "datetime"
        self.assertEqual(self.env[ROUNDS]._fields["x_attr_rl_since"].type, "datetime")
        self.assertIn("'group_by': 'x_attr_rl_since:month'", self._search_arch())
        # deleted: report fields and view entries first, then the customer field
        trusted_context(since.with_user(self.crm_admin), crm_plus_confirm_delete=True).unlink()
        for model in (ROUNDS, "crm_plus.report.customer.value", "crm_plus.report.aging"):
            self.assertNotIn("x_attr_rl_since", self.env[model]._fields)
            self.assertNotIn("x_attr_rl_since", self._search_arch(model))
        self.assertFalse(
            self.env["ir.model.fields"].search_count([("name", "=", "x_attr_rl_since")]),
            "no field left on any model",
        )

    def test_visibility_change_follows(self):
        finance = self.env.ref("crm_plus.crm_plus_group_finance")
        channels = self._attribute(
            name="Sales Channels",
            code="rl_channels",
            value_type="tags",
            option_ids=[Command.create({"name": "Web", "code": "web"})],
        )
        partner = self.env["res.partner"].create({"name": "Web Co", "x_attr_rl_channels": channels.option_ids.ids})
        self._draft_order(partner, self.salesman, qty=1, days_ago=1)
        domain = [("partner_id", "=", partner.id)]
        Report = self.env[ROUNDS].with_user(self.salesman)
        self.assertEqual(Report._read_group(domain, ["x_attr_rl_channels"], ["__count"]), [(channels.option_ids, 1)])
        # tags hidden from salespeople: no grouping by them either
        channels.with_user(self.crm_admin).visibility_group_ids = finance
        self.assertEqual(self.env[ROUNDS]._fields["x_attr_rl_channels"].groups, "crm_plus.crm_plus_group_finance")
        with self.assertRaises(AccessError):
            self.env[ROUNDS].with_user(self.salesman)._read_group(domain, ["x_attr_rl_channels"], ["__count"])
        self.assertNotIn("x_attr_rl_channels", self._search_arch())
        manager = new_test_user(
            self.env, login="cp_rl_fin_mgr", groups="sales_team.group_sale_manager,crm_plus.crm_plus_group_finance"
        )
        grouped = self.env[ROUNDS].with_user(manager)._read_group(domain, ["x_attr_rl_channels"], ["__count"])
        self.assertEqual(grouped, [(channels.option_ids, 1)])

    def test_views_archived_without_groupable_attributes(self):
        view = self.env.ref("crm_plus.crm_plus_report_rounds_view_search_attributes")
        groupable = self.env["crm_plus.attribute"]._report_attributes().filtered("active")
        self.assertEqual(view.active, bool(groupable))
        flag = self._attribute(name="Flag", code="rl_flag", value_type="boolean")
        self.assertTrue(view.active)
        flag.with_user(self.crm_admin).unlink()
        self.assertEqual(view.active, bool(groupable))
