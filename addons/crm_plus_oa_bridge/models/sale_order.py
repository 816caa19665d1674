# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Order approval along routes: the crm_plus seam, tier-validated.

With a route matching the order, ``_crm_plus_request_approval`` creates one
``tier.review`` per approver slot of the route (snapshot of the approvers),
approvers decide on the current step only, and when every review is approved
``_crm_plus_approval_done()`` confirms the order. Without a matching route
crm_plus's own single-step approval runs unchanged.
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.fields import Domain

from odoo.addons.crm_plus.access import require_groups

from ..access import OA_USER
from ..messages import _lt

# crm_plus rule types that put an order on credit hold (credit-hold release routes take them).
CREDIT_RULE_TYPES = frozenset({"credit", "dunning_level"})


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm_plus_oa.approval.mixin"]

    _state_from = ["draft", "sent"]
    _state_to = ["sale"]
    _cancel_state = "cancel"

    oa_log_ids = fields.One2many("crm_plus_oa.approval.log", "order_id", string="Approval Trail")
    oa_can_act = fields.Boolean(compute="_compute_oa_can_act")
    oa_can_withdraw = fields.Boolean(compute="_compute_oa_can_act")
    oa_approval_count = fields.Integer(compute="_compute_oa_approval_count")

    @api.depends_context("uid")
    @api.depends("review_ids.status", "review_ids.oa_user_ids", "approval_state")
    def _compute_oa_can_act(self):
        user = self.env.user
        for order in self:
            in_flight = order._crm_plus_oa_in_flight()
            order.oa_can_act = in_flight and bool(order._crm_plus_oa_actionable_reviews(user))
            order.oa_can_withdraw = in_flight and user in (order.approval_requested_by_id | order.user_id)

    def _compute_oa_approval_count(self):
        if not self.env["crm_plus_oa.approval.log"].has_access("read"):
            self.oa_approval_count = 0
            return
        counts = dict(
            self.env["crm_plus_oa.approval.log"]._read_group([("order_id", "in", self.ids)], ["order_id"], ["__count"])
        )
        for order in self:
            order.oa_approval_count = counts.get(order, 0)

    # -------------------------------------------------------- mixin hooks
    def _crm_plus_oa_pending(self):
        return self._crm_plus_oa_read("approval_state") == "pending"

    def _crm_plus_oa_excluded_users(self):
        """Users who never approve this order: its salesperson and whoever requested the approval."""
        salesperson, requester = self._crm_plus_oa_read("user_id", "approval_requested_by_id")
        return salesperson | requester

    def _crm_plus_oa_log_document(self):
        return {"order_id": self.id}

    @api.model
    def _crm_plus_oa_decided_ids(self, user):
        """Orders decided along a route, and those decided by crm_plus's single-step approval (no route).

        crm_plus's approval history says the same of single-step approvals:
        a decision stands until the order's next request.
        """
        decided = set(super()._crm_plus_oa_decided_ids(user))
        # sudo: the approval history, to restrict what the user may do (never handed back)
        Entry = self.env["crm_plus.approval.entry"].sudo()
        decisions = Entry.search([("user_id", "=", user.id), ("decision", "in", ("approved", "rejected"))])
        if decisions:
            last_request = dict(
                Entry._read_group(
                    [("order_id", "in", decisions.order_id.ids), ("decision", "=", "requested")],
                    ["order_id"],
                    ["id:max"],
                )
            )
            decided.update(entry.order_id.id for entry in decisions if entry.id > last_request.get(entry.order_id, 0))
        return list(decided)

    @api.model
    def _crm_plus_oa_trail_domain(self):
        # the trail entries of the order's plan changes name the order too
        return super()._crm_plus_oa_trail_domain() & Domain("plan_change_id", "=", False)

    def _crm_plus_oa_lock(self):
        self._crm_plus_lock_pending()

    def _crm_plus_lock_pending(self):
        # orders on a route: a concurrent decider is retried, not refused (see _crm_plus_oa_lock_row)
        self.filtered(lambda o: o._crm_plus_oa_in_flight())._crm_plus_oa_lock_row()
        return super()._crm_plus_lock_pending()

    def _crm_plus_oa_check_final(self):
        self._crm_plus_oa_check_contract()

    def _crm_plus_oa_final_approval(self):
        self._crm_plus_approval_done()

    def _crm_plus_oa_activity_summary(self, review):
        return self.env._("Approve %(order)s: %(step)s", order=self._crm_plus_oa_read("name"), step=review.oa_step_name)

    def _crm_plus_oa_activity_note(self):
        return self._crm_plus_oa_read("approval_reason_display")

    def _crm_plus_oa_approvers_changed(self, users):
        # crm_plus shows these users as the order's approvers (and lets them read the order).
        # sudo + gate: the approver acting now may not write the order; approval fields open to crm_plus's gate only
        self.sudo()._crm_plus_gate().write({"approval_user_ids": [Command.set(users.ids)]})

    def _crm_plus_oa_snapshot(self):
        """What the approvers are asked to approve: totals and lines (to show what changed on resubmission)."""
        # sudo: recorded for the approvers whoever requests (a requester may not read every product of the lines)
        order = self.sudo()
        return {
            "amount_untaxed": order.amount_untaxed,
            "payment_term": order.payment_term_id.display_name or "",
            "lines": {
                f"{line.product_id.display_name or line.name} #{index}": [
                    line.product_uom_qty,
                    line.price_unit,
                    line.discount,
                ]
                for index, line in enumerate(order.order_line.filtered(lambda line: not line.display_type), start=1)
            },
        }

    def _crm_plus_oa_changes(self, old, new):
        """Readable differences between two snapshots."""
        changes = []
        if old.get("amount_untaxed") != new["amount_untaxed"]:
            changes.append(
                self.env._(
                    "Untaxed amount: %(old)s -> %(new)s", old=old.get("amount_untaxed"), new=new["amount_untaxed"]
                )
            )
        if old.get("payment_term") != new["payment_term"]:
            changes.append(
                self.env._("Payment terms: %(old)s -> %(new)s", old=old.get("payment_term"), new=new["payment_term"])
            )
        old_lines, new_lines = old.get("lines", {}), new["lines"]
        for key in sorted(set(old_lines) | set(new_lines)):
            before, after = old_lines.get(key), new_lines.get(key)
            if before == after:
                continue
            if not before:
                changes.append(
                    self.env._(
                        "Added %(line)s: quantity %(qty)s, unit price %(price)s, discount %(discount)s%%",
                        line=key,
                        qty=after[0],
                        price=after[1],
                        discount=after[2],
                    )
                )
            elif not after:
                changes.append(self.env._("Removed %(line)s", line=key))
            else:
                labels = (self.env._("quantity"), self.env._("unit price"), self.env._("discount"))
                diffs = ", ".join(
                    f"{label} {old_value:g} -> {new_value:g}"
                    for label, old_value, new_value in zip(labels, before, after, strict=False)
                    if old_value != new_value
                )
                changes.append(self.env._("%(line)s: %(diffs)s", line=key, diffs=diffs))
        return "\n".join(changes) or self.env._("No change in lines or totals.")

    # ------------------------------------------------------------------ seam
    def _crm_plus_oa_document_types(self, reasons):
        """Route document types to try for ``reasons``, most specific first.

        A credit hold (a *credit* or *dunning level* rule) comes first: it is
        finance's decision whatever else the order asks for, so an order both
        over-discounted and on credit hold travels the credit-hold route. Then
        a discount exception (*discount* rule), then the plain order route.
        """
        rule_types = {rule.rule_type for rule, _msg in reasons}
        types = []
        if rule_types & CREDIT_RULE_TYPES:
            types.append("credit_hold")
        if "discount" in rule_types:
            types.append("discount")
        return [*types, "order"]

    def _crm_plus_request_approval(self, reasons):
        self.ensure_one()
        route = self.env["crm_plus_oa.route"]._crm_plus_oa_find(self, self._crm_plus_oa_document_types(reasons))
        self._crm_plus_oa_close_round()
        if not route:
            return super()._crm_plus_request_approval(reasons)
        requester = self.env.user
        salesperson = self._crm_plus_oa_read("user_id")
        plan = route._crm_plus_oa_plan(self, salesperson or requester, salesperson | requester)
        rules = self.env["crm_plus.approval.rule"].union(*[rule for rule, _msg in reasons])
        values = self._crm_plus_reason_values(reasons)
        text = values["approval_reason"]
        self._crm_plus_gate().write(
            {
                "approval_state": "pending",
                **values,
                "approval_rule_ids": [Command.set(rules.ids)],
                "approval_requested_by_id": requester.id,
            }
        )
        reviews = self._crm_plus_oa_start(route, plan, requester)
        self._crm_plus_log_approval("requested", values["approval_reason_data"], rules)
        snapshot = self._crm_plus_oa_snapshot()
        # sudo: the previous request's snapshot, to show what changed (whoever requests now)
        previous = (
            self.env["crm_plus_oa.approval.log"]
            .sudo()
            .search([("order_id", "=", self.id), ("action", "=", "requested")], order="id desc", limit=1)
        )
        self._crm_plus_oa_log(
            "requested",
            comment=self.env._("Route %(route)s: %(reasons)s", route=route.name, reasons=text),
            snapshot=snapshot,
            changes=self._crm_plus_oa_changes(previous.snapshot or {}, snapshot) if previous else False,
        )
        self._crm_plus_oa_advance()
        return reviews

    def _crm_plus_approvers(self):
        self.ensure_one()
        if self._crm_plus_oa_in_flight():
            return self._crm_plus_oa_current_reviews().mapped("oa_user_ids").with_env(self.env)
        return super()._crm_plus_approvers()

    def action_approve(self):
        routed = self.filtered(lambda o: o._crm_plus_oa_in_flight())
        for order in routed:
            order._crm_plus_oa_approve()
        if self - routed:
            return super(SaleOrder, self - routed).action_approve()
        return True

    def _crm_plus_approval_done(self):
        self.ensure_one()
        if self._crm_plus_oa_open_reviews():
            raise UserError(self.env._("Every step of the approval route must approve first."))
        routed = bool(self._crm_plus_oa_reviews())
        if routed:
            # the round as the approvers saw it, before it turns into the order
            self._crm_plus_oa_file_quotation("approved")
            self._crm_plus_oa_lock_contracts()
        res = super()._crm_plus_approval_done()
        if routed:
            # sudo: the approval activities belong to the approvers, the order's confirmation ends them
            self.sudo().activity_unlink([self._crm_plus_oa_activity_type], only_automated=False)
            self._crm_plus_oa_file_approved_order()
        return res

    def _crm_plus_oa_reject(self, reason):
        return self._crm_plus_reject(reason)

    def _crm_plus_approval_refused(self, reason):
        self.ensure_one()
        if self._crm_plus_oa_in_flight():
            self._crm_plus_oa_reject_reviews(reason)
        return super()._crm_plus_approval_refused(reason)

    def _crm_plus_reset_approval(self, comment=None):
        for order in self.filtered(lambda o: o._crm_plus_oa_reviews()):
            order._crm_plus_oa_close_round(
                "reset", comment or self.env._("The order changed during or after its approval.")
            )
        return super()._crm_plus_reset_approval(comment)

    def _crm_plus_approval_order_fields(self, vals):
        """Order attributes a route's condition reads are rule inputs too: changing one withdraws the approval
        (another route may take the order)."""
        names = super()._crm_plus_approval_order_fields(vals)
        attributes = {name for name in vals if name.startswith("x_attr_") and name not in names}
        if attributes:
            names = names | (self.env["crm_plus_oa.route"]._crm_plus_oa_condition_fields("order") & attributes)
        return names

    def _crm_plus_oa_check_contract(self):
        route = self._crm_plus_oa_read("oa_route_id")
        if route.require_contract and not self._crm_plus_oa_contracts():
            raise UserError(
                self.env._(
                    "Route %(route)s needs the contract of %(order)s before approval: "
                    "the salesperson attaches it with Attach Contract.",
                    route=route.name,
                    order=self.name,
                )
            )

    # --------------------------------------------------------------- actions
    @require_groups(OA_USER)
    def action_oa_withdraw(self):
        """The requester (or salesperson) takes the request back; the order returns to quotation."""
        for order in self:
            if not order._crm_plus_oa_in_flight():
                raise UserError(self.env._("Order %(name)s has no approval in progress.", name=order.name))
            requester, salesperson = order._crm_plus_oa_read("approval_requested_by_id", "user_id")
            if self.env.user not in (requester | salesperson):
                raise AccessError(self.env._("Only the requester can withdraw the approval request."))
            order._crm_plus_oa_close_round("withdrawn", self.env._("Withdrawn by the requester."))
            order._crm_plus_log_approval("reset", _lt("Withdrawn by the requester."), order.approval_rule_ids)
            order._crm_plus_close_activities()
            # sudo + gate: the requester may have lost write access to the order meanwhile
            order.sudo()._crm_plus_gate().write({"approval_state": "none", "approval_user_ids": [Command.clear()]})
        return True

    def action_oa_view_approvals(self):
        self.ensure_one()
        return self.env["crm_plus_oa.approval.log"]._action_trail([("order_id", "=", self.id)])

    # ------------------------------------------------- tier.validation entry points
    def request_validation(self):
        raise UserError(self.env._("Confirm the order: the approval rules decide whether it needs an approval."))

    def restart_validation(self):
        raise UserError(self.env._("Withdraw the approval request instead."))

    def validate_tier(self):
        """The engine's Validate: an approval, route or not (the approver is checked)."""
        return self.action_approve()

    def reject_tier(self):
        """The engine's Reject: asks for the reason (the approver is checked)."""
        self.ensure_one()
        return self.action_reject()

    def _tier_validation_check_write_allowed(self, vals):
        """No "locked under validation" here: crm_plus's rule applies instead.

        Changing what the approval looked at (lines, customer, terms...) resets
        the request (``_crm_plus_reset_approval``, trailed as *reset*), so the
        approvers never approve something else than what they saw. This also
        keeps the engine's ``skip_validation_check`` context flag meaningless.
        """
        return

    def _tier_validation_check_write_remove_reviews(self, vals):
        closing = self.filtered(lambda o: o._crm_plus_oa_reviews() and o._allow_to_remove_reviews(vals))
        # the request ends with the write: only once the user may write the orders
        closing.check_access("write")
        for order in closing:
            order._crm_plus_oa_close_round("cancelled")
