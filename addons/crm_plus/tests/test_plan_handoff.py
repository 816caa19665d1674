"""Automatic hand-off of plan steps: the template names each step's participant, completing a step hands the next
one off (issue #16, hand-off to the next participant)."""

import logging
import uuid
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID
from odoo import Command
from odoo import api
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger

from ..access import trusted_context
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
        # nor does he name himself the next participant, on the template or on the step
        with self.assertRaises(AccessError):
            self.handoff_template.line_ids[1].with_user(self.salesman).with_context(**forged).write(
                {"handoff_user_id": self.salesman.id}
            )
        with self.assertRaises(AccessError):
            acceptance.with_user(self.salesman).with_context(**forged).write(
                {"handoff_role": "user", "handoff_user_id": self.salesman.id}
            )
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


@tagged("post_install", "-at_install")
class TestPlanHandoffConcurrency(TransactionCase):
    """Two transactions handing off the same step at the same moment: one hand-off.

    Runs on committed data in its own cursors (as TestApprovalConcurrency) and removes it all afterwards.
    """

    def _setup_committed(self):
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
            company = env.ref("base.main_company")
            env = env(context=dict(env.context, allowed_company_ids=[company.id]))
            users = [
                new_test_user(
                    env,
                    login=f"cp_hoc_{role}_{tag}",
                    groups="sales_team.group_sale_salesman",
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )
                for role in ("sales", "installer")
            ]
            manual = env.ref("crm_plus.crm_plus_plan_action_type_installation")
            template = env["crm_plus.plan.template"].create(
                {
                    "name": f"Two steps {tag}",
                    "company_id": company.id,
                    "line_ids": [
                        Command.create({"sequence": 1, "action_type_id": manual.id, "name": "Prepare"}),
                        Command.create(
                            {
                                "sequence": 2,
                                "action_type_id": manual.id,
                                "name": "Install",
                                "handoff_role": "user",
                                "handoff_user_id": users[1].id,
                            }
                        ),
                    ],
                }
            )
            partner = env["res.partner"].create(
                {"name": f"Hand-off customer {tag}", "company_id": company.id, "crm_plus_plan_template_id": template.id}
            )
            product = env["product.product"].create(
                {"name": f"Hand-off service {tag}", "type": "service", "list_price": 10.0, "company_id": company.id}
            )
            # no approval on the way (restored by _cleanup)
            rules = env["crm_plus.approval.rule"].search([("company_id", "in", [company.id, False])])
            rules.active = False
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": users[0].id,
                    "company_id": company.id,
                    "order_line": [Command.create({"product_id": product.id, "price_unit": 10.0})],
                }
            )
            order.action_confirm()
            prepare, install = order.plan_id.step_ids.sorted("sequence")
            # the first step is done (its hand-off not run yet): what both transactions are about to do
            trusted_context(prepare, crm_plus_plan_tracking=True).write({"amount_done": prepare.amount})
            self.assertEqual(prepare.state, "done")
            ids = {
                "users": [u.id for u in users],
                "template": template.id,
                "partner": partner.id,
                "product": product.id,
                "order": order.id,
                "prepare": prepare.id,
                "install": install.id,
                "company": company.id,
                "rules": rules.ids,
            }
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["crm_plus.approval.rule"].browse(ids["rules"]).active = True
            order = env["sale.order"].browse(ids["order"])
            steps = order.plan_id.step_ids
            env["crm_plus.handoff"].search([("res_model", "=", steps._name), ("res_id", "in", steps.ids)]).unlink()
            for model, records in (
                ("crm_plus.plan.step", steps),
                ("crm_plus.plan", order.plan_id),
                ("sale.order", order),
            ):
                env["mail.activity"].search([("res_model", "=", model), ("res_id", "in", records.ids)]).unlink()
                env["mail.message"].search([("model", "=", model), ("res_id", "in", records.ids)]).unlink()
            # the plan started (a step is done): it goes with its order, cancelled first
            order._action_cancel()
            order.unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            env["crm_plus.plan.template"].browse(ids["template"]).unlink()
            env["product.product"].browse(ids["product"]).product_tmpl_id.unlink()
            users = env["res.users"].browse(ids["users"])
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def test_one_hand_off_for_two_transactions(self):
        ids = self._setup_committed()
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {"allowed_company_ids": [ids["company"]]})
            env2 = api.Environment(cr2, SUPERUSER_ID, {"allowed_company_ids": [ids["company"]]})
            prepare2 = env2["crm_plus.plan.step"].browse(ids["prepare"])
            self.assertFalse(env2["crm_plus.plan.step"].browse(ids["install"]).handoff_state)  # cr2's snapshot
            env1["crm_plus.plan.step"].browse(ids["prepare"])._crm_plus_handoff_next()
            env1.flush_all()
            cr1.commit()
            # same snapshot, the step changed meanwhile: PostgreSQL refuses, Odoo would retry the request
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                prepare2._crm_plus_handoff_next()
                env2.flush_all()
            cr2.rollback()
            env2.invalidate_all()
            # the retry finds the step handed off already
            prepare2._crm_plus_handoff_next()
            env2.flush_all()
            cr2.commit()
        with self.registry.cursor() as cr:
            install = api.Environment(cr, SUPERUSER_ID, {})["crm_plus.plan.step"].browse(ids["install"])
            self.assertEqual(install.handoff_state, "handed_off")
            self.assertEqual(install.user_id.id, ids["users"][1])
            self.assertEqual(len(install.crm_plus_handoff_ids), 1)
