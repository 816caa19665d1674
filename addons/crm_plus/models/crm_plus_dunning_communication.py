# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import dunning_channels
from .. import receivables
from ..access import FINANCE
from ..access import require_groups


class CrmPlusDunningCommunication(models.Model):
    """What one dunning run told one customer at one level through one channel, with the items."""

    _name = "crm_plus.dunning.communication"
    _description = "Dunning Communication"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm_plus.dunning.attention.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True)
    level_id = fields.Many2one("crm_plus.dunning.level", required=True, index=True, readonly=True, ondelete="restrict")
    policy_id = fields.Many2one(related="level_id.policy_id", store=True, index=True, precompute=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, readonly=True, help="Salesperson of the customer."
    )
    date = fields.Date(required=True, index=True, readonly=True, default=fields.Date.context_today)
    channel = fields.Selection(dunning_channels.selection, required=True, readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        required=True,
        default="draft",
        index=True,
        tracking=True,
        help="Emails stay draft while queued and become sent or failed with the mail queue; letters are sent "
        "once printed; phone calls and escalations once their activity is scheduled.",
    )
    missing_email = fields.Boolean(
        readonly=True, help="The customer has no email address: a letter and a phone call replace the email."
    )
    broken_promise = fields.Boolean(
        readonly=True, help="The customer broke a promise to pay: its items are dunned again, at the level reached."
    )
    mail_id = fields.Many2one(
        "mail.mail", string="Queued Mail", readonly=True, index="btree_not_null", ondelete="set null"
    )
    failure_stage = fields.Selection(
        [("dispatch", "Dunning run"), ("statement", "Statement"), ("delivery", "Delivery")],
        readonly=True,
        copy=False,
        help="Where it failed: the run (mail, call, escalation route) and the statement are retried by the next "
        "runs; a delivery failure (address, bounce) waits for finance to queue it again.",
    )
    escalation_user_id = fields.Many2one(
        "res.users", string="Escalated To", readonly=True, help="Manager who gets the escalation activity."
    )
    dispatch_pending = fields.Boolean(
        readonly=True,
        copy=False,
        help="Made by a dunning batch; its email or activity follows in the run's dispatch phase.",
    )
    _dispatch_pending_idx = models.Index("(id) WHERE dispatch_pending")
    statement_pending = fields.Boolean(
        readonly=True, copy=False, help="The queued email still waits for its PDF statement (attached when sent)."
    )
    line_ids = fields.One2many("crm_plus.dunning.communication.line", "communication_id", string="Items", readonly=True)
    amount_residual = fields.Monetary(readonly=True, string="Amount Overdue")
    item_count = fields.Integer(compute="_compute_item_count", string="Item Count")
    # the customer's credit notes not applied yet (live: what the statement shows when it is rendered)
    credit_data = fields.Json(
        compute="_compute_credits",
        string="Open Credit Notes",
        help="The customer's credit notes not applied yet, in this communication's company and currency.",
    )
    amount_credit = fields.Monetary(
        compute="_compute_credits",
        string="Open Credits",
        help="The customer's credit notes not applied yet (negative): the statement shows them and nets them.",
    )
    amount_balance = fields.Monetary(
        compute="_compute_credits", string="Balance after Credits", help="Amount overdue less the open credits."
    )

    def _compute_credits(self):
        """Open credit notes of the customers of all these communications, read at once (one query)."""
        credits = defaultdict(list)
        communications = self.filtered("id")
        if communications:
            self.env["account.move.line"].flush_model()
            self.env["account.move"].flush_model(["name", "invoice_date", "commercial_partner_id", "move_type"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT it.partner_id, it.company_id, it.currency_id, am.name, am.invoice_date,
                           it.amount_residual
                      FROM (%s) it
                      JOIN account_move am ON am.id = it.move_id
                  ORDER BY it.date_due, it.move_line_id
                    """,
                    receivables.invoice_items_sql(
                        # the customers' credit notes first (an array): their lines are then read by move
                        SQL(
                            """aml.amount_residual_currency < 0 AND aml.company_id IN %(companies)s
                               AND aml.move_id = ANY(ARRAY(SELECT id FROM account_move
                                                            WHERE commercial_partner_id IN %(partners)s
                                                              AND move_type = 'out_refund'))""",
                            partners=tuple(communications.partner_id.ids),
                            companies=tuple(communications.company_id.ids),
                        )
                    ),
                )
            )
            for partner_id, company_id, currency_id, name, invoice_date, residual in self.env.cr.fetchall():
                credits[partner_id, company_id, currency_id].append(
                    {"name": name, "date": invoice_date and invoice_date.isoformat(), "amount_residual": residual}
                )
        for communication in self:
            rows = credits[communication.partner_id.id, communication.company_id.id, communication.currency_id.id]
            communication.credit_data = rows
            communication.amount_credit = sum(row["amount_residual"] for row in rows)
            communication.amount_balance = communication.amount_residual + communication.amount_credit

    def _compute_item_count(self):
        counts = dict(
            self.env["crm_plus.dunning.communication.line"]._read_group(
                [("communication_id", "in", self.ids)], ["communication_id"], ["__count"]
            )
        )
        for communication in self:
            communication.item_count = counts.get(communication, 0)

    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        for communication in self:
            communication.display_name = self.env._(
                "%(customer)s - %(level)s (%(date)s)",
                customer=communication.partner_id.display_name or "",
                level=communication.level_id.name or "",
                date=communication.date or "",
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(communication.state == "sent" for communication in self):
            raise UserError(self.env._("Sent dunning communications are kept as history; cancel them instead."))

    # --------------------------------------------------------------- actions

    def action_print(self):
        """Print the statement (email channel) or letter and mark letters sent (finance only)."""
        letters = self.filtered(lambda c: c.channel == "letter" and c.state == "draft")
        if letters and not (self.env.su or self.env.user.has_group(FINANCE)):
            raise AccessError(self.env._("Only finance prints dunning letters: printing marks them sent."))
        letters.write({"state": "sent"})
        report = "crm_plus.action_report_dunning_letter" if letters else "crm_plus.action_report_dunning_statement"
        return self.env.ref(report).report_action(self)

    @require_groups(FINANCE)
    def action_cancel(self):
        if any(communication.state == "sent" for communication in self):
            raise UserError(self.env._("A sent communication cannot be cancelled."))
        # sudo: finance cancels the queued mail of a communication it may cancel, without mail.mail rights
        self.sudo().mail_id.filtered(lambda mail: mail.state in ("outgoing", "exception")).cancel()
        self.write({"state": "cancelled", "needs_attention": False})
        return True

    @require_groups(FINANCE)
    def action_mark_sent(self):
        self.filtered(lambda c: c.state in ("draft", "failed")).write(
            {"state": "sent", "failure_reason": False, "needs_attention": False}
        )
        return True

    @require_groups(FINANCE)
    def action_retry(self):
        """Queue a failed email again (after the customer's address was fixed); run failures go back to the run."""
        by_run = self.filtered(lambda c: c.state == "failed" and c.failure_stage in ("dispatch", "statement"))
        by_run.write({"retry_count": 0})
        by_run._crm_plus_requeue()
        self -= by_run
        for communication in self.filtered(lambda c: c.state == "failed" and c.channel == "email"):
            if not communication.partner_id.email:
                raise UserError(
                    self.env._(
                        "%(customer)s still has no email address.", customer=communication.partner_id.display_name
                    )
                )
        failed = self.filtered(lambda c: c.state == "failed" and c.channel == "email")
        self.env["crm_plus.dunning.run"]._queue_mails(failed)
        failed.write({"state": "draft", "failure_reason": False, "needs_attention": False})
        return True

    def _crm_plus_requeue(self):
        """Back to the run's dispatch phase: its next pass makes the email, call or escalation again."""
        # sudo: the queue's mail whose statement failed is replaced by the one the dispatch makes
        self.sudo().mail_id.filtered(lambda mail: mail.state == "exception").write({"state": "cancel"})
        self.write(
            {
                "state": "draft",
                "dispatch_pending": True,
                "mail_id": False,
                "statement_pending": False,
                "needs_attention": False,
                "failure_reason": False,
            }
        )

    # ------------------------------------------------------- mail integration

    def _message_receive_bounce(self, email, partner):
        """A bounce on the dunning email marks the communication failed."""
        super()._message_receive_bounce(email, partner)
        # sudo: a bounce arrives through the mail gateway, whatever its user; only the bounced communications'
        # state and failure are written (and the administrator notified)
        bounced = self.filtered(lambda c: c.state in ("draft", "sent")).sudo()
        bounced._crm_plus_mark_failed(
            dict.fromkeys(bounced, self.env._("Bounced: %(email)s", email=email)),
            {"state": "failed", "failure_stage": "delivery"},
        )

    def _get_statement_lines(self, section=None):
        """The items of the statement by due date: all, or the ``invoice`` lines, or the ``prepayment`` requests."""
        self.ensure_one()
        # fetched with the items of every communication rendered with this one (not one query per mail): the
        # items' lazy prefetch set (the ORM's, over all those communications) survives the filter
        lines = self.line_ids
        prefetch = lines._prefetch_ids
        if section == "invoice":
            lines = lines.filtered("move_line_id")
        elif section == "prepayment":
            lines = lines.filtered("step_id")
        return lines.with_prefetch(prefetch).sorted(lambda line: (line.date_due or fields.Date.today(), line.id))
