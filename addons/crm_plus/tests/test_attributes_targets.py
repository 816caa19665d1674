import importlib.util
from datetime import date
from datetime import datetime
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_attributes import AttributeCommon


class TargetCommon(AttributeCommon):
    """Attributes of orders and opportunities, defined by the CRM Plus administrator (consultant)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_a = cls.env["crm.team"].create({"name": "Team A"})
        cls.team_b = cls.env["crm.team"].create({"name": "Team B"})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Order Customer", "crm_plus_category_id": cls.cat_retail.id}
        )
        cls.product = cls.env["product.product"].create({"name": "Attr Widget", "list_price": 100.0})

    def _order(self, user=None, **vals):
        Order = self.env["sale.order"].with_user(user or self.salesman)
        return Order.create(
            {
                "partner_id": self.customer.id,
                "team_id": self.team_a.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                **vals,
            }
        )

    def _column_exists_on(self, table, name):
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s", [table, name]
        )
        return bool(self.env.cr.fetchone())


@tagged("post_install", "-at_install")
class TestAttributeTargets(TargetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o_ref = cls._attribute("project_ref", "char", applies_to="sale.order", section="Project")
        cls.o_size = cls._attribute(
            "deal_size",
            "selection",
            applies_to="sale.order",
            option_ids=[
                Command.create({"name": "Small", "code": "small"}),
                Command.create({"name": "Big", "code": "big"}),
            ],
        )
        cls.o_units = cls._attribute("units", "integer", applies_to="sale.order")
        cls.o_tags = cls._attribute(
            "channels", "tags", applies_to="sale.order", option_ids=[Command.create({"name": "Web", "code": "web"})]
        )
        cls.l_source = cls._attribute("lead_source", "char", applies_to="crm.lead")

    def test_applies_to_and_code_unique_per_target(self):
        self.assertEqual(self._attribute("cust_only", "char").applies_to, "res.partner", "customers by default")
        self._dirty()
        # the same code on customers and on orders: two fields, one per model
        partner_ref = self._attribute("project_ref", "char")
        self.assertEqual(partner_ref.applies_to, "res.partner")
        self.assertIn("x_attr_project_ref", self.env["res.partner"]._fields)
        self.assertIn("x_attr_project_ref", self.env["sale.order"]._fields)
        with self.assertRaisesRegex(ValidationError, "already exists"):
            self._attribute("project_ref", "integer", applies_to="sale.order")
        with self.assertRaises(ValidationError):
            self.o_ref.with_user(self.crm_admin).write({"applies_to": "crm.lead"})

    def test_real_columns_on_each_target(self):
        Order, Lead = self.env["sale.order"], self.env["crm.lead"]
        self.assertEqual(Order._fields["x_attr_project_ref"].type, "char")
        self.assertEqual(Order._fields["x_attr_deal_size"].type, "selection")
        self.assertEqual(Order._fields["x_attr_channels"].relation, "x_crm_plus_so_attr_channels_rel")
        self.assertEqual(Lead._fields["x_attr_lead_source"].type, "char")
        self.assertTrue(self._column_exists_on("sale_order", "x_attr_units"))
        self.assertTrue(self._column_exists_on("crm_lead", "x_attr_lead_source"))
        self.assertFalse(self._column_exists_on("res_partner", "x_attr_units"))
        order = self._order(
            x_attr_units=3, x_attr_deal_size="big", x_attr_channels=[Command.set(self.o_tags.option_ids.ids)]
        )
        self.assertEqual(Order.search([("x_attr_deal_size", "=", "big"), ("id", "=", order.id)]), order)
        groups = dict(Order._read_group([("id", "=", order.id)], ["x_attr_deal_size"], ["__count"]))
        self.assertEqual(groups, {"big": 1})
        # an emptied number is unset (NULL), not 0
        order.write({"x_attr_units": False})
        self.env.cr.execute("SELECT x_attr_units FROM sale_order WHERE id = %s", [order.id])
        self.assertIsNone(self.env.cr.fetchone()[0])
        # tags of another attribute are refused
        other = self._attribute(
            "other_tags", "tags", applies_to="sale.order", option_ids=[Command.create({"name": "X", "code": "x"})]
        )
        self._dirty()
        with self.assertRaises(ValidationError):
            order.write({"x_attr_channels": [Command.set(other.option_ids.ids)]})
        self.assertEqual(self.o_ref.value_count, 0)
        order.write({"x_attr_project_ref": "P-1"})
        self.o_ref.invalidate_recordset(["value_count"])
        self.assertEqual(self.o_ref.value_count, 1)

    def test_export_import_round_trip(self):
        order = self._order(
            x_attr_project_ref="P-7",
            x_attr_units=0,
            x_attr_deal_size="big",
            x_attr_channels=[Command.set(self.o_tags.option_ids.ids)],
        )
        names = ["id", "x_attr_project_ref", "x_attr_units", "x_attr_deal_size", "x_attr_channels"]
        # as a CSV/XLSX file carries them: text cells
        rows = [
            ["" if v is None or (v is False and not isinstance(v, bool)) else str(v) for v in row]
            for row in order.with_env(self.env).export_data(names)["datas"]
        ]
        order.write(
            {
                "x_attr_project_ref": False,
                "x_attr_units": False,
                "x_attr_deal_size": False,
                "x_attr_channels": [Command.clear()],
            }
        )
        result = self.env["sale.order"].with_user(self.salesman).load(names, rows)
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(result["ids"], order.ids)
        order.invalidate_recordset()
        self.assertEqual((order.x_attr_project_ref, order.x_attr_deal_size), ("P-7", "big"))
        self.assertEqual(order.x_attr_channels, self.o_tags.option_ids)
        self.env.cr.execute("SELECT x_attr_units FROM sale_order WHERE id = %s", [order.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "0 survives the round trip")

    def test_generated_views_per_target(self):
        form = self.env["sale.order"].get_view(view_type="form")["arch"]
        self.assertIn('name="crm_plus_attributes"', form)
        self.assertIn('name="x_attr_project_ref"', form)
        self.assertNotIn('name="x_attr_lead_source"', form)
        self.assertIn('name="x_attr_deal_size"', self.env["sale.order"].get_view(view_type="list")["arch"])
        self.assertIn("crm_plus_groupby_x_attr_deal_size", self.env["sale.order"].get_view(view_type="search")["arch"])
        lead_form = self.env["crm.lead"].get_view(view_type="form")["arch"]
        self.assertIn('name="x_attr_lead_source"', lead_form)
        self.assertNotIn('name="x_attr_lead_source"', self.env["res.partner"].get_view(view_type="form")["arch"])
        # customers have no attribute in this class: their generated views stay archived
        self.assertFalse(self.env.ref("crm_plus.res_partner_view_form_attributes").active)
        self.assertTrue(self.env.ref("crm_plus.sale_order_view_form_attributes").active)

    def test_rounds_report_by_order_attribute(self):
        big = self._order(x_attr_deal_size="big")
        small = self._order(x_attr_deal_size="small")
        Report = self.env["crm_plus.report.rounds"]
        self.assertEqual(Report._fields["x_attr_deal_size"].related, "last_order_id.x_attr_deal_size")
        groups = dict(Report._read_group([("order_id", "in", (big | small).ids)], ["x_attr_deal_size"], ["__count"]))
        self.assertEqual(groups, {"big": 1, "small": 1})
        search = Report.get_view(view_type="search")["arch"]
        self.assertIn("crm_plus_groupby_x_attr_deal_size", search)
        self.assertNotIn("x_attr_deal_size", self.env["crm_plus.report.aging"]._fields, "a customer-based report")
        # a customer attribute of the same code wins the report field
        self._attribute("deal_size", "boolean")
        self._dirty()
        self.assertEqual(Report._fields["x_attr_deal_size"].related, "partner_id.x_attr_deal_size")

    def test_copy_keeps_values(self):
        order = self._order(x_attr_project_ref="P-9", x_attr_units=0)
        copy = order.copy()
        self.assertEqual(copy.x_attr_project_ref, "P-9")
        self.env.cr.execute("SELECT x_attr_units FROM sale_order WHERE id = %s", [copy.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "0 is a value")

    def test_no_query_without_attribute_of_the_model(self):
        Partner = self.env["res.partner"]
        Partner._crm_plus_attributes()  # warm the cache
        with self.assertQueryCount(0):
            self.assertFalse(Partner._crm_plus_attributes())


@tagged("post_install", "-at_install")
class TestAttributeRequiredTargets(TargetCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.o_po = cls._attribute(
            "customer_po", "char", applies_to="sale.order", required=True, team_ids=[Command.set(cls.team_a.ids)]
        )
        cls.o_qty = cls._attribute("site_count", "integer", applies_to="sale.order", required=True)
        cls.o_industry = cls._attribute(
            "plant", "char", applies_to="sale.order", required=True, category_ids=[Command.set(cls.cat_industry.ids)]
        )
        cls.stage_new, cls.stage_prop = cls.env["crm.stage"].search([], order="sequence, id", limit=2)
        cls.l_budget = cls._attribute(
            "budget", "float", applies_to="crm.lead", required=True, lead_stage_ids=[Command.set(cls.stage_prop.ids)]
        )

    def test_draft_may_be_incomplete_send_and_confirm_name_missing_labels(self):
        order = self._order()  # a draft without values
        with self.assertRaises(ValidationError) as error:
            order.action_confirm()
        message = str(error.exception)
        self.assertIn("Customer Po", message)
        self.assertIn("Site Count", message)
        self.assertNotIn("Plant", message, "the customer is not of the plant's category")
        with self.assertRaises(ValidationError):
            order.action_quotation_sent()
        with self.assertRaises(ValidationError):
            order.action_quotation_send()
        self.assertEqual(order.state, "draft")
        order.write({"x_attr_customer_po": "PO-1", "x_attr_site_count": 0})
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(ValidationError):
            order.write({"x_attr_customer_po": False})

    def test_required_per_team(self):
        order = self._order(team_id=self.team_b.id, x_attr_site_count=2)
        order.action_confirm()  # the PO is required for team A only
        self.assertEqual(order.state, "sale")
        with self.assertRaisesRegex(ValidationError, "Customer Po"):
            order.write({"team_id": self.team_a.id})

    def test_lead_required_at_marked_stages(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        lead = Lead.create({"name": "Deal", "type": "opportunity", "stage_id": self.stage_new.id})
        with self.assertRaisesRegex(ValidationError, "Budget"):
            lead.write({"stage_id": self.stage_prop.id})
        lead.write({"x_attr_budget": 1000.0})
        lead.write({"stage_id": self.stage_prop.id})
        self.assertEqual(lead.stage_id, self.stage_prop)
        with self.assertRaisesRegex(ValidationError, "Budget"):
            Lead.create({"name": "Deal 2", "type": "opportunity", "stage_id": self.stage_prop.id})
        form = self.env["crm.lead"].get_view(view_type="form")["arch"]
        self.assertIn(f"stage_id in [{self.stage_prop.id}]", form)


@tagged("post_install", "-at_install")
class TestAttributeTargetSecurity(TargetCommon):
    """The attacker is a salesperson calling the ORM as XML-RPC would, with any context."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manager = cls.env.ref("sales_team.group_sale_manager")
        cls.o_discount_ok = cls._attribute(
            "special_terms", "char", applies_to="sale.order", edit_group_ids=[Command.set(manager.ids)]
        )
        cls.o_secret = cls._attribute(
            "internal_score",
            "integer",
            applies_to="sale.order",
            visibility_group_ids=[Command.set(manager.ids)],
        )
        cls.l_locked = cls._attribute(
            "verified", "boolean", applies_to="crm.lead", edit_group_ids=[Command.set(manager.ids)]
        )

    def test_edit_groups_hold_on_write_create_copy_import(self):
        order = self._order()
        Order = self.env["sale.order"].with_user(self.salesman)
        as_sales = order.with_user(self.salesman).with_context(
            crm_plus_attribute_copy=True, crm_plus_approval_gate=True
        )
        with self.assertRaises(AccessError):
            as_sales.write({"x_attr_special_terms": "free shipping"})
        with self.assertRaises(AccessError):
            self._order(x_attr_special_terms="free shipping")
        with self.assertRaises(AccessError):
            as_sales.copy({"x_attr_special_terms": "free shipping"})
        with mute_logger("odoo.sql_db", "odoo.models"):
            result = Order.load([".id", "x_attr_special_terms"], [[str(order.id), "x"]])
        # load() with errors resets the registry from a new cursor, which cannot see this test's fields
        self.registry._setup_models__(self.env.cr)
        self._dirty()
        self.assertFalse(result["ids"], "import is a write like any other")
        self.assertFalse(order.x_attr_special_terms)
        # the manager may; a salesperson's copy then keeps the value without choosing it
        order.with_user(self.sales_manager).write({"x_attr_special_terms": "net 60"})
        self.assertEqual(order.with_user(self.salesman).copy().x_attr_special_terms, "net 60")
        lead = self.env["crm.lead"].with_user(self.salesman).create({"name": "L", "type": "opportunity"})
        with self.assertRaises(AccessError):
            lead.write({"x_attr_verified": True})
        form = self.env["sale.order"].with_user(self.salesman).get_view(view_type="form")["arch"]
        self.assertRegex(form, r'<field name="x_attr_special_terms"[^>]*readonly="1"')

    def test_visibility_groups_hold_on_read(self):
        order = self._order()
        order.with_user(self.sales_manager).write({"x_attr_internal_score": 5})
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).read(["x_attr_internal_score"])
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).write({"x_attr_internal_score": 1})
        form = self.env["sale.order"].with_user(self.salesman).get_view(view_type="form")["arch"]
        self.assertNotIn("x_attr_internal_score", form)


@tagged("post_install", "-at_install")
class TestAttributeTravel(TargetCommon):
    """Opportunity -> quotation -> round N+1 -> order, and what the customer reads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manager = cls.env.ref("sales_team.group_sale_manager")
        options = [
            Command.create({"name": "Gold", "code": "gold"}),
            Command.create({"name": "Silver", "code": "silver"}),
        ]
        cls.l_tier = cls._attribute("tier", "selection", applies_to="crm.lead", option_ids=options)
        cls.o_tier = cls._attribute(
            "tier", "selection", applies_to="sale.order", option_ids=options, print_on_quotation=True
        )
        cls.l_seats = cls._attribute(
            "seats", "integer", applies_to="crm.lead", edit_group_ids=[Command.set(manager.ids)]
        )
        cls.o_seats = cls._attribute(
            "seats", "integer", applies_to="sale.order", edit_group_ids=[Command.set(manager.ids)]
        )
        cls.o_margin_note = cls._attribute(
            "margin_note", "char", applies_to="sale.order", visibility_group_ids=[Command.set(manager.ids)]
        )
        cls.o_unprinted = cls._attribute("internal", "char", applies_to="sale.order")
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Big deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "x_attr_tier": "gold",
                "x_attr_seats": 0,
            }
        )

    def test_lead_to_quotation_to_round_to_order(self):
        order = self._order(opportunity_id=self.lead.id, x_attr_internal="keep me")
        self.assertEqual(order.x_attr_tier, "gold", "same code: the opportunity's value")
        self.env.cr.execute("SELECT x_attr_seats FROM sale_order WHERE id = %s", [order.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "0 travels, even into a field the salesperson cannot edit")
        order.with_user(self.sales_manager).write({"x_attr_margin_note": "thin"})
        # round N -> N+1 by the salesperson: every value follows, the hidden one too (never shown to him)
        action = order.with_user(self.salesman).action_new_round()
        new = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual((new.x_attr_tier, new.x_attr_internal, new.x_attr_margin_note), ("gold", "keep me", "thin"))
        new.with_user(self.salesman).action_confirm()
        self.assertEqual(new.state, "sale")
        self.assertEqual(new.x_attr_tier, "gold", "the order is the quotation")
        # a value given in the quotation wins over the opportunity's
        other = self._order(opportunity_id=self.lead.id, x_attr_tier="silver")
        self.assertEqual(other.x_attr_tier, "silver")

    def test_travel_respects_edit_groups(self):
        """The attacker fills an unlocked opportunity attribute to set a locked order attribute of the same code."""
        manager = self.env.ref("sales_team.group_sale_manager")
        self._attribute("discount_ok", "boolean", applies_to="crm.lead")
        self._attribute("discount_ok", "boolean", applies_to="sale.order", edit_group_ids=[Command.set(manager.ids)])
        self._dirty()
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Attacker's deal",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "x_attr_discount_ok": True,
                    "x_attr_tier": "gold",
                }
            )
        )
        order = self._order(opportunity_id=lead.id)
        self.assertFalse(order.x_attr_discount_ok, "not taken: the salesperson may not set it on the order")
        self.assertEqual(order.x_attr_tier, "gold", "unlocked attributes still travel")
        by_manager = self._order(user=self.sales_manager, opportunity_id=lead.id)
        self.assertTrue(by_manager.x_attr_discount_ok)

    def test_travel_only_from_what_the_user_may_read(self):
        """A salesperson names a colleague's opportunity (or a hidden attribute) to read its values on his order."""
        manager = self.env.ref("sales_team.group_sale_manager")
        self._attribute("budget", "char", applies_to="crm.lead", visibility_group_ids=[Command.set(manager.ids)])
        self._attribute("budget", "char", applies_to="sale.order")
        self._dirty()
        self.lead.sudo().x_attr_budget = "1M"
        other = new_test_user(self.env, login="cp_attr_other_seller", groups="sales_team.group_sale_salesman")
        self.assertFalse(self.env["crm.lead"].with_user(other).search([("id", "=", self.lead.id)]))
        spied = self._order(user=other, opportunity_id=self.lead.id)
        self.assertFalse(spied.x_attr_tier, "nothing from an opportunity he may not read")
        own = self._order(opportunity_id=self.lead.id)
        self.assertEqual(own.x_attr_tier, "gold", "the owner's quotation takes it")
        self.assertFalse(own.x_attr_budget, "not a value hidden from him on the opportunity")
        by_manager = self._order(user=self.sales_manager, opportunity_id=self.lead.id)
        self.assertEqual(by_manager.x_attr_budget, "1M")

    def test_printed_on_quotation_and_portal(self):
        order = self._order(opportunity_id=self.lead.id, x_attr_internal="not printed")
        self.assertEqual(order._crm_plus_printed_attributes(), [("Tier", "Gold")])
        html = self.env["ir.actions.report"]._render_qweb_html("sale.action_report_saleorder", order.ids)[0]
        self.assertIn(b"crm_plus_attributes", html)
        self.assertIn(b"Gold", html)
        self.assertNotIn(b"not printed", html)
        order.write({"x_attr_tier": False})
        self.assertEqual(order._crm_plus_printed_attributes(), [])

    def _round_queries(self, vals):
        self._order(**vals).with_user(self.salesman).action_new_round()  # warm the caches
        order = self._order(**vals)
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        order.with_user(self.salesman).action_new_round()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_new_round_costs_no_query_per_attribute(self):
        before = self._round_queries({"x_attr_internal": "a"})
        kinds = {"char": "x", "integer": 3, "float": 2.5, "date": "2024-05-01", "boolean": True, "text": "t"}
        for kind in kinds:
            self._attribute(f"extra_{kind}", kind, applies_to="sale.order")
        self._dirty()
        after = self._round_queries({"x_attr_internal": "a", **{f"x_attr_extra_{k}": v for k, v in kinds.items()}})
        self.assertEqual(after, before, "6 more attributes, the same queries")


@tagged("post_install", "-at_install")
class TestAttributeMigration(AttributeCommon):
    """19.0.1.8.0 on a database whose attributes predate applies_to: they stay customer attributes, untouched."""

    def test_existing_attributes_become_customer_attributes(self):
        tier = self._attribute(
            "legacy_tier", "selection", option_ids=[Command.create({"name": "Gold", "code": "gold"})]
        )
        self._dirty()
        partner = self.env["res.partner"].create({"name": "Legacy", "x_attr_legacy_tier": "gold"})
        self.env.flush_all()
        # the table as 19.0.1.7.0 left it: no applies_to column
        self.env.cr.execute("ALTER TABLE crm_plus_attribute DROP COLUMN applies_to CASCADE")
        path = Path(__file__).parents[1] / "migrations" / "19.0.1.8.0" / "pre-attribute_applies_to.py"
        spec = importlib.util.spec_from_file_location("crm_plus_pre_applies_to", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "19.0.1.7.0")
        self.env.cr.execute("SELECT applies_to, field_id FROM crm_plus_attribute WHERE id = %s", [tier.id])
        self.assertEqual(self.env.cr.fetchone(), ("res.partner", tier.field_id.id))
        self.env.cr.execute("SELECT x_attr_legacy_tier FROM res_partner WHERE id = %s", [partner.id])
        self.assertEqual(self.env.cr.fetchone()[0], "gold")


@tagged("post_install", "-at_install")
class TestLeadAttributeTypes(TargetCommon):
    """Opportunities take the nine types, and an export → import round trip by the salesperson loses nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        options = [Command.create({"name": "Fair", "code": "fair"}), Command.create({"name": "Web", "code": "web"})]
        for code, value_type in (
            ("lt_char", "char"),
            ("lt_text", "text"),
            ("lt_int", "integer"),
            ("lt_float", "float"),
            ("lt_date", "date"),
            ("lt_datetime", "datetime"),
            ("lt_bool", "boolean"),
        ):
            cls._attribute(code, value_type, applies_to="crm.lead")
        cls.l_choice = cls._attribute("lt_choice", "selection", applies_to="crm.lead", option_ids=options)
        cls.l_tags = cls._attribute("lt_tags", "tags", applies_to="crm.lead", option_ids=options)

    def test_nine_types_and_round_trip(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        values = {
            "x_attr_lt_char": "Booth 12",
            "x_attr_lt_text": "Met at the fair.\nCall back in May.",
            "x_attr_lt_int": 0,
            "x_attr_lt_float": 12.5,
            "x_attr_lt_date": date(2026, 5, 4),
            "x_attr_lt_datetime": datetime(2026, 5, 4, 9, 30),
            "x_attr_lt_bool": True,
            "x_attr_lt_choice": "fair",
        }
        lead = Lead.create(
            {
                "name": "Fair lead",
                "partner_id": self.customer.id,
                **values,
                "x_attr_lt_tags": [Command.set(self.l_tags.option_ids.ids)],
            }
        )
        for name, value in values.items():
            self.assertEqual(lead[name], value, name)
        self.assertEqual(Lead.search([("x_attr_lt_choice", "=", "fair"), ("id", "=", lead.id)]), lead)
        names = ["id", *values, "x_attr_lt_tags"]
        rows = [
            ["" if v is None or (v is False and not isinstance(v, bool)) else str(v) for v in row]
            for row in lead.with_env(self.env).export_data(names)["datas"]
        ]
        lead.write({**dict.fromkeys(values, False), "x_attr_lt_tags": [Command.clear()]})
        result = Lead.load(names, rows)
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(result["ids"], lead.ids)
        lead.invalidate_recordset()
        for name, value in values.items():
            self.assertEqual(lead[name], value, f"{name} survives the round trip")
        self.assertEqual(lead.x_attr_lt_tags, self.l_tags.option_ids)
        self.env.cr.execute("SELECT x_attr_lt_int FROM crm_lead WHERE id = %s", [lead.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "0 survives the round trip")
