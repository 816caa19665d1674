"""Hand-over on departure: everything moves, nothing is left behind, per model (issue #16)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_plus.wizard.crm_plus_handover import HANDOVER_MOVES

from .customer_common import CustomerCommon


@tagged("post_install", "-at_install")
class TestCustomerHandover(CustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr = new_test_user(cls.env, login="cp_hr", name="Hank HR", groups="hr.group_hr_user")
        bert = cls.seller_b
        Lead = cls.env["crm.lead"]
        cls.lead_open = Lead.create(
            {"name": "Open", "type": "opportunity", "partner_id": cls.customer_b.id, "user_id": bert.id}
        )
        cls.lead_won = Lead.create(
            {"name": "Won", "type": "opportunity", "partner_id": cls.customer_b.id, "user_id": bert.id}
        )
        cls.lead_won.action_set_won()
        product = cls.env["product.product"].create({"name": "Consulting", "type": "service", "list_price": 100.0})

        def order(partner, user, confirm=False):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": product.id, "price_unit": 100.0})],
                }
            )
            if confirm:
                order.action_confirm()
            return order

        cls.quotation = order(cls.customer_b, bert)
        cls.confirmed = order(cls.customer_b, bert, confirm=True)
        # Sally's quotation waits for Bert's approval
        cls.to_approve = order(cls.customer_a, cls.salesman)
        cls.to_approve._crm_plus_gate().write(
            {"approval_state": "pending", "approval_user_ids": [Command.set(bert.ids)]}
        )
        cls.confirmed.plan_id.step_ids.write({"user_id": bert.id})
        # a step of Sally's to be handed off to Bert once the step before it is done
        cls.to_hand_off = order(cls.customer_a, cls.salesman, confirm=True).plan_id.step_ids[:1]
        cls.to_hand_off.write({"handoff_role": "user", "handoff_user_id": bert.id})
        cls.followup = cls._followup(bert, cls.customer_b, next_date=cls.confirmed.date_order.date())
        cls.todo = cls.lead_open.activity_schedule("mail.mail_activity_data_todo", user_id=bert.id, summary="Call")

    def _wizard(self, user, **vals):
        return (
            self.env["crm_plus.handover"]
            .with_user(user)
            .create({"from_user_id": self.seller_b.id, "to_user_id": self.salesman.id, **vals})
        )

    def test_archiving_is_for_users_the_manager_hands_over_entirely(self):
        """A sales manager or HR officer archives the leaver as superuser: never an administrator, nor a user of a
        company the manager does not work in."""
        admin = self.env.ref("base.user_admin")
        for user in (self.hr, self.sales_manager):
            wizard = (
                self.env["crm_plus.handover"]
                .with_user(user)
                .create({"from_user_id": admin.id, "to_user_id": self.salesman.id, "archive_user": True})
            )
            with self.assertRaisesRegex(UserError, "administrator"):
                wizard.action_apply()
            self.assertTrue(admin.active)
        other_company = self.env["res.company"].create({"name": "Handover Elsewhere"})
        self.seller_b.company_ids |= other_company
        with self.assertRaisesRegex(UserError, "companies you do not"):
            self._wizard(self.hr, archive_user=True).action_apply()
        self.assertTrue(self.seller_b.active)
        self.assertEqual(self.customer_b.user_id, self.seller_b, "nothing moved")
        self.seller_b.company_ids -= other_company
        self._wizard(self.hr, archive_user=True).action_apply()
        self.assertFalse(self.seller_b.active)

    def test_everything_moves_and_nothing_is_left_behind(self):
        wizard = self._wizard(self.hr, archive_user=True)
        before = {key: len(wizard._records(key)) for key in HANDOVER_MOVES}
        self.assertEqual(
            before,
            {
                "customer": 1,
                "lead": 1,
                "quotation": 1,
                "step": len(self.confirmed.plan_id.step_ids) + 1,
                "followup": 1,
                "approval": 1,
                "activity": before["activity"],
            },
        )
        self.assertTrue(before["step"])
        self.assertGreaterEqual(before["activity"], 2)  # the lead's To-Do, the follow-up's (and the steps')
        self.assertIn("Customers: 1", wizard.preview)
        wizard.action_apply()
        # per model: nothing of Bert's is left to move
        self.assertEqual({key: len(wizard._records(key)) for key in HANDOVER_MOVES}, dict.fromkeys(HANDOVER_MOVES, 0))
        self.assertIn("Quotations: 1", wizard.report)
        self.assertEqual(self.customer_b.user_id, self.salesman)
        self.assertEqual(self.lead_open.user_id, self.salesman)
        self.assertEqual(self.quotation.user_id, self.salesman)
        self.assertEqual(set(self.confirmed.plan_id.step_ids.mapped("user_id")), {self.salesman})
        self.assertEqual(self.to_hand_off.handoff_user_id, self.salesman, "handed off to the successor, later")
        self.assertEqual(self.followup.sudo().user_id, self.salesman)
        self.assertEqual(self.todo.user_id, self.salesman)
        # Sally sold the order waiting for Bert: she cannot approve it, the default approvers do
        self.assertNotIn(self.seller_b, self.to_approve.approval_user_ids)
        self.assertNotIn(self.salesman, self.to_approve.approval_user_ids)
        self.assertTrue(self.to_approve.approval_user_ids)
        # history stays with who made it
        self.assertEqual(self.lead_won.user_id, self.seller_b)
        self.assertEqual(self.confirmed.user_id, self.seller_b)
        self.assertFalse(self.seller_b.active)
        with self.assertRaises(UserError):
            wizard.action_apply()

    def test_customers_spread_over_several_users(self):
        more = self.env["res.partner"].create(
            [{"name": f"Beta {i}", "is_company": True, "user_id": self.seller_b.id} for i in range(3)]
        )
        self._wizard(self.sales_manager, extra_user_ids=[Command.set(self.leader.ids)]).action_apply()
        customers = (self.customer_b | more).sorted("id")
        owners = customers.mapped("user_id")
        self.assertEqual(set(owners.ids), {self.salesman.id, self.leader.id})
        self.assertEqual(len(customers.filtered(lambda p: p.user_id == self.salesman)), 2)
        # the open opportunity and the quotation follow their customer
        self.assertEqual(self.lead_open.user_id, self.customer_b.user_id)
        self.assertEqual(self.quotation.user_id, self.customer_b.user_id)
        self.assertEqual(self.todo.user_id, self.salesman)

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_only_managers_and_hr(self):
        with self.assertRaises(AccessError):
            self._wizard(self.salesman)
        wizard = self._wizard(self.sales_manager)
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesman).action_apply()
        with self.assertRaises(AccessError):
            wizard.with_user(self.team_leader).action_apply()
        # to someone who cannot sell
        wizard.to_user_id = self.hr
        with self.assertRaises(UserError):
            wizard.action_apply()

    def test_archiving_a_user_who_owns_customers_warns(self):
        admin = self.env.ref("base.user_admin")
        # no customer pool set up: users are archived as in core Odoo
        self.env["crm_plus.pool.rule"].search([]).write({"active": False})
        self.seller_b.with_user(admin).action_archive()
        self.seller_b.with_user(admin).action_unarchive()
        self.env["crm_plus.pool.rule"].create({"name": "Company pool", "days_without_followup": 30})
        with self.assertRaises(UserError):
            self.seller_b.with_user(admin).action_archive()
        self._wizard(self.sales_manager).action_apply()
        self.seller_b.with_user(admin).action_archive()
        self.assertFalse(self.seller_b.active)
