# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo import models
from odoo.tools import SQL
from odoo.tools.misc import format_date
from odoo.tools.misc import formatLang


class CrmPlusDunningReminder(models.Model):
    """Log of the reminder sent to a payment step's responsible before its due date: one per step, ever."""

    _name = "crm_plus.dunning.reminder"
    _description = "Payment Reminder"
    _inherit = ["crm_plus.dunning.attention.mixin"]
    _order = "date desc, id desc"

    step_id = fields.Many2one("crm_plus.plan.step", required=True, index=True, ondelete="cascade", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", index=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    # the step's company, set once when the run inserts the reminder (multi-company rule)
    company_id = fields.Many2one(related="step_id.company_id", store=True, index=True)
    order_id = fields.Many2one(related="step_id.order_id")
    partner_id = fields.Many2one(related="step_id.partner_id", string="Customer")
    date_due = fields.Date(related="step_id.date_due")
    amount_residual = fields.Float(related="step_id.amount_residual")
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")

    _step_uniq = models.UniqueIndex("(step_id)", "A payment step is reminded once.")

    def _crm_plus_failure_document(self):
        return self.step_id

    def _crm_plus_failure_summary(self):
        return self.env._("Payment reminder failed: needs attention")

    def _crm_plus_todo_texts(self):
        """Summary and note of the reminder's to-do, in its responsible's language (not the job's)."""
        self.ensure_one()
        env = self.with_context(lang=self.user_id.lang or self.env.lang).env
        step = self.step_id
        return {
            "summary": env._("Collect payment"),
            "note": env._(
                "%(amount)s due on %(date)s for %(order)s",
                amount=formatLang(env, self.amount_residual, currency_obj=step.currency_id),
                date=format_date(env, self.date_due),
                order=self.order_id.name,
            ),
        }

    def _notify(self):
        """An activity on the step for its responsible (unless one is open) and an internal email."""
        steps = self.step_id
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        open_activities = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch([("res_model", "=", steps._name), ("res_id", "in", steps.ids)], ["res_id", "user_id"])
        )
        has_activity = {(activity.res_id, activity.user_id.id) for activity in open_activities}
        model_id = self.env["ir.model"]._get_id(steps._name)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": reminder.step_id.id,
                "activity_type_id": todo.id if todo else False,
                **reminder._crm_plus_todo_texts(),
                "user_id": reminder.user_id.id,
                "date_deadline": reminder.date_due,
            }
            for reminder in self
            if (reminder.step_id.id, reminder.user_id.id) not in has_activity
        ]
        if vals_list:
            # sudo: reminders are activities for each step's responsible, created by the scheduled job
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        template = self.env.ref("crm_plus.mail_template_dunning_reminder", raise_if_not_found=False)
        with_email = self.filtered(lambda reminder: reminder.user_id.email)
        if template and with_email:
            # sudo: internal reminders queued by the scheduled job, rendered together (see the dunning run)
            vals_list = self.env["crm_plus.dunning.run"]._render_mail_values(template.sudo(), with_email.ids)
            mails = self.env["mail.mail"].sudo().create(vals_list)
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_plus_dunning_reminder r SET mail_id = v.mail_id FROM (VALUES %s) AS v(id, mail_id)"
                    " WHERE r.id = v.id",
                    SQL(", ").join(SQL("(%s, %s)", mail.res_id, mail.id) for mail in mails),
                )
            )
            with_email.invalidate_recordset(["mail_id"])
