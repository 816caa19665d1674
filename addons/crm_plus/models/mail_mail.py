# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """Report the outcome of a dunning email on its communication (before auto-delete may drop the mail)."""
        dunning_mails = self.filtered(lambda mail: mail.model == "crm_plus.dunning.communication" and mail.res_id)
        if dunning_mails:
            communications = (
                self.env["crm_plus.dunning.communication"]
                .sudo()
                .search([("mail_id", "in", dunning_mails.ids), ("state", "in", ("draft", "sent", "failed"))])
            )
            if failure_type:
                communications.write({"state": "failed", "failure_reason": failure_reason or failure_type})
            else:
                communications.filtered(lambda c: c.state == "draft").write({"state": "sent"})
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
