from unittest.mock import patch

from odoo import Command
from odoo import sql_db
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools import mute_logger

from odoo.addons.crm_plus.access import trusted_context

from ..models import crm_plus_attribute_completeness as attribute_module
from .common import CrmPlusCommon


class AttributeCommon(CrmPlusCommon):
    """Categories and one attribute of every value type, defined by the CRM Plus administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cat_retail = cls.env["crm_plus.customer.category"].create({"name": "Retail", "code": "retail"})
        cls.cat_industry = cls.env["crm_plus.customer.category"].create({"name": "Industry", "code": "industry"})

    # not cached on the class: changing generated fields rebuilds the model classes of the registry
    @classmethod
    def _partners(cls):
        return cls.env["res.partner"]

    Partner = property(lambda self: self.env["res.partner"])

    def setUp(self):
        # registered before the test savepoint: runs after its rollback, so the registry is rebuilt from the
        # restored database when the test changed the generated fields
        self._registry_dirty = False
        self.addCleanup(self._reset_registry)
        super().setUp()

    def _reset_registry(self):
        if self._registry_dirty:
            self.registry._setup_models__(self.env.cr)

    def _load_failing(self, fields_, rows):
        """load() with errors resets the registry from a new cursor, which cannot see this test's data."""
        with mute_logger("odoo.sql_db"):
            result = self.Partner.load(fields_, rows)
        self.registry._setup_models__(self.env.cr)
        self._dirty()
        return result

    def _dirty(self):
        self._registry_dirty = True

    @classmethod
    def _attribute(cls, code, value_type, **vals):
        vals = {"name": code.replace("_", " ").title(), "code": code, "value_type": value_type, **vals}
        return cls.env["crm_plus.attribute"].with_user(cls.crm_admin).create(vals)

    def _column_exists(self, name):
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'res_partner' AND column_name = %s", [name]
        )
        return bool(self.env.cr.fetchone())


@tagged("post_install", "-at_install")
class TestAttributes(AttributeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        options = [
            Command.create({"name": n, "code": c, "sequence": s})
            for s, (n, c) in enumerate([("Small", "small"), ("Medium", "medium"), ("Large", "large")])
        ]
        cls.a_char = cls._attribute("licence", "char", section="Legal")
        cls.a_text = cls._attribute("memo", "text")
        cls.a_int = cls._attribute(
            "headcount", "integer", required=True, category_ids=[Command.set(cls.cat_retail.ids)], indexed=True
        )
        cls.a_float = cls._attribute("revenue", "float", indexed=True)
        cls.a_date = cls._attribute("since", "date")
        cls.a_datetime = cls._attribute("last_audit", "datetime")
        cls.a_bool = cls._attribute("decision_maker", "boolean", tracking=True)
        cls.a_sel = cls._attribute(
            "tier", "selection", option_ids=options, required=True, category_ids=[Command.set(cls.cat_retail.ids)]
        )
        cls.a_tags = cls._attribute(
            "sale_channels",
            "tags",
            option_ids=[
                Command.create({"name": "Web", "code": "web"}),
                Command.create({"name": "Shop", "code": "shop"}),
            ],
        )
        cls.a_industry = cls._attribute("plant_code", "char", category_ids=[Command.set(cls.cat_industry.ids)])
        cls.all_attrs = (
            cls.a_char
            | cls.a_text
            | cls.a_int
            | cls.a_float
            | cls.a_date
            | cls.a_datetime
            | cls.a_bool
            | cls.a_sel
            | cls.a_tags
            | cls.a_industry
        )
        cls.web, cls.shop = cls.a_tags.option_ids

    def _retail(self, **vals):
        return self.Partner.create(
            {
                "name": "Retailer",
                "crm_plus_category_id": self.cat_retail.id,
                "x_attr_headcount": 10,
                "x_attr_tier": "small",
                **vals,
            }
        )

    # ------------------------------------------------------------------ fields
    def test_every_value_type_is_a_real_field(self):
        expected = {
            "x_attr_licence": "char",
            "x_attr_memo": "text",
            "x_attr_headcount": "integer",
            "x_attr_revenue": "float",
            "x_attr_since": "date",
            "x_attr_last_audit": "datetime",
            "x_attr_decision_maker": "boolean",
            "x_attr_tier": "selection",
            "x_attr_sale_channels": "many2many",
        }
        for fname, ftype in expected.items():
            field = self.Partner._fields[fname]
            self.assertEqual(field.type, ftype, fname)
            self.assertTrue(field.store)
            self.assertFalse(field.required, "required is enforced per category in Python, never NOT NULL")
            if ftype != "many2many":
                self.assertTrue(self._column_exists(fname), fname)
        self.assertEqual(self.Partner._fields["x_attr_tier"].get_values(self.env), ["small", "medium", "large"])
        self.assertTrue(self.Partner._fields["x_attr_headcount"].index)
        self.assertEqual(self.Partner._fields["x_attr_decision_maker"].tracking, 100)
        self.assertEqual(self.Partner._fields["x_attr_sale_channels"].relation, "x_crm_plus_attr_sale_channels_rel")
        # the res.users mirror (delegation) exists too
        self.assertIn("x_attr_tier", self.env["res.users"]._fields)

    def test_searchable_and_groupable(self):
        p1 = self._retail(
            x_attr_revenue=1000.0,
            x_attr_since="2024-03-01",
            x_attr_decision_maker=True,
            x_attr_sale_channels=[Command.set(self.web.ids)],
            x_attr_licence="L-1",
        )
        p2 = self._retail(
            x_attr_headcount=200,
            x_attr_tier="large",
            x_attr_revenue=0.0,
            x_attr_sale_channels=[Command.set((self.web | self.shop).ids)],
        )
        both = p1 | p2
        scope = [("id", "in", both.ids)]
        self.assertEqual(self.Partner.search([*scope, ("x_attr_headcount", ">", 50)]), p2)
        self.assertEqual(self.Partner.search([*scope, ("x_attr_tier", "=", "small")]), p1)
        self.assertEqual(self.Partner.search([*scope, ("x_attr_sale_channels", "in", self.shop.ids)]), p2)
        self.assertEqual(self.Partner.search([*scope, ("x_attr_since", ">=", "2024-01-01")]), p1)
        self.assertEqual(self.Partner.search([*scope, ("x_attr_decision_maker", "=", True)]), p1)
        self.assertEqual(self.Partner.search([*scope, ("x_attr_licence", "ilike", "l-")]), p1)
        groups = dict(self.Partner._read_group(scope, ["x_attr_tier"], ["__count"]))
        self.assertEqual(groups, {"small": 1, "large": 1})
        sums = self.Partner._read_group(scope, [], ["x_attr_headcount:sum", "x_attr_revenue:sum"])
        self.assertEqual(sums, [(210, 1000.0)])
        tag_groups = dict(self.Partner._read_group(scope, ["x_attr_sale_channels"], ["__count"]))
        self.assertEqual(tag_groups, {self.web: 2, self.shop: 1})
        months = self.Partner._read_group(scope, ["x_attr_since:month"], ["__count"])
        self.assertEqual(len(months), 2)  # March 2024 and "none"

    def test_generated_views(self):
        form = self.Partner.get_view(view_type="form")["arch"]
        self.assertIn('name="crm_plus_attributes"', form)
        for attribute in self.all_attrs:
            self.assertIn(f'name="{attribute.field_name}"', form)
        self.assertIn(f"crm_plus_category_id not in [{self.cat_industry.id}]", form)
        list_arch = self.Partner.get_view(view_type="list")["arch"]
        self.assertIn('name="x_attr_tier"', list_arch)
        search = self.Partner.get_view(view_type="search")["arch"]
        self.assertIn("crm_plus_groupby_x_attr_tier", search)
        self.assertIn("crm_plus_filter_x_attr_decision_maker", search)
        self.assertIn("crm_plus_filter_x_attr_since", search)
        self.assertIn("crm_plus_incomplete", search)
        # archived: field kept, hidden from views
        self.a_char.action_archive()
        self.assertIn("x_attr_licence", self.Partner._fields)
        self.assertNotIn('name="x_attr_licence"', self.Partner.get_view(view_type="form")["arch"])
        self.assertNotIn('name="x_attr_licence"', self.Partner.get_view(view_type="list")["arch"])

    # ------------------------------------------------------------------ required, completeness
    def test_required_per_category_on_create_and_write(self):
        with self.assertRaises(ValidationError) as error:
            self.Partner.create({"name": "Bare retailer", "crm_plus_category_id": self.cat_retail.id})
        self.assertIn("Headcount", str(error.exception))
        self.assertIn("Tier", str(error.exception))
        # 0 is a value (NULL is not)
        zero = self._retail(x_attr_headcount=0)
        self.assertEqual(zero.x_attr_headcount, 0)
        # other categories and partners without category are not bound
        self.Partner.create({"name": "Plant", "crm_plus_category_id": self.cat_industry.id})
        self.Partner.create({"name": "No category"})
        self.env["res.users"].create({"name": "New user", "login": "cp_new_user"})
        # write: emptying a required value, or moving to a category whose required values are missing
        with self.assertRaises(ValidationError):
            zero.write({"x_attr_tier": False})
        with self.assertRaises(ValidationError, msg="an emptied number is unset (NULL), not 0"):
            zero.write({"x_attr_headcount": False})
        plant = self.Partner.create({"name": "Plant 2", "crm_plus_category_id": self.cat_industry.id})
        with self.assertRaises(ValidationError) as error:
            plant.write({"crm_plus_category_id": self.cat_retail.id})
        self.assertIn("Plant 2", str(error.exception))
        plant.write({"crm_plus_category_id": self.cat_retail.id, "x_attr_headcount": 3, "x_attr_tier": "large"})

    def test_required_on_import(self):
        fields_ = ["name", "crm_plus_category_id/id", "x_attr_headcount", "x_attr_tier"]
        xmlid = self.cat_retail.get_external_id()[self.cat_retail.id] or self.cat_retail._export_rows([["id"]])[0][0]
        result = self._load_failing(fields_, [["Imported A", xmlid, "5", "small"], ["Imported B", xmlid, "", ""]])
        self.assertFalse(result["ids"])
        self.assertTrue(any("Headcount" in m["message"] for m in result["messages"]), result["messages"])
        self.assertFalse(self.Partner.search([("name", "in", ["Imported A", "Imported B"])]))

    def test_completeness_without_category(self):
        """A customer without category is complete for category-bound attributes (was NULL, e.g. at install)."""
        partner = self.Partner.create({"name": "No category"})
        self.env.cr.execute(SQL("UPDATE res_partner SET crm_plus_completeness = NULL WHERE id = %s", partner.id))
        self.env["res.partner"]._crm_plus_update_completeness()  # every customer, as the install does
        self.env.cr.execute(SQL("SELECT crm_plus_completeness FROM res_partner WHERE id = %s", partner.id))
        self.assertIsNotNone(self.env.cr.fetchone()[0])

    def test_completeness(self):
        partner = self._retail()
        # retail: licence, memo, headcount, revenue, since, last_audit, decision_maker, tier, channels = 9
        self.assertEqual(partner.crm_plus_completeness, 22)  # 2 / 9
        partner.write({"x_attr_revenue": 0.0, "x_attr_decision_maker": False, "x_attr_memo": "x"})
        self.assertEqual(partner.crm_plus_completeness, 55)  # 5 / 9
        incomplete = self.Partner.search([("id", "=", partner.id), ("crm_plus_completeness", "<", 100)])
        self.assertEqual(incomplete, partner)
        # definitions change: archiving and re-scoping attributes recompute without touching customers
        (self.a_text | self.a_date | self.a_datetime | self.a_tags | self.a_char).action_archive()
        self.assertEqual(partner.crm_plus_completeness, 100)
        self.a_char.action_unarchive()
        self.assertEqual(partner.crm_plus_completeness, 80)
        self.a_char.category_ids = self.cat_industry
        self.assertEqual(partner.crm_plus_completeness, 100)

    def test_completeness_on_large_bases_goes_to_the_cron(self):
        partner = self._retail()
        cron = self.env.ref("crm_plus.crm_plus_attribute_completeness_cron")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        with patch.object(attribute_module, "COMPLETENESS_SYNC_ROWS", -1):
            (self.a_text | self.a_date | self.a_datetime | self.a_tags | self.a_char).action_archive()
        self.assertEqual(partner.crm_plus_completeness, 22, "not recomputed in the request")
        self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), len(triggers))
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", lambda self, *a, **kw: 1.0):
            self.env["crm_plus.attribute"]._cron_update_completeness()
        self.assertEqual(partner.crm_plus_completeness, 50)

    # ------------------------------------------------------------------ import / export
    def test_export_import_round_trip(self):
        source = self._retail(
            name="Round trip",
            x_attr_licence="LIC-9",
            x_attr_memo="line 1\nline 2",
            x_attr_headcount=0,
            x_attr_revenue=12.5,
            x_attr_since="2023-12-31",
            x_attr_last_audit="2024-01-02 03:04:05",
            x_attr_decision_maker=True,
            x_attr_tier="medium",
            x_attr_sale_channels=[Command.set((self.web | self.shop).ids)],
        )
        names = ["name", "crm_plus_category_id/id"] + [a.field_name for a in self.all_attrs - self.a_industry]
        # as a CSV/XLSX file carries them: text cells
        rows = [
            ["" if v is None or (v is False and not isinstance(v, bool)) else str(v) for v in row]
            for row in source.export_data(names)["datas"]
        ]
        rows[0][0] = "Round trip copy"
        result = self.Partner.load(names, rows)
        self.assertFalse(result["messages"], result["messages"])
        copy = self.Partner.browse(result["ids"])
        for fname in names[2:]:
            self.assertEqual(copy[fname], source[fname], fname)
        self.assertEqual(copy.crm_plus_category_id, self.cat_retail)
        # 0 survives as a value, not as "unset"
        self.env.cr.execute("SELECT x_attr_headcount FROM res_partner WHERE id = %s", [copy.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_import_tags_and_bad_option(self):
        other = self._attribute("sizes", "tags", option_ids=[Command.create({"name": "Web", "code": "web2"})])
        self._dirty()
        result = self.Partner.load(["name", "x_attr_sale_channels", "x_attr_sizes"], [["Tags", "Web,Shop", "Web"]])
        self.assertFalse(result["messages"], result["messages"])
        partner = self.Partner.browse(result["ids"])
        self.assertEqual(partner.x_attr_sale_channels, self.web | self.shop, "options of the right attribute")
        self.assertEqual(partner.x_attr_sizes, other.option_ids)
        bad = self._load_failing(["name", "x_attr_tier"], [["Bad", "huge"]])
        self.assertFalse(bad["ids"])
        self.assertIn("huge", bad["messages"][0]["message"])
        with self.assertRaises(ValidationError):
            self.Partner.create({"name": "Wrong option", "x_attr_sale_channels": [Command.set(other.option_ids.ids)]})

    # ------------------------------------------------------------------ definition changes
    def test_code_rules(self):
        with self.assertRaises(ValidationError):
            self._attribute("Bad-Code", "char")
        with self.assertRaisesRegex(ValidationError, "already exists"):
            self._attribute("licence", "char")
        self._retail(x_attr_licence="used")
        with self.assertRaises(ValidationError):
            self.a_char.code = "licence_no"
        # unused: code may change, the field is rebuilt
        self._dirty()
        self.a_text.code = "remarks"
        self.assertIn("x_attr_remarks", self.Partner._fields)
        self.assertNotIn("x_attr_memo", self.Partner._fields)

    def test_value_type_changes(self):
        partner = self._retail(x_attr_headcount=42)
        with self.assertRaises(ValidationError) as error:
            self.a_int.value_type = "date"
        self.assertIn("Decimal", str(error.exception), "safe conversions are offered")
        self._dirty()
        self.a_int.value_type = "float"
        self.assertEqual(self.Partner._fields["x_attr_headcount"].type, "float")
        partner.invalidate_recordset()
        self.assertEqual(partner.x_attr_headcount, 42.0)
        # no value stored: any change rebuilds the field
        self.a_datetime.value_type = "boolean"
        self.assertEqual(self.Partner._fields["x_attr_last_audit"].type, "boolean")
        # selection -> char keeps the codes
        self.a_sel.value_type = "char"
        self.assertEqual(self.Partner._fields["x_attr_tier"].type, "char")
        partner.invalidate_recordset()
        self.assertEqual(partner.x_attr_tier, "small")

    def test_options_follow(self):
        self._dirty()
        self.a_sel.option_ids = [Command.create({"name": "Huge", "code": "huge", "sequence": 9})]
        self.assertIn("huge", self.Partner._fields["x_attr_tier"].get_values(self.env))
        partner = self._retail(x_attr_tier="huge")
        self.a_sel.option_ids.filtered(lambda o: o.code == "huge").name = "Enormous"
        selection = dict(self.Partner._fields["x_attr_tier"]._description_selection(self.env))
        self.assertEqual(selection["huge"], "Enormous")
        self.assertEqual(partner.x_attr_tier, "huge")
        # a code change renames the stored values
        self.a_sel.option_ids.filtered(lambda o: o.code == "huge").code = "xl"
        partner.invalidate_recordset()
        self.assertEqual(partner.x_attr_tier, "xl")
        self.assertNotIn("huge", self.Partner._fields["x_attr_tier"].get_values(self.env))

    def test_delete_with_values_needs_confirmation(self):
        self._dirty()
        self._retail(x_attr_licence="A")
        self._retail(x_attr_licence="B")
        with self.assertRaises(UserError):
            self.a_char.unlink()
        action = self.a_char.action_delete()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.partner_count, 2)
        self.assertIn("2", wizard.message)
        wizard.action_archive_attributes()
        self.assertFalse(self.a_char.active)
        self.assertIn("x_attr_licence", self.Partner._fields)
        wizard.action_confirm_delete()
        self.assertFalse(self.a_char.exists())
        self.assertNotIn("x_attr_licence", self.Partner._fields)
        self.assertNotIn("x_attr_licence", self.env["res.users"]._fields)
        self.assertFalse(self._column_exists("x_attr_licence"))
        # no value: deleted at once
        self.a_date.action_delete()
        self.assertFalse(self.a_date.exists())
        self.assertNotIn("x_attr_since", self.Partner._fields)
        trusted_context(self.a_tags, crm_plus_confirm_delete=True).unlink()
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'x_crm_plus_attr_sale_channels_rel'"
        )
        self.assertFalse(self.env.cr.fetchone())


@tagged("post_install", "-at_install")
class TestAttributeSecurity(AttributeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a_secret = cls._attribute(
            "credit_score",
            "integer",
            visibility_group_ids=[Command.set(cls.env.ref("crm_plus.crm_plus_group_finance").ids)],
        )
        cls.a_locked = cls._attribute(
            "account_tier", "char", edit_group_ids=[Command.set(cls.env.ref("sales_team.group_sale_manager").ids)]
        )
        cls.customer = cls._partners().create(
            {"name": "Secretive", "x_attr_credit_score": 700, "x_attr_account_tier": "A"}
        )

    def test_only_admin_manages_definitions(self):
        for user in (self.salesman, self.sales_manager, self.approver, self.finance):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["crm_plus.attribute"].with_user(user).create(
                        {"name": "X", "code": "x", "value_type": "char"}
                    )
                with self.assertRaises(AccessError):
                    self.env["crm_plus.customer.category"].with_user(user).create({"name": "X", "code": "x"})
                with self.assertRaises(AccessError):
                    self.a_locked.with_user(user).write({"name": "Renamed"})
                with self.assertRaises(AccessError):
                    self.a_secret.option_ids.with_user(user).create(
                        {"attribute_id": self.a_secret.id, "name": "o", "code": "o"}
                    )
                # everybody internal reads definitions
                self.assertEqual(self.a_locked.with_user(user).name, "Account Tier")
        with self.assertRaises(AccessError):
            self.env["crm_plus.attribute"].with_user(self.portal).search([])
        self._dirty()
        category = (
            self.env["crm_plus.customer.category"].with_user(self.crm_admin).create({"name": "VIP", "code": "vip"})
        )
        attribute = (
            self.env["crm_plus.attribute"]
            .with_user(self.crm_admin)
            .create({"name": "Y", "code": "y_admin", "value_type": "char", "category_ids": category.ids})
        )
        self.assertIn("x_attr_y_admin", self.Partner._fields)
        attribute.with_user(self.crm_admin).write({"required": True})

    def test_visibility_groups(self):
        self.assertEqual(self.Partner._fields["x_attr_credit_score"].groups, "crm_plus.crm_plus_group_finance")
        self.assertEqual(self.customer.with_user(self.finance).x_attr_credit_score, 700)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).read(["x_attr_credit_score"])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).write({"x_attr_credit_score": 1})
        form = self.Partner.with_user(self.salesman).get_view(view_type="form")["arch"]
        self.assertNotIn("x_attr_credit_score", form)
        self.assertIn("x_attr_credit_score", self.Partner.with_user(self.finance).get_view(view_type="form")["arch"])

    def test_edit_groups(self):
        customer = self.customer.with_user(self.salesman)
        self.assertEqual(customer.x_attr_account_tier, "A")
        with self.assertRaises(AccessError):
            customer.write({"x_attr_account_tier": "B"})
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.salesman).create({"name": "New", "x_attr_account_tier": "B"})
        self.customer.with_user(self.sales_manager).write({"x_attr_account_tier": "B"})
        self.assertEqual(self.customer.x_attr_account_tier, "B")
        form = self.Partner.with_user(self.salesman).get_view(view_type="form")["arch"]
        self.assertRegex(form, r'<field name="x_attr_account_tier"[^>]*readonly="1"')
        form = self.Partner.with_user(self.sales_manager).get_view(view_type="form")["arch"]
        self.assertNotRegex(form, r'<field name="x_attr_account_tier"[^>]*readonly="1"')


@tagged("post_install", "-at_install")
class TestAttributeListQueries(AttributeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        types = ["char", "integer", "float", "date", "boolean", "selection", "tags", "text", "datetime", "char"]
        cls.attrs = cls.env["crm_plus.attribute"]
        for index in range(20):
            value_type = types[index % len(types)]
            options = []
            if value_type in ("selection", "tags"):
                options = [Command.create({"name": f"O{n}", "code": f"o{n}"}) for n in range(3)]
            cls.attrs |= cls._attribute(f"col_{index}", value_type, option_ids=options)
        values = {
            "char": "abc",
            "text": "t",
            "integer": 7,
            "float": 1.5,
            "date": "2024-01-01",
            "datetime": "2024-01-01 10:00:00",
            "boolean": True,
        }
        vals_list = []
        for n in range(80):
            vals = {"name": f"List customer {n}"}
            for attribute in cls.attrs:
                if attribute.value_type == "selection":
                    vals[attribute.field_name] = "o1"
                elif attribute.value_type == "tags":
                    vals[attribute.field_name] = [Command.set(attribute.option_ids[: 1 + n % 3].ids)]
                else:
                    vals[attribute.field_name] = values[attribute.value_type]
            vals_list.append(vals)
        cls.partners = cls._partners().create(vals_list)

    def _spec(self):
        spec = {"display_name": {}, "crm_plus_category_id": {"fields": {"display_name": {}}}}
        for attribute in self.attrs:
            spec[attribute.field_name] = {"fields": {"display_name": {}}} if attribute.value_type == "tags" else {}
        return spec

    def test_list_page_constant_queries(self):
        Partner = self.Partner.with_user(self.salesman)
        spec = self._spec()
        domain_small = [("id", "in", self.partners[:10].ids)]
        domain_page = [("id", "in", self.partners.ids)]
        # full pages both times (the client then also counts the total)
        Partner.web_search_read(domain_small, spec, limit=10)  # warm-up
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        Partner.web_search_read(domain_small, spec, limit=10)
        queries_10 = self.env.cr.sql_log_count - start
        self.env.invalidate_all()
        with self.assertQueryCount(queries_10):
            result = Partner.web_search_read(domain_page, spec, limit=80)
        self.assertEqual(len(result["records"]), 80)
        self.assertLessEqual(queries_10, 20, "one query per relational column at most")


@tagged("post_install", "-at_install")
class TestAttributeLock(AttributeCommon):
    """No attribute DDL in setUpClass here: this transaction holds no exclusive lock on res_partner."""

    def test_busy_customers_give_a_clear_retry_error(self):
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            # never wait on this test's own locks: fail instead of hanging
            other.execute("SET lock_timeout = '5s'")
            other.execute("LOCK TABLE res_partner IN ACCESS SHARE MODE")  # a long report reading customers
            with self.assertRaisesRegex(UserError, "retry"):
                self._attribute("blocked", "integer")
        finally:
            other.rollback()
            other.close()
        self.assertNotIn("x_attr_blocked", self.Partner._fields)
