"""Hand-off to the next participant: assignment, To-Do, the chain on the record (issue #16, step 5)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .customer_common import CustomerCommon


@tagged("post_install", "-at_install")
class TestCustomerHandoff(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Alpha deal", "type": "opportunity", "partner_id": cls.customer_a.id, "user_id": cls.salesman.id}
        )
        product = cls.env["product.product"].create({"name": "Consulting", "type": "service", "list_price": 100.0})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer_a.id,
                "user_id": cls.salesman.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 100.0})],
            }
        )

    def _hand_off(self, user, record, to, note="Please take it from here"):
        wizard = (
            self.env["crm_plus.handoff.wizard"]
            .with_user(user)
            .create({"res_model": record._name, "res_id": record.id, "user_id": to.id, "note": note})
        )
        return wizard.action_apply()

    def test_chain_on_an_opportunity(self):
        # Bert's customer: handed off, Sally no longer reads it (as Alpha's owner she would: ownership scope)
        self.lead.partner_id = self.customer_b
        action = self._hand_off(self.salesman, self.lead, self.seller_b, note="Quote sent, call on Monday")
        self.assertEqual(self.lead.user_id, self.seller_b)
        # Sally no longer sees it: back to her list rather than reloading a record she may not read
        self.assertFalse(self.lead.with_user(self.salesman).has_access("read"))
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["next"]["res_model"], "crm.lead")
        todo = self.lead.activity_ids.filtered(lambda a: a.user_id == self.seller_b)
        self.assertIn("Quote sent", todo.note)
        self._hand_off(self.seller_b, self.lead, self.leader, note="Needs a price decision")
        chain = self.lead.crm_plus_handoff_ids.sorted("id")
        self.assertEqual(
            [(h.from_user_id, h.to_user_id) for h in chain],
            [(self.salesman, self.seller_b), (self.seller_b, self.leader)],
        )
        self.assertTrue(all(h.waited_hours >= 0 for h in chain))
        self.assertEqual(self.lead.crm_plus_handoff_count, 2)
        # who was in the chain reads it
        self.assertEqual(len(chain.with_user(self.seller_b).read(["note"])), 2)

    def test_role_resolved_to_a_user(self):
        Wizard = self.env["crm_plus.handoff.wizard"].with_user(self.salesman)
        values = {"res_model": "crm.lead", "res_id": self.lead.id, "note": "Your call"}
        self.assertEqual(Wizard.create({**values, "role": "team_leader"}).user_id, self.leader)
        self.assertEqual(Wizard.create({**values, "role": "department_manager"}).user_id, self.boss)
        Wizard.create({**values, "role": "department_manager"}).action_apply()
        self.assertEqual(self.lead.user_id, self.boss)
        # Bea manages the department, nobody manages hers: nobody to hand off to
        with self.assertRaises(UserError):
            self.env["crm_plus.handoff.wizard"].with_user(self.boss).create(
                {**values, "role": "department_manager"}
            ).action_apply()

    def test_quotation_and_plan_step(self):
        self._hand_off(self.salesman, self.order, self.seller_b)
        self.assertEqual(self.order.user_id, self.seller_b)
        self.order.action_confirm()
        step = self.order.plan_id.step_ids[:1]
        step.write({"user_id": self.seller_b.id})
        self._hand_off(self.seller_b, step, self.salesman, note="Deliver on site")
        self.assertEqual(step.user_id, self.salesman)
        self.assertEqual(step.crm_plus_handoff_ids.to_user_id, self.salesman)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_refusals(self):
        # not his: Bert cannot hand off Sally's opportunity, nor her plan step
        with self.assertRaises(AccessError):
            self._hand_off(self.seller_b, self.lead, self.seller_b.browse(self.leader.id))
        # to someone who cannot sell, or to himself
        with self.assertRaises(UserError):
            self._hand_off(self.salesman, self.lead, self.portal)
        with self.assertRaises(UserError):
            self._hand_off(self.salesman, self.lead, self.salesman)
        # a model that cannot be handed off
        with self.assertRaises(UserError):
            self.env["crm_plus.handoff.wizard"].with_user(self.salesman).create(
                {"res_model": "res.partner", "res_id": self.customer_a.id, "user_id": self.seller_b.id, "note": "x"}
            ).action_apply()
        # the chain is written by the wizard only
        self._hand_off(self.salesman, self.lead, self.seller_b)
        handoff = self.lead.crm_plus_handoff_ids
        with self.assertRaises(AccessError):
            handoff.with_user(self.seller_b).write({"note": "rewritten"})
        with self.assertRaises(AccessError):
            handoff.with_user(self.seller_b).unlink()
        with self.assertRaises(AccessError):
            self.env["crm_plus.handoff"].with_user(self.salesman).create(
                {
                    "res_model": "crm.lead",
                    "res_id": self.lead.id,
                    "from_user_id": self.seller_b.id,
                    "to_user_id": self.salesman.id,
                    "company_id": self.company.id,
                }
            )
