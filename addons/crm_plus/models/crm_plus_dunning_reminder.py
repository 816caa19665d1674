# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import SQL
from odoo.tools.misc import format_date
from odoo.tools.misc import formatLang


class CrmPlusDunningReminder(models.Model):
    """Log of the reminder sent to the responsible of money coming due, before its due date, once ever: a payment
    step of a plan, or the receivable line of a customer invoice outside any plan (its salesperson)."""

    _name = "crm_plus.dunning.reminder"
    _description = "Payment Reminder"
    _inherit = ["crm_plus.dunning.attention.mixin"]
    _order = "date desc, id desc"

    step_id = fields.Many2one("crm_plus.plan.step", index=True, ondelete="cascade", readonly=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Invoice Line",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="The receivable line of a customer invoice that no execution plan follows.",
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    user_id = fields.Many2one("res.users", string="Responsible", index=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    # set once when the run inserts the reminder (multi-company rule, search by customer)
    company_id = fields.Many2one("res.company", compute="_compute_document", store=True, index=True)
    partner_id = fields.Many2one("res.partner", compute="_compute_document", store=True, index=True, string="Customer")
    order_id = fields.Many2one(related="step_id.order_id")
    date_due = fields.Date(compute="_compute_due", string="Due Date")
    amount_residual = fields.Float(compute="_compute_due", string="Open Amount")
    currency_id = fields.Many2one("res.currency", compute="_compute_due")
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")

    _step_uniq = models.UniqueIndex("(step_id)", "A payment step is reminded once.")
    _move_line_uniq = models.UniqueIndex(
        "(move_line_id) WHERE move_line_id IS NOT NULL", "An invoice's due date is reminded once."
    )
    _one_document = models.Constraint(
        "CHECK ((step_id IS NULL) <> (move_line_id IS NULL))",
        "A payment reminder is about a payment step or an invoice, not both.",
    )

    @api.depends("step_id.company_id", "step_id.partner_id", "move_line_id.company_id", "move_line_id.move_id")
    def _compute_document(self):
        for reminder in self:
            if reminder.step_id:
                reminder.company_id = reminder.step_id.company_id
                reminder.partner_id = reminder.step_id.partner_id
            else:
                reminder.company_id = reminder.move_line_id.company_id
                reminder.partner_id = reminder.move_line_id.move_id.commercial_partner_id

    def _compute_due(self):
        for reminder in self:
            if reminder.step_id:
                reminder.date_due = reminder.step_id.date_due
                reminder.amount_residual = reminder.step_id.amount_residual
                reminder.currency_id = reminder.step_id.currency_id
            else:
                line = reminder.move_line_id
                reminder.date_due = line.date_maturity
                reminder.amount_residual = line.amount_residual_currency
                reminder.currency_id = line.currency_id

    def _crm_plus_document(self):
        """The record the reminder is about: the payment step, or the invoice."""
        self.ensure_one()
        return self.step_id or self.move_line_id.move_id

    def _crm_plus_failure_document(self):
        return self._crm_plus_document()

    def _crm_plus_failure_summary(self):
        return self.env._("Payment reminder failed: needs attention")

    def _crm_plus_todo_texts(self):
        """Summary and note of the reminder's to-do, in its responsible's language (not the job's)."""
        self.ensure_one()
        env = self.with_context(lang=self.user_id.lang or self.env.lang).env
        return {
            "summary": env._("Collect payment"),
            "note": env._(
                "%(amount)s due on %(date)s for %(order)s",
                amount=formatLang(env, self.amount_residual, currency_obj=self.currency_id),
                date=format_date(env, self.date_due),
                order=self.order_id.name or self.move_id.name,
            ),
        }

    def _notify(self):
        """An activity on the step or invoice for its responsible (unless one is open) and an internal email."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        documents = {reminder: reminder._crm_plus_document() for reminder in self}
        has_activity = set()
        for model in {document._name for document in documents.values()}:
            ids = [document.id for document in documents.values() if document._name == model]
            # sudo: the job looks for the responsibles' open activities on these documents, whoever they are
            open_activities = (
                self.env["mail.activity"]
                .sudo()
                .search_fetch([("res_model", "=", model), ("res_id", "in", ids)], ["res_id", "user_id"])
            )
            has_activity |= {(model, activity.res_id, activity.user_id.id) for activity in open_activities}
        vals_list = [
            {
                "res_model_id": self.env["ir.model"]._get_id(document._name),
                "res_id": document.id,
                "activity_type_id": todo.id if todo else False,
                **reminder._crm_plus_todo_texts(),
                "user_id": reminder.user_id.id,
                "date_deadline": reminder.date_due,
            }
            for reminder, document in documents.items()
            if (document._name, document.id, reminder.user_id.id) not in has_activity
        ]
        if vals_list:
            # sudo: reminders are activities for each step's or invoice's responsible, created by the scheduled job
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        mails = self.env["mail.mail"]
        for xmlid, reminders in (
            ("crm_plus.mail_template_dunning_reminder", self.filtered("step_id")),
            ("crm_plus.mail_template_dunning_reminder_invoice", self.filtered("move_line_id")),
        ):
            template = self.env.ref(xmlid, raise_if_not_found=False)
            with_email = reminders.filtered(lambda reminder: reminder.user_id.email)
            if template and with_email:
                # sudo: internal reminders queued by the scheduled job, rendered together (see the dunning run)
                vals_list = self.env["crm_plus.dunning.run"]._render_mail_values(template.sudo(), with_email.ids)
                mails |= self.env["mail.mail"].sudo().create(vals_list)
        with_email = self.filtered(lambda reminder: reminder.user_id.email)
        if mails:
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_plus_dunning_reminder r SET mail_id = v.mail_id FROM (VALUES %s) AS v(id, mail_id)"
                    " WHERE r.id = v.id",
                    SQL(", ").join(SQL("(%s, %s)", mail.res_id, mail.id) for mail in mails),
                )
            )
            with_email.invalidate_recordset(["mail_id"])
