# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Promises to pay and disputes: finance holds the dunning of an item or a customer, on the record.

* A **promise** (date, amount) holds the items it covers (one item, or all the customer's items) out of
  the dunning until its date: they do not escalate. Each run settles open promises: *kept* once the
  covered items' open amount fell by the promised amount, *broken* once the date passed without it. A
  broken promise releases its items on that run, at the level their days overdue reached meanwhile, and
  the communication says the promise was broken.
* A **dispute** (reason) holds its items out of the dunning until finance resolves it.

Only finance records, resolves and cancels them (the control the product sells: a salesperson cannot
stop the dunning of their customer). Each one is tracked in its chatter and logged on the customer.
"""

from datetime import date

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..access import FINANCE
from ..access import require_groups
from ..messages import Choice
from ..messages import Message
from ..messages import _lt
from ..messages import chatter_note


class CrmPlusDunningPromise(models.Model):
    _name = "crm_plus.dunning.promise"
    _description = "Promise to Pay / Dispute"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    kind = fields.Selection(
        [("promise", "Promise to pay"), ("dispute", "Dispute")], required=True, default="promise", tracking=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain=[("is_company", "=", True)],
        tracking=True,
        help="The commercial partner whose dunning is held.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Item",
        index="btree_not_null",
        ondelete="cascade",
        domain="[('partner_id', 'child_of', partner_id), ('account_id.account_type', '=', 'asset_receivable'),"
        " ('parent_state', '=', 'posted'), ('reconciled', '=', False)]",
        help="Leave empty (and the step too) to hold all the customer's items.",
    )
    step_id = fields.Many2one(
        "crm_plus.plan.step",
        string="Prepayment Step",
        index="btree_not_null",
        ondelete="cascade",
        domain="[('partner_id', '=', partner_id), ('kind', '=', 'payment')]",
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    user_id = fields.Many2one("res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True)
    date_promised = fields.Date(string="Promised Date", tracking=True)
    amount = fields.Float(string="Promised Amount", digits=(16, 2), tracking=True)
    amount_target = fields.Float(
        string="Open Amount to Reach",
        digits=(16, 2),
        readonly=True,
        help="The covered items' open amount when the promise was recorded, minus the promised amount: the "
        "promise is kept once the open amount is down to it.",
    )
    reason = fields.Text(tracking=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("resolved", "Resolved"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="open",
        index=True,
        tracking=True,
        readonly=True,
    )
    date_closed = fields.Date(readonly=True)
    kept_rate = fields.Float(
        string="Kept (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a kept promise, 0 for a broken one: its average is the share of promises kept.",
    )
    broken_notified = fields.Boolean(
        readonly=True, help="The dunning run released the items of this broken promise and said so."
    )

    _promise_needs_date = models.Constraint(
        "CHECK (kind <> 'promise' OR (date_promised IS NOT NULL AND amount > 0))",
        "A promise to pay needs a date and a positive amount.",
    )
    _one_item = models.Constraint(
        "CHECK (move_line_id IS NULL OR step_id IS NULL)", "A promise or dispute is about one item or the customer."
    )
    _open_idx = models.Index("(partner_id) WHERE state = 'open'")

    @api.depends("kind", "partner_id", "date_promised", "amount")
    def _compute_display_name(self):
        for record in self:
            record.display_name = str(Message(self.env, record._crm_plus_name_message()))

    def _crm_plus_name_message(self):
        """The record's name as a lazy translation (its notes read in each reader's language)."""
        self.ensure_one()
        if self.kind == "dispute":
            return _lt("Dispute: %(customer)s", customer=self.partner_id.display_name)
        return _lt(
            "Promise: %(customer)s, %(amount)s by %(date)s",
            customer=self.partner_id.display_name,
            amount=self.amount,
            date=str(self.date_promised or ""),
        )

    @api.constrains("kind", "reason")
    def _check_reason(self):
        for record in self:
            if record.kind == "dispute" and not (record.reason or "").strip():
                raise ValidationError(self.env._("A dispute needs a reason."))

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        self._check_finance()
        for vals in vals_list:
            # state and outcome come from the run and the actions, never from the client
            for fname in ("state", "date_closed", "kept_rate", "broken_notified", "amount_target", "user_id"):
                vals.pop(fname, None)
        records = super().create(vals_list)
        for record in records:
            if record.partner_id != record.partner_id.commercial_partner_id:
                record.partner_id = record.partner_id.commercial_partner_id
        records._set_targets()
        records._log_on_customer()
        return records

    def write(self, vals):
        self._check_finance()
        if {"state", "date_closed", "kept_rate", "broken_notified", "amount_target", "user_id"} & vals.keys():
            raise UserError(self.env._("The outcome of a promise or dispute changes only through its actions."))
        if any(record.state != "open" for record in self) and vals.keys() - {"reason"}:
            raise UserError(self.env._("A closed promise or dispute is history: record a new one."))
        res = super().write(vals)
        if {"amount", "move_line_id", "step_id", "partner_id"} & vals.keys():
            self._set_targets()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(self.env._("Promises and disputes are kept as history: cancel them instead."))

    def _check_finance(self):
        if not (self.env.su or self.env.user.has_group(FINANCE)):
            raise AccessError(self.env._("Only finance records promises to pay and disputes."))

    # --------------------------------------------------------------- actions

    @require_groups(FINANCE)
    def action_resolve(self):
        """Close open disputes (the customer's items are dunned again on the next run)."""
        disputes = self.filtered(lambda record: record.kind == "dispute" and record.state == "open")
        disputes._close("resolved")
        return True

    @require_groups(FINANCE)
    def action_cancel(self):
        """Withdraw open promises and disputes recorded by mistake."""
        self.filtered(lambda record: record.state == "open")._close("cancelled")
        return True

    def _close(self, state, kept_rate=None):
        if not self:
            return
        # sudo: the outcome is written by the checked actions and the run only (write refuses it)
        values = {"state": state, "date_closed": fields.Date.context_today(self)}
        if kept_rate is not None:
            values["kept_rate"] = kept_rate
        super(CrmPlusDunningPromise, self.sudo()).write(values)
        self._log_on_customer(state)

    def _log_on_customer(self, state=None):
        """Note on the customer: the promise recorded, or its new ``state``."""
        for record in self:
            name = record._crm_plus_name_message()
            if state:
                message = _lt("%(record)s: %(state)s.", record=name, state=Choice(record, "state", state))
            else:
                message = _lt("%(record)s: recorded.", record=name)
            # sudo: the customer's chatter carries the history whoever may write the customer
            record.partner_id.sudo()._crm_plus_message_post(
                chatter_note(self.env, message), subtype_xmlid="mail.mt_note"
            )

    # -------------------------------------------------------------- business

    def _covered_amounts(self):
        """{promise id: open amount now of the items it covers} (one query)."""
        if not self:
            return {}
        self.env.flush_all()
        # every open item of these customers, due or not
        items = self.env["crm_plus.dunning.run"]._items_query(date.max, self.partner_id.ids)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT h.id, COALESCE(SUM(it.amount_residual), 0)
                  FROM crm_plus_dunning_promise h
                  LEFT JOIN (%s) it
                         ON it.partner_id = h.partner_id
                        AND (h.move_line_id IS NULL AND h.step_id IS NULL
                             OR it.move_line_id = h.move_line_id OR it.step_id = h.step_id)
                 WHERE h.id IN %s
              GROUP BY h.id
                """,
                items,
                tuple(self.ids),
            )
        )
        return dict(rows)

    def _set_targets(self):
        promises = self.filtered(lambda record: record.kind == "promise")
        amounts = promises._covered_amounts()
        for promise in promises:
            # sudo: a figure of the run's, not the client's (write refuses it)
            super(CrmPlusDunningPromise, promise.sudo()).write(
                {"amount_target": max(amounts.get(promise.id, 0.0) - promise.amount, 0.0)}
            )

    @api.model
    def _settle(self, today):
        """Open promises: kept once the covered open amount reached the target, broken after their date."""
        promises = self.search([("kind", "=", "promise"), ("state", "=", "open")])
        amounts = promises._covered_amounts()
        kept = promises.filtered(lambda p: amounts.get(p.id, 0.0) <= p.amount_target + 0.005)
        broken = (promises - kept).filtered(lambda p: p.date_promised < today)
        kept._close("kept", 100.0)
        broken._close("broken", 0.0)
        return broken
