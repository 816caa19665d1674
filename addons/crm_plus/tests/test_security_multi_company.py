"""Multi-company: data of one company is not readable from another (issue #13, class 5).

The generic test walks every model of both addons; the others drive dunning data of company A as a
finance user of company B, through the ORM and over real XML-RPC.
"""

from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase
from odoo.tests import TransactionCase
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_plus import access

from .common import CrmPlusCommon
from .test_dunning import DunningFixtures

ADDONS = ("crm_plus", "crm_plus_oa_bridge")
COMPANY_DATA = ("res.partner", "sale.order", "account.move")
# mail.thread / mail.activity.mixin fields point to partners of the thread, not to company data
INHERITED_PREFIXES = ("message_", "activity_")
# company_id stored but not indexed yet, in a file another branch owns: remove once indexed
INDEX_PENDING = {"crm_plus_oa.plan.change.line": "bridge file (plan change lines) owned by the s4/bridge branch"}


@tagged("post_install", "-at_install")
class TestMultiCompany(TransactionCase):
    def test_every_model_with_company_data_has_a_company(self):
        Rule = self.env["ir.rule"].sudo()
        checked, problems = [], []
        for name, model in sorted(self.registry.items()):
            if model._original_module not in ADDONS or model._abstract or model._transient:
                continue
            pointers = [
                field.name
                for field in model._fields.values()
                if field.relational
                and not field.name.startswith(INHERITED_PREFIXES)
                and (field.comodel_name in COMPANY_DATA or field.comodel_name.startswith("crm_plus.plan"))
            ]
            if not pointers:
                continue
            checked.append(name)
            if name in access.COMPANY_SHARED_MODELS:
                self.assertFalse("company_id" in model._fields, f"{name} has a company: drop it from the shared list")
                continue
            field = model._fields.get("company_id")
            if not field or not field.store:
                problems.append(f"{name}: no stored company_id (points to {pointers})")
                continue
            if model._auto and not field.index and name not in INDEX_PENDING:
                problems.append(f"{name}: company_id not indexed")
            rules = Rule.search([("model_id.model", "=", name), ("global", "=", True)])
            if not rules.filtered(lambda rule: "company_ids" in (rule.domain_force or "")):
                problems.append(f"{name}: no global record rule on company_ids")
        self.assertFalse(problems, "models with company data (or list them in access.COMPANY_SHARED_MODELS)")
        self.assertIn("crm_plus.dunning.communication.line", checked)
        self.assertIn("crm_plus.dunning.reminder", checked)
        self.assertFalse(set(access.COMPANY_SHARED_MODELS) - set(checked), "shared models that no longer exist")


class MultiCompanyDunning(DunningFixtures, CrmPlusCommon):
    """Dunning data of company A (the main company); a finance user of company B only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dunning_setup(cls.env)
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "CP Company B"})
        cls.finance_b = new_test_user(
            cls.env,
            login="cp_finance_b",
            name="Bea Finance B",
            groups="crm_plus.crm_plus_group_finance",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.customer = cls._customer(cls.env, "Alpha Only Customer", user=cls.salesman)
        cls._order(cls.env, cls.customer, [40, -2])  # overdue (dunned) and coming due (reminded)
        cls.env["crm_plus.dunning.run"]._run(partner_ids=cls.customer.ids)
        cls.communications = cls.env["crm_plus.dunning.communication"].search([("partner_id", "=", cls.customer.id)])
        cls.items = cls.communications.line_ids
        cls.reminders = cls.env["crm_plus.dunning.reminder"].search([("partner_id", "=", cls.customer.id)])

    def _check_fixture(self):
        self.assertTrue(self.communications and self.items and self.reminders)
        self.assertEqual(self.items.company_id, self.company_a)
        self.assertEqual(self.reminders.company_id, self.company_a)


@tagged("post_install", "-at_install")
class TestMultiCompanyDunning(MultiCompanyDunning):
    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_finance_of_another_company_reads_nothing(self):
        self._check_fixture()
        for records in (self.communications, self.items, self.reminders):
            as_b = records.with_user(self.finance_b)
            with self.subTest(model=records._name):
                self.assertFalse(as_b.search([("id", "in", records.ids)]))
                self.assertFalse(as_b.search_count([]), "nothing of company A listed")
                with self.assertRaises(AccessError):
                    as_b.read(["company_id"])
        # the finance user of company A reads them all
        for records in (self.communications, self.items, self.reminders):
            self.assertEqual(records.with_user(self.finance).search([("id", "in", records.ids)]), records)

    def test_manual_run_stays_in_the_users_companies(self):
        """A finance user of company B runs dunning: company A's customers are not dunned by him."""
        other = self._customer(self.env, "Alpha Second Customer", user=self.salesman)
        self._order(self.env, other, [20])
        wizard = self.env["crm_plus.dunning.run.wizard"].with_user(self.finance_b).create({})
        self.assertFalse(wizard.line_ids.filtered(lambda line: line.partner_id == other))
        wizard.action_run()
        self.assertFalse(self.env["crm_plus.dunning.communication"].search([("partner_id", "=", other.id)]))
        # the finance user of company A does
        self.env["crm_plus.dunning.run.wizard"].with_user(self.finance).create(
            {"partner_ids": [Command.set(other.ids)]}
        ).action_run()
        self.assertTrue(self.env["crm_plus.dunning.communication"].search([("partner_id", "=", other.id)]))


@tagged("post_install", "-at_install")
class TestMultiCompanyOverXmlRpc(MultiCompanyDunning, HttpCase):
    def _call(self, user, model, method, args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs)

    @mute_logger("odoo.http", "odoo.addons.rpc.controllers.xmlrpc", "odoo.addons.base.models.ir_rule")
    def test_finance_of_another_company_over_rpc(self):
        self._check_fixture()
        for records in (self.communications, self.items, self.reminders):
            with self.subTest(model=records._name):
                found = self._call(self.finance_b, records._name, "search_read", [[]], fields=["id"])
                self.assertFalse({row["id"] for row in found} & set(records.ids))
                with self.assertRaises(Fault):
                    self._call(self.finance_b, records._name, "read", [records.ids, ["company_id"]])
                # whatever companies the client claims in its context
                with self.assertRaises(Fault):
                    self._call(
                        self.finance_b,
                        records._name,
                        "read",
                        [records.ids, ["company_id"]],
                        context={"allowed_company_ids": self.company_a.ids},
                    )
        rows = self._call(self.finance, "crm_plus.dunning.communication.line", "read", [self.items.ids, ["id"]])
        self.assertEqual(len(rows), len(self.items))
