"""Dunning that holds against the salesperson it constrains (issue #13, class 2).

Dunning policy, level and credit hold are the run's and finance's; dunning history (communications, items,
reminders) and policies are not the salesperson's to change, whatever values or context they send.
"""

from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrmPlusCommon
from .test_dunning import DunningFixtures

# context keys a client may try: ours (trusted markers only), superuser-looking and Odoo's own
FORGED_CONTEXT = {
    "crm_plus_plan_tracking": True,
    "crm_plus_approval_gate": True,
    "crm_plus_dunning_run": True,
    "su": True,
    "uid": 1,
    "install_mode": True,
    "tracking_disable": True,
}


class DunningControlCommon(DunningFixtures, CrmPlusCommon):
    """A customer of the salesperson on credit hold after a run: what he would like to undo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dunning_setup(cls.env)
        cls.lenient = cls.env["crm_plus.dunning.policy"].create(
            {
                "name": "Lenient",
                "level_ids": [Command.create({"name": "Late", "days_overdue": 365, "channel_phone": True})],
            }
        )
        cls.customer = cls._customer(cls.env, "Held Customer", user=cls.salesman)
        cls.order = cls._order(cls.env, cls.customer, [40], user=cls.salesman)
        cls.env["crm_plus.dunning.run"]._run(partner_ids=cls.customer.ids)
        cls.communications = cls.env["crm_plus.dunning.communication"].search([("partner_id", "=", cls.customer.id)])

    def _snapshot(self):
        self.env.invalidate_all()
        return (
            self.customer.crm_plus_dunning_policy_id,
            self.customer.crm_plus_dunning_level_id,
            self.customer.crm_plus_credit_hold,
            self.level3.credit_hold,
            [(c.state, c.failure_reason, len(c.line_ids)) for c in self.communications.sorted("id")],
            [(line.amount_residual, line.level_id) for line in self.communications.line_ids.sorted("id")],
        )


@tagged("post_install", "-at_install")
class TestDunningControl(DunningControlCommon):
    def test_run_set_the_hold(self):
        self.assertEqual(self.customer.crm_plus_dunning_level_id, self.level3)
        self.assertTrue(self.customer.crm_plus_credit_hold)
        self.assertEqual(sorted(self.communications.mapped("channel")), ["email", "escalation", "letter"])

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_salesperson_cannot_write_dunning_fields(self):
        before = self._snapshot()
        customer = self.customer.with_user(self.salesman)
        for context in ({}, FORGED_CONTEXT):
            for vals in (
                {"crm_plus_dunning_policy_id": self.lenient.id},
                {"crm_plus_dunning_policy_id": False},
                {"crm_plus_dunning_level_id": False},
                {"crm_plus_dunning_level_id": self.level1.id},
                {"crm_plus_credit_hold": False},
            ):
                with self.subTest(vals=vals, context=bool(context)), self.assertRaises(AccessError):
                    customer.with_context(**context).write(vals)
        # nor through the copies of the level on his orders and plans (related fields)
        for record in (self.order, self.order.plan_id):
            for vals in ({"crm_plus_dunning_level_id": False}, {"crm_plus_dunning_level_id": self.level1.id}):
                with self.subTest(model=record._name, vals=vals):
                    try:
                        record.with_user(self.salesman).write(vals)
                    except AccessError:
                        pass
                    self.assertEqual(self._snapshot(), before)
        self.assertEqual(self._snapshot(), before)
        # the salesperson still edits the rest of the customer
        customer.write({"phone": "+1 555 0100"})
        self.assertEqual(self.customer.phone, "+1 555 0100")

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_salesperson_cannot_create_with_dunning_fields(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        attacks = [
            ({}, {"crm_plus_dunning_policy_id": self.lenient.id}),
            ({}, {"crm_plus_dunning_level_id": self.level1.id}),
            ({"default_crm_plus_dunning_policy_id": self.lenient.id}, {}),
            ({"default_crm_plus_dunning_level_id": self.level3.id}, {}),
            (FORGED_CONTEXT, {"crm_plus_dunning_policy_id": self.lenient.id}),
        ]
        for context, vals in attacks:
            with self.subTest(context=context, vals=vals), self.assertRaises(AccessError):
                Partner.with_context(**context).create(dict(vals, name="Sneaky Customer"))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Sneaky Customer")]))
        # nor by copying a customer that has a policy (the copy starts without)
        copy = self.customer.with_user(self.salesman).copy()
        self.assertFalse(copy.crm_plus_dunning_policy_id or copy.crm_plus_dunning_level_id)
        self.assertTrue(Partner.create({"name": "Plain Customer"}))

    def test_finance_sets_the_policy(self):
        self.customer.with_user(self.finance).write({"crm_plus_dunning_policy_id": self.lenient.id})
        self.assertEqual(self.customer.crm_plus_dunning_policy_id, self.lenient)
        self.assertFalse(self.customer.with_user(self.salesman).crm_plus_can_edit_dunning)
        self.assertTrue(self.customer.with_user(self.finance).crm_plus_can_edit_dunning)
        # the next run sets the level the new policy gives: none yet (365 days)
        self.env["crm_plus.dunning.run"]._run(partner_ids=self.customer.ids)
        self.assertFalse(self.customer.crm_plus_dunning_level_id)

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_salesperson_cannot_alter_dunning_history(self):
        reminder = self._reminder()
        before = self._snapshot()
        draft = self.communications.filtered(lambda c: c.state == "draft")
        self.assertTrue(draft)
        comms = draft.with_user(self.salesman)
        lines = self.communications.line_ids.with_user(self.salesman)
        self.assertTrue(lines.read(["amount_residual"]), "the salesperson reads his customer's dunning")
        for context in ({}, FORGED_CONTEXT):
            for call in (
                comms.with_context(**context).action_cancel,
                comms.with_context(**context).action_mark_sent,
                comms.with_context(**context).action_retry,
                comms.with_context(**context).action_print,  # a draft letter: printing marks it sent
                lambda c=context: comms.with_context(**c).write({"state": "cancelled"}),
                lambda c=context: comms.with_context(**c).unlink(),
                lambda c=context: lines.with_context(**c).write({"amount_residual": 0.0}),
                lambda c=context: lines.with_context(**c).unlink(),
                lambda c=context: reminder.with_user(self.salesman).with_context(**c).write({"date": "2000-01-01"}),
                lambda c=context: reminder.with_user(self.salesman).with_context(**c).unlink(),
                lambda c=context: self.policy.with_user(self.salesman).with_context(**c).write({"active": False}),
                lambda c=context: self.level3.with_user(self.salesman).with_context(**c).write({"credit_hold": False}),
                lambda c=context: self.env["crm_plus.dunning.communication"]
                .with_user(self.salesman)
                .with_context(**c)
                .create({"partner_id": self.customer.id, "level_id": self.level1.id, "channel": "email"}),
            ):
                with self.subTest(call=call, context=bool(context)), self.assertRaises(AccessError):
                    call()
        self.assertEqual(self._snapshot(), before)
        self.assertTrue(reminder.exists())

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_finance_keeps_history_untouched(self):
        """Finance acts through the actions (logged); items and reminders are the run's."""
        lines = self.communications.line_ids.with_user(self.finance)
        with self.assertRaises(AccessError):
            lines.write({"amount_residual": 0.0})
        with self.assertRaises(AccessError):
            lines.unlink()
        with self.assertRaises(AccessError):
            self._reminder().with_user(self.finance).unlink()
        draft = self.communications.filtered(lambda c: c.state == "draft" and c.channel == "email")
        draft.with_user(self.finance).action_cancel()
        self.assertEqual(draft.state, "cancelled")

    def _reminder(self):
        order = self._order(self.env, self.customer, [-2])
        self.env["crm_plus.dunning.run"]._run(partner_ids=self.customer.ids)
        reminder = self.env["crm_plus.dunning.reminder"].search([("step_id", "in", order.plan_id.step_ids.ids)])
        self.assertTrue(reminder)
        return reminder


@tagged("post_install", "-at_install")
class TestDunningControlOverXmlRpc(DunningControlCommon, HttpCase):
    """The plain salesperson over real XML-RPC, with the values and context a client chooses."""

    def _call(self, user, model, method, args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, args, kwargs)

    @mute_logger(
        "odoo.http",
        "odoo.addons.rpc.controllers.xmlrpc",
        "odoo.addons.base.models.ir_model",
        "odoo.addons.base.models.ir_rule",
    )
    def test_salesperson_cannot_undo_the_hold_over_rpc(self):
        before = self._snapshot()
        self.assertTrue(self.customer.crm_plus_credit_hold)
        customer_ids = self.customer.ids
        draft_ids = self.communications.filtered(lambda c: c.state == "draft").ids
        attacks = [
            ("res.partner", "write", [customer_ids, {"crm_plus_dunning_level_id": False}]),
            ("res.partner", "write", [customer_ids, {"crm_plus_dunning_policy_id": self.lenient.id}]),
            ("res.partner", "write", [customer_ids, {"crm_plus_credit_hold": False}]),
            ("res.partner", "create", [{"name": "RPC Sneaky", "crm_plus_dunning_policy_id": self.lenient.id}]),
            ("crm_plus.dunning.communication", "action_cancel", [draft_ids]),
            ("crm_plus.dunning.communication", "action_mark_sent", [draft_ids]),
            ("crm_plus.dunning.communication", "write", [draft_ids, {"state": "cancelled"}]),
            ("crm_plus.dunning.communication", "unlink", [draft_ids]),
            ("crm_plus.dunning.communication.line", "unlink", [self.communications.line_ids.ids]),
            ("crm_plus.dunning.level", "write", [self.level3.ids, {"credit_hold": False}]),
            ("crm_plus.dunning.policy", "write", [self.policy.ids, {"active": False}]),
            ("crm_plus.dunning.run.wizard", "create", [{"partner_ids": [(6, 0, customer_ids)]}]),
            ("crm_plus.dunning.run", "_run", []),
        ]
        for context in ({}, FORGED_CONTEXT):
            for model, method, args in attacks:
                with self.subTest(model=model, method=method, context=bool(context)), self.assertRaises(Fault):
                    self._call(self.salesman, model, method, args, context=context)
        # a default in the context is no back door either
        with self.assertRaises(Fault):
            self._call(
                self.salesman,
                "res.partner",
                "create",
                [{"name": "RPC Sneaky"}],
                context={"default_crm_plus_dunning_policy_id": self.lenient.id},
            )
        self.assertEqual(self._snapshot(), before)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "RPC Sneaky")]))
        # the salesperson still reads his customer's dunning, and finance sets the policy
        rows = self._call(self.salesman, "crm_plus.dunning.communication", "read", [draft_ids, ["state"]])
        self.assertEqual({row["state"] for row in rows}, {"draft"})
        self._call(
            self.finance, "res.partner", "write", [customer_ids, {"crm_plus_dunning_policy_id": self.lenient.id}]
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.crm_plus_dunning_policy_id, self.lenient)
