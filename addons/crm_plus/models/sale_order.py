# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quotation rounds and approval before an order takes effect.

The approval seam (crm_plus_oa_bridge overrides these; keep them small):

* ``_crm_plus_approvers()`` (one order) -> res.users allowed to decide now.
  Default: the manager of the salesperson's department, else sales managers and
  order approvers of the company; never the salesperson nor the requester.
  ``action_approve``/``action_reject`` refuse anyone else (AccessError).
* ``_crm_plus_request_approval(reasons)`` (one order; reasons = [(rule, message)])
  -> approval_state 'pending', reasons/rules stored, approvers stored in
  ``approval_user_ids`` (menu "Orders to Approve"), a To-Do for each, history.
* ``_crm_plus_approval_done()`` (one order, approver already checked and row
  locked) -> history, approval_state 'approved', real confirmation.
* ``_crm_plus_approval_refused(reason)`` (idem) -> history, approval_state
  'rejected', order back to draft, To-Do for the salesperson.

A multi-step override typically keeps the order 'pending' until its last step,
then calls ``super()._crm_plus_approval_done()``. Writes of approval/round
fields and confirmations must go through ``_crm_plus_gate()``: the trusted
context key ``crm_plus_approval_gate`` (``access.trusted_context``), whose value
is a Python object that RPC (JSON/XML values only) cannot produce, so context
flags sent by a client never open it.

Approval is checked whenever its inputs change, not once: a confirmed order
whose customer, terms, pricelist, salesperson or line figures (price, discount,
taxes, cost, quantity) change is evaluated again and the change is refused when
a rule holds it back; cancelling or setting an order back to quotation drops
its approval. The company's *Order approval* setting (every order / when a
rule matches / never) decides which orders need one. The order fields that are
rule inputs are ``_crm_plus_approval_order_fields(vals)``: rule types extend it
(attribute rules add the attributes they read; the bridge, those its routes'
conditions read).
"""

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..access import is_trusted
from ..access import trusted_context
from ..column_defaults import set_column_defaults
from ..locking import try_lock
from ..messages import Choice
from ..messages import Message
from ..messages import _lt
from ..messages import chatter_note
from ..messages import render_all
from ..messages import text

APPROVAL_STATES = [
    ("none", "Not required"),
    ("pending", "Waiting for approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
ROUND_STATES = [
    ("current", "Current"),
    ("superseded", "Superseded"),
    ("accepted", "Accepted"),
    ("lost", "Lost"),
]
# Line fields whose change invalidates an approval (figures the rules look at).
APPROVAL_LINE_FIELDS = frozenset(
    {"product_id", "product_uom_qty", "price_unit", "discount", "product_uom_id", "tax_ids", "purchase_price"}
)
# Order fields locked on superseded/lost rounds and covered by an approval.
ROUND_LOCKED_FIELDS = frozenset(
    {
        "order_line",
        "partner_id",
        "partner_invoice_id",
        "partner_shipping_id",
        "pricelist_id",
        "payment_term_id",
        "validity_date",
        "fiscal_position_id",
        "currency_id",
    }
)
# Order fields whose change withdraws an approval (lines are watched by sale.order.line).
APPROVAL_ORDER_FIELDS = frozenset(
    {"partner_id", "pricelist_id", "payment_term_id", "currency_id", "user_id", "company_id", "fiscal_position_id"}
)
# Fields only our own methods write (see _crm_plus_gate).
GUARDED_FIELDS = frozenset(
    {
        "approval_state",
        "approval_user_ids",
        "approval_reason",
        "approval_reason_data",
        "approval_rule_ids",
        "approval_requested_by_id",
        "round_state",
        "round_number",
        "round_root_id",
        "previous_round_id",
        "round_lost_reason",
    }
)


_GATE_KEY = "crm_plus_approval_gate"


class SaleOrder(models.Model):
    _inherit = "sale.order"
    _crm_plus_column_defaults = ("round_number", "round_state", "approval_state")

    # rounds
    round_number = fields.Integer(default=1, copy=False, readonly=True, index=True)
    previous_round_id = fields.Many2one(
        "sale.order", copy=False, readonly=True, index="btree_not_null", check_company=True
    )
    round_root_id = fields.Many2one(
        "sale.order",
        string="First Round",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="First round of the negotiation; empty on the first round itself.",
    )
    round_state = fields.Selection(ROUND_STATES, default="current", copy=False, readonly=True, tracking=True)
    round_lost_reason = fields.Text(copy=False, readonly=True)
    round_count = fields.Integer(compute="_compute_round_count")
    # approval
    approval_state = fields.Selection(
        APPROVAL_STATES, default="none", copy=False, readonly=True, required=True, tracking=True, index=True
    )
    approval_reason = fields.Text(
        string="Approval Reasons (as written)",
        copy=False,
        readonly=True,
        help="Rules the order triggers, with their figures, in the language of who asked.",
    )
    approval_reason_data = fields.Json(copy=False, readonly=True)
    approval_reason_display = fields.Text(
        string="Approval Reasons",
        compute="_compute_approval_reason_display",
        help="Rules the order triggers, with their figures, in your language.",
    )
    approval_rule_ids = fields.Many2many("crm_plus.approval.rule", string="Triggered Rules", copy=False, readonly=True)
    approval_user_ids = fields.Many2many(
        "res.users",
        "crm_plus_sale_order_approver_rel",
        "order_id",
        "user_id",
        string="Approvers",
        copy=False,
        readonly=True,
    )
    approval_requested_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    approval_entry_ids = fields.One2many("crm_plus.approval.entry", "order_id", string="Approval History")
    crm_plus_can_approve = fields.Boolean(compute="_compute_crm_plus_can_approve")

    def _compute_round_count(self):
        # round rows point to their first round: one grouped query for the batch
        roots = [o.round_root_id.id or o.id for o in self]
        groups = self.env["sale.order"]._read_group(
            [("round_root_id", "in", [r for r in roots if isinstance(r, int)])], ["round_root_id"], ["__count"]
        )
        counts = {root.id: count for root, count in groups}
        for order in self:
            root = order.round_root_id.id or order.id
            order.round_count = counts.get(root, 0) + 1

    @api.depends("approval_reason", "approval_reason_data")
    @api.depends_context("lang")
    def _compute_approval_reason_display(self):
        for order in self:
            data = order.approval_reason_data
            order.approval_reason_display = render_all(self.env, data) if data else order.approval_reason

    @api.depends("approval_state", "approval_user_ids")
    @api.depends_context("uid")
    def _compute_crm_plus_can_approve(self):
        for order in self:
            order.crm_plus_can_approve = order.approval_state == "pending" and self.env.user in order.approval_user_ids

    # ------------------------------------------------------------------ gate
    def _crm_plus_gate(self):
        """Return ``self`` allowed to change guarded fields (approval, confirmation)."""
        return trusted_context(self, **{_GATE_KEY: True})

    def _crm_plus_gate_open(self):
        return is_trusted(self.env, _GATE_KEY)

    @api.private
    def init(self):
        super().init()
        set_column_defaults(self)

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        gate_open = self._crm_plus_gate_open()
        if not gate_open and any(GUARDED_FIELDS.intersection(vals) for vals in vals_list):
            raise AccessError(self.env._("Approval and round states only change through their actions."))
        orders = super().create(vals_list)
        if not gate_open:
            # final values, whatever set them (values, context defaults, other modules' create overrides)
            orders._crm_plus_check_created_unapproved()
        confirmed = orders.filtered(lambda o: o.state == "sale")
        if confirmed and not gate_open:
            # created directly as an order (import, RPC): allowed only if no rule holds it back
            reasons = self.env["crm_plus.approval.rule"]._crm_plus_evaluate(confirmed)
            if reasons:
                raise UserError(self.env._("This order needs an approval: create it as a quotation and confirm it."))
        return orders

    def _crm_plus_check_created_unapproved(self):
        """A new order starts unapproved and as a first, current round; only our methods change that."""
        if any(
            o.approval_state != "none"
            or o.approval_user_ids
            or o.approval_rule_ids
            or o.approval_requested_by_id
            or o.round_state != "current"
            or o.round_number != 1
            or o.previous_round_id
            or o.round_root_id
            or o.round_lost_reason
            for o in self
        ):
            raise AccessError(self.env._("Approval and round states only change through their actions."))

    def write(self, vals):
        gate_open = self._crm_plus_gate_open()
        if not gate_open:
            self._crm_plus_check_guarded_write(vals)
        changed = (
            self.browse()
            if gate_open
            else self._crm_plus_really_changed(self._crm_plus_approval_order_fields(vals), vals)
        )
        reset = changed.filtered(lambda o: o.approval_state in ("pending", "approved"))
        res = super().write(vals)
        if reset:
            reset._crm_plus_reset_approval()
        changed.filtered(lambda o: o.state == "sale")._crm_plus_check_still_approved()
        return res

    def _crm_plus_approval_order_fields(self, vals):
        """Order fields whose change withdraws an approval (rule inputs); rule types extend it."""
        return APPROVAL_ORDER_FIELDS

    def _crm_plus_really_changed(self, names, vals):
        """Records of ``self`` where ``vals`` changes one of the fields ``names`` (not a rewrite of the same value)."""
        names = [name for name in names if name in vals and name in self._fields]
        if not names:
            return self.browse()
        return self.filtered(
            lambda rec: any(rec._fields[name].convert_to_write(rec[name], rec) != vals[name] for name in names)
        )

    def _crm_plus_check_guarded_write(self, vals):
        """Refuse what must go through our methods: approval fields, confirmation, locked rounds."""
        if GUARDED_FIELDS.intersection(vals):
            raise AccessError(self.env._("Approval and round states only change through their actions."))
        if "state" in vals:
            new_state = vals["state"]
            if new_state == "sale" and any(o.state != "sale" for o in self):
                raise AccessError(self.env._("Confirm the order with its button: it may need an approval first."))
            if any(o.state == "sale" and new_state not in ("sale", "cancel") for o in self):
                raise AccessError(self.env._("A confirmed order cannot be set back to quotation this way."))
        if ROUND_LOCKED_FIELDS.intersection(vals) and any(o.round_state in ("superseded", "lost") for o in self):
            raise UserError(self.env._("This round is closed: make changes in the current round."))

    # --------------------------------------------------------------- rounds
    def _crm_plus_round_siblings(self):
        """All rounds of the negotiations of ``self`` (including self)."""
        roots = self.mapped(lambda o: o.round_root_id or o)
        return self.search(Domain("id", "in", roots.ids) | Domain("round_root_id", "in", roots.ids))

    def action_new_round(self):
        """Create round N+1 from a draft/sent quotation; this round becomes superseded."""
        self.ensure_one()
        self.check_access("write")  # read access (an approver's) is not enough to revise a quotation
        if self.state not in ("draft", "sent") or self.round_state not in ("current", "accepted"):
            raise UserError(self.env._("Only an open quotation can get a new round."))
        # a pending request is withdrawn: the new round replaces what was asked for
        self._crm_plus_reset_approval()
        root = self.round_root_id or self
        siblings = self._crm_plus_round_siblings()
        number = max(siblings.mapped("round_number")) + 1
        base_name = root.name
        new = self.copy(
            {
                "name": f"{base_name}-R{number}",
                "date_order": fields.Datetime.now(),
                "origin": self.origin,
                "opportunity_id": self.opportunity_id.id,
            }
        )
        new._crm_plus_gate().write({"round_number": number, "previous_round_id": self.id, "round_root_id": root.id})
        (siblings - new).filtered(lambda o: o.round_state in ("current", "accepted"))._crm_plus_gate().write(
            {"round_state": "superseded"}
        )
        self._crm_plus_message_post(
            chatter_note(self.env, _lt("Superseded by round %(round)s.", round=new._get_html_link()))
        )
        new._crm_plus_message_post(
            chatter_note(
                self.env,
                _lt("Round %(number)s, revised from %(previous)s.", number=number, previous=self._get_html_link()),
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": new.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_rounds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_plus.sale_order_action_rounds")
        action["domain"] = [("id", "in", self._crm_plus_round_siblings().ids)]
        action["context"] = {"create": False}
        return action

    def action_compare_rounds(self):
        self.ensure_one()
        siblings = self._crm_plus_round_siblings().sorted("round_number")
        other = self.previous_round_id or (siblings - self)[-1:] or self
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Compare Rounds"),
            "res_model": "sale.order.round.compare",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_a_id": other.id, "default_order_b_id": self.id},
        }

    def action_accept_round(self):
        """Open the wizard that accepts this round and closes the other ones as lost."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Accept Round"),
            "res_model": "sale.order.round.accept",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _crm_plus_accept_round(self, lost_reason=False):
        """Make ``self`` the accepted round; other rounds of the deal close as lost (cancelled)."""
        self.ensure_one()
        self.check_access("write")
        if self.round_state == "lost" or self.state not in ("draft", "sent"):
            raise UserError(self.env._("Only an open round can be accepted."))
        others = self._crm_plus_round_siblings() - self
        reason = Message(self.env, lost_reason or _lt("Round %(name)s was accepted.", name=self.name))
        self._crm_plus_gate().write({"round_state": "accepted"})
        others = others.filtered(lambda o: o.round_state != "lost")
        if others:
            others._crm_plus_gate().write({"round_state": "lost", "round_lost_reason": str(reason)})
            others.filtered(lambda o: o.state in ("draft", "sent"))._action_cancel()
            for other in others:
                other._crm_plus_message_post(chatter_note(self.env, _lt("Lost: %(reason)s", reason=reason)))

    # ------------------------------------------------------------- approval
    def action_confirm(self):
        """Confirm, unless an approval rule holds the order back (then request approval).

        Every confirmation path (button, RPC, portal signature, online payment)
        ends here, so none of them can skip the rules.
        """
        if self._crm_plus_gate_open():
            self._crm_plus_close_other_rounds()
            return super().action_confirm()
        self.check_access("write")  # an approver's read access does not confirm someone else's order
        for order in self:
            if order.round_state in ("superseded", "lost"):
                raise UserError(
                    self.env._("Round %(name)s is closed; confirm the current round instead.", name=order.name)
                )
            if order.approval_state == "pending":
                raise UserError(self.env._("Order %(name)s is waiting for approval.", name=order.name))
        to_check = self.filtered(lambda o: o.approval_state != "approved" and o.state in ("draft", "sent"))
        reasons = self.env["crm_plus.approval.rule"]._crm_plus_evaluate(to_check)
        held = to_check.filtered(lambda o: reasons.get(o.id))
        for order in held:
            order._crm_plus_request_approval(reasons[order.id])
        cleared = self - held
        cleared.filtered(lambda o: o.approval_state == "rejected")._crm_plus_gate().write({"approval_state": "none"})
        if cleared:
            cleared._crm_plus_close_other_rounds()
            return super(SaleOrder, cleared._crm_plus_gate()).action_confirm()
        return True

    def _action_cancel(self):
        res = super()._action_cancel()
        self._crm_plus_reset_approval(self.env._("Order cancelled: its approval no longer holds."))
        return res

    def action_draft(self):
        res = super().action_draft()
        self._crm_plus_reset_approval(self.env._("Order set back to quotation: it is evaluated again on confirmation."))
        return res

    def _crm_plus_close_other_rounds(self):
        """Confirming the current round of a negotiation accepts it; the other rounds are lost."""
        # a current first round has no other round (a new round supersedes it): no count to query
        for order in self.filtered(lambda o: o.round_state == "current" and o.round_root_id):
            if order.round_count > 1:
                order._crm_plus_accept_round()

    def _crm_plus_without_gate(self):
        """``self`` without the gate marker: it stays within our state changes,
        never in the documents, mails or actions a confirmation produces."""
        return trusted_context(self, **{_GATE_KEY: False})

    def _action_confirm(self):
        # Defence in depth: whatever calls it, an order on hold never takes effect.
        if any(o.approval_state == "pending" for o in self):
            raise UserError(self.env._("An order waiting for approval cannot be confirmed."))
        return super(SaleOrder, self._crm_plus_without_gate())._action_confirm()

    def _crm_plus_check_not_held(self):
        """A confirmed order whose change waits for (or was refused) an approval takes no further effect."""
        held = self.filtered(lambda o: o.state == "sale" and o.approval_state in ("pending", "rejected"))
        if held:
            raise UserError(
                self.env._(
                    "Order %(orders)s is held: a change of it waits for an approval (or was rejected and must be "
                    "undone). Nothing is invoiced or delivered meanwhile.",
                    orders=", ".join(held.mapped("name")),
                )
            )

    def _create_invoices(self, grouped=False, final=False, date=None):
        self._crm_plus_check_not_held()
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _send_order_confirmation_mail(self):
        return super(SaleOrder, self._crm_plus_without_gate())._send_order_confirmation_mail()

    def _crm_plus_approvers(self):
        """SEAM. Users allowed to approve this order (never its salesperson or requester).

        Default: the manager of the salesperson's department (hr), else the
        sales managers and order approvers of the order's company.
        """
        self.ensure_one()
        # sudo: employees and groups are HR/admin data; we only read who manages whom.
        order = self.sudo()
        excluded = order.user_id | order.approval_requested_by_id
        employee = order.user_id.employee_ids.filtered(lambda e: e.company_id == order.company_id)[:1]
        managers = employee.department_id.manager_id.user_id - excluded
        if managers:
            return managers.with_env(self.env)
        groups = self.env.ref("sales_team.group_sale_manager") | self.env.ref("crm_plus.crm_plus_group_approver")
        # sudo: as above, who holds the approver roles, whatever the requesting or deciding user may read of groups
        users = groups.sudo().all_user_ids.filtered(
            lambda u: u.active and not u.share and order.company_id in u.company_ids and u.id != 1
        )
        return (users - excluded).with_env(self.env)

    def _crm_plus_request_approval(self, reasons):
        """SEAM. Put this order on hold with ``reasons`` [(rule, message), ...] and notify approvers."""
        self.ensure_one()
        rules = self.env["crm_plus.approval.rule"].union(*[rule for rule, _msg in reasons])
        values = self._crm_plus_reason_values(reasons)
        self._crm_plus_gate().write(
            {
                "approval_state": "pending",
                **values,
                "approval_rule_ids": [fields.Command.set(rules.ids)],
                "approval_requested_by_id": self.env.uid,
            }
        )
        approvers = self._crm_plus_approvers()
        self._crm_plus_gate().write({"approval_user_ids": [fields.Command.set(approvers.ids)]})
        self._crm_plus_log_approval("requested", values["approval_reason_data"], rules)
        for user in approvers:
            # each approver reads the reasons in his own language
            lang = user.lang or self.env.lang
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.with_context(lang=lang).env._("Approve order %(name)s", name=self.name),
                note=render_all(self.env, values["approval_reason_data"], lang=lang),
                user_id=user.id,
            )
        if not approvers:
            self._crm_plus_message_post(
                chatter_note(self.env, _lt("No approver found for this order: ask a sales manager."))
            )

    def _crm_plus_reason_values(self, reasons):
        """Values storing ``reasons`` [(rule, message)]: the text as written and the data every reader renders."""
        messages = [Message(self.env, message) for _rule, message in reasons]
        return {"approval_reason": "\n".join(messages), "approval_reason_data": [m.data for m in messages]}

    def _crm_plus_check_approver(self):
        for order in self:
            if order.approval_state != "pending":
                raise UserError(self.env._("Order %(name)s is not waiting for approval.", name=order.name))
            if self.env.user not in order._crm_plus_approvers():
                raise AccessError(self.env._("You are not an approver of order %(name)s.", name=order.name))

    def _crm_plus_lock_pending(self):
        """Lock the rows and re-check: of two approvers acting at once, only one goes through."""
        locked = try_lock(self)
        if locked != self:
            raise UserError(self.env._("Another user is deciding on this order right now."))
        self.invalidate_recordset(["approval_state"])
        if any(o.approval_state != "pending" for o in self):
            raise UserError(self.env._("This order has already been decided."))

    def action_approve(self):
        self._crm_plus_check_approver()
        self._crm_plus_lock_pending()
        for order in self:
            order._crm_plus_approval_done()
        return True

    def action_reject(self):
        """Open the wizard asking for the reason of the rejection."""
        self._crm_plus_check_approver()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Order"),
            "res_model": "sale.order.approval.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def _crm_plus_reject(self, reason):
        """Checked entry point of the rejection wizard."""
        self._crm_plus_check_approver()
        self._crm_plus_lock_pending()
        for order in self:
            order._crm_plus_approval_refused(reason)
        return True

    def _crm_plus_approval_done(self):
        """SEAM. Approval granted (caller checked the approver): mark approved and confirm for real
        (a held confirmed order is released)."""
        self.ensure_one()
        self._crm_plus_log_approval("approved", False, self.approval_rule_ids)
        self._crm_plus_close_activities()
        # sudo: the approver may not have write access to the salesperson's order;
        # the caller checked that he is one of the order's approvers.
        order = self.sudo()._crm_plus_gate()
        order.write({"approval_state": "approved"})
        if order.state != "sale":
            order.action_confirm()

    def _crm_plus_approval_refused(self, reason):
        """SEAM. Approval refused (caller checked the approver): back to draft for a new round."""
        self.ensure_one()
        self._crm_plus_log_approval("rejected", reason, self.approval_rule_ids)
        self._crm_plus_close_activities()
        # sudo: see _crm_plus_approval_done; a confirmed order stays held until its change is undone
        values = (
            {"approval_state": "rejected"} if self.state == "sale" else {"approval_state": "rejected", "state": "draft"}
        )
        self.sudo()._crm_plus_gate().write(values)
        # sudo: the approver (checked) leaves the salesperson a To-Do on an order he may not write
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Order %(name)s rejected", name=self.name),
            note=reason,
            user_id=self.user_id.id or self.env.uid,
        )

    def _crm_plus_reset_approval(self, comment=None):
        """Figures changed (or the order was cancelled): a pending or granted approval no longer holds."""
        self = self.filtered(lambda o: o.approval_state in ("pending", "approved"))
        comment = comment or _lt("Order changed after the approval request.")
        for order in self:
            order._crm_plus_log_approval("reset", comment, order.approval_rule_ids)
            order._crm_plus_close_activities()
        self._crm_plus_gate().write({"approval_state": "none", "approval_user_ids": [fields.Command.clear()]})

    def _crm_plus_on_lines_changed(self):
        """Called by sale.order.line when figures the rules look at change."""
        self._crm_plus_check_round_open()
        to_reset = self.filtered(lambda o: o.approval_state in ("pending", "approved"))
        if to_reset:
            to_reset._crm_plus_reset_approval()
        self.filtered(lambda o: o.state == "sale")._crm_plus_check_still_approved()

    def _crm_plus_check_still_approved(self):
        """Confirmed orders whose rule inputs changed: evaluate the rules again.

        Called after the change is written, in the same transaction. A change that makes a rule hold the order
        is refused (the error rolls it back), or, where the company asks for it (*Changes of Confirmed Orders*),
        kept while the order is held (no invoice, no delivery) until an approver accepts it. A held order whose
        new figures pass every rule is released.
        """
        if not self:
            return
        reasons = self.env["crm_plus.approval.rule"]._crm_plus_evaluate(self)
        released = self.filtered(lambda o: not reasons.get(o.id) and o.approval_state in ("pending", "rejected"))
        for order in released:
            order._crm_plus_log_approval(
                "reset", _lt("The order passes every rule again: hold released."), order.approval_rule_ids
            )
            order._crm_plus_close_activities()
        released._crm_plus_gate().write({"approval_state": "none", "approval_user_ids": [fields.Command.clear()]})
        held = self.filtered(lambda o: reasons.get(o.id))
        requested = held.filtered(lambda o: o.company_id.crm_plus_confirmed_change == "request")
        for order in requested:
            order._crm_plus_request_approval(reasons[order.id])
        for order in held - requested:
            raise UserError(
                self.env._(
                    "This change of confirmed order %(order)s needs an approval (%(reasons)s): "
                    "cancel the order, set it back to quotation and confirm it again to request one.",
                    order=order.name,
                    reasons="; ".join(msg for _rule, msg in reasons[order.id]),
                )
            )

    def _crm_plus_check_round_open(self):
        if any(o.round_state in ("superseded", "lost") for o in self):
            raise UserError(self.env._("This round is closed: make changes in the current round."))

    def _crm_plus_close_activities(self):
        # sudo: approvers close the to-dos of the approval request, which they may not own
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])

    def _crm_plus_log_approval(self, decision, comment, rules):
        """The entry of the approval history and its note in the chatter. ``comment``: a user's text, one of ours
        (a lazy translation) or stored messages (the reasons' data): the note reads in each reader's language."""
        self.ensure_one()
        # sudo: nobody creates history entries but this code, after its checks; the entry names the acting user
        self.env["crm_plus.approval.entry"].sudo().create(
            {
                "order_id": self.id,
                "user_id": self.env.uid,
                "decision": decision,
                "comment": text(self.env, comment) if comment else False,
                "rule_ids": [fields.Command.set(rules.ids)],
                "reason": self.approval_reason,
                "reason_data": self.approval_reason_data,
            }
        )
        label = Choice(self.env["crm_plus.approval.entry"], "decision", decision)
        if comment:
            body = chatter_note(self.env, Markup("<b>%s</b><br/>%s"), label, comment)
        else:
            body = chatter_note(self.env, Markup("<b>%s</b>"), label)
        # sudo: an approver without write access on the order still signs the history
        self.sudo()._crm_plus_message_post(body)
