"""Automatic hand-off of plan steps: the template names each step's participant, completing a step hands the next
one off (issue #16, hand-off to the next participant)."""

import logging
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tools import mute_logger

from .plan_common import CrmPlusPlanCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPlanHandoff(CrmPlusPlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.installer = new_test_user(
            cls.env, login="cp_installer", name="Ian Installer", groups="sales_team.group_sale_salesman"
        )
        cls.leader = new_test_user(
            cls.env, login="cp_ho_lead", name="Tina Lead", groups="sales_team.group_sale_salesman"
        )
        cls.boss = new_test_user(cls.env, login="cp_ho_boss", name="Bea Boss", groups="sales_team.group_sale_salesman")
        cls.team = cls.env["crm.team"].create(
            {"name": "North", "user_id": cls.leader.id, "member_ids": [Command.set(cls.salesman.ids)]}
        )
        Employee = cls.env["hr.employee"]
        department = cls.env["hr.department"].create(
            {"name": "Installers", "manager_id": Employee.create({"name": "Bea", "user_id": cls.boss.id}).id}
        )
        Employee.create({"name": "Ian", "user_id": cls.installer.id, "department_id": department.id})
        Employee.create({"name": "Sally", "user_id": cls.salesman.id, "department_id": department.id})
        # 100% up front, then three manual steps, each with its participant
        cls.handoff_template = cls.env["crm_plus.plan.template"].create(
            {
                "name": "Pay, install, accept, review",
                "line_ids": [
                    Command.create({"sequence": 1, "action_type_id": cls.type_payment.id, "percent": 100}),
                    Command.create(
                        {
                            "sequence": 2,
                            "action_type_id": cls.type_install.id,
                            "name": "Install",
                            "handoff_role": "user",
                            "handoff_user_id": cls.installer.id,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 3,
                            "action_type_id": cls.type_install.id,
                            "name": "Acceptance",
                            "handoff_role": "department_manager",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 4,
                            "action_type_id": cls.type_install.id,
                            "name": "Review",
                            "handoff_role": "team_leader",
                        }
                    ),
                ],
            }
        )
        cls.customer.crm_plus_plan_template_id = cls.handoff_template

    def _order_with_plan(self, **values):
        return self._order(qty=1, team_id=self.team.id, **values)

    def _step(self, plan, name):
        return plan.step_ids.filtered(lambda step: step.name == name)

    def _pay_in_full(self, orders):
        invoices = orders._create_invoices(grouped=True)
        invoices.action_post()
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({})
        )
        wizard._create_payments()
        return invoices

    def test_template_participants_hand_each_step_on(self):
        order = self._order_with_plan()
        plan = order.plan_id
        install, acceptance, review = (self._step(plan, n) for n in ("Install", "Acceptance", "Review"))
        self.assertEqual((install.handoff_role, install.handoff_user_id), ("user", self.installer))
        self.assertEqual(acceptance.handoff_role, "department_manager")
        self.assertFalse(install.handoff_state)
        self.assertEqual(install.user_id, self.salesman, "the action type's default until the hand-off")

        # the deposit is paid (tracking): the installation goes to Ian, on his desktop, in the chain
        self._pay_in_full(order)
        self.assertEqual(plan.step_ids.filtered(lambda s: s.kind == "payment").state, "done")
        self.assertEqual(install.user_id, self.installer)
        self.assertEqual(install.handoff_state, "handed_off")
        entry = install.crm_plus_handoff_ids
        self.assertEqual((entry.from_user_id, entry.to_user_id), (self.salesman, self.installer))
        todo = install.activity_ids.filtered(lambda a: a.user_id == self.installer and "Handed off" in a.summary)
        self.assertEqual(len(todo), 1)
        self.assertIn("over to you", str(todo.note))
        # the other steps wait for theirs
        self.assertFalse(acceptance.handoff_state or review.handoff_state)

        # Ian marks it done by hand: the acceptance goes to his department manager (resolved from Ian)
        install.with_user(self.installer).action_done()
        self.assertEqual(acceptance.user_id, self.boss)
        self.assertEqual(acceptance.crm_plus_handoff_ids.from_user_id, self.salesman)
        self.assertEqual(acceptance.crm_plus_handoff_ids.to_user_id, self.boss)
        # Bea accepts: the review goes to the leader of the order's team
        acceptance.with_user(self.boss).action_done()
        self.assertEqual(review.user_id, self.leader)
        self.assertEqual(review.handoff_state, "handed_off")
        # the participants read their step's chain
        self.assertEqual(review.with_user(self.leader).crm_plus_handoff_ids.to_user_id, self.leader)

    def test_exactly_once(self):
        order = self._order_with_plan()
        plan = order.plan_id
        install = self._step(plan, "Install")
        payment = plan.step_ids.filtered(lambda s: s.kind == "payment")
        invoices = self._pay_in_full(order)
        self.assertEqual(len(install.crm_plus_handoff_ids), 1)
        # tracking again (any reader may ask), the completion replayed: nothing more
        plan.with_user(self.salesman).action_track()
        payment._crm_plus_handoff_next()
        plan._crm_plus_track()
        # the payment undone and made again: the installation was handed off already
        invoices.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self.assertNotEqual(payment.state, "done")
        self._pay_in_full_again(invoices)
        self.assertEqual(payment.state, "done")
        self.assertEqual(len(install.crm_plus_handoff_ids), 1)
        self.assertEqual(
            len(install.activity_ids.filtered(lambda a: a.user_id == self.installer and "Handed off" in a.summary)), 1
        )

    def _pay_in_full_again(self, invoices):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoices.ids).create(
            {}
        )._create_payments()

    def test_nobody_in_the_role_is_explained_and_the_batch_goes_on(self):
        # Tina belongs to no department: on her order the acceptance (her department manager's) finds nobody
        self.team.member_ids = [Command.link(self.leader.id)]
        stuck = self._order_with_plan(user=self.leader)
        fine = self._order_with_plan()
        orders = stuck | fine
        installs = orders.plan_id.step_ids.filtered(lambda s: s.name == "Install")
        installs.write({"handoff_role": False})  # their own hand-off is not what this test looks at
        self._pay_in_full(orders)
        # both installations done in one go: one acceptance is handed off, the other explained
        installs.with_user(self.sales_manager).action_done()
        stuck_step = self._step(stuck.plan_id, "Acceptance")
        self.assertEqual(stuck_step.handoff_state, "unresolved")
        self.assertIn("Nobody holds the role", stuck_step.handoff_issue)
        self.assertIn("Nobody holds the role", stuck_step.message_ids[:1].body)
        self.assertFalse(stuck_step.crm_plus_handoff_ids)
        self.assertEqual(stuck_step.user_id, self.leader, "stays with its responsible")
        fine_step = self._step(fine.plan_id, "Acceptance")
        self.assertEqual((fine_step.handoff_state, fine_step.user_id), ("handed_off", self.boss))
        # a manager hands the stuck one off by hand
        self.env["crm_plus.handoff.wizard"].with_user(self.sales_manager).create(
            {"res_model": stuck_step._name, "res_id": stuck_step.id, "user_id": self.boss.id, "note": "Yours"}
        ).action_apply()
        self.assertEqual(stuck_step.user_id, self.boss)

    def test_already_with_the_participant_or_archived(self):
        order = self._order_with_plan()
        install, acceptance = self._step(order.plan_id, "Install"), self._step(order.plan_id, "Acceptance")
        # the installation is Ian's from the start: nothing to pass on, no chain entry, marked done all the same
        install.user_id = self.installer
        # the acceptance goes to a fixed user who left the company
        gone = new_test_user(self.env, login="cp_ho_gone", name="Gus Gone", groups="sales_team.group_sale_salesman")
        acceptance.write({"handoff_role": "user", "handoff_user_id": gone.id})
        gone.active = False
        self._pay_in_full(order)
        self.assertEqual((install.handoff_state, install.user_id), ("handed_off", self.installer))
        self.assertFalse(install.crm_plus_handoff_ids)
        install.with_user(self.installer).action_done()
        self.assertEqual(acceptance.handoff_state, "unresolved")
        self.assertIn("Gus Gone cannot take the step over", acceptance.handoff_issue)
        self.assertEqual(acceptance.user_id, self.salesman)

    def test_tracking_cost_is_flat(self):
        """Paying 1 or 10 orders hands 1 or 10 steps off with the same number of queries."""
        Plan = self.env["crm_plus.plan"]
        orders = [self._order_with_plan(confirm=False) for __ in range(12)]
        orders = self.env["sale.order"].union(*orders)
        orders.action_confirm()
        # the payments are made without tracking, then tracked in one go below
        with patch.object(type(Plan), "_crm_plus_track_moves", lambda self, move_ids: None):
            invoices = self._pay_in_full(orders)
        by_order = {inv.line_ids.sale_line_ids.order_id: inv for inv in invoices}
        warmup, one, ten = orders[:1], orders[1:2], orders[2:]
        Plan._crm_plus_track_moves(by_order[warmup].ids)
        self.env.invalidate_all()
        counts = []
        for group in (one, ten):
            moves = self.env["account.move"].union(*(by_order[order] for order in group))
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Plan._crm_plus_track_moves(moves.ids)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
            installs = group.plan_id.step_ids.filtered(lambda s: s.name == "Install")
            self.assertEqual(set(installs.mapped("handoff_state")), {"handed_off"})
            self.assertEqual(installs.user_id, self.installer)
        _logger.info("tracking with automatic hand-offs: 1 plan %s queries, 10 plans %s queries", *counts)
        self.assertEqual(counts[0], counts[1], f"1 plan: {counts[0]} queries, 10 plans: {counts[1]}")

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")
    def test_attacker(self):
        """A salesperson cannot trigger, forge or replay the automatic hand-off."""
        order = self._order_with_plan()
        plan = order.plan_id
        install = self._step(plan, "Install")
        acceptance = self._step(plan, "Acceptance")
        forged = {"crm_plus_plan_tracking": True, "crm_plus_plan_no_activity": True}
        # the automatic hand-off is private: not callable over RPC
        for name in ("_crm_plus_handoff_next", "_crm_plus_handoff_apply", "_crm_plus_handoff_assign"):
            with self.assertRaises(AccessError):
                get_public_method(install, name)
        for user in (self.salesman, self.installer):
            step = install.with_user(user).with_context(**forged)
            # the step is not done: completing it by hand is refused to a salesperson who is not its responsible,
            # and its figures and hand-off state are not written by hand, whatever the context says
            with self.assertRaises(AccessError):
                step.write({"amount_done": step.amount})
            with self.assertRaises(AccessError):
                step.write({"handoff_state": "handed_off"})
            with self.assertRaises(AccessError):
                step.write({"user_id": user.id})
        with self.assertRaises(AccessError):
            install.with_user(self.installer).with_context(**forged).action_done()
        # a sales manager edits steps, still not the hand-off state (nor with the tracking key)
        manager_step = acceptance.with_user(self.sales_manager).with_context(**forged)
        with self.assertRaises(AccessError):
            manager_step.write({"handoff_state": "unresolved"})
        with self.assertRaises(AccessError):
            manager_step.write({"handoff_issue": "x"})
        # tracking asked by the salesperson follows the documents only: nothing is paid, nothing handed off
        plan.with_user(self.salesman).with_context(**forged).action_track()
        self.assertFalse(install.handoff_state)
        self.assertFalse(install.crm_plus_handoff_ids)
        # the chain is written by crm_plus only
        with self.assertRaises(AccessError):
            self.env["crm_plus.handoff"].with_user(self.salesman).with_context(**forged).create(
                {
                    "res_model": install._name,
                    "res_id": install.id,
                    "from_user_id": self.salesman.id,
                    "to_user_id": self.installer.id,
                    "company_id": self.company.id,
                }
            )
