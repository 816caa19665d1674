# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the dunning run does with one record that fails: mark it, retry it later, tell the administrator.

A communication, a reminder, a route request or a statement that raises is isolated (see
``crm_plus.dunning.run._isolated``): the rest of its batch goes on, the record gets its error and one more
failed attempt, the next runs try it again until ``MAX_ATTEMPTS``, and the workflow administrator gets a
to-do the first time. "Needs attention" filters of the list views show these records.
"""

import logging

from odoo import fields
from odoo import models

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # failed attempts after which the run stops retrying a record (the administrator decides)


class CrmPlusDunningAttentionMixin(models.AbstractModel):
    _name = "crm_plus.dunning.attention.mixin"
    _description = "Dunning Failure (Needs Attention)"

    failure_reason = fields.Text(readonly=True, copy=False)
    retry_count = fields.Integer(
        string="Failed Attempts",
        readonly=True,
        copy=False,
        help=f"Attempts of the dunning run that failed; it tries again on its next runs, {MAX_ATTEMPTS} attempts "
        "at most.",
    )
    needs_attention = fields.Boolean(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Something failed: see the failure reason. The dunning run retries what it failed on; the "
        "workflow administrator has a to-do.",
    )

    def _crm_plus_mark_failed(self, errors, vals=None):
        """``errors`` {record: exception}: store each error, count the attempt, notify the first failure."""
        first = self.browse()
        for record, error in errors.items():
            message = str(error) or type(error).__name__
            _logger.info("dunning: %s failed: %s", record, message)
            record.write(
                dict(vals or {}, failure_reason=message, retry_count=record.retry_count + 1, needs_attention=True)
            )
            if record.retry_count == 1:
                first |= record
        first._crm_plus_notify_failure()

    def _crm_plus_clear_failure(self):
        self.filtered("needs_attention").write({"needs_attention": False, "failure_reason": False})

    # ---------------------------------------------------------- notification

    def _crm_plus_failure_document(self):
        """The record that carries the administrator's to-do (a mail.activity.mixin record)."""
        return self

    def _crm_plus_failure_summary(self):
        return self.env._("Dunning failed: needs attention")

    def _crm_plus_notify_failure(self):
        """A to-do for the workflow administrator (crm_plus administrator, else sales manager) of each company."""
        if not self:
            return
        todo = self.env["ir.model.data"]._xmlid_to_res_id("mail.mail_activity_data_todo", raise_if_not_found=False)
        vals_list, admins = [], {}
        for record in self:
            document = record._crm_plus_failure_document()
            if record.company_id not in admins:
                admins[record.company_id] = self._crm_plus_failure_admin(record.company_id)
            admin = admins[record.company_id]
            if not admin:
                _logger.warning("dunning: no administrator to notify of the failure of %s", record)
                continue
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id(document._name),
                    "res_id": document.id,
                    "activity_type_id": todo or False,
                    "summary": record._crm_plus_failure_summary(),
                    "note": record.failure_reason,
                    "user_id": admin.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        if vals_list:
            # sudo: the run notifies the administrator, whoever runs it (cron, finance)
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _crm_plus_failure_admin(self, company):
        # sudo: who administers the workflow is not the business of whoever runs the dunning
        Users = self.env["res.users"].sudo()
        for xmlid in ("crm_plus.crm_plus_group_admin", "sales_team.group_sale_manager"):
            group = self.env.ref(xmlid, raise_if_not_found=False)
            if not group:
                continue
            users = Users.search(
                [("all_group_ids", "in", group.ids), ("share", "=", False), ("company_ids", "in", company.ids)],
                order="id",
            ).filtered(lambda user: not user._is_superuser())
            if users:
                return users[:1]
        return Users
